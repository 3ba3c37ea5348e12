"""Correcting and retracting from the workspace: editors and owners only (a viewer is refused,
an outsider gets 404), the service's refusals shown next to the fields with the input kept, the
timeline shows a retracted step struck through with who, when and why, and the record form offers
to confirm the same step submitted twice. The pages read in Serbian Latin and in English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foia.models import DeadlineKind, DeadlineState, EventKind, EventRevision, Visibility
from tests.workspace.conftest import D, rec

pytestmark = pytest.mark.django_db


def correct_url(event):
    return reverse("workspace:event_correct", args=[event.request_id, event.pk])


def retract_url(event):
    return reverse("workspace:event_retract", args=[event.request_id, event.pk])


@pytest.fixture
def refusal(refused):
    return refused.events.get(kind=EventKind.REFUSAL)


@pytest.fixture
def appeal(refused, refusal):
    return rec(refused, "appeal_filed", D(2026, 11, 12), appeal_ground="refusal", channel="email")


def test_an_editor_corrects_a_mistyped_date_and_the_deadline_follows(
    editor_client, refused, refusal, colleague, frozen
):
    appeal_clock = refused.deadlines.get(kind=DeadlineKind.APPEAL)
    assert appeal_clock.due_on == D(2026, 11, 25)
    page = editor_client.get(correct_url(refusal))
    assert page.status_code == 200
    assert page.context["form"]["decision_number"].value() == "01-123/26"
    assert page.context["form"]["grounds"].value() == ["art9_3"]

    response = editor_client.post(
        correct_url(refusal),
        {
            "occurred_on": "2026-11-09",
            "received_on": "2026-11-13",
            "channel": "email",
            "decision_number": "01-123/26",
            "decision_date": "2026-11-06",
            "grounds": ["art9_3"],
            "why": "The envelope was stamped 13 November.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#event-{refusal.pk}")
    refusal.refresh_from_db()
    assert refusal.received_on == D(2026, 11, 13)
    appeal_clock.refresh_from_db()
    assert appeal_clock.due_on == D(2026, 11, 30)  # 28 November is a Saturday
    revision = EventRevision.objects.get(event=refusal)
    assert revision.by == colleague
    assert revision.changes == [{"field": "received_on", "old": "2026-11-10", "new": "2026-11-13"}]


def test_a_correction_needs_a_reason_and_an_impossible_one_is_refused_with_input_kept(
    editor_client, refused, refusal, appeal, frozen
):
    data = {
        "occurred_on": "2026-11-14",
        "received_on": "2026-11-14",
        "channel": "email",
        "decision_number": "01-123/26",
        "grounds": ["art9_3"],
    }
    response = editor_client.post(correct_url(refusal), data)
    assert response.status_code == 200
    assert response.context["form"].errors["why"]

    response = editor_client.post(correct_url(refusal), {**data, "why": "Typo."})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "the appeal filed of 12.11.2026 would be impossible" in errors
    assert response.context["form"]["occurred_on"].value() == "2026-11-14"
    refusal.refresh_from_db()
    assert refusal.occurred_on == D(2026, 11, 9)
    assert not EventRevision.objects.exists()


def test_an_editor_retracts_a_phantom_appeal_and_its_commissioner_deadline_goes(
    editor_client, refused, appeal, colleague, frozen
):
    commissioner = refused.deadlines.get(kind=DeadlineKind.COMMISSIONER_DECISION)
    response = editor_client.post(retract_url(appeal), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]

    response = editor_client.post(retract_url(appeal), {"reason": "Recorded on the wrong request."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.retracted_by == colleague
    commissioner.refresh_from_db()
    assert commissioner.state == DeadlineState.VOID
    refused.refresh_from_db()
    assert refused.status == "refused"

    page = editor_client.get(reverse("workspace:request", args=[refused.pk])).content.decode()
    assert f'<li id="event-{appeal.pk}" class="retracted">' in page
    assert "Recorded on the wrong request." in page
    assert correct_url(appeal) not in page and retract_url(appeal) not in page
    # The retracted step can no longer be changed: the pages say so and go back.
    again = editor_client.get(retract_url(appeal), follow=True)
    assert "it can no longer be changed" in again.content.decode()


def test_a_step_others_depend_on_is_not_retracted(editor_client, refusal, appeal, frozen):
    response = editor_client.post(retract_url(refusal), {"reason": "Wrong request."})
    assert response.status_code == 200
    assert "would be impossible" in " ".join(response.context["form"].non_field_errors())
    refusal.refresh_from_db()
    assert refusal.retracted_at is None


def test_a_retracted_step_is_gone_from_the_public_page(
    editor_client, client, refused, appeal, frozen
):
    refused.visibility = Visibility.PUBLIC
    refused.save(update_fields=["visibility"])
    public = reverse("public:request", args=[refused.pk])
    assert "Appeal filed" in client.get(public).content.decode()
    editor_client.post(retract_url(appeal), {"reason": "Never filed."})
    page = client.get(public).content.decode()
    assert "Appeal filed" not in page and "Never filed." not in page


def test_corrections_are_listed_under_the_step_and_in_the_history(
    editor_client, refused, refusal, frozen
):
    editor_client.post(
        correct_url(refusal),
        {
            "occurred_on": "2026-11-09",
            "received_on": "2026-11-10",
            "channel": "email",
            "decision_number": "01-124/26",
            "decision_date": "2026-11-06",
            "grounds": ["art9_3"],
            "why": "Number misread.",
        },
    )
    page = editor_client.get(reverse("workspace:request", args=[refused.pk])).content.decode()
    assert "Corrected by colleague" in page and "Number misread." in page
    assert "<del>01-123/26</del> → <ins>01-124/26</ins>" in page
    assert "Event corrected" in page  # the history section


def test_viewers_are_refused_and_outsiders_do_not_see_the_step(
    viewer_client, outsider_client, client, refusal, frozen
):
    for url in (correct_url(refusal), retract_url(refusal)):
        assert viewer_client.get(url).status_code == 403
        assert viewer_client.post(url, {"reason": "x", "why": "x"}).status_code == 403
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {"reason": "x"}).status_code == 404
        assert client.get(url).status_code == 302  # to the login page
    refusal.refresh_from_db()
    assert refusal.retracted_at is None


def test_an_event_of_another_request_is_not_found_through_this_one(
    editor_client, refused, sent, frozen
):
    other = sent.events.get(kind=EventKind.SENT)
    url = reverse("workspace:event_retract", args=[refused.pk, other.pk])
    assert editor_client.get(url).status_code == 404


def test_only_editors_are_offered_correct_and_retract(
    editor_client, viewer_client, refused, refusal, frozen
):
    url = reverse("workspace:request", args=[refused.pk])
    assert correct_url(refusal) in editor_client.get(url).content.decode()
    viewer_page = viewer_client.get(url).content.decode()
    assert correct_url(refusal) not in viewer_page and retract_url(refusal) not in viewer_page


def test_the_same_answer_submitted_twice_asks_for_confirmation(editor_client, sent, frozen):
    url = reverse("workspace:record_event", args=[sent.pk, "answer"])
    data = {
        "occurred_on": "2026-11-16",
        "channel": "email",
        "answer_kind": "full",
        "is_public": "on",
    }
    assert editor_client.post(url, data).status_code == 302
    response = editor_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "less than a minute ago" in " ".join(form.errors["confirm_duplicate"])
    body = response.content.decode()
    assert 'type="checkbox" name="confirm_duplicate"' in body
    assert sent.events.filter(kind=EventKind.ANSWER).count() == 1

    assert editor_client.post(url, {**data, "confirm_duplicate": "on"}).status_code == 302
    assert sent.events.filter(kind=EventKind.ANSWER).count() == 2


# --- in Serbian Latin and in English --------------------------------------------------------------


def test_the_correction_page_reads_in_the_readers_language(reader, refusal, frozen):
    page = reader.page(correct_url(refusal))
    for msgid in ["Why is it corrected?", "Save the correction", "It did not happen: retract it"]:
        assert reader.t(msgid) in page, msgid
    assert "01-123/26" in page


def test_the_retraction_page_reads_in_the_readers_language(reader, refusal, frozen):
    page = reader.page(retract_url(refusal))
    for msgid in ["Why is it retracted?", "Retract this step", "Correct it instead"]:
        assert reader.t(msgid) in page, msgid


def test_a_retracted_step_reads_in_the_readers_language(reader, refused, appeal, colleague, frozen):
    from foia.services.transitions import retract_event

    retract_event(event=appeal, by=colleague, reason="Dvaput uneto.", today=D(2026, 11, 20))
    page = reader.page(reverse("workspace:request", args=[refused.pk]))
    assert reader.t("Retracted") in page and "Dvaput uneto." in page
    assert reader.t("Event retracted") in page


def test_every_step_of_a_long_timeline_has_a_working_correction_page(
    editor_client, make_request, ministry, frozen
):
    r = make_request()
    rec(r, "sent", D(2026, 1, 5), channel="registered_post")
    rec(r, "delivered", D(2026, 1, 8))
    rec(r, "incomplete_notice", D(2026, 1, 12), period_days=8)
    rec(r, "corrected", D(2026, 1, 15), channel="email")
    rec(r, "extension", D(2026, 1, 20), new_due_on=D(2026, 2, 20), reason="Volume.")
    rec(r, "answer", D(2026, 2, 2), answer_kind="not_held", forwarded_to=ministry)
    rec(r, "refusal", D(2026, 2, 10), grounds=["art9_3", "art14"], decision_number="7/26")
    rec(r, "appeal_filed", D(2026, 2, 12), appeal_ground="refusal", channel="email")
    rec(r, "urgency", D(2026, 4, 20), channel="email")
    rec(r, "commissioner_decision", D(2026, 5, 4), commissioner_outcome="ordered", period_days=5)
    rec(r, "compliance", D(2026, 5, 20), compliance_result="not")
    rec(r, "enforcement", D(2026, 6, 1), amount="20000")
    rec(r, "lawsuit_filed", D(2026, 6, 3))
    rec(r, "court_decision", D(2026, 9, 1), court_outcome="upheld")
    for event in r.events.all():
        response = editor_client.get(correct_url(event))
        assert response.status_code == 200, event.kind
        form = response.context["form"]
        assert form["occurred_on"].value() == event.occurred_on, event.kind
        assert "documents" not in form.fields and "is_public" not in form.fields
        assert editor_client.get(retract_url(event)).status_code == 200, event.kind


def test_saving_the_correction_form_unchanged_says_nothing_was_changed(
    editor_client, refusal, frozen
):
    page = editor_client.get(correct_url(refusal))
    form = page.context["form"]
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, "")
    }
    data["occurred_on"] = refusal.occurred_on.isoformat()
    data["received_on"] = refusal.received_on.isoformat()
    data["decision_date"] = refusal.decision_date.isoformat()
    data["why"] = "Checking."
    response = editor_client.post(correct_url(refusal), data)
    assert response.status_code == 200
    assert "Nothing was changed." in " ".join(response.context["form"].non_field_errors())
    assert not EventRevision.objects.exists()
