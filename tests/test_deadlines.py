"""Tests for ``foia.deadlines``, the legal arithmetic of Serbian freedom-of-information deadlines.

Ground truth: shared/domain/serbian-foi-law.md, section 2. The counting rule (ZUP Art. 80): the
day of the triggering event is not counted; days are calendar days; a deadline in years ends on
the same-numbered day (29 Feb -> 28 Feb); a last day that is a Saturday, a Sunday, a public
holiday or a Government-declared extra non-working day rolls to the next working day.

Every expected date in the tables below was counted by hand from that rule, with the count in a
comment where it is not trivial. The property tests compare against a small calendar written
here from the statute (``_rule_holidays``), never against the engine or the ``holidays`` package.

Serbian public holidays: 1-2 Jan, 7 Jan (Orthodox Christmas, never shifted), 15-16 Feb, Orthodox
Good Friday to Easter Monday, 1-2 May, 11 Nov; a STATE holiday (New Year, Statehood Day, Labour
Day, Armistice Day) on a Sunday gives the next working day off. 9 May is a working day.

No database, no Django: the module under test is pure.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import zoneinfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from foia import deadlines
from foia.deadlines import (
    DeliveryMethod,
    add_days,
    add_years,
    appeal_due,
    commissioner_decision_due,
    commissioner_silence_lawsuit_opens,
    compliance_due,
    correction_due,
    deemed_delivered,
    delivery_method,
    extended_response_latest,
    extension_notice_due,
    incomplete_notice_due,
    is_working_day,
    large_volume_notice_due,
    lawsuit_due,
    next_working_day_on_or_after,
    response_due,
    silence_appeal_last_day,
    silence_appeal_opens,
    urgency_answer_due,
    urgent_response_due,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# ---------------------------------------------------------------------------------------------
# An independent calendar, written from the statute (never from the engine or `holidays`).
# ---------------------------------------------------------------------------------------------

# Orthodox Easter Sundays (Gregorian calendar). 2025-2031 are given in the brief; 2024, 2032 and
# 2033 are needed because property-test deadlines run past 2031 (a year from 31 Dec 2031, ...).
ORTHODOX_EASTER = {
    2024: D(2024, 5, 5),
    2025: D(2025, 4, 20),
    2026: D(2026, 4, 12),
    2027: D(2027, 5, 2),
    2028: D(2028, 4, 16),
    2029: D(2029, 4, 8),
    2030: D(2030, 4, 28),
    2031: D(2031, 4, 13),
    2032: D(2032, 5, 2),
    2033: D(2033, 4, 24),
}

# State holidays: these (and only these) give the next working day off when they fall on a Sunday.
STATE_HOLIDAYS = ((1, 1), (1, 2), (2, 15), (2, 16), (5, 1), (5, 2), (11, 11))
ORTHODOX_CHRISTMAS = (1, 7)  # a religious holiday: not shifted when it falls on a Sunday


def _julian_computus(year: int) -> dt.date:
    """Orthodox Easter by Meeus' Julian algorithm, converted to the Gregorian calendar (+13 days,
    valid 1900-2099). Only used to cross-check the hand-written ORTHODOX_EASTER table."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return D(year, month, day + 1) + dt.timedelta(days=13)


@functools.cache
def _rule_holidays(year: int) -> frozenset[dt.date]:
    """Serbian public holidays of ``year``, built from the rules of the law."""
    easter = ORTHODOX_EASTER[year]
    days = {D(year, month, day) for month, day in (*STATE_HOLIDAYS, ORTHODOX_CHRISTMAS)}
    # Good Friday, Holy Saturday, Easter Sunday, Easter Monday.
    days |= {easter + dt.timedelta(days=k) for k in (-2, -1, 0, 1)}
    for month, day in STATE_HOLIDAYS:
        holiday = D(year, month, day)
        if holiday.weekday() == 6:  # Sunday: the next working day is off instead
            shifted = holiday + ONE_DAY
            while shifted.weekday() >= 5 or shifted in days:
                shifted += ONE_DAY
            days.add(shifted)
    return frozenset(days)


def _closed(day: dt.date, extra_closed=frozenset()) -> bool:
    return day.weekday() >= 5 or day in _rule_holidays(day.year) or day in extra_closed


def _roll(day: dt.date, extra_closed=frozenset()) -> dt.date:
    while _closed(day, extra_closed):
        day += ONE_DAY
    return day


def _same_day_next_year(day: dt.date) -> dt.date:
    if (day.month, day.day) == (2, 29):
        return D(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1)


# ---------------------------------------------------------------------------------------------
# Every public holiday 2025-2031, by hand: (date, what it is, where a deadline ending there rolls).
# The roll target is the first later day that is neither a weekend nor a holiday.
# ---------------------------------------------------------------------------------------------

