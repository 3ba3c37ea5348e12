"""The next legal step, in plain words, for each kind of deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from foia.models import DeadlineKind
from foia.services.next_steps import next_step
from foia.services.timeline import refresh_request
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


# --- the branches every kind of deadline takes ------------------------------------------------


def test_the_silence_appeal_waits_until_it_opens_then_asks_for_the_appeal_then_closes(
    make_request,
):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 10), channel="email")
    waiting = step(r, DeadlineKind.SILENCE_APPEAL, D(2026, 11, 10))
    assert waiting.action == "wait" and waiting.opens_on == D(2026, 11, 18)
    open_now = step(r, DeadlineKind.SILENCE_APPEAL, D(2026, 11, 20))
    assert open_now.action == "appeal_silence" and open_now.last_day == D(2027, 11, 17)
    over = step(r, DeadlineKind.SILENCE_APPEAL, D(2027, 11, 19))
    assert over.action == "none" and "ended on 17.11.2027" in over.text


def test_the_silence_limit_of_the_advice_counts_the_extra_non_working_days_like_the_deadline(
    make_request,
):
    from foia.models import NonWorkingDay
    from foia.services.calendar import forget_extra_closed_days

    # 17.11.2027 is a Wednesday; declared closed, the year ends on the 18th.
    NonWorkingDay.objects.create(date=D(2027, 11, 17), reason="Declared by the Government")
    forget_extra_closed_days()
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 20), channel="email")
    stored = r.deadlines.get(kind=DeadlineKind.SILENCE_APPEAL).due_on
    advice = step(r, DeadlineKind.RESPONSE, D(2026, 11, 20))
    assert stored == advice.last_day == D(2027, 11, 18)


def test_a_correction_is_asked_for_by_its_last_day_and_after_it_a_new_request_is_advised(
    make_request,
):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), D(2026, 11, 5), channel="email")
    rec(
        r,
        "incomplete_notice",
        D(2026, 11, 5),
        D(2026, 11, 6),
        received_on=D(2026, 11, 6),
        period_days=8,
    )
    before = step(r, DeadlineKind.CORRECTION, D(2026, 11, 10))
    assert before.action == "correct_request" and before.last_day == D(2026, 11, 16)
    after = step(r, DeadlineKind.CORRECTION, D(2026, 11, 20))
    assert after.action == "none" and "Art. 15" in after.text


def _appealed(make_request, today):
    r = make_request()
    rec(r, "sent", D(2026, 6, 1), today, channel="email")
    rec(r, "refusal", D(2026, 6, 10), today, received_on=D(2026, 6, 10), grounds=["art9_3"])
    rec(
        r,
        "appeal_filed",
        D(2026, 6, 15),
        today,
        appeal_ground="refusal",
        received_on=D(2026, 6, 16),
    )
    return r


def test_a_silent_commissioner_gets_an_urgency_and_then_a_lawsuit_for_silence(make_request):
    r = _appealed(make_request, D(2026, 7, 1))
    waiting = step(r, DeadlineKind.COMMISSIONER_DECISION, D(2026, 7, 1))
    assert waiting.action == "wait" and waiting.last_day == D(2026, 8, 17)
    today = D(2026, 9, 1)
    late = step(r, DeadlineKind.COMMISSIONER_DECISION, today)
    assert late.action == "send_urgency" and "ZUS Art. 19" in late.text
    rec(r, "urgency", D(2026, 8, 20), D(2026, 8, 21))
    urgency = step(r, DeadlineKind.URGENCY_ANSWER, D(2026, 8, 21))
    assert urgency.action == "wait" and urgency.last_day == D(2026, 8, 27)
    refresh_request(r, today=today)  # the daily sweep's view a week later
    unanswered = step(r, DeadlineKind.URGENCY_ANSWER, today)
    assert unanswered.action == "lawsuit" and unanswered.opens_on == D(2026, 8, 28)


def test_a_rejected_appeal_leaves_thirty_days_to_sue_then_nothing(make_request):
    today = D(2026, 8, 1)
    r = _appealed(make_request, today)
    rec(
        r,
        "commissioner_decision",
        D(2026, 7, 10),
        today,
        commissioner_outcome="rejected",
        received_on=D(2026, 7, 13),
        decision_date=D(2026, 7, 10),
    )
    sue = step(r, DeadlineKind.LAWSUIT, today)
    assert sue.action == "lawsuit" and sue.last_day == D(2026, 8, 12)
    over = step(r, DeadlineKind.LAWSUIT, D(2026, 9, 1))
    assert over.action == "none" and "30 days" in over.text


def test_a_missed_appeal_period_advises_a_new_request(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 6, 1), D(2026, 8, 1), channel="email")
    rec(r, "refusal", D(2026, 6, 10), D(2026, 8, 1), received_on=D(2026, 6, 10), grounds=["art9_3"])
    s = step(r, DeadlineKind.APPEAL, D(2026, 8, 1))
    assert s.action == "none" and "new request" in s.text
