"""Access: members see their organization's objects, editors write, viewers only read, and an
outsider gets 404 for every URL that names another organization's object."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foia.models import Attachment, Campaign
from tests.workspace.conftest import drain, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(refused, owner, org):
    campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
    refused.campaign = campaign
    refused.save()
    attachment = Attachment(
        request=refused, original_name="r.pdf", content_type="application/pdf", size=10
    )
    attachment.file.save("r.pdf", pdf(), save=False)
    attachment.save()
    return {"request": refused, "campaign": campaign, "attachment": attachment, "org": org}


def request_urls(o):
    pk = o["request"].pk
    return [
        reverse("workspace:request", args=[pk]),
        reverse("workspace:request_edit", args=[pk]),
        reverse("workspace:request_publishing", args=[pk]),
        reverse("workspace:request_preview", args=[pk]),
        reverse("workspace:request_sent", args=[pk]),
        reverse("workspace:request_received", args=[pk]),
        reverse("workspace:record", args=[pk]),
        reverse("workspace:record_event", args=[pk, "answer"]),
        reverse("workspace:generate", args=[pk, "appeal"]),
        reverse("workspace:generate_download", args=[pk, "appeal", "pdf"]),
        reverse("workspace:generate_download", args=[pk, "request", "txt"]),
        reverse("workspace:attachment", args=[o["attachment"].pk]),
        reverse("workspace:campaign", args=[o["campaign"].pk]),
        reverse("workspace:organization", args=[o["org"].slug]),
    ]


POST_URLS = [
    ("workspace:request_assign", "request"),
    ("workspace:request_publishing", "request"),
    ("workspace:request_sent", "request"),
    ("workspace:document_add", "request"),
    ("workspace:campaign_send", "campaign"),
]


def test_an_outsider_gets_404_for_every_page_of_another_organizations_request(
    objects, outsider_client
):
    for url in request_urls(objects):
        assert outsider_client.get(url).status_code == 404, url


def test_an_outsider_gets_404_when_posting_to_another_organizations_objects(
    objects, outsider_client
):
    for name, key in POST_URLS:
        url = reverse(name, args=[objects[key].pk])
        assert outsider_client.post(url, {}).status_code == 404, url
    url = reverse("workspace:member", args=[objects["org"].slug, 1])
    assert outsider_client.post(url, {"role": "owner"}).status_code == 404


def test_an_outsider_sees_none_of_another_organizations_work(objects, outsider_client):
    for name in ("workspace:board", "workspace:requests", "workspace:campaigns"):
        body = outsider_client.get(reverse(name)).content.decode()
        assert "Safe City" not in body, name
        assert "Kamere" not in body, name


def test_a_colleague_sees_every_page_of_the_organizations_request(objects, editor_client):
    for url in request_urls(objects):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            drain(response)


def test_a_viewer_reads_but_cannot_open_any_form_that_writes(objects, viewer_client):
    pk = objects["request"].pk
    assert viewer_client.get(reverse("workspace:request", args=[pk])).status_code == 200
    for name in (
        "workspace:request_edit",
        "workspace:request_publishing",
        "workspace:request_sent",
        "workspace:request_received",
        "workspace:record",
    ):
        assert viewer_client.get(reverse(name, args=[pk])).status_code == 403, name
    assert viewer_client.get(reverse("workspace:request_create")).status_code == 403
    assert viewer_client.get(reverse("workspace:campaign_create")).status_code == 403


def test_a_viewer_cannot_post_a_change(objects, viewer_client):
    request = objects["request"]
    for name, key in POST_URLS:
        url = reverse(name, args=[objects[key].pk])
        assert viewer_client.post(url, {}).status_code == 403, url
    response = viewer_client.post(
        reverse("workspace:record_event", args=[request.pk, "appeal_filed"]),
        {"occurred_on": "2026-11-12", "appeal_ground": "refusal"},
    )
    assert response.status_code == 403
    assert not request.events.filter(kind="appeal_filed").exists()


def test_a_viewer_does_not_get_the_write_buttons(objects, viewer_client):
    body = viewer_client.get(
        reverse("workspace:request", args=[objects["request"].pk])
    ).content.decode()
    assert reverse("workspace:record", args=[objects["request"].pk]) not in body
    assert reverse("workspace:request_edit", args=[objects["request"].pk]) not in body


def test_anonymous_visitors_are_sent_to_the_login_page(objects, client):
    for url in [reverse("workspace:board"), *request_urls(objects)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("workspace:login")), url