HOLIDAYS_2025_2031 = [
    # 2025 (1 Jan Wed). Easter 20 Apr. 16 Feb is a Sunday -> Mon 17 Feb off.
    (D(2025, 1, 1), "new-year-wed", D(2025, 1, 3)),  # Thu 2 Jan holiday -> Fri 3
    (D(2025, 1, 2), "new-year-thu", D(2025, 1, 3)),
    (D(2025, 1, 7), "christmas-tue", D(2025, 1, 8)),
    (D(2025, 2, 15), "statehood-sat", D(2025, 2, 18)),  # Sun 16, Mon 17 (shift) -> Tue 18
    (D(2025, 2, 16), "statehood-sun", D(2025, 2, 18)),
    (D(2025, 2, 17), "statehood-shifted-mon", D(2025, 2, 18)),
    (D(2025, 4, 18), "good-friday", D(2025, 4, 22)),  # Sat, Sun Easter, Mon -> Tue 22 Apr
    (D(2025, 4, 19), "holy-saturday", D(2025, 4, 22)),
    (D(2025, 4, 20), "easter-sunday", D(2025, 4, 22)),
    (D(2025, 4, 21), "easter-monday", D(2025, 4, 22)),
    (D(2025, 5, 1), "labour-day-thu", D(2025, 5, 5)),  # Fri 2 May holiday, Sat, Sun -> Mon 5
    (D(2025, 5, 2), "labour-day-fri", D(2025, 5, 5)),
    (D(2025, 11, 11), "armistice-tue", D(2025, 11, 12)),
    # 2026 (1 Jan Thu). Easter 12 Apr. 15 Feb is a Sunday -> Tue 17 Feb off (Mon 16 is a holiday).
    (D(2026, 1, 1), "new-year-thu", D(2026, 1, 5)),  # Fri 2 holiday, Sat 3, Sun 4 -> Mon 5
    (D(2026, 1, 2), "new-year-fri", D(2026, 1, 5)),
    (D(2026, 1, 7), "christmas-wed", D(2026, 1, 8)),
    (D(2026, 2, 15), "statehood-sun", D(2026, 2, 18)),  # Mon 16, Tue 17 (shift) -> Wed 18
    (D(2026, 2, 16), "statehood-mon", D(2026, 2, 18)),
    (D(2026, 2, 17), "statehood-shifted-tue", D(2026, 2, 18)),
    (D(2026, 4, 10), "good-friday", D(2026, 4, 14)),  # Sat 11, Sun 12, Mon 13 -> Tue 14 Apr
    (D(2026, 4, 11), "holy-saturday", D(2026, 4, 14)),
    (D(2026, 4, 12), "easter-sunday", D(2026, 4, 14)),
    (D(2026, 4, 13), "easter-monday", D(2026, 4, 14)),
    (D(2026, 5, 1), "labour-day-fri", D(2026, 5, 4)),  # Sat 2 (no shift for Sat), Sun -> Mon 4
    (D(2026, 5, 2), "labour-day-sat", D(2026, 5, 4)),
    (D(2026, 11, 11), "armistice-wed", D(2026, 11, 12)),
    # 2027 (1 Jan Fri). Easter 2 May, coinciding with Labour Day: 2 May is a Sunday, Mon 3 May is
    # Easter Monday, so the Labour Day shift lands on Tue 4 May.
    (D(2027, 1, 1), "new-year-fri", D(2027, 1, 4)),  # Sat 2 (holiday, no shift), Sun -> Mon 4
    (D(2027, 1, 2), "new-year-sat", D(2027, 1, 4)),
    (D(2027, 1, 7), "christmas-thu", D(2027, 1, 8)),
    (D(2027, 2, 15), "statehood-mon", D(2027, 2, 17)),  # Tue 16 holiday -> Wed 17
    (D(2027, 2, 16), "statehood-tue", D(2027, 2, 17)),
    (D(2027, 4, 30), "good-friday", D(2027, 5, 5)),  # Sat 1, Sun 2, Mon 3, Tue 4 -> Wed 5 May
    (D(2027, 5, 1), "holy-saturday-and-labour-day", D(2027, 5, 5)),
    (D(2027, 5, 2), "easter-sunday-and-labour-day", D(2027, 5, 5)),
    (D(2027, 5, 3), "easter-monday", D(2027, 5, 5)),
    (D(2027, 5, 4), "labour-day-shifted-tue", D(2027, 5, 5)),
    (D(2027, 11, 11), "armistice-thu", D(2027, 11, 12)),
    # 2028 (1 Jan Sat, leap year). Easter 16 Apr. 2 Jan is a Sunday -> Mon 3 Jan off.
    (D(2028, 1, 1), "new-year-sat", D(2028, 1, 4)),  # Sun 2, Mon 3 (shift) -> Tue 4
    (D(2028, 1, 2), "new-year-sun", D(2028, 1, 4)),
    (D(2028, 1, 3), "new-year-shifted-mon", D(2028, 1, 4)),
    (D(2028, 1, 7), "christmas-fri", D(2028, 1, 10)),  # Sat 8, Sun 9 -> Mon 10
    (D(2028, 2, 15), "statehood-tue", D(2028, 2, 17)),  # Wed 16 holiday -> Thu 17
    (D(2028, 2, 16), "statehood-wed", D(2028, 2, 17)),
    (D(2028, 4, 14), "good-friday", D(2028, 4, 18)),  # Sat 15, Sun 16, Mon 17 -> Tue 18 Apr
    (D(2028, 4, 15), "holy-saturday", D(2028, 4, 18)),
    (D(2028, 4, 16), "easter-sunday", D(2028, 4, 18)),
    (D(2028, 4, 17), "easter-monday", D(2028, 4, 18)),
    (D(2028, 5, 1), "labour-day-mon", D(2028, 5, 3)),  # Tue 2 holiday -> Wed 3
    (D(2028, 5, 2), "labour-day-tue", D(2028, 5, 3)),
    (D(2028, 11, 11), "armistice-sat", D(2028, 11, 13)),  # Saturday: no shift; Sun -> Mon 13
    # 2029 (1 Jan Mon). Easter 8 Apr. 7 Jan is a Sunday (religious: no shift). 11 Nov is a Sunday
    # -> Mon 12 Nov off.
    (D(2029, 1, 1), "new-year-mon", D(2029, 1, 3)),  # Tue 2 holiday -> Wed 3
    (D(2029, 1, 2), "new-year-tue", D(2029, 1, 3)),
    (D(2029, 1, 7), "christmas-sun-not-shifted", D(2029, 1, 8)),  # Mon 8 Jan is a working day
    (D(2029, 2, 15), "statehood-thu", D(2029, 2, 19)),  # Fri 16 holiday, Sat, Sun -> Mon 19
    (D(2029, 2, 16), "statehood-fri", D(2029, 2, 19)),
    (D(2029, 4, 6), "good-friday", D(2029, 4, 10)),  # Sat 7, Sun 8, Mon 9 -> Tue 10 Apr
    (D(2029, 4, 7), "holy-saturday", D(2029, 4, 10)),
    (D(2029, 4, 8), "easter-sunday", D(2029, 4, 10)),
    (D(2029, 4, 9), "easter-monday", D(2029, 4, 10)),
    (D(2029, 5, 1), "labour-day-tue", D(2029, 5, 3)),  # Wed 2 holiday -> Thu 3
    (D(2029, 5, 2), "labour-day-wed", D(2029, 5, 3)),
    (D(2029, 11, 11), "armistice-sun", D(2029, 11, 13)),  # Mon 12 (shift) -> Tue 13
    (D(2029, 11, 12), "armistice-shifted-mon", D(2029, 11, 13)),
    # 2030 (1 Jan Tue). Easter 28 Apr. 16 Feb is a Saturday: no shift.
    (D(2030, 1, 1), "new-year-tue", D(2030, 1, 3)),  # Wed 2 holiday -> Thu 3
    (D(2030, 1, 2), "new-year-wed", D(2030, 1, 3)),
    (D(2030, 1, 7), "christmas-mon", D(2030, 1, 8)),
    (D(2030, 2, 15), "statehood-fri", D(2030, 2, 18)),  # Sat 16 (no shift), Sun -> Mon 18
    (D(2030, 2, 16), "statehood-sat", D(2030, 2, 18)),
    (D(2030, 4, 26), "good-friday", D(2030, 4, 30)),  # Sat 27, Sun 28, Mon 29 -> Tue 30 Apr
    (D(2030, 4, 27), "holy-saturday", D(2030, 4, 30)),
    (D(2030, 4, 28), "easter-sunday", D(2030, 4, 30)),
    (D(2030, 4, 29), "easter-monday", D(2030, 4, 30)),
    (D(2030, 5, 1), "labour-day-wed", D(2030, 5, 3)),  # Thu 2 holiday -> Fri 3
    (D(2030, 5, 2), "labour-day-thu", D(2030, 5, 3)),
    (D(2030, 11, 11), "armistice-mon", D(2030, 11, 12)),
    # 2031 (1 Jan Wed). Easter 13 Apr. 16 Feb is a Sunday -> Mon 17 Feb off.
    (D(2031, 1, 1), "new-year-wed", D(2031, 1, 3)),  # Thu 2 holiday -> Fri 3
    (D(2031, 1, 2), "new-year-thu", D(2031, 1, 3)),
    (D(2031, 1, 7), "christmas-tue", D(2031, 1, 8)),
    (D(2031, 2, 15), "statehood-sat", D(2031, 2, 18)),  # Sun 16, Mon 17 (shift) -> Tue 18
    (D(2031, 2, 16), "statehood-sun", D(2031, 2, 18)),
    (D(2031, 2, 17), "statehood-shifted-mon", D(2031, 2, 18)),
    (D(2031, 4, 11), "good-friday", D(2031, 4, 15)),  # Sat 12, Sun 13, Mon 14 -> Tue 15 Apr
    (D(2031, 4, 12), "holy-saturday", D(2031, 4, 15)),
    (D(2031, 4, 13), "easter-sunday", D(2031, 4, 15)),
    (D(2031, 4, 14), "easter-monday", D(2031, 4, 15)),
    (D(2031, 5, 1), "labour-day-thu", D(2031, 5, 5)),  # Fri 2 holiday, Sat, Sun -> Mon 5
    (D(2031, 5, 2), "labour-day-fri", D(2031, 5, 5)),
    (D(2031, 11, 11), "armistice-tue", D(2031, 11, 12)),
]

HOLIDAY_PARAMS = [
    pytest.param(day, roll_to, id=f"{day.isoformat()}-{name}")
    for day, name, roll_to in HOLIDAYS_2025_2031
]
HOLIDAY_DATES = frozenset(day for day, _, _ in HOLIDAYS_2025_2031)


def test_hand_written_easter_dates_agree_with_the_julian_computus():
    for year, easter in ORTHODOX_EASTER.items():
        assert easter.weekday() == 6, year
        assert _julian_computus(year) == easter, year


def test_hand_written_holiday_table_agrees_with_the_rules_of_the_law():
    for year in range(2025, 2032):
        assert {day for day in HOLIDAY_DATES if day.year == year} == _rule_holidays(year), year
    for day, name, roll_to in HOLIDAYS_2025_2031:
        assert _roll(day) == roll_to, name


def test_the_known_sunday_shifts_are_in_the_holiday_table():
    for shifted in (
        D(2025, 2, 17),
        D(2026, 2, 17),
        D(2027, 5, 4),
        D(2028, 1, 3),
        D(2029, 11, 12),
        D(2031, 2, 17),
    ):
        assert shifted in HOLIDAY_DATES
        assert shifted.weekday() < 5


