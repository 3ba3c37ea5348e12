"""Campaigns: one question to many bodies — chosen by kind, by place or from an uploaded list,
previewed, created as one draft per body, sent together and tracked on one page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foia.models import Campaign, Request, RequestStatus
from foia.workspace import selectors
from foia.workspace.models import AuditAction, AuditEntry
from tests.workspace.conftest import D

pytestmark = pytest.mark.django_db


def campaign_data(**overrides):
    data = {
        "title": "Kamere u lokalnim samoupravama",
        "subject": "Nabavka kamera",
        "information_sought": "Ugovori o nabavci kamera za video nadzor od 2019.",
        "want_copy": "on",
        "copy_delivery": "email",
        "requester_name": "SHARE Fondacija",
        "requester_address": "Beograd",
    }
    data.update(overrides)
    return data


def test_choosing_by_kind_previews_every_matching_body_and_creates_nothing(
    editor_client, municipalities, ministry
):
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(kinds=["city", "municipality"], action="preview"),
    )
    assert response.status_code == 200
    selection = response.context["selection"]
    names = [a.name for a in selection.sample]
    assert selection.count == 4 and len(names) == 4
    assert "Ministarstvo" not in " ".join(names)
    assert not Campaign.objects.exists()
    assert "Ugovori o nabavci kamera" in response.content.decode()  # input kept


def test_kind_and_place_narrow_together(editor_client, municipalities):
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(kinds=["city"], place="novi sad", action="preview"),
    )
    assert [a.name for a in response.context["selection"].sample] == ["Grad Novi Sad"]


def test_an_uploaded_list_matches_catalogue_ids_and_names_and_reports_the_rest(
    editor_client, municipalities, ministry
):
    upload = SimpleUploadedFile(
        "lista.csv", "cat-0\nGRAD NIŠ;extra column\nNepostojeća opština\n\n".encode()
    )
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(
            list_file=upload, list_text="Ministarstvo unutrašnjih poslova", action="preview"
        ),
    )
    assert response.context["selection"].count == 3
    assert response.context["selection"].unmatched == ["Nepostojeća opština"]
    assert "Nepostojeća opština" in response.content.decode()


def test_a_choice_is_needed_before_anything_is_previewed(editor_client, municipalities):
    response = editor_client.post(
        reverse("workspace:campaign_create"), campaign_data(action="preview")
    )
    assert "Choose a kind, a place" in response.content.decode()


def test_creating_makes_one_draft_per_body_chosen_less_those_left_out(
    editor_client, municipalities, colleague
):
    ids = [a.pk for a in municipalities[:3]]
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(
            kinds=["city", "municipality"],
            exclude=[municipalities[3].pk],
            action="create",
            assignee=colleague.pk,
        ),
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("workspace:campaign", args=[campaign.pk])
    requests = Request.objects.filter(campaign=campaign)
    assert sorted(requests.values_list("authority_id", flat=True)) == sorted(ids)
    assert set(requests.values_list("status", flat=True)) == {RequestStatus.DRAFT}
    assert set(requests.values_list("assignee", flat=True)) == {colleague.pk}
    assert (
        AuditEntry.objects.filter(action=AuditAction.REQUEST_CREATED, campaign=campaign).count()
        == 3
    )


def test_a_campaign_without_bodies_is_not_created(editor_client, municipalities):
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(kinds=["court"], action="create"),
    )
    assert "No authority matches this choice." in response.content.decode()
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_the_drafts_are_marked_sent_together_and_tracked_on_the_campaign_page(
    editor_client, municipalities, frozen
):
    editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(authorities=[a.pk for a in municipalities], action="create"),
    )
    campaign = Campaign.objects.get()
    drafts = list(campaign.requests.all())
    response = editor_client.post(
        reverse("workspace:campaign_send", args=[campaign.pk]),
        {"occurred_on": "2026-11-16", "channel": "email", "requests": [r.pk for r in drafts[:3]]},
        follow=True,
    )
    assert "3 requests marked as sent." in response.content.decode()
    statuses = sorted(campaign.requests.values_list("status", flat=True))
    assert statuses == ["awaiting_answer"] * 3 + ["draft"]
    page = editor_client.get(reverse("workspace:campaign", args=[campaign.pk]))
    rows = page.context["rows"]
    assert len(rows) == 4
    sent_rows = [row for row in rows if row.deadline]
    assert {row.deadline.due_on for row in sent_rows} == {D(2026, 12, 1)}
    body = page.content.decode()
    assert "Opština Čukarica" in body and "11 days left" in body


def test_the_campaign_page_runs_a_constant_number_of_queries(
    editor_client, municipalities, ministry, government, frozen
):
    editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(authorities=[municipalities[0].pk], action="create"),
    )
    campaign = Campaign.objects.get()
    with CaptureQueriesContext(connection) as one:
        selectors.campaign_rows(campaign, today=D(2026, 11, 20))
    for authority in [*municipalities[1:], ministry, government]:
        Request.objects.create(
            organization=campaign.organization,
            authority=authority,
            campaign=campaign,
            subject="x",
            information_sought="y",
        )
    with CaptureQueriesContext(connection) as many:
        rows = selectors.campaign_rows(campaign, today=D(2026, 11, 20))
    assert len(rows) == 6 and len(many) == len(one)


def test_a_viewer_cannot_start_a_campaign_or_send_one(viewer_client, owner, org):
    campaign = Campaign.objects.create(organization=org, title="K", created_by=owner)
    assert viewer_client.get(reverse("workspace:campaign_create")).status_code == 403
    assert (
        viewer_client.post(reverse("workspace:campaign_send", args=[campaign.pk])).status_code
        == 403
    )
    assert viewer_client.get(reverse("workspace:campaign", args=[campaign.pk])).status_code == 200
