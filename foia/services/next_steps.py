"""The next legal step for a deadline, in plain words: used by reminders, boards and calendars.

Pure over the Deadline row it is given (and its request's authority, which callers should
select_related); the dates come from foia.deadlines, so the words and the engine never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foia import deadlines as law
from foia.models import Deadline, DeadlineKind, DeadlineState
from foia.services.calendar import extra_closed_days

ANSWER_KINDS = (
    DeadlineKind.RESPONSE,
    DeadlineKind.URGENT_RESPONSE,
    DeadlineKind.EXTENDED_RESPONSE,
)


@dataclass(frozen=True)
class NextStep:
    text: str
    action: str  # record_answer, appeal_silence, appeal_decision, send_urgency, lawsuit,
    # record_compliance, enforcement, correct_request, wait, none
    opens_on: dt.date | None = None
    last_day: dt.date | None = None


def _d(value: dt.date) -> str:
    return date_format(value, "d.m.Y")


def _days(n: int) -> str:
    if n == 0:
        return _("today")
    if n > 0:
        return ngettext("%(n)d day left", "%(n)d days left", n) % {"n": n}
    return ngettext("%(n)d day ago", "%(n)d days ago", -n) % {"n": -n}


def next_step(deadline: Deadline, *, today: dt.date, no_appeal: bool | None = None) -> NextStep:
    """What the requester should do about ``deadline`` as of ``today``.

    1. A deadline met or void needs nothing.
    2. The authority's answer: wait and record what comes; once missed, silence opens the appeal
       window the day after (Art. 22(1) item 2) for one year (ZUP Art. 153(2)) — or, against the
       no-appeal bodies, a lawsuit (Art. 22(2)).
    3. Our own deadlines (correction, appeal, lawsuit): act by the last day.
    4. The Commissioner's 60 days: once passed, send an urgency; 7 days later a lawsuit for
       silence becomes possible (ZUS Art. 19).
    5. Compliance with an order: once passed, record non-compliance and ask for enforcement
       (Art. 28a).
    """
    if no_appeal is None:
        no_appeal = deadline.request.authority.no_appeal
    due = deadline.due_on
    left = (due - today).days
    missed = deadline.has_lapsed(today)
    if deadline.state in (DeadlineState.MET, DeadlineState.VOID) or (
        deadline.state == DeadlineState.MISSED and deadline.met_on is not None
    ):
        return NextStep(_("Nothing to do: this deadline is closed."), "none")

    kind = deadline.kind
    if kind in ANSWER_KINDS:
        if not missed:
            return NextStep(
                _(
                    "Wait for the answer: the authority must answer by %(due)s (%(left)s). "
                    "Record the answer, refusal or extension when it comes."
                )
                % {"due": _d(due), "left": _days(left)},
                "record_answer",
                last_day=due,
            )
        opens = law.silence_appeal_opens(due)
        # The same inputs derive() used for the stored silence deadline, extra closed days included.
        last = law.silence_appeal_last_day(due, extra_closed_days())
        if no_appeal:
            return NextStep(
                _(
                    "Silence: no appeal lies against this body; you may sue at the "
                    "Administrative Court (Art. 22(2)) from %(opens)s."
                )
                % {"opens": _d(opens)},
                "lawsuit",
                opens_on=opens,
            )
        return NextStep(
            _("Silence: you may appeal to the Commissioner from %(opens)s until %(last)s.")
            % {"opens": _d(opens), "last": _d(last)},
            "appeal_silence",
            opens_on=opens,
            last_day=last,
        )

    if kind == DeadlineKind.SILENCE_APPEAL:
        if deadline.opens_on and deadline.opens_on > today:
            return NextStep(
                _("If no answer comes, an appeal for silence opens on %(opens)s.")
                % {"opens": _d(deadline.opens_on)},
                "wait",
                opens_on=deadline.opens_on,
                last_day=due,
            )
        if missed:
            return NextStep(
                _("The year for an appeal for silence ended on %(due)s.") % {"due": _d(due)},
                "none",
            )
        return NextStep(
            _("Appeal to the Commissioner for silence by %(due)s (%(left)s).")
            % {"due": _d(due), "left": _days(left)},
            "appeal_silence",
            opens_on=deadline.opens_on,
            last_day=due,
        )

    if kind == DeadlineKind.CORRECTION:
        if missed:
            return NextStep(
                _(
                    "The correction period ended on %(due)s: the authority may dismiss the "
                    "request (Art. 15). Consider a new request."
                )
                % {"due": _d(due)},
                "none",
            )
        return NextStep(
            _("Send the corrected request by %(due)s (%(left)s), or it may be dismissed (Art. 15).")
            % {"due": _d(due), "left": _days(left)},
            "correct_request",
            last_day=due,
        )

    if kind == DeadlineKind.APPEAL:
        if missed:
            return NextStep(
                _(
                    "The 15 days to appeal ended on %(due)s; a late appeal is likely to be "
                    "dismissed. Consider a new request."
                )
                % {"due": _d(due)},
                "none",
            )
        return NextStep(
            _("Appeal to the Commissioner by %(due)s (%(left)s): 15 days from delivery (Art. 22).")
            % {"due": _d(due), "left": _days(left)},
            "appeal_decision",
            last_day=due,
        )

    if kind == DeadlineKind.COMMISSIONER_DECISION:
        if not missed:
            return NextStep(
                _("The Commissioner must decide by %(due)s (%(left)s).")
                % {"due": _d(due), "left": _days(left)},
                "wait",
                last_day=due,
            )
        return NextStep(
            _(
                "The Commissioner's time passed on %(due)s: send an urgency; a lawsuit for "
                "silence becomes possible 7 days after it (ZUS Art. 19)."
            )
            % {"due": _d(due)},
            "send_urgency",
        )

    if kind == DeadlineKind.URGENCY_ANSWER:
        if not missed:
            return NextStep(
                _("The Commissioner has until %(due)s to answer the urgency.") % {"due": _d(due)},
                "wait",
                last_day=due,
            )
        opens = due + dt.timedelta(days=1)
        return NextStep(
            _(
                "The urgency went unanswered: you may sue the Commissioner for silence at the "
                "Administrative Court from %(opens)s (ZUS Art. 19)."
            )
            % {"opens": _d(opens)},
            "lawsuit",
            opens_on=opens,
        )

    if kind == DeadlineKind.COMPLIANCE:
        if not missed:
            return NextStep(
                _("The authority must comply with the order by %(due)s (%(left)s).")
                % {"due": _d(due), "left": _days(left)},
                "record_compliance",
                last_day=due,
            )
        if deadline.met_by_event_id:  # non-compliance is already on the record
            return NextStep(
                _(
                    "The authority did not comply: ask the Commissioner for enforcement (fines, "
                    "Art. 28a) and record what follows."
                ),
                "enforcement",
            )
        return NextStep(
            _(
                "The compliance period ended on %(due)s: record non-compliance and ask the "
                "Commissioner for enforcement (fines, Art. 28a)."
            )
            % {"due": _d(due)},
            "enforcement",
        )

    if kind == DeadlineKind.LAWSUIT:
        if missed:
            return NextStep(_("The 30 days to sue ended on %(due)s.") % {"due": _d(due)}, "none")
        return NextStep(
            _("File the lawsuit at the Administrative Court by %(due)s (%(left)s; ZUS Art. 18).")
            % {"due": _d(due), "left": _days(left)},
            "lawsuit",
            last_day=due,
        )
    return NextStep(_("Nothing to do."), "none")