def test_engine_calendar_matches_the_hand_written_calendar_on_every_day_2025_to_2031():
    day, mismatches = D(2025, 1, 1), []
    while day <= D(2031, 12, 31):
        expected = day.weekday() < 5 and day not in HOLIDAY_DATES
        if is_working_day(day) != expected:
            mismatches.append(day)
        day += ONE_DAY
    assert mismatches == []


@pytest.mark.parametrize(("holiday", "roll_to"), HOLIDAY_PARAMS)
def test_a_public_holiday_is_not_a_working_day(holiday, roll_to):
    assert is_working_day(holiday) is False


@pytest.mark.parametrize(("holiday", "roll_to"), HOLIDAY_PARAMS)
def test_a_fifteen_day_deadline_ending_on_a_public_holiday_rolls_to_the_next_working_day(
    holiday, roll_to
):
    start = holiday - dt.timedelta(days=15)
    assert response_due(start) == roll_to
    assert appeal_due(start) == roll_to


@pytest.mark.parametrize(("holiday", "roll_to"), HOLIDAY_PARAMS)
def test_deadlines_of_other_lengths_ending_on_a_public_holiday_roll_the_same_way(holiday, roll_to):
    assert incomplete_notice_due(holiday - dt.timedelta(days=8)) == roll_to
    assert extension_notice_due(holiday - dt.timedelta(days=7)) == roll_to
    assert lawsuit_due(holiday - dt.timedelta(days=30)) == roll_to
    assert extended_response_latest(holiday - dt.timedelta(days=40)) == roll_to
    assert commissioner_decision_due(holiday - dt.timedelta(days=60)) == roll_to


# ---------------------------------------------------------------------------------------------
# is_working_day
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(D(2026, 3, 2), True, id="ordinary-monday-2026-03-02"),
        pytest.param(D(2026, 3, 4), True, id="ordinary-wednesday"),
        pytest.param(D(2026, 3, 7), False, id="saturday"),
        pytest.param(D(2026, 3, 8), False, id="sunday"),
        pytest.param(D(2025, 5, 9), True, id="9-may-2025-fri-victory-day-is-worked"),
        pytest.param(D(2028, 5, 9), True, id="9-may-2028-tue-victory-day-is-worked"),
        pytest.param(D(2029, 5, 9), True, id="9-may-2029-wed"),
        pytest.param(D(2030, 5, 9), True, id="9-may-2030-thu"),
        pytest.param(D(2031, 5, 9), True, id="9-may-2031-fri"),
        pytest.param(D(2025, 12, 31), True, id="new-years-eve-wed-is-worked"),
        pytest.param(D(2025, 1, 6), True, id="christmas-eve-mon-2025-is-worked"),
        pytest.param(D(2031, 1, 6), True, id="christmas-eve-mon-2031-is-worked"),
        pytest.param(D(2029, 1, 8), True, id="mon-after-sunday-christmas-2029-is-not-shifted"),
        pytest.param(D(2027, 1, 4), True, id="mon-after-saturday-new-year-2027-no-shift"),
        pytest.param(D(2026, 5, 4), True, id="mon-after-saturday-labour-day-2026-no-shift"),
        pytest.param(D(2030, 2, 18), True, id="mon-after-saturday-statehood-2030-no-shift"),
        pytest.param(D(2028, 11, 13), True, id="mon-after-saturday-armistice-2028-no-shift"),
        pytest.param(D(2027, 2, 17), True, id="17-feb-2027-wed-no-shift"),
        pytest.param(D(2027, 5, 5), True, id="wed-after-the-2027-easter-labour-pile-up"),
        pytest.param(D(2025, 11, 10), True, id="ordinary-monday-2025-11-10"),
        pytest.param(D(2030, 1, 3), True, id="3-jan-2030-thu"),
        pytest.param(D(2028, 1, 3), False, id="new-year-shift-mon-2028-01-03"),
        pytest.param(D(2027, 5, 4), False, id="labour-day-shift-tue-2027-05-04"),
        pytest.param(D(2029, 11, 12), False, id="armistice-shift-mon-2029-11-12"),
        pytest.param(D(2026, 4, 10), False, id="good-friday-2026"),
        pytest.param(D(2026, 4, 13), False, id="easter-monday-2026"),
        pytest.param(D(2032, 1, 7), False, id="christmas-2032-wed"),
        pytest.param(D(2024, 5, 6), False, id="easter-monday-2024"),
    ],
)
def test_is_working_day_knows_weekends_holidays_and_ordinary_days(day, working):
    assert is_working_day(day) is working


def test_is_working_day_treats_an_extra_closed_day_as_closed():
    assert is_working_day(D(2026, 3, 2), extra_closed={D(2026, 3, 2)}) is False
    assert is_working_day(D(2026, 3, 3), extra_closed={D(2026, 3, 2)}) is True


# ---------------------------------------------------------------------------------------------
# Table-driven tests of each deadline (counted by hand).
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Worked example 1: +15 = Sat 11 Apr (Holy Saturday) -> Sun 12 (Easter) -> Mon 13
        # (Easter Monday) -> Tue 14 Apr.
        pytest.param(D(2026, 3, 27), D(2026, 4, 14), id="worked-example-fri-27-mar-2026-easter"),
        # Worked example 2: 23 Dec + 15 = 38 Dec = Wed 7 Jan 2026 (Orthodox Christmas) -> Thu 8.
        pytest.param(D(2025, 12, 23), D(2026, 1, 8), id="worked-example-tue-23-dec-2025-7-jan"),
        # Mon 2 Mar + 15 = Tue 17 Mar, a working day.
        pytest.param(D(2026, 3, 2), D(2026, 3, 17), id="plain-no-roll"),
        # Fri 6 Mar + 15 = Sat 21 Mar -> Mon 23 Mar.
        pytest.param(D(2026, 3, 6), D(2026, 3, 23), id="saturday-rolls-to-monday"),
        # Sat 7 Mar + 15 = Sun 22 Mar -> Mon 23 Mar.
        pytest.param(D(2026, 3, 7), D(2026, 3, 23), id="sunday-rolls-to-monday"),
        # Sat 31 Jan + 15 = Sun 15 Feb (Statehood) -> Mon 16 -> Tue 17 (shift) -> Wed 18 Feb.
        pytest.param(D(2026, 1, 31), D(2026, 2, 18), id="statehood-2026-sunday-shift"),
        # Thu 16 Apr + 15 = Fri 1 May (Labour Day) -> Sat 2 -> Sun 3 -> Mon 4 May.
        pytest.param(D(2026, 4, 16), D(2026, 5, 4), id="labour-day-2026"),
        # Thu 17 Dec 2026 + 15 = 32 Dec = Fri 1 Jan 2027 -> Sat 2 -> Sun 3 -> Mon 4 Jan.
        pytest.param(D(2026, 12, 17), D(2027, 1, 4), id="crosses-new-year-2027"),
        # Wed 31 Dec 2025 + 15 = Thu 15 Jan 2026, a working day.
        pytest.param(D(2025, 12, 31), D(2026, 1, 15), id="starts-on-31-dec"),
        # Thu 15 Apr 2027 + 15 = Fri 30 Apr (Good Friday) -> Sat 1 May (Holy Saturday, Labour
        # Day) -> Sun 2 (Easter, Labour Day) -> Mon 3 (Easter Monday) -> Tue 4 (Labour Day
        # shifted) -> Wed 5 May.
        pytest.param(D(2027, 4, 15), D(2027, 5, 5), id="easter-and-labour-day-2027"),
        # Mon 24 Apr 2028 + 15 = Tue 9 May: 9 May is worked, no roll.
        pytest.param(D(2028, 4, 24), D(2028, 5, 9), id="9-may-is-a-working-day"),
        # Sat 27 Oct 2029 + 15 = 42 Oct = Sun 11 Nov (Armistice) -> Mon 12 (shift) -> Tue 13 Nov.
        pytest.param(D(2029, 10, 27), D(2029, 11, 13), id="armistice-2029-sunday-shift"),
        # Sat 17 Dec 2027 + 15 = 32 Dec = Sat 1 Jan 2028 -> Sun 2 -> Mon 3 (shift) -> Tue 4 Jan.
        pytest.param(D(2027, 12, 17), D(2028, 1, 4), id="new-year-2028-weekend-and-shift"),
    ],
)
def test_response_due_is_fifteen_days_after_receipt_rolled_to_a_working_day(received, due):
    assert response_due(received) == due


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        # Wed 11 Jun 2025 + 15 = Thu 26 Jun.
        pytest.param(D(2025, 6, 11), D(2025, 6, 26), id="plain-no-roll"),
        # Thu 3 Apr 2025 + 15 = Fri 18 Apr (Good Friday) -> Sat -> Sun 20 (Easter) -> Mon 21
        # (Easter Monday) -> Tue 22 Apr.
        pytest.param(D(2025, 4, 3), D(2025, 4, 22), id="easter-2025"),
        # Sat 1 Feb 2025 + 15 = Sun 16 Feb (Statehood) -> Mon 17 (shift) -> Tue 18 Feb.
        pytest.param(D(2025, 2, 1), D(2025, 2, 18), id="statehood-2025-sunday-shift"),
        # Fri 31 Jan 2031 + 15 = Sat 15 Feb -> Sun 16 -> Mon 17 (shift) -> Tue 18 Feb.
        pytest.param(D(2031, 1, 31), D(2031, 2, 18), id="statehood-2031-sunday-shift"),
        # Tue 23 Dec 2025 + 15 = Wed 7 Jan 2026 (Christmas) -> Thu 8 Jan.
        pytest.param(D(2025, 12, 23), D(2026, 1, 8), id="orthodox-christmas"),
    ],
)
def test_appeal_due_is_fifteen_days_after_delivery_of_the_decision(delivered, due):
    assert appeal_due(delivered) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Mon 2 Mar 2026 + 8 = Tue 10 Mar.
        pytest.param(D(2026, 3, 2), D(2026, 3, 10), id="plain-no-roll"),
        # Fri 3 Apr 2026 + 8 = Sat 11 Apr (Holy Saturday) -> Sun -> Mon (Easter) -> Tue 14 Apr.
        pytest.param(D(2026, 4, 3), D(2026, 4, 14), id="easter-2026"),
        # Tue 30 Dec 2025 + 8 = 38 Dec = Wed 7 Jan 2026 (Christmas) -> Thu 8 Jan.
        pytest.param(D(2025, 12, 30), D(2026, 1, 8), id="orthodox-christmas"),
        # Fri 24 Dec 2027 + 8 = 32 Dec = Sat 1 Jan 2028 -> Sun 2 -> Mon 3 (shift) -> Tue 4 Jan.
        pytest.param(D(2027, 12, 24), D(2028, 1, 4), id="new-year-2028-shift"),
    ],
)
def test_incomplete_notice_due_is_eight_days_after_receipt(received, due):
    assert incomplete_notice_due(received) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Mon 2 Mar 2026 + 7 = Mon 9 Mar.
        pytest.param(D(2026, 3, 2), D(2026, 3, 9), id="plain-no-roll"),
        # Fri 3 Apr 2026 + 7 = Fri 10 Apr (Good Friday) -> Sat -> Sun -> Mon -> Tue 14 Apr.
        pytest.param(D(2026, 4, 3), D(2026, 4, 14), id="good-friday-2026"),
        # Mon 5 Nov 2029 + 7 = Mon 12 Nov (Armistice shifted from Sun 11) -> Tue 13 Nov.
        pytest.param(D(2029, 11, 5), D(2029, 11, 13), id="armistice-shift-2029"),
        # Tue 27 Apr 2027 + 7 = Tue 4 May (Labour Day shifted past Easter Monday) -> Wed 5 May.
        pytest.param(D(2027, 4, 27), D(2027, 5, 5), id="labour-day-shift-2027"),
    ],
)
def test_extension_notice_due_is_seven_days_after_receipt(received, due):
    assert extension_notice_due(received) == due


