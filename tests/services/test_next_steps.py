"""The next legal step, in plain words, for each kind of deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from foia.models import DeadlineKind
from foia.services.next_steps import next_step
from foia.services.transitions import record_event

D = dt.date
pytestmark = pytest.mark.django_db


def rec(r, kind, on, today, **values):
    return record_event(request=r, kind=kind, occurred_on=on, today=today, **values)


def step(r, kind, today):
    deadline = r.deadlines.select_related("request__authority").filter(kind=kind).latest("id")
    return next_step(deadline, today=today)


def test_before_the_answer_deadline_the_step_is_to_wait_and_record(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 10), channel="email")
    s = step(r, DeadlineKind.RESPONSE, D(2026, 11, 10))
    assert s.action == "record_answer" and s.last_day == D(2026, 11, 17)
    assert "17.11.2026" in s.text and "7 days left" in s.text


def test_a_missed_answer_deadline_opens_the_silence_appeal_window(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 27), D(2026, 11, 20), channel="email")
    s = step(r, DeadlineKind.RESPONSE, D(2026, 11, 20))
    assert s.action == "appeal_silence"
    assert (s.opens_on, s.last_day) == (D(2026, 4, 15), D(2027, 4, 14))
    assert "from 15.04.2026 until 14.04.2027" in s.text


def test_silence_of_a_no_appeal_body_points_to_the_administrative_court(make_request, government):
    r = make_request(authority=government)
    rec(r, "sent", D(2026, 3, 27), D(2026, 11, 20), channel="email")
    s = step(r, DeadlineKind.RESPONSE, D(2026, 11, 20))
    assert s.action == "lawsuit" and "Administrative Court" in s.text


def test_a_delivered_refusal_asks_for_an_appeal_by_its_last_day(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 20), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 11, 10),
        D(2026, 11, 20),
        received_on=D(2026, 11, 11),
        decision_number="1",
        grounds=["art9_3"],
    )
    s = step(r, DeadlineKind.APPEAL, D(2026, 11, 20))
    assert s.action == "appeal_decision" and s.last_day == D(2026, 11, 26)


def test_after_the_commissioners_60_days_the_step_is_an_urgency(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), D(2026, 11, 20), channel="email")
    rec(
        r, "appeal_filed", D(2026, 3, 20), D(2026, 11, 20), appeal_ground="silence", channel="email"
    )
    s = step(r, DeadlineKind.COMMISSIONER_DECISION, D(2026, 11, 20))
    assert s.action == "send_urgency" and "7 days after" in s.text


def test_a_passed_compliance_period_asks_for_enforcement(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), D(2026, 11, 20), channel="email")
    rec(
        r, "appeal_filed", D(2026, 3, 20), D(2026, 11, 20), appeal_ground="silence", channel="email"
    )
    rec(
        r,
        "commissioner_decision",
        D(2026, 5, 4),
        D(2026, 11, 20),
        received_on=D(2026, 5, 5),
        commissioner_outcome="ordered",
        period_days=5,
    )
    s = step(r, DeadlineKind.COMPLIANCE, D(2026, 11, 20))
    assert s.action == "enforcement" and "non-compliance" in s.text


def test_a_met_deadline_needs_nothing(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 20), channel="email")
    rec(r, "answer", D(2026, 11, 5), D(2026, 11, 20), answer_kind="full")
    assert step(r, DeadlineKind.RESPONSE, D(2026, 11, 20)).action == "none"


def test_recorded_non_compliance_asks_for_enforcement_and_stops_reminding(make_request):
    from foia.notifications.services import wants_reminders

    r = make_request()
    rec(r, "sent", D(2026, 3, 2), D(2026, 11, 20), channel="email")
    rec(
        r, "appeal_filed", D(2026, 3, 20), D(2026, 11, 20), appeal_ground="silence", channel="email"
    )
    rec(
        r,
        "commissioner_decision",
        D(2026, 5, 4),
        D(2026, 11, 20),
        received_on=D(2026, 5, 5),
        commissioner_outcome="ordered",
        period_days=5,
    )
    rec(r, "compliance", D(2026, 6, 1), D(2026, 11, 20), compliance_result="not")
    deadline = r.deadlines.select_related("request__authority").get(kind="compliance")
    s = next_step(deadline, today=D(2026, 11, 20))
    assert s.action == "enforcement" and "record non-compliance" not in s.text
    assert not wants_reminders(deadline)
