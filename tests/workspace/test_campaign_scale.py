"""Campaigns at catalogue size: choosing among thousands of bodies with live counts, creating the
drafts in batches on the worker (exactly once), the campaign page paged and filtered with its
figures, the report to publish, the letters in one download and publishing the requests."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from foia.models import (
    Authority,
    AuthorityKind,
    Campaign,
    CampaignBuild,
    Request,
    RequestStatus,
    Visibility,
)
from foia.services import campaigns as service
from foia.workspace import campaign_selectors
from foia.workspace.models import AuditAction, AuditEntry
from tests.workspace.conftest import D, rec
from tests.workspace.test_campaigns import campaign_data

pytestmark = pytest.mark.django_db

LETTER = {
    "subject": "Nabavka kamera",
    "information_sought": "Ugovori o nabavci kamera za video nadzor od 2019.",
    "want_copy": True,
    "copy_delivery": "email",
    "requester_name": "Ana Anić",
    "requester_address": "Kneza Miloša 1, Beograd",
    "requester_email": "ana.private@example.net",
    "internal_notes": "Call the press office on Monday.",
}


def bodies(n: int, *, kind=AuthorityKind.MUNICIPALITY, place="Šabac", start=0, parent=None):
    authorities = [
        Authority(
            name=f"Opština {i:05d}",
            kind=kind,
            place=place,
            catalogue_id=f"k-{kind}-{i}",
            parent=parent,
        )
        for i in range(start, start + n)
    ]
    for authority in authorities:
        authority.refresh_search_key()
    return Authority.objects.bulk_create(authorities)


def start(org, user, authorities, **kwargs):
    return service.campaign_start(
        organization=org,
        user=user,
        title="Kamere",
        authority_ids=[a.pk for a in authorities],
        request_fields=dict(LETTER),
        **kwargs,
    )


# --- the form ---------------------------------------------------------------------------------


def test_the_new_campaign_form_has_its_submit_button_before_any_preview(editor_client):
    body = editor_client.get(reverse("workspace:campaign_create")).content.decode()
    assert 'name="action" value="create"' in body
    assert 'name="submission_key"' in body


def test_the_form_lists_no_authorities_whatever_the_catalogue_size(editor_client):
    bodies(300)
    body = editor_client.get(reverse("workspace:campaign_create")).content.decode()
    assert "Opština 00001" not in body
    assert body.count("<option") < 40  # the organisation and assignee selects, nothing more
    assert "Municipality (300)" in body  # the count beside each kind


def test_the_choice_counts_answer_by_kind_and_place_in_a_constant_number_of_queries(
    editor_client,
):
    bodies(3, place="Valjevo")
    url = reverse("workspace:campaign_choice")
    with CaptureQueriesContext(connection) as small:
        data = editor_client.get(url, {"kinds": "municipality", "q": "opš"}).json()
    assert data["count"] == 3 and data["by_kind"][0]["n"] == 3
    assert data["by_place"] == [{"place": "Valjevo", "n": 3}]
    bodies(400, start=10, place="Loznica")
    bodies(50, start=500, kind=AuthorityKind.CITY, place="Loznica")
    with CaptureQueriesContext(connection) as large:
        data = editor_client.get(url, {"kinds": "municipality", "q": "opš"}).json()
    assert data["count"] == 403
    assert len(data["results"]) == 20  # search-as-you-type: the first matches only
    assert len(large) == len(small)
    data = editor_client.get(url, {"place": "lozn"}).json()
    assert data["places"] == ["Loznica"] and data["count"] == 0
    data = editor_client.get(url, {"kinds": ["city", "municipality"], "place": "loznica"}).json()
    assert data["count"] == 450
    assert {k["kind"]: k["n"] for k in data["by_kind"]} == {"city": 50, "municipality": 400}


def test_the_choice_counts_take_bad_input_without_an_error(editor_client):
    url = reverse("workspace:campaign_choice")
    for params in (
        {"place": "No\x00vi\x01 Sad"},
        {"q": "\x00\x00"},
        {"parent": "²" * 2000},
        {"kinds": "nonsense"},
        {"q": "9" * 40},
    ):
        response = editor_client.get(url, params)
        assert response.status_code == 200, params


def test_the_choice_counts_are_for_editors_only(viewer_client, client):
    url = reverse("workspace:campaign_choice")
    assert viewer_client.get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_a_parent_choice_takes_every_body_under_it(editor_client, ministry):
    schools = bodies(3, kind=AuthorityKind.INSTITUTION, parent=ministry)
    Authority.objects.create(
        name="Odeljenje škole", kind=AuthorityKind.INSTITUTION, parent=schools[0]
    )
    bodies(2, start=50, kind=AuthorityKind.INSTITUTION)  # under no parent
    url = reverse("workspace:campaign_choice")
    assert editor_client.get(url, {"parent": ministry.name}).json()["count"] == 4
    data = editor_client.get(url, {"parent": "Nepostojeće ministarstvo"}).json()
    assert data["count"] == 0 and data["unmatched"] == ["Nepostojeće ministarstvo"]


def test_a_double_submit_of_the_form_creates_one_campaign(editor_client, municipalities):
    key = str(uuid.uuid4())
    url = reverse("workspace:campaign_create")
    first = editor_client.post(url, campaign_data(kinds=["city"], submission_key=key))
    second = editor_client.post(url, campaign_data(kinds=["city"], submission_key=key))
    campaign = Campaign.objects.get()
    assert (
        first["Location"] == second["Location"] == reverse("workspace:campaign", args=[campaign.pk])
    )
    assert campaign.requests.count() == 2


def test_lines_matching_nothing_stop_the_creation_and_are_listed(editor_client, municipalities):
    response = editor_client.post(
        reverse("workspace:campaign_create"),
        campaign_data(list_text="Grad Niš\nNepostojeća opština\x00"),
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    assert "Nepostojeća opština" in response.content.decode()


# --- creating the drafts -------------------------------------------------------------------------


def test_a_large_campaign_is_queued_for_the_worker_after_the_commit(
    owner, org, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_MAX", 5)
    queued = []
    from foia import tasks

    monkeypatch.setattr(tasks.campaign_build_task, "delay", lambda pk: queued.append(pk))
    authorities = bodies(12)
    with django_capture_on_commit_callbacks(execute=True):
        campaign, created = start(org, owner, authorities)
    assert created and queued == [campaign.pk]
    assert campaign.build_state == CampaignBuild.QUEUED and campaign.build_total == 12
    assert not campaign.requests.exists()


def test_the_worker_creates_the_drafts_in_batches_with_progress_and_exactly_once(
    owner, org, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_MAX", 5)
    authorities = bodies(12)
    with django_capture_on_commit_callbacks(execute=False):
        campaign, _created = start(org, owner, authorities)
    first = service._build_batch(campaign.pk, 5)  # a worker that dies after one batch
    assert (first.build_state, first.build_done) == (CampaignBuild.RUNNING, 5)
    done = service.campaign_build(campaign_id=campaign.pk, batch_size=5)  # redelivered
    assert (done.build_state, done.build_done, done.build_plan) == (CampaignBuild.DONE, 12, {})
    again = service.campaign_build(campaign_id=campaign.pk, batch_size=5)  # a re-run
    assert again.build_done == 12
    requests = Request.objects.filter(campaign=campaign)
    assert requests.count() == 12
    assert sorted(requests.values_list("authority_id", flat=True)) == sorted(
        a.pk for a in authorities
    )
    assert set(requests.values_list("status", "visibility")) == {
        (RequestStatus.DRAFT, Visibility.PRIVATE)
    }
    assert requests.filter(requester_name="Ana Anić", created_by=owner).count() == 12
    created = AuditEntry.objects.filter(campaign=campaign, action=AuditAction.REQUEST_CREATED)
    assert created.count() == 12
    assert (
        AuditEntry.objects.filter(campaign=campaign, action=AuditAction.CAMPAIGN_CREATED).count()
        == 1
    )


def test_a_body_deleted_before_the_worker_runs_is_skipped(owner, org, monkeypatch):
    monkeypatch.setattr(service, "INLINE_MAX", 0)
    monkeypatch.setattr("foia.tasks.campaign_build_task.delay", lambda pk: None)
    authorities = bodies(3)
    campaign, _created = start(org, owner, authorities)
    authorities[1].delete()
    done = service.campaign_build(campaign_id=campaign.pk)
    assert done.build_state == CampaignBuild.DONE and campaign.requests.count() == 2


def test_the_letter_is_checked_before_anything_is_queued(owner, org, ministry):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service.campaign_start(
            organization=org,
            user=owner,
            title="K",
            authority_ids=[ministry.pk],
            request_fields={**LETTER, "requester_email": "not an address"},
        )
    assert not Campaign.objects.exists()


def test_a_failed_build_can_be_tried_again_and_creates_only_what_is_missing(
    editor_client, owner, org, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_MAX", 0)
    queued = []
    monkeypatch.setattr("foia.tasks.campaign_build_task.delay", lambda pk: queued.append(pk))
    campaign, _created = start(org, owner, bodies(4))
    service._build_batch(campaign.pk, 2)
    service.campaign_build_failed(campaign_id=campaign.pk, error="database went away")
    page = editor_client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "database went away" in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("workspace:campaign_retry", args=[campaign.pk]))
    assert queued == [campaign.pk]
    service.campaign_build(campaign_id=campaign.pk)
    assert campaign.requests.count() == 4


def test_the_progress_is_shown_to_members_only(
    editor_client, outsider_client, owner, org, monkeypatch
):
    monkeypatch.setattr(service, "INLINE_MAX", 0)
    monkeypatch.setattr("foia.tasks.campaign_build_task.delay", lambda pk: None)
    campaign, _created = start(org, owner, bodies(3))
    url = reverse("workspace:campaign_progress", args=[campaign.pk])
    assert editor_client.get(url).json() == {
        "state": "queued",
        "label": "waiting for the worker",
        "done": 0,
        "total": 3,
        "error": "",
    }
    assert outsider_client.get(url).status_code == 404
    page = editor_client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "<progress" in page


# --- the campaign page and its report -------------------------------------------------------------


@pytest.fixture
def tracked(org, owner, frozen):
    """A campaign of six: refused on Art. 9(3) and appealed, answered, silent, waiting, drafts."""
    authorities = bodies(6)
    campaign, _created = start(org, owner, authorities)
    by_name = {r.authority.name: r for r in campaign.requests.select_related("authority")}
    refused, answered, silent, waiting = (by_name[f"Opština {i:05d}"] for i in range(4))
    for r in (refused, answered, silent):
        rec(r, "sent", D(2026, 10, 1), channel="email")
    rec(waiting, "sent", D(2026, 11, 16), channel="email")
    rec(
        refused,
        "refusal",
        D(2026, 10, 9),
        received_on=D(2026, 10, 10),
        channel="email",
        decision_number="1/26",
        decision_date=D(2026, 10, 8),
        grounds=["art9_3"],
    )
    rec(refused, "appeal_filed", D(2026, 10, 15), appeal_ground="refusal", channel="email")
    rec(answered, "answer", D(2026, 10, 12), answer_kind="full", channel="email")
    return campaign


def names(response) -> list[str]:
    return [row.request.authority.name for row in response.context["rows"]]


def test_the_campaign_page_filters_answered_silent_refused_by_ground_and_appealed(
    editor_client, tracked
):
    url = reverse("workspace:campaign", args=[tracked.pk])
    assert len(names(editor_client.get(url))) == 6
    assert names(editor_client.get(url, {"show": "answered"})) == ["Opština 00000", "Opština 00001"]
    assert names(editor_client.get(url, {"show": "silent"})) == ["Opština 00002"]
    assert names(editor_client.get(url, {"show": "refused"})) == ["Opština 00000"]
    assert names(editor_client.get(url, {"ground": "art9_3"})) == ["Opština 00000"]
    assert names(editor_client.get(url, {"ground": "art8"})) == []
    assert names(editor_client.get(url, {"show": "appealed"})) == ["Opština 00000"]
    assert len(names(editor_client.get(url, {"show": "draft"}))) == 2
    assert len(names(editor_client.get(url, {"show": "nonsense\x00", "page": "99999999"}))) == 6


def test_the_campaign_figures_come_from_the_statistics(editor_client, tracked):
    figures = editor_client.get(reverse("workspace:campaign", args=[tracked.pk])).context["figures"]
    assert figures.requests == 4
    assert (figures.on_time, figures.late, figures.silent, figures.waiting) == (2, 0, 1, 1)
    assert figures.appealed == 1
    assert {code: n for code, _label, n in figures.grounds}["art9_3"] == 1


def test_the_campaign_page_is_paged_with_a_constant_number_of_queries(
    editor_client, org, owner, frozen, monkeypatch
):
    monkeypatch.setattr(campaign_selectors, "PAGE_SIZE", 5)
    campaign, _created = start(org, owner, bodies(4))
    url = reverse("workspace:campaign", args=[campaign.pk])
    with CaptureQueriesContext(connection) as small:
        editor_client.get(url)
    service.campaign_build(campaign_id=campaign.pk)
    more = bodies(40, start=100)
    Request.objects.bulk_create(
        Request(
            organization=org, authority=a, campaign=campaign, subject="s", information_sought="i"
        )
        for a in more
    )
    for r in campaign.requests.order_by("pk")[:6]:
        rec(r, "sent", D(2026, 11, 2), channel="email")
    with CaptureQueriesContext(connection) as large:
        response = editor_client.get(url, {"page": "2"})
    assert len(names(response)) == 5 and response.context["page"].paginator.count == 44
    assert len(large) == len(small)


def test_the_csv_report_has_every_request_no_private_data_and_no_formulas(editor_client, tracked):
    Authority.objects.filter(name="Opština 00005").update(name="=HYPERLINK(1)")
    response = editor_client.get(reverse("workspace:campaign_report", args=[tracked.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 7
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    refused = next(row for row in rows if row[1] == "Opština 00000")
    assert "Art. 9(3)" in " ".join(refused) or "9" in refused[13]
    silent = next(row for row in rows if row[1] == "Opština 00002")
    assert silent[11] == "yes"
    for private in ("Ana Anić", "Kneza Miloša", "ana.private@example.net", "press office"):
        assert private not in text


def test_the_pdf_summary_carries_the_figures_and_the_charts(editor_client, tracked):
    response = editor_client.get(reverse("workspace:campaign_report", args=[tracked.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kamere" in text
    assert "Answered on time" in text and "1 (33 %)" in text  # the chart's bars, drawn
    assert "Ana Anić" not in text


def test_the_reports_are_for_members_only(outsider_client, client, tracked):
    for fmt in ("csv", "pdf"):
        url = reverse("workspace:campaign_report", args=[tracked.pk, fmt])
        assert outsider_client.get(url).status_code == 404
        assert client.get(url).status_code == 302


def test_the_letters_of_every_draft_come_in_one_zip_one_pdf_per_authority(
    editor_client, outsider_client, org, owner
):
    campaign, _created = start(org, owner, bodies(3))
    url = reverse("workspace:campaign_letters", args=[campaign.pk])
    response = editor_client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = archive.namelist()
    assert len(files) == 3 and all(name.endswith(".pdf") for name in files)
    assert archive.read(files[0]).startswith(b"%PDF")
    assert outsider_client.get(url).status_code == 404


# --- publishing -----------------------------------------------------------------------------------


def test_publishing_a_campaign_publishes_its_requests_so_its_public_page_lists_them(
    editor_client, client, tracked
):
    url = reverse("workspace:campaign_publishing", args=[tracked.pk])
    assert "none of its requests is" not in editor_client.get(url).content.decode()
    response = editor_client.post(url, {"is_public": "on", "visibility": "public"}, follow=True)
    assert "6 requests changed" in response.content.decode()
    assert response.context["n_published"] == 4  # drafts are never public
    tracked.refresh_from_db()
    assert tracked.is_public
    public = client.get(reverse("public:campaign", args=[tracked.pk])).content.decode()
    assert "Opština 00000" in public and "Ana Anić" not in public


def test_a_campaign_can_be_published_after_an_embargo(editor_client, client, tracked):
    url = reverse("workspace:campaign_publishing", args=[tracked.pk])
    response = editor_client.post(url, {"is_public": "on", "visibility": "embargoed"})
    assert "Give the date the embargo ends." in response.content.decode()
    editor_client.post(
        url, {"is_public": "on", "visibility": "embargoed", "embargo_until": "2027-01-15"}
    )
    assert set(tracked.requests.values_list("visibility", "embargo_until")) == {
        (Visibility.EMBARGOED, D(2027, 1, 15))
    }
    public = client.get(reverse("public:campaign", args=[tracked.pk])).content.decode()
    assert "Opština 00000" not in public


def test_only_editors_of_the_organisation_publish_a_campaign(
    viewer_client, outsider_client, tracked
):
    url = reverse("workspace:campaign_publishing", args=[tracked.pk])
    assert viewer_client.post(url, {"is_public": "on", "visibility": "public"}).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert not tracked.requests.filter(visibility=Visibility.PUBLIC).exists()


def test_the_worker_task_builds_the_campaign_and_a_rerun_creates_nothing(owner, org, monkeypatch):
    from foia.tasks import campaign_build_task

    monkeypatch.setattr(service, "INLINE_MAX", 0)
    monkeypatch.setattr(campaign_build_task, "delay", lambda pk: None)
    campaign, _created = start(org, owner, bodies(7))
    assert campaign_build_task(campaign.pk) == 7
    assert campaign_build_task(campaign.pk) == 7
    assert campaign.requests.count() == 7


def test_the_worker_task_marks_the_campaign_failed_when_it_gives_up(owner, org, monkeypatch):
    from foia.tasks import campaign_build_task

    monkeypatch.setattr(service, "INLINE_MAX", 0)
    monkeypatch.setattr(campaign_build_task, "delay", lambda pk: None)
    campaign, _created = start(org, owner, bodies(2))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "campaign_build", broken)
    monkeypatch.setattr(campaign_build_task, "max_retries", 0)
    with pytest.raises(RuntimeError):
        campaign_build_task(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.build_state == CampaignBuild.FAILED
    assert campaign.build_error == "database went away"


def test_a_large_campaigns_letters_come_as_text_in_parts(editor_client, org, owner, monkeypatch):
    from foia.workspace import campaign_reports

    monkeypatch.setattr(campaign_reports, "LETTERS_PDF_MAX", 2)
    monkeypatch.setattr(campaign_reports, "LETTERS_PER_PART", 2)
    campaign, _created = start(org, owner, bodies(5))
    page = editor_client.get(reverse("workspace:campaign", args=[campaign.pk]))
    assert page.context["letter_parts"] == [(1, 1, 2), (2, 3, 4), (3, 5, 5)]
    url = reverse("workspace:campaign_letters", args=[campaign.pk])
    names = []
    for part in ("1", "2", "3"):
        archive = zipfile.ZipFile(io.BytesIO(editor_client.get(url, {"part": part}).content))
        names += archive.namelist()
    assert len(names) == len(set(names)) == 5 and all(n.endswith(".txt") for n in names)
    text = zipfile.ZipFile(io.BytesIO(editor_client.get(url, {"part": "1"}).content))
    assert "Ugovori o nabavci kamera" in text.read(text.namelist()[0]).decode()


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
def test_the_campaign_pages_render_in_serbian(editor_client, tracked, settings, language):
    settings.LANGUAGE_CODE = language
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (
        reverse("workspace:campaign", args=[tracked.pk]),
        reverse("workspace:campaign_create"),
        reverse("workspace:campaign_publishing", args=[tracked.pk]),
    ):
        response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
    body = editor_client.get(reverse("workspace:campaign", args=[tracked.pk])).content.decode()
    assert ("Brojke" if language == "sr-latn" else "Бројке") in body