def test_large_volume_notice_due_is_seven_days_after_receipt():
    # Fri 25 Dec 2026 + 7 = 32 Dec = Fri 1 Jan 2027 -> Sat 2 -> Sun 3 -> Mon 4 Jan.
    assert large_volume_notice_due(D(2026, 12, 25)) == D(2027, 1, 4)
    # Mon 2 Mar 2026 + 7 = Mon 9 Mar.
    assert large_volume_notice_due(D(2026, 3, 2)) == D(2026, 3, 9)


@pytest.mark.parametrize(
    ("received", "latest"),
    [
        # Fri 27 Mar 2026 + 40 = 67 Mar = 36 Apr = Wed 6 May, a working day.
        pytest.param(D(2026, 3, 27), D(2026, 5, 6), id="plain-no-roll"),
        # Mon 23 Mar 2026 + 40 = 63 Mar = 32 Apr = Sat 2 May (Labour Day) -> Sun 3 -> Mon 4 May.
        pytest.param(D(2026, 3, 23), D(2026, 5, 4), id="labour-day-2026"),
        # Sat 22 Nov 2025 + 40 = 62 Nov = 32 Dec = Thu 1 Jan 2026 -> Fri 2 -> Sat -> Sun -> Mon 5.
        pytest.param(D(2025, 11, 22), D(2026, 1, 5), id="crosses-new-year-2026"),
        # Fri 28 Nov 2025 + 40 = 68 Nov = 38 Dec = Wed 7 Jan 2026 (Christmas) -> Thu 8 Jan.
        pytest.param(D(2025, 11, 28), D(2026, 1, 8), id="orthodox-christmas"),
    ],
)
def test_extended_response_latest_is_forty_days_after_receipt(received, latest):
    assert extended_response_latest(received) == latest


@pytest.mark.parametrize(
    ("received", "urgent", "due"),
    [
        # Mon 2 Mar 2026 + 60 = 62 Mar = 31 Apr = Fri 1 May (Labour Day) -> Sat 2 -> Sun -> Mon 4.
        pytest.param(D(2026, 3, 2), False, D(2026, 5, 4), id="60-days-labour-day-2026"),
        # Tue 13 Jan 2026 + 60 = 73 Jan = 42 Feb = Sat 14 Mar -> Sun -> Mon 16 Mar.
        pytest.param(D(2026, 1, 13), False, D(2026, 3, 16), id="60-days-saturday"),
        # Tue 9 Nov 2027 + 60 = 69 Nov = 39 Dec = Sat 8 Jan 2028 -> Sun 9 -> Mon 10 Jan.
        pytest.param(D(2027, 11, 9), False, D(2028, 1, 10), id="60-days-crosses-new-year"),
        # Fri 31 Dec 2027 + 60 = 91 Dec = 60 Jan = Tue 29 Feb 2028 (leap day, worked).
        pytest.param(D(2027, 12, 31), False, D(2028, 2, 29), id="60-days-ends-on-leap-day"),
        # Mon 2 Mar 2026 + 30 = 32 Mar = Wed 1 Apr.
        pytest.param(D(2026, 3, 2), True, D(2026, 4, 1), id="urgent-30-days-plain"),
        # Fri 16 Jan 2026 + 30 = 46 Jan = Sun 15 Feb (Statehood) -> Mon 16 -> Tue 17 (shift)
        # -> Wed 18 Feb.
        pytest.param(D(2026, 1, 16), True, D(2026, 2, 18), id="urgent-30-days-statehood-2026"),
        # Sun 30 Jan 2028 + 30 = 60 Jan = Tue 29 Feb 2028.
        pytest.param(D(2028, 1, 30), True, D(2028, 2, 29), id="urgent-30-days-leap-day"),
    ],
)
def test_commissioner_decision_due_is_sixty_days_or_thirty_in_urgent_matters(received, urgent, due):
    assert commissioner_decision_due(received, urgent=urgent) == due


