"""The transitions service: impossible histories are refused with reasons and nothing saved;
questionable ones are accepted and flagged; every deadline follows from the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from foia.models import (
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    NonWorkingDay,
    Party,
    RequestStatus,
)
from foia.services.calendar import forget_extra_closed_days
from foia.services.timeline import mark_lapsed_deadlines, refresh_open_requests, refresh_request
from foia.services.transitions import record_event

D = dt.date
TODAY = D(2026, 11, 20)

pytestmark = pytest.mark.django_db


def rec(request, kind, on, **values):
    return record_event(request=request, kind=kind, occurred_on=on, today=TODAY, **values)


def deadline(request, kind, state=None):
    rows = request.deadlines.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-id").first()


def codes(event):
    return [f["code"] for f in event.flags]


def refused(request, kind, on, **values) -> dict:
    before = (Event.objects.count(), list(Deadline.objects.values_list("id", "state", "due_on")))
    with pytest.raises(ValidationError) as exc:
        rec(request, kind, on, **values)
    after = (Event.objects.count(), list(Deadline.objects.values_list("id", "state", "due_on")))
    assert before == after, "a refused event must leave nothing behind"
    return exc.value.message_dict


# --- impossible sequences --------------------------------------------------------------------


def test_an_answer_before_the_request_was_sent_is_refused_with_the_reason(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "answer", D(2026, 3, 1), answer_kind="full")
    assert "before the request was sent" in " ".join(errors["occurred_on"])


def test_nothing_can_be_recorded_on_a_request_that_was_never_sent(make_request):
    errors = refused(make_request(), "answer", D(2026, 3, 1), answer_kind="full")
    assert "not been sent" in " ".join(errors["kind"])


def test_a_second_sending_is_refused(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "sent", D(2026, 3, 21), channel="email")
    assert "already sent on 20.03.2026" in " ".join(errors["kind"])


def test_an_appeal_against_a_refusal_that_was_never_recorded_is_refused(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "appeal_filed", D(2026, 4, 20), appeal_ground="refusal")
    assert "refusal" in " ".join(errors["appeal_ground"])


def test_a_date_in_the_future_is_refused(make_request):
    errors = refused(make_request(), "sent", TODAY + dt.timedelta(days=1), channel="email")
    assert "future" in " ".join(errors["occurred_on"])


def test_a_document_cannot_be_received_before_it_was_sent(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "answer", D(2026, 4, 1), received_on=D(2026, 3, 30), answer_kind="full")
    assert "before it was sent" in " ".join(errors["received_on"])


def test_a_commissioner_decision_needs_an_appeal(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "commissioner_decision", D(2026, 6, 1), commissioner_outcome="ordered")
    assert "No appeal" in " ".join(errors["kind"])


def test_compliance_needs_a_commissioner_order(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "compliance", D(2026, 6, 1), compliance_result="not")
    assert "order" in " ".join(errors["kind"])


def test_a_refusal_must_cite_a_ground(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "refusal", D(2026, 4, 1), decision_number="1/26")
    assert "ground" in " ".join(errors["grounds"])


def test_nothing_follows_a_withdrawal(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    rec(r, "withdrawn", D(2026, 3, 25))
    errors = refused(r, "answer", D(2026, 3, 26), answer_kind="full")
    assert "withdrawn" in " ".join(errors["kind"])


def test_a_lawsuit_needs_something_to_sue_against(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 20), channel="email")
    errors = refused(r, "lawsuit_filed", D(2026, 4, 20))
    assert "lawsuit needs" in " ".join(errors["kind"])


def test_unknown_fields_are_a_programming_error(make_request):
    with pytest.raises(TypeError):
        rec(make_request(), "sent", D(2026, 3, 20), channel="email", colour="red")


# --- the answer clock --------------------------------------------------------------------------


def test_sending_by_email_starts_the_15_day_clock_on_the_same_day(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 27), channel="email")
    r.refresh_from_db()
    assert (r.status, r.sent_on, r.received_on, r.received_presumed) == (
        RequestStatus.AWAITING_ANSWER,
        D(2026, 3, 27),
        D(2026, 3, 27),
        False,
    )
    response = deadline(r, DeadlineKind.RESPONSE)
    # +15 = Holy Saturday 11 Apr 2026 → Easter Sunday → Easter Monday → Tuesday 14 Apr.
    assert (response.due_on, response.party, response.state) == (
        D(2026, 4, 14),
        Party.AUTHORITY,
        DeadlineState.MISSED,
    )


def test_ordinary_post_presumes_receipt_on_the_seventh_day_and_says_so(make_request):
    r = make_request()
    event = rec(r, "sent", D(2026, 3, 2), channel="ordinary_post")
    r.refresh_from_db()
    assert r.received_on == D(2026, 3, 9) and r.received_presumed
    assert "receipt_presumed" in codes(event)
    response = deadline(r, DeadlineKind.RESPONSE)
    assert response.due_on == D(2026, 3, 24) and response.presumed


def test_recording_the_actual_receipt_moves_the_same_deadline_row(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="ordinary_post")
    before = deadline(r, DeadlineKind.RESPONSE)
    rec(r, "delivered", D(2026, 3, 4))
    after = deadline(r, DeadlineKind.RESPONSE)
    assert after.pk == before.pk
    assert after.due_on == D(2026, 3, 19) and not after.presumed


def test_an_answer_in_time_meets_the_deadline_and_voids_the_silence_clock(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    answer = rec(r, "answer", D(2026, 3, 10), received_on=D(2026, 3, 11), answer_kind="full")
    response = deadline(r, DeadlineKind.RESPONSE)
    assert (response.state, response.met_on, response.met_by_event_id) == (
        DeadlineState.MET,
        D(2026, 3, 10),
        answer.pk,
    )
    assert deadline(r, DeadlineKind.SILENCE_APPEAL).state == DeadlineState.VOID
    r.refresh_from_db()
    assert r.status == RequestStatus.ANSWERED


def test_an_answer_counts_on_the_day_the_authority_sent_it_not_when_it_arrived(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")  # due 17 Mar
    rec(r, "answer", D(2026, 3, 17), received_on=D(2026, 3, 23), answer_kind="full")
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.MET


def test_a_late_answer_is_recorded_as_a_missed_deadline(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(r, "answer", D(2026, 3, 30), answer_kind="full")
    response = deadline(r, DeadlineKind.RESPONSE)
    assert (response.state, response.met_on) == (DeadlineState.MISSED, D(2026, 3, 30))


def test_silence_is_derived_not_typed_and_opens_the_appeal_window(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 9, 1), channel="email")  # +15 = Wed 16 Sep 2026
    response = deadline(r, DeadlineKind.RESPONSE)
    assert response.state == DeadlineState.MISSED and response.met_on is None
    assert Deadline.objects.overdue(TODAY).filter(pk=response.pk).exists()
    silence = deadline(r, DeadlineKind.SILENCE_APPEAL)
    assert (silence.opens_on, silence.due_on, silence.state, silence.party) == (
        D(2026, 9, 17),
        D(2027, 9, 16),
        DeadlineState.OPEN,
        Party.REQUESTER,
    )


def test_an_urgent_request_is_due_48_hours_after_receipt(make_request):
    r = make_request(urgent=True, urgent_reason="Air pollution alert")
    at = dt.datetime(2026, 11, 13, 15, 30, tzinfo=dt.UTC)  # a Friday afternoon
    rec(r, "sent", D(2026, 11, 13), occurred_at=at, channel="email")
    urgent = deadline(r, DeadlineKind.URGENT_RESPONSE)
    assert urgent.due_at == at + dt.timedelta(hours=48)  # no weekend roll: the mark is shown
    assert urgent.due_on == D(2026, 11, 15)
    assert not r.deadlines.filter(kind=DeadlineKind.RESPONSE).exists()


def test_an_extension_replaces_the_answer_deadline(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    event = rec(r, "extension", D(2026, 3, 6), new_due_on=D(2026, 4, 3), reason="Archive search")
    assert codes(event) == []
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.VOID
    extended = deadline(r, DeadlineKind.EXTENDED_RESPONSE)
    assert extended.due_on == D(2026, 4, 3)
    r.refresh_from_db()
    assert r.status == RequestStatus.EXTENDED


def test_an_extension_beyond_40_days_is_accepted_flagged_and_capped(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")  # 40 days: 11 Apr (Holy Sat) → 14 Apr
    event = rec(r, "extension", D(2026, 3, 12), new_due_on=D(2026, 5, 15))
    assert set(codes(event)) == {"extension_beyond_cap", "extension_notice_late"}
    assert deadline(r, DeadlineKind.EXTENDED_RESPONSE).due_on == D(2026, 4, 14)
    assert "14.04.2026" in event.flag_messages[0]


def test_an_incomplete_notice_stops_the_clock_and_the_correction_restarts_it(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(r, "incomplete_notice", D(2026, 3, 5), received_on=D(2026, 3, 5), period_days=8)
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.VOID
    correction = deadline(r, DeadlineKind.CORRECTION)
    assert (correction.due_on, correction.party) == (D(2026, 3, 13), Party.REQUESTER)
    rec(r, "corrected", D(2026, 3, 10), channel="email")
    assert deadline(r, DeadlineKind.CORRECTION).state == DeadlineState.MET
    restarted = r.deadlines.get(kind=DeadlineKind.RESPONSE, state=DeadlineState.MISSED)
    assert restarted.due_on == D(2026, 3, 25)


def test_a_correction_period_outside_8_to_15_days_is_flagged(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    event = rec(r, "incomplete_notice", D(2026, 3, 5), period_days=3)
    assert "correction_period_unlawful" in codes(event)


# --- decisions, appeals, the Commissioner, the court ---------------------------------------------


def test_a_refusal_opens_15_days_to_appeal_from_its_delivery(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        received_on=D(2026, 3, 16),
        decision_number="01-5/26",
        grounds=["art9_3", "art9_5"],
    )
    appeal = deadline(r, DeadlineKind.APPEAL)
    assert (appeal.due_on, appeal.party) == (D(2026, 3, 31), Party.REQUESTER)
    r.refresh_from_db()
    assert r.status == RequestStatus.REFUSED
    assert sorted(r.events.get(kind="refusal").ground_codes) == ["art9_3", "art9_5"]


def test_a_refusal_without_a_decision_number_is_accepted_and_flagged(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    event = rec(r, "refusal", D(2026, 3, 12), grounds=["art14"])
    assert "refusal_without_number" in codes(event)


def test_a_refusal_by_post_without_a_receipt_date_counts_from_the_presumed_delivery(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    event = rec(
        r,
        "refusal",
        D(2026, 3, 12),
        channel="ordinary_post",
        decision_number="7/26",
        grounds=["art9_3"],
    )
    assert "receipt_presumed" in codes(event)
    appeal = deadline(r, DeadlineKind.APPEAL)
    assert appeal.presumed and appeal.due_on == D(2026, 4, 3)  # 19 Mar + 15


def test_a_late_appeal_is_accepted_and_flagged(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        received_on=D(2026, 3, 16),
        decision_number="1",
        grounds=["art9_3"],
    )
    event = rec(r, "appeal_filed", D(2026, 4, 10), appeal_ground="refusal", channel="email")
    assert codes(event) == ["appeal_late"]
    assert deadline(r, DeadlineKind.APPEAL).state == DeadlineState.MISSED


def test_a_premature_silence_appeal_is_accepted_with_a_warning(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    event = rec(r, "appeal_filed", D(2026, 3, 10), appeal_ground="silence", channel="email")
    assert codes(event) == ["silence_appeal_premature"]
    assert "18.03.2026" in event.flag_messages[0]


def test_an_appeal_starts_the_commissioners_60_days(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "appeal_filed",
        D(2026, 3, 20),
        appeal_ground="silence",
        channel="registered_post",
        received_on=D(2026, 3, 23),
    )
    decision = deadline(r, DeadlineKind.COMMISSIONER_DECISION)
    assert (decision.due_on, decision.party) == (D(2026, 5, 22), Party.COMMISSIONER)
    assert deadline(r, DeadlineKind.SILENCE_APPEAL).state == DeadlineState.MET
    r.refresh_from_db()
    assert r.status == RequestStatus.APPEALED


def test_the_commissioner_has_30_days_in_48_hour_matters(make_request):
    r = make_request(urgent=True)
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(r, "appeal_filed", D(2026, 3, 6), appeal_ground="silence", channel="email")
    assert deadline(r, DeadlineKind.COMMISSIONER_DECISION).due_on == D(2026, 4, 6)  # 5 Apr Sun


def test_an_order_starts_the_compliance_period_and_non_compliance_misses_it(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        received_on=D(2026, 3, 12),
        decision_number="1",
        grounds=["art9_3"],
    )
    rec(r, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal", channel="email")
    rec(
        r,
        "commissioner_decision",
        D(2026, 5, 4),
        received_on=D(2026, 5, 6),
        decision_date=D(2026, 4, 30),
        commissioner_outcome="ordered",
        period_days=5,
    )
    decision = deadline(r, DeadlineKind.COMMISSIONER_DECISION)
    assert (decision.state, decision.met_on) == (DeadlineState.MET, D(2026, 4, 30))
    compliance = deadline(r, DeadlineKind.COMPLIANCE)
    assert (compliance.due_on, compliance.party) == (D(2026, 5, 11), Party.AUTHORITY)
    rec(r, "compliance", D(2026, 5, 20), compliance_result="not")
    rec(r, "enforcement", D(2026, 6, 1), amount="30000")
    r.refresh_from_db()
    assert r.status == RequestStatus.NOT_COMPLIED
    assert deadline(r, DeadlineKind.COMPLIANCE).state == DeadlineState.MISSED


def test_a_rejected_appeal_opens_30_days_to_sue_and_the_lawsuit_meets_it(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        received_on=D(2026, 3, 12),
        decision_number="1",
        grounds=["art9_3"],
    )
    rec(r, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal", channel="email")
    rec(
        r,
        "commissioner_decision",
        D(2026, 5, 4),
        received_on=D(2026, 5, 5),
        commissioner_outcome="rejected",
    )
    lawsuit = deadline(r, DeadlineKind.LAWSUIT)
    assert lawsuit.due_on == D(2026, 6, 4)
    rec(r, "lawsuit_filed", D(2026, 6, 1), case_number="U 1234/26")
    rec(r, "court_decision", D(2026, 10, 1), court_outcome="upheld")
    assert deadline(r, DeadlineKind.LAWSUIT).state == DeadlineState.MET
    r.refresh_from_db()
    assert r.status == RequestStatus.COURT_DECIDED


def test_a_refusal_by_a_no_appeal_body_opens_a_lawsuit_not_an_appeal(make_request, government):
    r = make_request(authority=government)
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 3, 12),
        received_on=D(2026, 3, 12),
        decision_number="1",
        grounds=["art9_3"],
    )
    assert not r.deadlines.filter(kind=DeadlineKind.APPEAL).exists()
    # +30 = Holy Saturday 11 Apr → Easter Sunday → Easter Monday → Tuesday 14 Apr.
    assert deadline(r, DeadlineKind.LAWSUIT).due_on == D(2026, 4, 14)
    event = rec(r, "appeal_filed", D(2026, 3, 20), appeal_ground="refusal", channel="email")
    assert "no_appeal_lies" in codes(event)


def test_withdrawal_voids_every_open_deadline(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 10), channel="email")
    rec(r, "withdrawn", D(2026, 11, 12))
    assert set(r.deadlines.values_list("state", flat=True)) == {DeadlineState.VOID}


# --- the calendar and the sweeps -----------------------------------------------------------------


def test_a_new_extra_non_working_day_moves_open_deadlines(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 9), channel="email")  # +15 = Tue 24 Nov 2026
    assert deadline(r, DeadlineKind.RESPONSE).due_on == D(2026, 11, 24)
    NonWorkingDay.objects.create(date=D(2026, 11, 24), reason="Declared by the Government")
    forget_extra_closed_days()
    assert refresh_open_requests(today=TODAY) == 1
    assert deadline(r, DeadlineKind.RESPONSE).due_on == D(2026, 11, 25)


def test_the_daily_sweep_marks_lapsed_deadlines_missed(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), channel="email")  # due 17 Nov... refreshed as of 20 Nov
    refresh_request(r, today=D(2026, 11, 10))
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.OPEN
    assert mark_lapsed_deadlines(today=TODAY) == 1
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.MISSED


def test_a_fee_demand_is_the_authority_acting_and_meets_the_answer_clock(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    rec(r, "fee_demanded", D(2026, 3, 10), amount="450")
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.MET
    assert deadline(r, DeadlineKind.SILENCE_APPEAL).state == DeadlineState.VOID
    r.refresh_from_db()
    assert r.status == RequestStatus.FEE_DEMANDED


def test_an_extension_after_the_deadline_moves_nothing_and_the_request_stays_silent(
    make_request,
):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")  # due 17 Mar
    event = rec(r, "extension", D(2026, 3, 20), new_due_on=D(2026, 4, 10))
    assert "extension_after_deadline" in codes(event)
    assert deadline(r, DeadlineKind.RESPONSE).state == DeadlineState.MISSED
    assert not r.deadlines.filter(kind=DeadlineKind.EXTENDED_RESPONSE).exists()
    r.refresh_from_db()
    assert r.status == RequestStatus.AWAITING_ANSWER


def test_a_partial_answer_may_cite_grounds_but_a_full_one_may_not(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    errors = refused(r, "answer", D(2026, 3, 10), answer_kind="full", grounds=["art14"])
    assert "partial answer" in " ".join(errors["grounds"])
    event = rec(r, "answer", D(2026, 3, 10), answer_kind="partial", grounds=["art14"])
    assert event.ground_codes == ["art14"]


def test_an_unknown_ground_is_refused(make_request):
    r = make_request()
    rec(r, "sent", D(2026, 3, 2), channel="email")
    errors = refused(r, "refusal", D(2026, 3, 10), decision_number="1", grounds=["art99"])
    assert "art99" in " ".join(errors["grounds"])
