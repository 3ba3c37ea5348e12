"""The legal arithmetic of Serbian freedom-of-information deadlines.

Pure functions: dates in, dates out. No ORM, no clock, no time zone is read in here.

Sources (see ../shared/domain/serbian-foi-law.md):
- ZSPIJZ: Law on Free Access to Information of Public Importance (Sl. glasnik RS 120/2004 … 105/2021).
- ZUP: Law on General Administrative Procedure (18/2016, 95/2018).
- ZUS: Law on Administrative Disputes (111/2009).

The counting rule, ZUP Art. 80, applies to every deadline here:
1. the day of the triggering event is not counted (counting starts the next day);
2. days are calendar days;
3. a deadline in months or years ends on the day of the same number (the last day of the month
   when there is none: one year from 29 February ends on 28 February);
4. when the last day is a day the authority does not work — Saturday, Sunday, a public holiday
   (`holidays.RS`, which carries the Sunday shifts of state holidays) or an extra non-working day
   declared by the Government — the deadline ends at the end of the next working day.

Every function takes an optional ``extra_closed`` collection of extra non-working dates (the
staff-edited table); the caller reads it, this module never touches the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from enum import StrEnum
from functools import lru_cache

import holidays

ClosedDays = Collection[dt.date] | None

RESPONSE_DAYS = 15  # ZSPIJZ Art. 16(1)
URGENT_RESPONSE_HOURS = 48  # ZSPIJZ Art. 16(2)
INCOMPLETE_NOTICE_DAYS = 8  # ZSPIJZ Art. 15
EXTENSION_NOTICE_DAYS = 7  # ZSPIJZ Art. 16(3)-(4)
EXTENDED_RESPONSE_DAYS = 40  # ZSPIJZ Art. 16(4)
APPEAL_DAYS = 15  # ZSPIJZ Art. 22(1)
COMMISSIONER_DAYS = 60  # ZSPIJZ Art. 24 (2021 text)
COMMISSIONER_URGENT_DAYS = 30  # ZSPIJZ Art. 24, 48-hour matters
LAWSUIT_DAYS = 30  # ZUS Art. 18
URGENCY_WAIT_DAYS = 7  # ZUS Art. 19
CORRECTION_MIN_DAYS, CORRECTION_MAX_DAYS = 8, 15  # ZSPIJZ Art. 15
ORDINARY_POST_DAYS = 7  # ZUP Art. 71 (as stated in the domain brief)
FAILED_PERSONAL_DELIVERY_DAYS = 15  # ZUP Art. 75


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.RS(years=year))


def is_working_day(d: dt.date, extra_closed: ClosedDays = None) -> bool:
    """True if Serbian authorities work on ``d`` (ZUP Art. 80(4)).

    Not a working day: Saturday, Sunday, a public holiday under the Law on State and Other Holidays
    (1–2 Jan, 7 Jan, 15–16 Feb, Orthodox Good Friday to Easter Monday, 1–2 May, 11 Nov, and the next
    working day when a state holiday falls on a Sunday), or a date in ``extra_closed``.
    """
    d = _as_date(d)
    if d.weekday() >= 5:
        return False
    if d in _public_holidays(d.year):
        return False
    return not (extra_closed and d in extra_closed)


def next_working_day_on_or_after(d: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """``d`` itself if it is a working day, else the first working day after it (ZUP Art. 80(4))."""
    d = _as_date(d)
    while not is_working_day(d, extra_closed):
        d += dt.timedelta(days=1)
    return d


def add_days(start: dt.date, days: int, extra_closed: ClosedDays = None) -> dt.date:
    """Last day of a deadline of ``days`` calendar days from ``start`` (ZUP Art. 80(1), (2), (4)).

    The start day is not counted; the result rolls to the next working day.
    """
    start = _as_date(start)
    return next_working_day_on_or_after(start + dt.timedelta(days=days), extra_closed)


def add_years(start: dt.date, years: int, extra_closed: ClosedDays = None) -> dt.date:
    """Last day of a deadline of ``years`` years from ``start`` (ZUP Art. 80(3), (4)).

    It ends on the day of the same number in the same month; 29 February maps to 28 February.
    """
    start = _as_date(start)
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return next_working_day_on_or_after(start.replace(year=year, day=day), extra_closed)


def response_due(received_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The authority's 15 days to answer a request (ZSPIJZ Art. 16(1)).

    Counted from the day the authority received the request, or the corrected request (Art. 15),
    or — for a forwarded request — the day it reached the holder (Arts. 19–20).
    """
    return add_days(received_on, RESPONSE_DAYS, extra_closed)