def test_commissioner_decision_due_defaults_to_sixty_days():
    # Mon 2 Mar 2026 + 60 = Fri 1 May (Labour Day) -> Mon 4 May; urgent=False is the default.
    assert commissioner_decision_due(D(2026, 3, 2)) == D(2026, 5, 4)


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        # Wed 10 Oct 2029 + 30 = 40 Oct = Fri 9 Nov 2029.
        pytest.param(D(2029, 10, 10), D(2029, 11, 9), id="plain-no-roll"),
        # Fri 12 Oct 2029 + 30 = Sun 11 Nov (Armistice) -> Mon 12 (shift) -> Tue 13 Nov.
        pytest.param(D(2029, 10, 12), D(2029, 11, 13), id="armistice-2029-sunday-shift"),
        # Sat 12 Oct 2030 + 30 = Mon 11 Nov 2030 (Armistice) -> Tue 12 Nov.
        pytest.param(D(2030, 10, 12), D(2030, 11, 12), id="armistice-2030-monday"),
        # Sat 2 Dec 2028 + 30 = 32 Dec = Mon 1 Jan 2029 -> Tue 2 -> Wed 3 Jan.
        pytest.param(D(2028, 12, 2), D(2029, 1, 3), id="crosses-new-year-2029"),
        # Wed 7 Mar 2029 + 30 = 37 Mar = Fri 6 Apr (Good Friday) -> Sat -> Sun 8 (Easter) ->
        # Mon 9 -> Tue 10 Apr.
        pytest.param(D(2029, 3, 7), D(2029, 4, 10), id="easter-2029"),
    ],
)
def test_lawsuit_due_is_thirty_days_after_delivery_of_the_decision(delivered, due):
    assert lawsuit_due(delivered) == due


@pytest.mark.parametrize(
    ("response_deadline", "opens"),
    [
        pytest.param(D(2026, 4, 14), D(2026, 4, 15), id="day-after-a-tuesday-deadline"),
        # A Friday deadline: the appeal may be filed from Saturday (not a deadline end: no roll).
        pytest.param(D(2026, 4, 3), D(2026, 4, 4), id="opens-on-a-saturday-without-roll"),
        # Wed 31 Dec 2025 -> Thu 1 Jan 2026, a holiday, again without roll.
        pytest.param(D(2025, 12, 31), D(2026, 1, 1), id="opens-on-new-year-without-roll"),
        pytest.param(D(2028, 2, 28), D(2028, 2, 29), id="opens-on-leap-day"),
    ],
)
def test_silence_appeal_opens_the_day_after_the_answer_deadline(response_deadline, opens):
    assert silence_appeal_opens(response_deadline) == opens


@pytest.mark.parametrize(
    ("response_deadline", "last_day"),
    [
        # Tue 14 Apr 2026 -> Wed 14 Apr 2027, a working day (Easter 2027 is 2 May).
        pytest.param(D(2026, 4, 14), D(2027, 4, 14), id="same-day-next-year"),
        # Thu 8 Jan 2026 -> Fri 8 Jan 2027.
        pytest.param(D(2026, 1, 8), D(2027, 1, 8), id="january"),
        # Tue 29 Feb 2028 -> 29 Feb 2029 does not exist -> Wed 28 Feb 2029.
        pytest.param(D(2028, 2, 29), D(2029, 2, 28), id="29-feb-maps-to-28-feb"),
        # Fri 10 Nov 2028 -> Sat 10 Nov 2029 -> Sun 11 (Armistice) -> Mon 12 (shift) -> Tue 13.
        pytest.param(D(2028, 11, 10), D(2029, 11, 13), id="rolls-past-armistice-shift"),
        # Thu 11 Apr 2030 -> Fri 11 Apr 2031 (Good Friday) -> Sat -> Sun -> Mon -> Tue 15 Apr.
        pytest.param(D(2030, 4, 11), D(2031, 4, 15), id="rolls-past-easter-2031"),
        # Wed 31 Dec 2031 -> Fri 31 Dec 2032.
        pytest.param(D(2031, 12, 31), D(2032, 12, 31), id="year-end"),
    ],
)
def test_silence_appeal_last_day_is_one_year_after_the_answer_deadline(response_deadline, last_day):
    assert silence_appeal_last_day(response_deadline) == last_day


@pytest.mark.parametrize(
    ("posted", "method", "receipt_on", "delivered"),
    [
        # Ordinary post: the 7th day after posting. Mon 2 Mar + 7 = Mon 9 Mar.
        pytest.param(D(2026, 3, 2), "ordinary_post", None, D(2026, 3, 9), id="ordinary-post"),
        # Sat 4 Apr + 7 = Sat 11 Apr (Holy Saturday): a fact-date, it does not roll.
        pytest.param(
            D(2026, 4, 4), "ordinary_post", None, D(2026, 4, 11), id="ordinary-post-no-roll"
        ),
        # Thu 25 Dec 2025 + 7 = Thu 1 Jan 2026 (New Year), no roll.
        pytest.param(D(2025, 12, 25), "post", None, D(2026, 1, 1), id="post-alias-new-year"),
        # Registered post: the date on the return receipt.
        pytest.param(
            D(2026, 3, 2),
            "registered_post",
            D(2026, 3, 5),
            D(2026, 3, 5),
            id="registered-with-receipt",
        ),
        # The receipt date stands even on a Saturday (Sat 7 Mar).
        pytest.param(
            D(2026, 3, 2),
            DeliveryMethod.REGISTERED_POST,
            D(2026, 3, 7),
            D(2026, 3, 7),
            id="registered-receipt-on-saturday",
        ),
        # Registered post without a receipt yet: the ordinary-post presumption (+7).
        pytest.param(
            D(2026, 3, 2), "registered", None, D(2026, 3, 9), id="registered-without-receipt"
        ),
        # E-mail and other electronic or direct deliveries: the same day, even on a holiday.
        pytest.param(D(2026, 4, 11), "email", None, D(2026, 4, 11), id="email-same-day"),
        pytest.param(D(2026, 4, 11), "e-mail", None, D(2026, 4, 11), id="e-mail-alias"),
        pytest.param(D(2026, 3, 7), "electronic", None, D(2026, 3, 7), id="electronic"),
        pytest.param(D(2026, 3, 7), "fax", None, D(2026, 3, 7), id="fax"),
        pytest.param(D(2026, 3, 7), "hand", None, D(2026, 3, 7), id="by-hand"),
        # Failed personal delivery: 15 days after the notice. Mon 2 Mar + 15 = Tue 17 Mar.
        pytest.param(D(2026, 3, 2), "failed_personal", None, D(2026, 3, 17), id="failed-personal"),
        # Fri 27 Mar + 15 = Sat 11 Apr (Holy Saturday): no roll for a presumed delivery.
        pytest.param(
            D(2026, 3, 27), "failed_personal", None, D(2026, 4, 11), id="failed-personal-no-roll"
        ),
    ],
)
def test_deemed_delivered_follows_the_zup_delivery_presumptions(
    posted, method, receipt_on, delivered
):
    assert deemed_delivered(posted, method, receipt_on=receipt_on) == delivered


def test_deemed_delivered_refuses_a_return_receipt_that_is_not_a_date():
    with pytest.raises(TypeError):
        deemed_delivered(D(2026, 3, 2), "registered_post", receipt_on="2026-03-05")


def test_deemed_delivered_refuses_a_return_receipt_dated_before_the_posting():
    with pytest.raises(ValueError):
        deemed_delivered(D(2026, 3, 5), "registered_post", receipt_on=D(2026, 3, 4))


def _belgrade() -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo("Europe/Belgrade")
    except zoneinfo.ZoneInfoNotFoundError:  # pragma: no cover - depends on the machine
        pytest.skip("no time-zone database on this machine")


