"""Every step that answers another is dated on or after it: one case per pair of related kinds,
each refused with the reason next to the field and nothing saved; the same day is fine. A second
appeal against the same decision is refused unless the first was withdrawn or dismissed as
incomplete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from foia.models import Deadline, DeadlineKind, DeadlineState, Event, EventKind
from foia.services.transitions import correct_event, record_event

D = dt.date
TODAY = D(2026, 11, 20)

pytestmark = pytest.mark.django_db


def rec(request, kind, on, **values):
    return record_event(request=request, kind=kind, occurred_on=on, today=TODAY, **values)


def refused(request, kind, on, **values) -> dict:
    before = (Event.objects.count(), list(Deadline.objects.values_list("id", "state", "due_on")))
    with pytest.raises(ValidationError) as exc:
        rec(request, kind, on, **values)
    after = (Event.objects.count(), list(Deadline.objects.values_list("id", "state", "due_on")))
    assert before == after, "a refused event must leave nothing behind"
    return exc.value.message_dict


def text(errors: dict, field: str = "occurred_on") -> str:
    return " ".join(errors.get(field, []))


# The facts each kind needs to be recorded at all, so the only thing wrong is its date.
FACTS = {
    EventKind.INCOMPLETE_NOTICE: {"period_days": 8},
    EventKind.LARGE_VOLUME_NOTICE: {},
    EventKind.EXTENSION: {"new_due_on": D(2026, 4, 20)},
    EventKind.ANSWER: {"answer_kind": "full"},
    EventKind.REFUSAL: {"grounds": ["art9_3"], "decision_number": "01-1/26"},
    EventKind.DISMISSAL: {"decision_number": "01-2/26"},
    EventKind.FEE_DEMANDED: {"amount": "1200"},
}


@pytest.fixture
def posted(make_request):
    """Sent by registered post on 2 March; the return receipt says it arrived on 10 March."""
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="registered_post")
    rec(r, "delivered", D(2026, 3, 10))
    return r


@pytest.fixture
def emailed(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    return r


def test_receipt_by_the_authority_before_the_request_was_sent_is_refused(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="registered_post")
    assert "before the request was sent" in text(refused(r, "delivered", D(2026, 3, 1)))


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_each_document_of_the_authority_before_it_received_the_request_is_refused(posted, kind):
    errors = refused(posted, kind, D(2026, 3, 9), **FACTS[kind])
    assert "before it received the request (10.03.2026)" in text(errors)


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_each_document_of_the_authority_on_the_day_of_receipt_is_accepted(posted, kind):
    assert rec(posted, kind, D(2026, 3, 10), **FACTS[kind]).pk


def test_a_receipt_dated_after_the_authority_answered_is_refused(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="registered_post")
    rec(r, "answer", D(2026, 3, 12), answer_kind="full")
    errors = refused(r, "delivered", D(2026, 3, 13))
    assert "after it answered it (answer, 12.03.2026)" in text(errors)


def test_a_corrected_request_before_the_incomplete_request_notice_is_refused(emailed):
    rec(emailed, "incomplete_notice", D(2026, 3, 5), received_on=D(2026, 3, 6), period_days=8)
    errors = refused(emailed, "corrected", D(2026, 3, 5), channel="email")
    assert "cannot precede the incomplete-request notice it answers (06.03.2026)" in text(errors)
    assert rec(emailed, "corrected", D(2026, 3, 6), channel="email").pk


@pytest.mark.parametrize(
    "kind",
    [
        EventKind.LARGE_VOLUME_NOTICE,
        EventKind.EXTENSION,
        EventKind.ANSWER,
        EventKind.REFUSAL,
        EventKind.FEE_DEMANDED,
    ],
)
def test_an_answer_to_the_corrected_request_dated_before_the_correction_is_refused(emailed, kind):
    rec(emailed, "incomplete_notice", D(2026, 3, 5), period_days=8)
    rec(emailed, "corrected", D(2026, 3, 12), channel="email")
    errors = refused(emailed, kind, D(2026, 3, 10), **FACTS[kind])
    assert "the corrected request, sent on 12.03.2026" in text(errors)


@pytest.mark.parametrize(
    ("ground", "decision_kind", "facts"),
    [
        ("refusal", EventKind.REFUSAL, FACTS[EventKind.REFUSAL]),
        ("dismissal", EventKind.DISMISSAL, FACTS[EventKind.DISMISSAL]),
        ("partial", EventKind.ANSWER, {"answer_kind": "partial"}),
        ("fee", EventKind.FEE_DEMANDED, FACTS[EventKind.FEE_DEMANDED]),
    ],
)
def test_an_appeal_before_the_decision_it_challenges_reached_us_is_refused(
    emailed, ground, decision_kind, facts
):
    rec(emailed, decision_kind, D(2026, 3, 12), received_on=D(2026, 3, 18), **facts)
    errors = refused(emailed, "appeal_filed", D(2026, 3, 15), appeal_ground=ground)
    assert "reached us on 18.03.2026" in text(errors)
    assert rec(emailed, "appeal_filed", D(2026, 3, 18), appeal_ground=ground).pk


def test_an_appeal_for_silence_before_the_request_was_sent_is_refused(emailed):
    errors = refused(emailed, "appeal_filed", D(2026, 3, 1), appeal_ground="silence")
    assert "before the request was sent" in text(errors)


@pytest.fixture
def appealed(emailed):
    rec(emailed, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    rec(emailed, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    return emailed


def test_an_urgency_before_the_appeal_is_refused(emailed):
    rec(emailed, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    rec(emailed, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal")
    errors = refused(emailed, "urgency", D(2026, 3, 19))
    assert "cannot precede the appeal (20.03.2026)" in text(errors)


def test_a_commissioner_decision_before_the_appeal_is_refused(appealed):
    errors = refused(
        appealed, "commissioner_decision", D(2026, 3, 19), commissioner_outcome="ordered"
    )
    assert "cannot precede the appeal (20.03.2026)" in text(errors)
    assert rec(appealed, "commissioner_decision", D(2026, 3, 20), commissioner_outcome="ordered").pk


def test_a_commissioner_decision_dated_before_the_appeal_is_refused(appealed):
    errors = refused(
        appealed,
        "commissioner_decision",
        D(2026, 5, 2),
        commissioner_outcome="ordered",
        decision_date=D(2026, 3, 19),
    )
    assert "before the appeal" in text(errors, "decision_date")


@pytest.fixture
def ordered(appealed):
    rec(
        appealed,
        "commissioner_decision",
        D(2026, 6, 1),
        commissioner_outcome="ordered",
        period_days=5,
    )
    return appealed


@pytest.mark.parametrize(
    ("kind", "facts"),
    [("compliance", {"compliance_result": "complied"}), ("enforcement", {"amount": "20000"})],
)
def test_compliance_and_enforcement_before_the_order_are_refused(ordered, kind, facts):
    errors = refused(ordered, kind, D(2026, 5, 31), **facts)
    assert "before the Commissioner's order (01.06.2026)" in text(errors)
    assert rec(ordered, kind, D(2026, 6, 1), **facts).pk


def test_a_lawsuit_before_the_commissioner_decision_is_refused(appealed):
    rec(appealed, "commissioner_decision", D(2026, 6, 1), commissioner_outcome="rejected")
    errors = refused(appealed, "lawsuit_filed", D(2026, 5, 31))
    assert "cannot precede the commissioner's decision it follows (01.06.2026)" in text(errors)
    assert rec(appealed, "lawsuit_filed", D(2026, 6, 1)).pk


def test_a_lawsuit_before_the_decision_of_a_body_against_which_no_appeal_lies_is_refused(
    make_request, government
):
    r = make_request(authority=government)
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(r, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    errors = refused(r, "lawsuit_filed", D(2026, 3, 11))
    assert "cannot precede the refusal (decision) it follows (12.03.2026)" in text(errors)


def test_a_judgment_before_the_lawsuit_is_refused(appealed):
    rec(appealed, "commissioner_decision", D(2026, 6, 1), commissioner_outcome="rejected")
    rec(appealed, "lawsuit_filed", D(2026, 6, 20))
    errors = refused(appealed, "court_decision", D(2026, 6, 19), court_outcome="upheld")
    assert "cannot precede the lawsuit (20.06.2026)" in text(errors)


def test_a_withdrawal_dated_before_the_last_recorded_step_is_refused(emailed):
    rec(emailed, "answer", D(2026, 3, 12), answer_kind="full")
    errors = refused(emailed, "withdrawn", D(2026, 3, 10))
    assert "before its last recorded step (answer, 12.03.2026)" in text(errors)


def test_a_sending_corrected_to_after_the_answer_is_refused(emailed):
    sent = emailed.events.get(kind="sent")
    rec(emailed, "answer", D(2026, 3, 12), answer_kind="full")
    with pytest.raises(ValidationError) as exc:
        correct_event(event=sent, by=None, occurred_on=D(2026, 3, 13), today=TODAY)
    assert "after answer (12.03.2026)" in " ".join(exc.value.message_dict["occurred_on"])
    sent.refresh_from_db()
    assert sent.occurred_on == D(2026, 3, 2)


# --- one appeal per decision --------------------------------------------------------------------


def test_the_reported_mistyped_appeal_and_second_appeal_leave_no_phantom_deadline(make_request):
    """The case from the issue: a refusal dated 18.11, an appeal dated 10.11, and a second appeal
    against the same refusal dated 25.11."""
    today = D(2026, 11, 30)
    r = make_request()
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email", today=today)
    record_event(
        request=r, kind="refusal", occurred_on=D(2026, 11, 18), today=today, grounds=["art9_3"]
    )
    with pytest.raises(ValidationError) as first:
        record_event(
            request=r,
            kind="appeal_filed",
            occurred_on=D(2026, 11, 10),
            appeal_ground="refusal",
            today=today,
        )
    assert "cannot precede the refusal it challenges" in str(first.value)
    record_event(
        request=r,
        kind="appeal_filed",
        occurred_on=D(2026, 11, 20),
        appeal_ground="refusal",
        today=today,
    )
    with pytest.raises(ValidationError) as second:
        record_event(
            request=r,
            kind="appeal_filed",
            occurred_on=D(2026, 11, 25),
            appeal_ground="refusal",
            today=today,
        )
    assert "already filed on 20.11.2026" in " ".join(second.value.message_dict["appeal_ground"])
    assert r.deadlines.filter(kind=DeadlineKind.COMMISSIONER_DECISION).count() == 1


@pytest.mark.parametrize(("outcome", "reason"), [("suspended", ""), ("dismissed", "incomplete")])
def test_a_second_appeal_after_the_first_was_withdrawn_or_dismissed_as_incomplete_is_flagged(
    appealed, outcome, reason
):
    rec(
        appealed,
        "commissioner_decision",
        D(2026, 4, 1),
        commissioner_outcome=outcome,
        dismissal_reason=reason,
    )
    second = rec(appealed, "appeal_filed", D(2026, 4, 2), appeal_ground="refusal")
    assert "second_appeal" in [f["code"] for f in second.flags]
    # The first appeal's clock was met by the decision; the second one's runs (missed by now).
    commissioner = appealed.deadlines.filter(kind=DeadlineKind.COMMISSIONER_DECISION)
    assert [(d.source_event_id, d.state) for d in commissioner.order_by("id")] == [
        (appealed.events.get(kind="appeal_filed", occurred_on=D(2026, 3, 20)).pk, "met"),
        (second.pk, DeadlineState.MISSED),
    ]


def test_a_second_appeal_after_the_first_was_dismissed_as_late_is_refused(appealed):
    rec(
        appealed,
        "commissioner_decision",
        D(2026, 4, 1),
        commissioner_outcome="dismissed",
        dismissal_reason="late",
    )
    errors = refused(appealed, "appeal_filed", D(2026, 4, 2), appeal_ground="refusal")
    assert "withdrawn or dismissed as incomplete" in text(errors, "appeal_ground")


def test_appeals_against_two_different_decisions_are_both_accepted(emailed):
    first = rec(emailed, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    rec(emailed, "appeal_filed", D(2026, 3, 14), appeal_ground="refusal", related_event=first)
    rec(emailed, "dismissal", D(2026, 3, 13), decision_number="2")
    assert rec(emailed, "appeal_filed", D(2026, 3, 15), appeal_ground="dismissal").pk


def test_an_appeal_naming_a_decision_of_another_request_is_refused(emailed, make_request):
    other = make_request()
    rec(other, "sent", D(2026, 3, 2), channel="email")
    foreign = rec(other, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    rec(emailed, "refusal", D(2026, 3, 12), **FACTS[EventKind.REFUSAL])
    errors = refused(
        emailed, "appeal_filed", D(2026, 3, 14), appeal_ground="refusal", related_event=foreign
    )
    assert "not a refusal recorded on this request" in text(errors, "related_event")