def urgent_response_due(received_at: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """The 48-hour mark for requests about life, freedom, public health or the environment
    (ZSPIJZ Art. 16(2)).

    The statute does not settle whether a weekend stops the 48 hours, so the mark itself is shown:
    48 hours after receipt, with no roll-over. A ``datetime`` gives a ``datetime`` (in the same time
    zone); a bare ``date`` gives the date two days later.
    """
    if isinstance(received_at, dt.datetime):
        if received_at.tzinfo is None:
            return received_at + dt.timedelta(hours=URGENT_RESPONSE_HOURS)
        # 48 real hours, also across a clock change: add them in UTC, show them in the same zone.
        utc = received_at.astimezone(dt.UTC) + dt.timedelta(hours=URGENT_RESPONSE_HOURS)
        return utc.astimezone(received_at.tzinfo)
    return _as_date(received_at) + dt.timedelta(days=URGENT_RESPONSE_HOURS // 24)


def incomplete_notice_due(received_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The authority's 8 days to tell the requester that a request is incomplete (ZSPIJZ Art. 15)."""
    return add_days(received_on, INCOMPLETE_NOTICE_DAYS, extra_closed)


def correction_due(
    notice_received_on: dt.date, period_days: int, extra_closed: ClosedDays = None
) -> dt.date:
    """The requester's period to fix an incomplete request, as set in the notice: 8 to 15 days
    from the requester's receipt of the notice (ZSPIJZ Art. 15)."""
    if not CORRECTION_MIN_DAYS <= period_days <= CORRECTION_MAX_DAYS:
        raise ValueError("Art. 15 sets the correction period between 8 and 15 days")
    return add_days(notice_received_on, period_days, extra_closed)


def extension_notice_due(received_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The authority's 7 days to notify, with reasons, that it needs more time (ZSPIJZ Art. 16(4))."""
    return add_days(received_on, EXTENSION_NOTICE_DAYS, extra_closed)


def large_volume_notice_due(received_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The authority's 7 days to give notice of a large volume and offer to narrow the request
    (ZSPIJZ Art. 16(3))."""
    return add_days(received_on, EXTENSION_NOTICE_DAYS, extra_closed)


def extended_response_latest(received_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The absolute latest answer after an extension: 40 days from receipt (ZSPIJZ Art. 16(4))."""
    return add_days(received_on, EXTENDED_RESPONSE_DAYS, extra_closed)


def appeal_due(decision_delivered_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """Last day to appeal a refusal or dismissal to the Commissioner: 15 days from the delivery of
    the decision to the requester (ZSPIJZ Art. 22(1))."""
    return add_days(decision_delivered_on, APPEAL_DAYS, extra_closed)


def silence_appeal_opens(response_deadline: dt.date) -> dt.date:
    """First day an appeal for silence may be filed: the day after the answer deadline passed
    (ZSPIJZ Art. 22(1) item 2). An appeal filed earlier is dismissed as premature.

    ``response_deadline`` is the already rolled-over last day (``response_due`` or the extended
    date); the opening day itself is not a deadline's end, so it does not roll.
    """
    return _as_date(response_deadline) + dt.timedelta(days=1)


def silence_appeal_last_day(response_deadline: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """Last day for an appeal for silence: one year from the expiry of the answer deadline
    (ZUP Art. 153(2), applied through ZSPIJZ Art. 22).

    Commissioner practice has not confirmed the cap, so the product warns well before it; this is the
    conservative (earliest) reading — the year runs from the last day of the answer deadline.
    """
    return add_years(response_deadline, 1, extra_closed)


def commissioner_decision_due(
    appeal_received_on: dt.date, *, urgent: bool = False, extra_closed: ClosedDays = None
) -> dt.date:
    """The Commissioner's time to decide an appeal: 60 days from its receipt, 30 days in 48-hour
    matters (ZSPIJZ Art. 24, as amended in 2021; before 2021 it was 30 days)."""
    days = COMMISSIONER_URGENT_DAYS if urgent else COMMISSIONER_DAYS
    return add_days(appeal_received_on, days, extra_closed)


def urgency_answer_due(urgency_sent_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """The Commissioner's further 7 days after a repeat request (urgencija) sent once its 60 days
    have passed (ZUS Art. 19(1))."""
    return add_days(urgency_sent_on, URGENCY_WAIT_DAYS, extra_closed)


def commissioner_silence_lawsuit_opens(
    urgency_sent_on: dt.date, extra_closed: ClosedDays = None
) -> dt.date:
    """First day a lawsuit for the Commissioner's silence may be filed: the day after the 7 days
    that follow the repeat request have passed unanswered (ZUS Art. 19(1))."""
    return urgency_answer_due(urgency_sent_on, extra_closed) + dt.timedelta(days=1)


def lawsuit_due(decision_delivered_on: dt.date, extra_closed: ClosedDays = None) -> dt.date:
    """Last day to sue at the Administrative Court: 30 days from the delivery of the decision
    (ZUS Art. 18). Also the remedy against the no-appeal bodies (ZSPIJZ Art. 22(2))."""
    return add_days(decision_delivered_on, LAWSUIT_DAYS, extra_closed)


def compliance_due(
    decision_delivered_on: dt.date, period_days: int, extra_closed: ClosedDays = None
) -> dt.date:
    """The authority's period to comply with a Commissioner order, as set in the decision
    (typically 5 days; ZSPIJZ Art. 24 and practice), counted like any other (ZUP Art. 80)."""
    if period_days < 1:
        raise ValueError("A compliance period is at least one day")
    return add_days(decision_delivered_on, period_days, extra_closed)


class DeliveryMethod(StrEnum):
    """How a document travelled; decides when it counts as delivered (ZUP Arts. 71, 75)."""

    ORDINARY_POST = "ordinary_post"
    REGISTERED_POST = "registered_post"
    EMAIL = "email"
    ELECTRONIC = "electronic"  # e-government portal or other electronic filing
    FAX = "fax"
    HAND = "hand"  # handed in at the registry, or personal delivery
    FAILED_PERSONAL = "failed_personal"  # personal delivery failed, notice left


_METHOD_ALIASES = {
    "post": DeliveryMethod.ORDINARY_POST,
    "mail": DeliveryMethod.ORDINARY_POST,
    "ordinary": DeliveryMethod.ORDINARY_POST,
    "registered": DeliveryMethod.REGISTERED_POST,
    "e-mail": DeliveryMethod.EMAIL,
    "portal": DeliveryMethod.ELECTRONIC,
    "personal": DeliveryMethod.HAND,
    "in_person": DeliveryMethod.HAND,
}


def delivery_method(method: str | DeliveryMethod) -> DeliveryMethod:
    """Parse a delivery method name (a ``DeliveryMethod`` value or a common alias)."""
    key = str(method).strip().lower().replace(" ", "_")
    if key in _METHOD_ALIASES:
        return _METHOD_ALIASES[key]
    try:
        return DeliveryMethod(key)
    except ValueError:
        known = ", ".join(m.value for m in DeliveryMethod)
        raise ValueError(f"Unknown delivery method {method!r}; use one of: {known}") from None


def deemed_delivered(
    posted_on: dt.date, method: str | DeliveryMethod, *, receipt_on: dt.date | None = None
) -> dt.date:
    """The day a document counts as delivered (ZUP Arts. 71, 75).

    1. Ordinary post: the 7th day after it was posted.
    2. Registered post: the date written on the return receipt (``receipt_on``); without one, the
       ordinary-post presumption is used until the receipt is recorded.
    3. Failed personal delivery: 15 days after the notice was left (``posted_on``).
    4. E-mail, electronic filing, fax, by hand: the same day (received at their timestamp).

    A presumed delivery is a fact-date, not the end of a deadline, so it does not roll over
    (ZUP Art. 80(4) concerns the last day of a deadline); deadlines counted from it do.
    """
    posted_on = _as_date(posted_on)
    method = delivery_method(method)
    if method is DeliveryMethod.REGISTERED_POST:
        if receipt_on is not None:
            receipt_on = _as_date(receipt_on)
            if receipt_on < posted_on:
                raise ValueError("The return receipt cannot be dated before the posting")
            return receipt_on
        return posted_on + dt.timedelta(days=ORDINARY_POST_DAYS)
    if method is DeliveryMethod.ORDINARY_POST:
        return posted_on + dt.timedelta(days=ORDINARY_POST_DAYS)
    if method is DeliveryMethod.FAILED_PERSONAL:
        return posted_on + dt.timedelta(days=FAILED_PERSONAL_DELIVERY_DAYS)
    return posted_on


def _as_date(value: object) -> dt.date:
    """Dates pass through; a datetime counts as the calendar day it names; anything else is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