@pytest.mark.parametrize(
    ("received", "mark"),
    [
        # Fri 10:15 + 48 h = Sun 10:15: the mark is shown even on a weekend, no roll.
        pytest.param(
            dt.datetime(2026, 3, 27, 10, 15),
            dt.datetime(2026, 3, 29, 10, 15),
            id="naive-friday-to-sunday",
        ),
        # Thu 30 Apr 23:59 + 48 h = Sat 2 May 23:59 (Labour Day), no roll.
        pytest.param(
            dt.datetime(2026, 4, 30, 23, 59),
            dt.datetime(2026, 5, 2, 23, 59),
            id="naive-into-labour-day",
        ),
        # Fixed-offset aware: Fri 10 Apr 16:00 +02:00 -> Sun 12 Apr (Easter) 16:00 +02:00.
        pytest.param(
            dt.datetime(2026, 4, 10, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            dt.datetime(2026, 4, 12, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            id="aware-fixed-offset-over-easter",
        ),
        # UTC, crossing a month end: Mon 30 Nov 2026 12:00Z -> Wed 2 Dec 12:00Z.
        pytest.param(
            dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC),
            id="aware-utc-month-end",
        ),
    ],
)
def test_urgent_response_due_is_exactly_48_hours_after_receipt(received, mark):
    result = urgent_response_due(received)
    assert result == mark
    assert result - received == dt.timedelta(hours=48)
    assert result.tzinfo is received.tzinfo


def test_urgent_response_due_keeps_the_belgrade_time_zone():
    belgrade = _belgrade()
    received = dt.datetime(2026, 6, 1, 9, 0, tzinfo=belgrade)  # CEST all the way
    result = urgent_response_due(received)
    assert result.tzinfo is belgrade
    assert result == dt.datetime(2026, 6, 3, 9, 0, tzinfo=belgrade)


@pytest.mark.parametrize(
    ("received_local", "mark_local"),
    [
        # Summer time starts Sun 29 Mar 2026 at 02:00 CET (clocks go to 03:00 CEST), so 48
        # elapsed hours from Fri 27 Mar 10:00 CET (09:00Z) end at Sun 29 Mar 09:00Z = 11:00 CEST.
        pytest.param(
            dt.datetime(2026, 3, 27, 10, 0),
            dt.datetime(2026, 3, 29, 11, 0),
            id="spring-forward-2026",
        ),
        # Summer time ends Sun 25 Oct 2026 at 03:00 CEST (clocks go back to 02:00 CET), so 48
        # elapsed hours from Fri 23 Oct 10:00 CEST (08:00Z) end at Sun 25 Oct 08:00Z = 09:00 CET.
        pytest.param(
            dt.datetime(2026, 10, 23, 10, 0),
            dt.datetime(2026, 10, 25, 9, 0),
            id="fall-back-2026",
        ),
    ],
)
def test_urgent_response_due_counts_48_elapsed_hours_across_a_dst_change(
    received_local, mark_local
):
    belgrade = _belgrade()
    received = received_local.replace(tzinfo=belgrade)
    result = urgent_response_due(received)
    assert result.tzinfo is belgrade
    # Compare instants in UTC: same-tzinfo subtraction in Python ignores the offset change.
    elapsed = result.astimezone(dt.UTC) - received.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=48)
    assert result.astimezone(dt.UTC) == mark_local.replace(tzinfo=belgrade).astimezone(dt.UTC)


def test_urgent_response_due_for_a_bare_date_is_two_days_later_without_roll():
    # Fri 10 Apr 2026 (Good Friday) -> Sun 12 Apr (Easter): the mark, not a rolled deadline.
    assert urgent_response_due(D(2026, 4, 10)) == D(2026, 4, 12)


@pytest.mark.parametrize(
    ("period", "due"),
    [
        # Notice received Mon 2 Mar 2026.
        pytest.param(8, D(2026, 3, 10), id="8-days-tue-10-mar"),
        pytest.param(9, D(2026, 3, 11), id="9-days-wed-11-mar"),
        pytest.param(10, D(2026, 3, 12), id="10-days-thu-12-mar"),
        pytest.param(11, D(2026, 3, 13), id="11-days-fri-13-mar"),
        pytest.param(12, D(2026, 3, 16), id="12-days-sat-14-mar-rolls-to-mon-16"),
        pytest.param(13, D(2026, 3, 16), id="13-days-sun-15-mar-rolls-to-mon-16"),
        pytest.param(14, D(2026, 3, 16), id="14-days-mon-16-mar"),
        pytest.param(15, D(2026, 3, 17), id="15-days-tue-17-mar"),
    ],
)
def test_correction_due_accepts_every_period_from_eight_to_fifteen_days(period, due):
    assert correction_due(D(2026, 3, 2), period) == due


def test_correction_due_rolls_past_orthodox_christmas():
    # Mon 29 Dec 2025 + 9 = 38 Dec = Wed 7 Jan 2026 (Christmas) -> Thu 8 Jan.
    assert correction_due(D(2025, 12, 29), 9) == D(2026, 1, 8)


@pytest.mark.parametrize("period", [7, 16, 0, -8, 30])
def test_correction_due_refuses_a_period_outside_eight_to_fifteen_days(period):
    with pytest.raises(ValueError):
        correction_due(D(2026, 3, 2), period)


@pytest.mark.parametrize(
    ("delivered", "period", "due"),
    [
        # Mon 2 Mar 2026 + 5 = Sat 7 Mar -> Sun -> Mon 9 Mar.
        pytest.param(D(2026, 3, 2), 5, D(2026, 3, 9), id="5-days-saturday-rolls"),
        # Wed 8 Apr 2026 + 5 = Mon 13 Apr (Easter Monday) -> Tue 14 Apr.
        pytest.param(D(2026, 4, 8), 5, D(2026, 4, 14), id="5-days-easter-monday"),
        # Wed 31 Dec 2025 + 1 = Thu 1 Jan 2026 -> Fri 2 -> Sat -> Sun -> Mon 5 Jan.
        pytest.param(D(2025, 12, 31), 1, D(2026, 1, 5), id="1-day-new-year"),
        # Thu 5 Mar 2026 + 15 = Fri 20 Mar.
        pytest.param(D(2026, 3, 5), 15, D(2026, 3, 20), id="15-days-plain"),
    ],
)
def test_compliance_due_counts_the_period_set_in_the_commissioner_decision(delivered, period, due):
    assert compliance_due(delivered, period) == due


@pytest.mark.parametrize("period", [0, -1])
def test_compliance_due_refuses_a_period_shorter_than_one_day(period):
    with pytest.raises(ValueError):
        compliance_due(D(2026, 3, 2), period)


def test_urgency_answer_due_and_commissioner_silence_lawsuit_opening():
    # Repeat request sent Fri 3 Apr 2026 + 7 = Fri 10 Apr (Good Friday) -> Tue 14 Apr; the
    # lawsuit may be filed from the next day, Wed 15 Apr.
    assert urgency_answer_due(D(2026, 4, 3)) == D(2026, 4, 14)
    assert commissioner_silence_lawsuit_opens(D(2026, 4, 3)) == D(2026, 4, 15)
    # Sent Mon 2 Mar 2026 + 7 = Mon 9 Mar; lawsuit from Tue 10 Mar.
    assert urgency_answer_due(D(2026, 3, 2)) == D(2026, 3, 9)
    assert commissioner_silence_lawsuit_opens(D(2026, 3, 2)) == D(2026, 3, 10)


# ---------------------------------------------------------------------------------------------
# extra_closed: Government-declared extra non-working days.
# Every case below ends, without extra days, on Tue 17 Mar 2026 (an ordinary working day).
# ---------------------------------------------------------------------------------------------

TUE_17_MAR = D(2026, 3, 17)
WED_18_MAR = D(2026, 3, 18)
THU_19_MAR = D(2026, 3, 19)

LANDS_ON_TUE_17_MAR = [
    # Mon 2 Mar + 15 = Tue 17 Mar.
    pytest.param(response_due, D(2026, 3, 2), id="response_due"),
    pytest.param(appeal_due, D(2026, 3, 2), id="appeal_due"),
    pytest.param(
        lambda s, extra_closed=None: add_days(s, 15, extra_closed), D(2026, 3, 2), id="add_days"
    ),
    # Mon 9 Mar + 8 = Tue 17 Mar.
    pytest.param(incomplete_notice_due, D(2026, 3, 9), id="incomplete_notice_due"),
    # Sat 7 Mar + 10 = Tue 17 Mar.
    pytest.param(
        lambda s, extra_closed=None: correction_due(s, 10, extra_closed),
        D(2026, 3, 7),
        id="correction_due",
    ),
    # Tue 10 Mar + 7 = Tue 17 Mar.
    pytest.param(extension_notice_due, D(2026, 3, 10), id="extension_notice_due"),
    pytest.param(large_volume_notice_due, D(2026, 3, 10), id="large_volume_notice_due"),
    pytest.param(urgency_answer_due, D(2026, 3, 10), id="urgency_answer_due"),
    # Thu 5 Feb + 40 = 45 Feb = 17 Mar (February 2026 has 28 days).
    pytest.param(extended_response_latest, D(2026, 2, 5), id="extended_response_latest"),
    # Fri 16 Jan + 60 = 76 Jan = 45 Feb = 17 Mar.
    pytest.param(
        lambda s, extra_closed=None: commissioner_decision_due(s, extra_closed=extra_closed),
        D(2026, 1, 16),
        id="commissioner_decision_due",
    ),
    # Sun 15 Feb + 30 = 45 Feb = 17 Mar.
    pytest.param(
        lambda s, extra_closed=None: commissioner_decision_due(
            s, urgent=True, extra_closed=extra_closed
        ),
        D(2026, 2, 15),
        id="commissioner_decision_due-urgent",
    ),
    pytest.param(lawsuit_due, D(2026, 2, 15), id="lawsuit_due"),
    # Thu 12 Mar + 5 = Tue 17 Mar.
    pytest.param(
        lambda s, extra_closed=None: compliance_due(s, 5, extra_closed),
        D(2026, 3, 12),
        id="compliance_due",
    ),
    # Mon 17 Mar 2025 + 1 year = Tue 17 Mar 2026.
    pytest.param(silence_appeal_last_day, D(2025, 3, 17), id="silence_appeal_last_day"),
    pytest.param(
        lambda s, extra_closed=None: add_years(s, 1, extra_closed), D(2025, 3, 17), id="add_years"
    ),
    # Tue 17 Mar is itself a working day.
    pytest.param(next_working_day_on_or_after, TUE_17_MAR, id="next_working_day_on_or_after"),
]

