"""Correcting and retracting recorded steps: the whole resulting timeline is validated like a new
event; deadlines, statistics, search and the public record follow in the same transaction; nothing
is deleted and the history shows the original, who changed it, when and why. And one action, one
event: the same step twice within a minute is refused unless confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from foia.models import (
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    EventRevision,
    Visibility,
)
from foia.public.selectors import latest_responses, public_events
from foia.services.timeline import refresh_request
from foia.services.transitions import correct_event, record_event, retract_event
from foia.stats.models import RequestFacts, RequestSearch
from foia.workspace.models import AuditAction, AuditEntry

D = dt.date
TODAY = D(2026, 11, 20)

pytestmark = pytest.mark.django_db


def rec(request, kind, on, **values):
    return record_event(request=request, kind=kind, occurred_on=on, today=TODAY, **values)


def correct(event, by=None, **changes):
    return correct_event(event=event, by=by, today=TODAY, **changes)


def retract(event, by=None, reason="Recorded by mistake."):
    return retract_event(event=event, by=by, reason=reason, today=TODAY)


def snapshot():
    return (
        list(Event.objects.order_by("id").values()),
        list(Deadline.objects.order_by("id").values_list("id", "state", "due_on", "met_on")),
        EventRevision.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(call) -> ValidationError:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert snapshot() == before, "a refused change must leave nothing behind"
    return exc.value


@pytest.fixture
def refused_request(make_request):
    """E-mailed 2 March, refused 12 March (reached us the same day): appeal due 27 March."""
    r = make_request(visibility=Visibility.PUBLIC)
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        grounds=["art9_3"],
        decision_number="01-1/26",
        text="Odbija se zahtev: kamere su tajna.",
    )
    return r


# --- correcting ---------------------------------------------------------------------------------


def test_a_mistyped_date_is_corrected_and_its_deadline_moves_in_place(refused_request, owner):
    refusal = refused_request.events.get(kind="refusal")
    appeal = refused_request.deadlines.get(kind=DeadlineKind.APPEAL)
    assert appeal.due_on == D(2026, 3, 27)

    correct(refusal, by=owner, why="The registry stamp says 16 March.", occurred_on=D(2026, 3, 16))

    moved = Deadline.objects.get(pk=appeal.pk)  # the same row: its reminders follow it
    assert moved.due_on == D(2026, 3, 31)
    assert moved.state == DeadlineState.MISSED  # 31 March has passed by 20 November
    refusal.refresh_from_db()
    assert refusal.occurred_on == D(2026, 3, 16)


def test_a_correction_keeps_the_original_who_when_and_why(refused_request, owner):
    refusal = refused_request.events.get(kind="refusal")
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC), tick=False):
        correct(
            refusal,
            by=owner,
            why="Wrong number copied.",
            decision_number="01-7/26",
            grounds=["art9_3", "art14"],
        )
    revision = EventRevision.objects.get(event=refusal)
    assert revision.action == "corrected"
    assert revision.by == owner
    assert revision.reason == "Wrong number copied."
    assert revision.at == dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    assert {c["field"]: (c["old"], c["new"]) for c in revision.changes} == {
        "decision_number": ("01-1/26", "01-7/26"),
        "grounds": ("art9_3", "art14, art9_3"),
    }
    entry = AuditEntry.objects.get(action=AuditAction.EVENT_CORRECTED)
    assert (entry.actor, entry.event, entry.note) == (owner, refusal, "Wrong number copied.")
    assert entry.changes == revision.changes
    assert sorted(refusal.ground_codes) == ["art14", "art9_3"]


def test_statistics_follow_a_correction_in_the_same_transaction(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    correct(refusal, grounds=["art14"])
    facts = RequestFacts.objects.get(pk=refused_request.pk)
    assert (facts.ground_art9_3, facts.ground_art14) == (False, True)


def test_a_correction_that_would_put_the_refusal_after_its_appeal_is_refused(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    rec(refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    error = refused(lambda: correct(refusal, occurred_on=D(2026, 3, 25)))
    assert "the appeal filed of 20.03.2026 would be impossible" in " ".join(error.messages)


def test_a_corrected_event_is_validated_like_a_new_one(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    error = refused(lambda: correct(refusal, occurred_on=D(2026, 3, 1)))
    assert "before the request was sent" in " ".join(error.message_dict["occurred_on"])
    error = refused(lambda: correct(refusal, grounds=[]))
    assert "at least one legal ground" in " ".join(error.message_dict["grounds"])
    error = refused(lambda: correct(refusal, occurred_on=TODAY + dt.timedelta(days=1)))
    assert "in the future" in " ".join(error.message_dict["occurred_on"])


def test_nothing_changed_and_a_changed_kind_are_refused(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    assert (
        "Nothing was changed."
        in refused(lambda: correct(refusal, decision_number="01-1/26")).messages
    )
    assert "retract it" in " ".join(refused(lambda: correct(refusal, kind="answer")).messages)


def test_a_correction_recomputes_the_warnings_of_the_step(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    rec(refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    appeal = refused_request.events.get(kind="appeal_filed")
    assert appeal.flags == []
    late = correct(appeal, occurred_on=D(2026, 4, 20))
    assert [f["code"] for f in late.flags] == ["appeal_late"]
    assert refusal.pk  # untouched


# --- retracting ---------------------------------------------------------------------------------


def test_a_retracted_appeal_leaves_no_deadline_and_stays_in_the_record(refused_request, owner):
    appeal = rec(refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    commissioner = refused_request.deadlines.get(kind=DeadlineKind.COMMISSIONER_DECISION)
    assert RequestFacts.objects.get(pk=refused_request.pk).appealed

    retract(appeal, by=owner, reason="Filed on the wrong request.")

    appeal.refresh_from_db()
    assert appeal.retracted_at is not None
    assert (appeal.retracted_by, appeal.retraction_reason) == (owner, "Filed on the wrong request.")
    assert Deadline.objects.get(pk=commissioner.pk).state == DeadlineState.VOID
    # The refusal's appeal clock is open again (well, lapsed by now) rather than met.
    assert refused_request.deadlines.get(kind=DeadlineKind.APPEAL).met_on is None
    refused_request.refresh_from_db()
    assert refused_request.status == "refused"
    assert not RequestFacts.objects.get(pk=refused_request.pk).appealed
    revision = EventRevision.objects.get(event=appeal)
    assert (revision.action, revision.by, revision.reason) == (
        "retracted",
        owner,
        "Filed on the wrong request.",
    )
    assert AuditEntry.objects.filter(action=AuditAction.EVENT_RETRACTED, event=appeal).exists()


def test_a_retracted_answer_leaves_the_public_record_statistics_and_search(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    assert refusal in public_events(refused_request)
    assert "tajn" in RequestSearch.objects.get(pk=refused_request.pk).document

    retract(refusal)

    assert [e.kind for e in public_events(refused_request)] == ["sent"]
    assert refusal.pk not in [e.pk for e in latest_responses(TODAY)]
    facts = RequestFacts.objects.get(pk=refused_request.pk)
    assert (facts.first_answer_on, facts.ground_art9_3) == (None, False)
    assert "tajn" not in RequestSearch.objects.get(pk=refused_request.pk).document


def test_a_step_others_depend_on_cannot_be_retracted_before_them(refused_request):
    rec(refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    refusal = refused_request.events.get(kind="refusal")
    error = refused(lambda: retract(refusal))
    assert "the appeal filed of 20.03.2026 would be impossible" in " ".join(error.messages)


def test_a_retraction_needs_a_reason(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    error = refused(lambda: retract(refusal, reason="   "))
    assert "why" in " ".join(error.message_dict["reason"])


def test_a_retracted_step_can_be_neither_corrected_nor_retracted_again(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    retract(refusal)
    assert "retracted on" in " ".join(refused(lambda: retract(refusal)).messages)
    assert "retracted on" in " ".join(
        refused(lambda: correct(refusal, decision_number="x")).messages
    )


def test_retracting_the_only_sending_makes_the_request_a_draft_again(make_request):
    r = make_request()
    sent = rec(r, "sent", D(2026, 3, 2), channel="email")
    retract(sent)
    r.refresh_from_db()
    assert (r.status, r.sent_on) == ("draft", None)
    assert not r.deadlines.exclude(state=DeadlineState.VOID).exists()
    # and it can be sent again
    assert rec(r, "sent", D(2026, 3, 3), channel="email").pk


def test_a_retracted_step_is_not_part_of_the_replay_whoever_loads_it(refused_request):
    refusal = refused_request.events.get(kind="refusal")
    retract(refusal)
    derived = refresh_request(refused_request, today=TODAY)
    assert derived.status == "awaiting_answer"
    assert not any(d.source_event == refusal for d in derived.deadlines)


def test_an_old_impossible_timeline_can_still_be_repaired_one_step_at_a_time(refused_request):
    """Timelines recorded before these rules: an appeal before the refusal and a second appeal
    against it. Each mistake can be retracted or corrected although the other is still there."""
    early = Event.objects.create(
        request=refused_request,
        kind="appeal_filed",
        occurred_on=D(2026, 3, 10),
        appeal_ground="refusal",
    )
    second = Event.objects.create(
        request=refused_request,
        kind="appeal_filed",
        occurred_on=D(2026, 3, 25),
        appeal_ground="refusal",
    )
    refresh_request(refused_request, today=TODAY)
    assert refused_request.deadlines.filter(kind=DeadlineKind.COMMISSIONER_DECISION).count() == 2

    retract(second, reason="Filed twice by mistake.")
    correct(early, why="The date was mistyped.", occurred_on=D(2026, 3, 20))

    live = refused_request.deadlines.filter(kind=DeadlineKind.COMMISSIONER_DECISION).exclude(
        state=DeadlineState.VOID
    )
    assert [d.source_event_id for d in live] == [early.pk]


# --- the same step twice ------------------------------------------------------------------------


def test_the_same_answer_twice_within_a_minute_is_refused_unless_confirmed(refused_request):
    moment = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        rec(refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal", text="A")
    with time_machine.travel(moment + dt.timedelta(seconds=59), tick=False):
        error = refused(
            lambda: rec(
                refused_request, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal", text="A"
            )
        )
    assert "less than a minute ago" in " ".join(error.message_dict["confirm_duplicate"])


def test_a_confirmed_duplicate_goes_on_to_the_ordinary_checks(emailed_request):
    moment = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        rec(emailed_request, "extension", D(2026, 3, 10), new_due_on=D(2026, 4, 1))
        twice = rec(
            emailed_request,
            "extension",
            D(2026, 3, 10),
            new_due_on=D(2026, 4, 1),
            confirm_duplicate=True,
        )
    assert twice.pk
    assert emailed_request.events.filter(kind=EventKind.EXTENSION).count() == 2


def test_the_same_step_after_a_minute_or_with_other_facts_is_not_a_duplicate(emailed_request):
    moment = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        rec(emailed_request, "extension", D(2026, 3, 10), new_due_on=D(2026, 4, 1))
        assert rec(emailed_request, "extension", D(2026, 3, 10), new_due_on=D(2026, 4, 2)).pk
    with time_machine.travel(moment + dt.timedelta(seconds=61), tick=False):
        assert rec(emailed_request, "extension", D(2026, 3, 10), new_due_on=D(2026, 4, 1)).pk


def test_a_retracted_step_is_no_duplicate_of_a_new_one(emailed_request):
    moment = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        first = rec(emailed_request, "answer", D(2026, 3, 10), answer_kind="full")
        retract(first)
        assert rec(emailed_request, "answer", D(2026, 3, 10), answer_kind="full").pk


@pytest.fixture
def emailed_request(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    return r


# --- the open data ------------------------------------------------------------------------------


def test_a_retracted_hidden_receipt_no_longer_blanks_the_exported_receipt_date(
    make_request, client
):
    import csv
    import io

    r = make_request(visibility=Visibility.PUBLIC)
    rec(r, "sent", D(2026, 3, 2), channel="registered_post")
    hidden = rec(r, "delivered", D(2026, 3, 6), is_public=False)

    def exported_receipt():
        with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
            response = client.get("/requests/export.csv")
            body = b"".join(response.streaming_content).decode("utf-8-sig")
        (row,) = [row for row in csv.DictReader(io.StringIO(body)) if row["id"] == str(r.pk)]
        return row["received_on"]

    assert exported_receipt() == ""  # the page hides the receipt, so does the export
    retract(hidden, reason="The return receipt belongs to another letter.")
    assert exported_receipt() == "2026-03-09"  # the 7th day after posting, presumed


# --- the admin uses the same path ---------------------------------------------------------------


@pytest.fixture
def staff(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123-xyz!")
    client.force_login(user)
    return user


def admin_form(event, **changes):
    from foia.services.transitions import EVENT_FIELDS

    data = {"occurred_on": event.occurred_on.isoformat()}
    for name in EVENT_FIELDS:
        value = getattr(event, name + "_id" if name in ("related_event", "forwarded_to") else name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    data["grounds"] = event.ground_codes
    # The (read-only) revisions inline, as the browser sends it for an event without any yet.
    data.update({"revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_corrects_through_the_service_and_asks_why(refused_request, staff, client):
    from django.urls import reverse

    refusal = refused_request.events.get(kind="refusal")
    url = reverse("admin:foia_event_change", args=[refusal.pk])
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(url, admin_form(refusal, occurred_on="2026-03-16"))
        assert response.status_code == 200
        assert "Say why the event is corrected." in response.content.decode()
        response = client.post(
            url, admin_form(refusal, occurred_on="2026-03-16", why="Registry stamp misread.")
        )
    assert response.status_code == 302
    refusal.refresh_from_db()
    assert refusal.occurred_on == D(2026, 3, 16)
    revision = EventRevision.objects.get(event=refusal)
    assert (revision.by, revision.reason) == (staff, "Registry stamp misread.")
    assert refused_request.deadlines.get(kind=DeadlineKind.APPEAL).due_on == D(2026, 3, 31)


def test_the_admin_refuses_an_impossible_correction_with_the_reason(refused_request, staff, client):
    from django.urls import reverse

    refusal = refused_request.events.get(kind="refusal")
    url = reverse("admin:foia_event_change", args=[refusal.pk])
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(url, admin_form(refusal, occurred_on="2026-03-01", why="x"))
    assert response.status_code == 200
    assert "before the request was sent" in response.content.decode()
    refusal.refresh_from_db()
    assert refusal.occurred_on == D(2026, 3, 12)


def test_the_admin_retracts_with_a_reason_and_never_deletes(refused_request, staff, client):
    from django.urls import reverse

    refusal = refused_request.events.get(kind="refusal")
    url = reverse("admin:foia_event_change", args=[refusal.pk])
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(url, admin_form(refusal, retract="on"))
        assert response.status_code == 200 and not Event.objects.get(pk=refusal.pk).retracted_at
        response = client.post(url, admin_form(refusal, retract="on", retract_why="Wrong request."))
    assert response.status_code == 302
    refusal.refresh_from_db()
    assert (refusal.retracted_by, refusal.retraction_reason) == (staff, "Wrong request.")
    assert refused_request.deadlines.get(kind=DeadlineKind.APPEAL).state == DeadlineState.VOID
    # The retracted event's page is read-only history; nothing can delete it.
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:foia_event_delete", args=[refusal.pk])).status_code == 403
    changelist = client.get(reverse("admin:foia_event_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert Event.objects.filter(pk=refusal.pk).exists()


# --- reminders follow -----------------------------------------------------------------------------


def test_reminders_follow_a_corrected_date_and_end_with_a_retraction(make_request):
    from foia.notifications.models import Reminder, ReminderState

    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        r = make_request()
        rec(r, "sent", D(2026, 11, 2), channel="email")
        refusal = rec(r, "refusal", D(2026, 11, 16), grounds=["art9_3"])
        appeal_clock = r.deadlines.get(kind=DeadlineKind.APPEAL)
        assert appeal_clock.due_on == D(2026, 12, 1)
        planned = Reminder.objects.filter(deadline=appeal_clock, state=ReminderState.PLANNED)
        assert planned.filter(lead_days=0).get().send_at.date() == D(2026, 12, 1)

        correct(refusal, why="Received a day later.", received_on=D(2026, 11, 18))
        appeal_clock.refresh_from_db()
        assert appeal_clock.due_on == D(2026, 12, 3)
        assert planned.filter(lead_days=0).get().send_at.date() == D(2026, 12, 3)

        retract(refusal, reason="The letter was for another request.")
        assert not planned.exists()
        assert Reminder.objects.filter(
            deadline=appeal_clock, state=ReminderState.CANCELLED
        ).exists()
