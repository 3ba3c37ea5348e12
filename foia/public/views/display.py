"""Presentation helpers for the public pages: how a number of days reads, in both languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foia.models import RequestStatus
from foia.stats.models import RequestFacts


@dataclass
class Timing:
    text: str
    css: str  # early | on-time | late | silent | waiting | none
    days: int | None  # + early, − late; None when there is no answer deadline


def timing(facts: RequestFacts, today: dt.date) -> Timing:
    """Days early or late: of the first answer against its deadline, or of the silence so far."""
    if "answer" in getattr(facts, "hidden_steps", ()):
        return Timing("—", "none", None)  # the answer is not shown on the public page
    due, answered = facts.answer_due_on, facts.first_answer_on
    if due is None:
        if answered is not None:
            return Timing(_("answered"), "none", None)
        return Timing("—", "none", None)
    if answered is not None:
        days = (due - answered).days
        if days > 0:
            text = ngettext("%(n)d day early", "%(n)d days early", days) % {"n": days}
            return Timing(text, "early", days)
        if days == 0:
            return Timing(_("on the last day"), "on-time", 0)
        text = ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
        return Timing(text, "late", days)
    if facts.status == RequestStatus.WITHDRAWN:
        return Timing(_("withdrawn"), "none", None)
    days = (due - today).days
    if days >= 0:
        text = ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}
        if days == 0:
            text = _("due today")
        return Timing(text, "waiting", days)
    text = ngettext(
        "silent, %(n)d day past the deadline", "silent, %(n)d days past the deadline", -days
    ) % {"n": -days}
    return Timing(text, "silent", days)


def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{number_format(value * 100, digits)} %"


def days(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, 0 if float(value).is_integer() else 1)


def interval(bounds: tuple[float, float] | None) -> str:
    if bounds is None:
        return "—"
    return f"{number_format(bounds[0] * 100, 0)}–{number_format(bounds[1] * 100, 0)} %"