# Public functions that accept extra_closed but are tested separately below.
EXTRA_CLOSED_TESTED_ELSEWHERE = {"is_working_day", "commissioner_silence_lawsuit_opens"}


@pytest.mark.parametrize(("deadline", "start"), LANDS_ON_TUE_17_MAR)
def test_an_extra_closed_last_day_moves_the_deadline_to_the_next_working_day(deadline, start):
    assert deadline(start) == TUE_17_MAR
    assert deadline(start, extra_closed=set()) == TUE_17_MAR
    assert deadline(start, extra_closed={TUE_17_MAR}) == WED_18_MAR
    assert deadline(start, extra_closed={TUE_17_MAR, WED_18_MAR}) == THU_19_MAR


@pytest.mark.parametrize(("deadline", "start"), LANDS_ON_TUE_17_MAR)
def test_an_extra_closed_day_before_the_last_day_does_not_lengthen_the_deadline(deadline, start):
    # Calendar days are counted regardless of closures; only the last day rolls.
    assert deadline(start, extra_closed={D(2026, 3, 16), D(2026, 3, 13)}) == TUE_17_MAR


def test_commissioner_silence_lawsuit_opens_after_an_extra_closed_day():
    # Repeat request Tue 10 Mar + 7 = Tue 17 Mar; lawsuit from Wed 18. Tue 17 closed -> the 7
    # days end Wed 18, the lawsuit opens Thu 19.
    assert commissioner_silence_lawsuit_opens(D(2026, 3, 10)) == WED_18_MAR
    assert commissioner_silence_lawsuit_opens(D(2026, 3, 10), {TUE_17_MAR}) == THU_19_MAR


def test_every_public_function_taking_extra_closed_is_covered():
    takes_extra_closed = {
        name
        for name, obj in vars(deadlines).items()
        if inspect.isfunction(obj)
        and not name.startswith("_")
        and obj.__module__ == deadlines.__name__
        and "extra_closed" in inspect.signature(obj).parameters
    }
    covered = {param.id.split("-")[0] for param in LANDS_ON_TUE_17_MAR}
    assert takes_extra_closed <= covered | EXTRA_CLOSED_TESTED_ELSEWHERE


def test_an_extra_day_off_after_easter_pushes_the_worked_example_a_day_further():
    # Fri 27 Mar 2026 + 15 = Sat 11 Apr -> ... -> Tue 14 Apr, declared closed -> Wed 15 Apr.
    assert response_due(D(2026, 3, 27), extra_closed={D(2026, 4, 14)}) == D(2026, 4, 15)


def test_an_extra_closed_friday_rolls_over_the_weekend():
    # Thu 5 Mar 2026 + 15 = Fri 20 Mar, declared closed -> Sat -> Sun -> Mon 23 Mar.
    assert response_due(D(2026, 3, 5), extra_closed={D(2026, 3, 20)}) == D(2026, 3, 23)


def test_an_extra_closed_day_bridging_new_year_and_christmas():
    # Tue 23 Dec 2025 + 15 = Wed 7 Jan 2026 (Christmas) -> Thu 8, declared closed -> Fri 9 Jan.
    assert response_due(D(2025, 12, 23), extra_closed={D(2026, 1, 8)}) == D(2026, 1, 9)


@pytest.mark.parametrize(
    "closed",
    [
        pytest.param({TUE_17_MAR}, id="set"),
        pytest.param(frozenset({TUE_17_MAR}), id="frozenset"),
        pytest.param([TUE_17_MAR], id="list"),
        pytest.param((TUE_17_MAR,), id="tuple"),
    ],
)
def test_extra_closed_may_be_any_collection_of_dates(closed):
    assert response_due(D(2026, 3, 2), extra_closed=closed) == WED_18_MAR


def test_extra_closed_days_do_not_affect_fact_dates():
    # The opening day of a silence appeal is not a deadline's end: it never rolls.
    assert silence_appeal_opens(D(2026, 3, 16)) == TUE_17_MAR


# ---------------------------------------------------------------------------------------------
# Property-based tests.
# ---------------------------------------------------------------------------------------------

DATES = st.dates(min_value=D(2024, 1, 1), max_value=D(2031, 12, 31))
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)

DAY_COUNTERS = [
    pytest.param(response_due, 15, id="response_due"),
    pytest.param(appeal_due, 15, id="appeal_due"),
    pytest.param(incomplete_notice_due, 8, id="incomplete_notice_due"),
    pytest.param(extension_notice_due, 7, id="extension_notice_due"),
    pytest.param(large_volume_notice_due, 7, id="large_volume_notice_due"),
    pytest.param(extended_response_latest, 40, id="extended_response_latest"),
    pytest.param(
        lambda s, extra_closed=None: commissioner_decision_due(s, extra_closed=extra_closed),
        60,
        id="commissioner_decision_due",
    ),
    pytest.param(
        lambda s, extra_closed=None: commissioner_decision_due(
            s, urgent=True, extra_closed=extra_closed
        ),
        30,
        id="commissioner_decision_due-urgent",
    ),
    pytest.param(lawsuit_due, 30, id="lawsuit_due"),
    pytest.param(urgency_answer_due, 7, id="urgency_answer_due"),
    pytest.param(
        lambda s, extra_closed=None: correction_due(s, 8, extra_closed), 8, id="correction_due-8"
    ),
    pytest.param(
        lambda s, extra_closed=None: correction_due(s, 15, extra_closed),
        15,
        id="correction_due-15",
    ),
    pytest.param(
        lambda s, extra_closed=None: compliance_due(s, 5, extra_closed), 5, id="compliance_due-5"
    ),
    pytest.param(
        lambda s, extra_closed=None: compliance_due(s, 1, extra_closed), 1, id="compliance_due-1"
    ),
]


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES)
def test_every_deadline_ends_on_a_working_day(deadline, days, start):
    due = deadline(start)
    assert is_working_day(due)
    assert not _closed(due)


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES)
def test_no_deadline_ends_before_its_calendar_days_have_run(deadline, days, start):
    assert deadline(start) >= start + dt.timedelta(days=days)


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES)
def test_no_deadline_rolls_more_than_ten_days(deadline, days, start):
    assert deadline(start) <= start + dt.timedelta(days=days + 10)


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES)
@example(start=D(2026, 3, 27))  # the worked examples
@example(start=D(2025, 12, 23))
@example(start=D(2024, 2, 29))  # leap days and year ends
@example(start=D(2028, 2, 29))
@example(start=D(2027, 12, 31))
@example(start=D(2031, 12, 31))
def test_a_deadline_is_the_first_working_day_on_or_after_its_nth_day(deadline, days, start):
    # Checked against the calendar written in this file, not the engine's.
    assert deadline(start) == _roll(start + dt.timedelta(days=days))


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES, gap=st.integers(min_value=0, max_value=40))
def test_a_later_start_never_gives_an_earlier_deadline(deadline, days, start, gap):
    assert deadline(start) <= deadline(start + dt.timedelta(days=gap))


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=DATES, offsets=st.sets(st.integers(min_value=-3, max_value=20), max_size=10))
def test_with_extra_closed_days_a_deadline_still_ends_on_an_open_working_day(
    deadline, days, start, offsets
):
    nth_day = start + dt.timedelta(days=days)
    closed = {nth_day + dt.timedelta(days=k) for k in offsets}
    due = deadline(start, extra_closed=closed)
    assert due not in closed
    assert is_working_day(due, extra_closed=closed)
    assert due >= nth_day
    assert due == _roll(nth_day, closed)


