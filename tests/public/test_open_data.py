"""Exports (CSV, JSON) honour the log's filters and document their columns; feeds list new
responses; documents are served only when public, safely."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from foia.models import Attachment
from foia.public import exports
from foia.public.views.documents import safe_filename

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def csv_rows(client, **params) -> list[dict]:
    response = client.get(reverse("public:export_csv"), params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(body(response))))


def json_data(client, **params) -> dict:
    response = client.get(reverse("public:export_json"), params)
    assert response["Content-Type"] == "application/json"
    return json.loads(body(response))


def test_the_csv_has_the_documented_columns_and_only_published_requests(client, story):
    rows = csv_rows(client)
    assert list(rows[0]) == exports.COLUMN_NAMES
    assert {int(r["id"]) for r in rows} == {r.pk for r in story.published}
    refused = next(r for r in rows if int(r["id"]) == story.refused.pk)
    assert refused["outcome"] == "refused"
    assert refused["refusal_grounds"] == "art9_3;art14"
    assert refused["appealed"] == "true"
    assert refused["commissioner_outcome"] == "ordered"
    assert refused["commissioner_in_time"] == "true"
    assert refused["answered_in_time"] == "true"
    assert refused["url"].endswith(f"/requests/{story.refused.pk}/")
    assert refused["campaign_id"] == str(story.refused.campaign_id)


def test_the_exports_honour_the_filters(client, story):
    assert [int(r["id"]) for r in csv_rows(client, kind="city")] == [story.answered.pk]
    assert [r["id"] for r in json_data(client, q="Sigurni")["requests"]] == [story.refused.pk]
    assert [r["id"] for r in json_data(client, overdue="on", sort="sent")["requests"]] == [
        story.embargo_over.pk,
        story.silent.pk,
    ]


def test_the_json_export_is_typed_and_points_to_its_documentation(client, story):
    data = json_data(client, kind="municipality")
    assert data["generated_on"] == "2026-11-20"
    assert data["documentation"].endswith(reverse("public:data"))
    (row,) = data["requests"]
    assert row["silent_now"] is True
    assert row["days_early_or_late"] == -16
    assert row["refusal_grounds"] == []
    assert row["first_answer_on"] is None
    assert set(row) == set(exports.COLUMN_NAMES)


def test_a_private_campaign_is_not_named_in_the_exports(client, story):
    campaign = story.refused.campaign
    campaign.is_public = False
    campaign.save()
    assert {r["campaign_id"] for r in csv_rows(client)} == {""}


def test_the_data_page_documents_every_column(client):
    html = client.get(reverse("public:data")).content.decode()
    for name in exports.COLUMN_NAMES:
        assert f"<code>{name}</code>" in html


def test_the_feed_lists_new_public_responses_newest_first(client, story):
    response = client.get(reverse("public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(entries) == 3  # refusal, Commissioner's decision, answer
    assert titles[0].startswith("Ministarstvo unutrašnjih poslova: Commissioner's decision")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links[0].endswith(
        f"/requests/{story.refused.pk}/#event-{story.refused.events.last().pk}"
    )


def test_the_authority_feed_lists_only_its_responses(client, story):
    response = client.get(reverse("public:authority_feed", args=[story.answered.authority_id]))
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert "Dostavljamo ugovor za 24 kamere." in entries[0].find(f"{ATOM}summary").text


def test_a_response_made_private_leaves_the_feed(client, story):
    story.answer.is_public = False
    story.answer.save()
    assert "Kamere na raskrsnicama" not in client.get(reverse("public:feed")).content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(
    request,
    *,
    public: bool,
    name: str = "rešenje 01-4512.pdf",
    event=None,
    content_type="application/pdf",
):
    attachment = Attachment(
        request=request,
        event=event,
        original_name=name,
        content_type=content_type,
        size=5,
        is_public=public,
    )
    attachment.file.save("doc.bin", ContentFile(b"%PDF-"), save=False)
    attachment.save()
    return attachment


def test_a_public_document_downloads_with_safe_headers(client, story, media):
    doc = attach(story.refused, public=True, event=story.refusal)
    response = client.get(reverse("public:document", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "re%C5%A1enje_01-4512.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    html = client.get(reverse("public:request", args=[story.refused.pk])).content.decode()
    assert reverse("public:document", args=[doc.pk]) in html


def test_an_uploaded_html_file_is_served_as_opaque_bytes(client, story, media):
    doc = attach(story.refused, public=True, name="<script>x.html", content_type="text/html")
    response = client.get(reverse("public:document", args=[doc.pk]))
    response.close()
    assert response["Content-Type"] == "application/octet-stream"
    assert "<" not in response["Content-Disposition"]


def test_documents_that_are_not_public_are_not_found(client, story, media):
    hidden_doc = attach(story.refused, public=False)
    of_hidden_request = attach(story.embargoed, public=True)
    story.answer.is_public = False
    story.answer.save()
    of_hidden_event = attach(story.answered, public=True, event=story.answer)
    for doc in (hidden_doc, of_hidden_request, of_hidden_event):
        assert client.get(reverse("public:document", args=[doc.pk])).status_code == 404
    html = client.get(reverse("public:request", args=[story.refused.pk])).content.decode()
    assert reverse("public:document", args=[hidden_doc.pk]) not in html


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\odluka.pdf", "odluka.pdf"),
        ('ime "sa" navodnicima.pdf', "ime_sa_navodnicima.pdf"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        ("..", "document"),
        ("", "document"),
        (".htaccess", "htaccess"),
    ],
)
def test_file_names_are_made_safe(name, safe):
    assert safe_filename(name) == safe