@pytest.mark.parametrize(("deadline", "days"), DAY_COUNTERS)
@PROPERTY_SETTINGS
@given(start=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2031, 12, 31)))
def test_a_datetime_start_always_counts_as_its_calendar_day(deadline, days, start):
    assert deadline(start) == deadline(start.date())


@PROPERTY_SETTINGS
@given(deadline_day=DATES)
@example(deadline_day=D(2024, 2, 29))
@example(deadline_day=D(2028, 2, 29))
@example(deadline_day=D(2031, 12, 31))
def test_silence_appeal_last_day_is_a_working_day_at_least_a_year_later(deadline_day):
    anniversary = _same_day_next_year(deadline_day)
    last_day = silence_appeal_last_day(deadline_day)
    assert last_day >= anniversary
    assert last_day <= anniversary + dt.timedelta(days=10)
    assert is_working_day(last_day)
    assert last_day == _roll(anniversary)


@PROPERTY_SETTINGS
@given(deadline_day=DATES, gap=st.integers(min_value=0, max_value=40))
def test_silence_appeal_last_day_never_moves_earlier_for_a_later_deadline(deadline_day, gap):
    later = deadline_day + dt.timedelta(days=gap)
    assert silence_appeal_last_day(deadline_day) <= silence_appeal_last_day(later)


@PROPERTY_SETTINGS
@given(deadline_day=DATES, offsets=st.sets(st.integers(min_value=-3, max_value=20), max_size=10))
def test_silence_appeal_last_day_avoids_extra_closed_days(deadline_day, offsets):
    anniversary = _same_day_next_year(deadline_day)
    closed = {anniversary + dt.timedelta(days=k) for k in offsets}
    last_day = silence_appeal_last_day(deadline_day, extra_closed=closed)
    assert last_day not in closed
    assert is_working_day(last_day, extra_closed=closed)
    assert last_day == _roll(anniversary, closed)


@PROPERTY_SETTINGS
@given(deadline_day=DATES)
def test_silence_appeal_always_opens_exactly_one_day_after_the_deadline(deadline_day):
    assert silence_appeal_opens(deadline_day) == deadline_day + ONE_DAY


@PROPERTY_SETTINGS
@given(posted=DATES)
def test_ordinary_post_is_always_deemed_delivered_seven_days_later_without_roll(posted):
    assert deemed_delivered(posted, "ordinary_post") == posted + dt.timedelta(days=7)
    assert deemed_delivered(posted, "failed_personal") == posted + dt.timedelta(days=15)
    assert deemed_delivered(posted, "email") == posted


@PROPERTY_SETTINGS
@given(start=DATES, period=st.integers(min_value=8, max_value=15))
def test_correction_due_is_the_first_working_day_on_or_after_the_period(start, period):
    assert correction_due(start, period) == _roll(start + dt.timedelta(days=period))


@PROPERTY_SETTINGS
@given(start=DATES, period=st.integers(min_value=1, max_value=60))
def test_compliance_due_is_the_first_working_day_on_or_after_the_period(start, period):
    assert compliance_due(start, period) == _roll(start + dt.timedelta(days=period))


# ---------------------------------------------------------------------------------------------
# Input handling.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "start"),
    [pytest.param(*case.values, id=case.id) for case in LANDS_ON_TUE_17_MAR],
)
@pytest.mark.parametrize(
    "time_of_day",
    [
        pytest.param(dt.time(0, 0, 1), id="just-after-midnight"),
        pytest.param(dt.time(23, 59, 59), id="just-before-midnight"),
        pytest.param(dt.time(12, 0, tzinfo=dt.UTC), id="aware-noon-utc"),
    ],
)
def test_a_datetime_passed_as_a_date_counts_as_its_calendar_day(deadline, start, time_of_day):
    assert deadline(dt.datetime.combine(start, time_of_day)) == TUE_17_MAR


def test_other_functions_take_a_datetime_as_its_calendar_day():
    at = dt.datetime(2026, 4, 11, 23, 30)  # Holy Saturday, late evening
    assert is_working_day(at) is False
    assert is_working_day(dt.datetime(2026, 4, 14, 0, 5)) is True
    assert silence_appeal_opens(at) == D(2026, 4, 12)
    assert deemed_delivered(at, "email") == D(2026, 4, 11)
    assert deemed_delivered(at, "ordinary_post") == D(2026, 4, 18)
    assert commissioner_silence_lawsuit_opens(dt.datetime(2026, 3, 10, 8, 0)) == WED_18_MAR


def test_a_datetime_return_receipt_counts_as_its_calendar_day():
    # Posted Mon 2 Mar 2026, receipt signed Thu 5 Mar at 09:30: delivered on Thu 5 Mar.
    delivered = deemed_delivered(
        D(2026, 3, 2), "registered_post", receipt_on=dt.datetime(2026, 3, 5, 9, 30)
    )
    assert delivered == D(2026, 3, 5)
    assert type(delivered) is dt.date


@pytest.mark.parametrize("bad", ["2026-03-02", None, 20260302])
@pytest.mark.parametrize(("deadline", "start"), LANDS_ON_TUE_17_MAR)
def test_a_value_that_is_not_a_date_is_refused_with_type_error(deadline, start, bad):
    with pytest.raises(TypeError):
        deadline(bad)


@pytest.mark.parametrize("bad", ["2026-03-02", None, 20260302])
@pytest.mark.parametrize(
    "call",
    [
        pytest.param(is_working_day, id="is_working_day"),
        pytest.param(silence_appeal_opens, id="silence_appeal_opens"),
        pytest.param(urgent_response_due, id="urgent_response_due"),
        pytest.param(commissioner_silence_lawsuit_opens, id="commissioner_silence_lawsuit_opens"),
        pytest.param(lambda bad: deemed_delivered(bad, "email"), id="deemed_delivered"),
    ],
)
def test_other_functions_refuse_a_value_that_is_not_a_date_with_type_error(call, bad):
    with pytest.raises(TypeError):
        call(bad)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        pytest.param("post", DeliveryMethod.ORDINARY_POST, id="post"),
        pytest.param("mail", DeliveryMethod.ORDINARY_POST, id="mail"),
        pytest.param("ordinary", DeliveryMethod.ORDINARY_POST, id="ordinary"),
        pytest.param("ordinary_post", DeliveryMethod.ORDINARY_POST, id="ordinary_post"),
        pytest.param("Ordinary Post", DeliveryMethod.ORDINARY_POST, id="spaced-and-capitalised"),
        pytest.param("registered", DeliveryMethod.REGISTERED_POST, id="registered"),
        pytest.param(" REGISTERED_POST ", DeliveryMethod.REGISTERED_POST, id="padded-upper"),
        pytest.param("e-mail", DeliveryMethod.EMAIL, id="e-mail"),
        pytest.param("email", DeliveryMethod.EMAIL, id="email"),
        pytest.param("portal", DeliveryMethod.ELECTRONIC, id="portal"),
        pytest.param("electronic", DeliveryMethod.ELECTRONIC, id="electronic"),
        pytest.param("fax", DeliveryMethod.FAX, id="fax"),
        pytest.param("personal", DeliveryMethod.HAND, id="personal"),
        pytest.param("in person", DeliveryMethod.HAND, id="in-person"),
        pytest.param("hand", DeliveryMethod.HAND, id="hand"),
        pytest.param("failed_personal", DeliveryMethod.FAILED_PERSONAL, id="failed_personal"),
        pytest.param(DeliveryMethod.FAX, DeliveryMethod.FAX, id="enum-member"),
    ],
)
def test_delivery_method_accepts_values_and_aliases(name, method):
    assert delivery_method(name) is method


@pytest.mark.parametrize("name", ["pigeon", "", "courier", "smoke signal"])
def test_delivery_method_rejects_an_unknown_method_with_value_error(name):
    with pytest.raises(ValueError):
        delivery_method(name)


def test_deemed_delivered_rejects_an_unknown_method_with_value_error():
    with pytest.raises(ValueError):
        deemed_delivered(D(2026, 3, 2), "pigeon")
