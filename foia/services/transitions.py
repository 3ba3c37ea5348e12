"""The one place that validates a timeline event against the request's history and the law, and
writes it.

`record_event()` refuses impossible sequences with a clear message per field (ValidationError) and
saves nothing; it accepts lawful-but-questionable facts and stores them as flags on the event.
`correct_event()` and `retract_event()` change the record afterwards by the same rules: the whole
timeline that would result is checked like a new event, nothing is deleted, and each change is kept
as an EventRevision and in the audit trail. After every write the timeline is replayed
(`refresh_request`), so deadlines, reminders, statistics and search follow in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from foia import deadlines as law
from foia.models import (
    AUTHORITY_DOCUMENT_KINDS,
    AnswerKind,
    AppealDismissalReason,
    AppealGround,
    Attachment,
    Channel,
    CommissionerOutcome,
    DeadlineKind,
    DeadlineState,
    Event,
    EventGround,
    EventKind,
    EventRevision,
    EventRevisionAction,
    RefusalGround,
    Request,
)
from foia.services import fanout
from foia.services.audit import audit, plain
from foia.services.calendar import extra_closed_days
from foia.services.flags import make_flag
from foia.services.timeline import delivery_date, derive, live_events, refresh_request
from foia.workspace.models import AuditAction

# Fields a caller may set on an event; everything else is derived or bookkeeping.
EVENT_FIELDS = (
    "occurred_at",
    "received_on",
    "presumed",
    "channel",
    "text",
    "answer_kind",
    "published_where",
    "forwarded_to",
    "new_due_on",
    "reason",
    "period_days",
    "decision_number",
    "decision_date",
    "amount",
    "appeal_ground",
    "case_number",
    "commissioner_outcome",
    "dismissal_reason",
    "compliance_result",
    "court_outcome",
    "related_event",
    "is_public",
)


@dataclass
class Proposed:
    """What the caller wants to record, before it is an Event row (``pk`` when it is one)."""

    kind: str
    occurred_on: dt.date
    # None: not known (a step already recorded, replayed without its grounds) — not checked.
    grounds: list[str] | None = field(default_factory=list)
    values: dict = field(default_factory=dict)
    pk: int | None = None

    def get(self, name: str, default=None):
        value = self.values.get(name, default)
        return default if value in (None, "") else value

    @classmethod
    def from_event(cls, event: Event, grounds: list[str] | None = None) -> Proposed:
        values = {name: getattr(event, name) for name in EVENT_FIELDS if name != "related_event"}
        values["related_event"] = event.related_event_id
        if grounds is None:
            cached = getattr(event, "_prefetched_objects_cache", {}).get("grounds")
            grounds = None if cached is None else [g.ground for g in cached]
        return cls(
            kind=event.kind,
            occurred_on=event.occurred_on,
            grounds=None if grounds is None else list(grounds),
            values=values,
            pk=event.pk,
        )

    @property
    def key(self) -> tuple:
        return _key(self.occurred_on, self.pk)


def _key(on: dt.date, pk: int | None) -> tuple:
    """Timeline order: by date, then in the order recorded (a step not yet saved comes last)."""
    return (on, pk if pk is not None else math.inf)


def _ekey(event: Event) -> tuple:
    return _key(event.occurred_on, event.pk)


def _pk(value) -> int | None:
    return value.pk if isinstance(value, Event) else (value or None)


def _d(value: dt.date) -> str:
    return date_format(value, "d.m.Y")


def _delivered_on(event: Event) -> dt.date:
    """The day the addressee had a document at the earliest: its recorded receipt, else the day it
    left (a presumed later delivery does not stop anyone acting on it sooner)."""
    return event.received_on or event.occurred_on


def _what(event: Event) -> str:
    return str(event.get_kind_display()).lower()


class Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


# Kinds of the authority's that answer the request (or the corrected request) itself.
ANSWERS_TO_REQUEST = frozenset(
    {
        EventKind.LARGE_VOLUME_NOTICE,
        EventKind.EXTENSION,
        EventKind.ANSWER,
        EventKind.REFUSAL,
        EventKind.FEE_DEMANDED,
    }
)
# The decisions an appeal ground challenges (Art. 22(1)).
APPEALED_DECISIONS = {
    AppealGround.REFUSAL: (EventKind.REFUSAL,),
    AppealGround.DISMISSAL: (EventKind.DISMISSAL,),
    AppealGround.PARTIAL: (EventKind.ANSWER,),
    AppealGround.FEE: (EventKind.FEE_DEMANDED,),
}


def validate_event(
    request: Request, history: Iterable[Event], proposed: Proposed, *, today: dt.date
) -> list[dict]:
    """Check ``proposed`` against the law and ``history``; return its flags or raise.

    ``history`` is the rest of the request's timeline (retracted events are ignored); a step is
    checked against the steps dated before it (on the same day, those recorded before it).
    The checks, in order: the kind is known and its required facts are there; no date lies in the
    future or before the request was sent; the step follows the steps it answers and is dated on or
    after them (an appeal after the decision it challenges reached us, a Commissioner decision after
    the appeal, compliance after the order, …); nothing follows a withdrawal; then the
    lawful-but-questionable facts are flagged against the deadlines the history implies.
    """
    errors = Errors()
    flags: list[dict] = []
    history = [e for e in live_events(history) if proposed.pk is None or e.pk != proposed.pk]
    kind, on = proposed.kind, proposed.occurred_on
    if kind not in EventKind.values:
        raise ValidationError({"kind": [_("Unknown kind of event.")]})
    if not isinstance(on, dt.date):
        raise ValidationError({"occurred_on": [_("A date is required.")]})
    here = proposed.key
    earlier = [e for e in history if _ekey(e) < here]
    later = [e for e in history if _ekey(e) > here]
    kinds = [e.kind for e in earlier]
    sent = next((e for e in history if e.kind == EventKind.SENT), None)
    withdrawn = next((e for e in earlier if e.kind == EventKind.WITHDRAWN), None)

    if on > today:
        errors.add("occurred_on", _("The date %(date)s is in the future.") % {"date": _d(on)})

    received_on = proposed.get("received_on")
    if received_on and received_on < on:
        errors.add(
            "received_on",
            _("It cannot have been received (%(received)s) before it was sent (%(sent)s).")
            % {"received": _d(received_on), "sent": _d(on)},
        )
    if received_on and received_on > today:
        errors.add(
            "received_on", _("The date %(date)s is in the future.") % {"date": _d(received_on)}
        )

    if withdrawn is not None:
        errors.add(
            "kind",
            _("The request was withdrawn on %(date)s; nothing can follow.")
            % {"date": _d(withdrawn.occurred_on)},
        )
        errors.raise_if_any()
    if kind == EventKind.WITHDRAWN and later:
        last = later[-1]
        errors.add(
            "occurred_on",
            _(
                "The request cannot have been withdrawn (%(date)s) before its last recorded step "
                "(%(what)s, %(last)s)."
            )
            % {"date": _d(on), "what": _what(last), "last": _d(last.occurred_on)},
        )

    if kind == EventKind.SENT:
        if sent is not None:
            errors.add(
                "kind",
                _("This request was already sent on %(date)s.") % {"date": _d(sent.occurred_on)},
            )
        first = next((e for e in history if e.kind != EventKind.WITHDRAWN), None)
        if sent is None and first is not None and first.occurred_on < on:
            errors.add(
                "occurred_on",
                _("The request cannot have been sent (%(date)s) after %(what)s (%(first)s).")
                % {"date": _d(on), "what": _what(first), "first": _d(first.occurred_on)},
            )
        if not proposed.get("channel"):
            errors.add("channel", _("Say how the request was sent."))
        errors.raise_if_any()
        return _presumption_flags(proposed)

    if sent is None:
        if kind == EventKind.WITHDRAWN:
            errors.raise_if_any()
            return flags
        errors.add("kind", _("The request has not been sent yet: record the sending first."))
        errors.raise_if_any()
    if on < sent.occurred_on:
        errors.add(
            "occurred_on",
            _("This date (%(date)s) is before the request was sent (%(sent)s).")
            % {"date": _d(on), "sent": _d(sent.occurred_on)},
        )

    derived = derive(
        request,
        earlier + [e for e in later if e.kind == EventKind.DELIVERED],
        today=today,
        extra_closed=extra_closed_days(),
        no_appeal=request.authority.no_appeal,
    )
    received = derived.received_on

    if kind == EventKind.DELIVERED:
        first_answer = next((e for e in history if e.kind in AUTHORITY_DOCUMENT_KINDS), None)
        if (
            first_answer is not None
            and first_answer.occurred_on < on
            and not proposed.get("presumed")
        ):
            errors.add(
                "occurred_on",
                _(
                    "The authority cannot have received the request (%(date)s) after it "
                    "answered it (%(what)s, %(answered)s)."
                )
                % {
                    "date": _d(on),
                    "what": _what(first_answer),
                    "answered": _d(first_answer.occurred_on),
                },
            )
    elif (
        kind in AUTHORITY_DOCUMENT_KINDS
        and received
        and on < received
        and not (derived.received_presumed)
    ):
        errors.add(
            "occurred_on",
            _(
                "The authority cannot have answered (%(date)s) before it received the request "
                "(%(received)s)."
            )
            % {"date": _d(on), "received": _d(received)},
        )

    if kind in ANSWERS_TO_REQUEST:
        # After an incomplete-request notice the authority answers the corrected request.
        notices = [e for e in earlier if e.kind == EventKind.INCOMPLETE_NOTICE]
        if notices:
            correction = next(
                (
                    e
                    for e in history
                    if e.kind == EventKind.CORRECTED and _ekey(e) > _ekey(notices[-1])
                ),
                None,
            )
            if correction is not None and correction.occurred_on > on:
                errors.add(
                    "occurred_on",
                    _(
                        "After the incomplete-request notice of %(notice)s the authority answers "
                        "the corrected request, sent on %(corrected)s: this date (%(date)s) is "
                        "before it."
                    )
                    % {
                        "notice": _d(notices[-1].occurred_on),
                        "corrected": _d(correction.occurred_on),
                        "date": _d(on),
                    },
                )

    grounds_known = proposed.grounds is not None
    unknown = [g for g in proposed.grounds or () if g not in RefusalGround.values]
    if unknown:
        errors.add("grounds", _("Unknown ground: %(grounds)s.") % {"grounds": ", ".join(unknown)})

    if kind == EventKind.INCOMPLETE_NOTICE:
        days = proposed.get("period_days")
        if days is None:
            flags.append(make_flag("correction_period_assumed"))
        elif not law.CORRECTION_MIN_DAYS <= days <= law.CORRECTION_MAX_DAYS:
            flags.append(make_flag("correction_period_unlawful", days=days))
        due = law.incomplete_notice_due(received, extra_closed_days())
        if on > due:
            flags.append(make_flag("incomplete_notice_late", due=_d(due)))

    elif kind == EventKind.CORRECTED:
        notices = [e for e in history if e.kind == EventKind.INCOMPLETE_NOTICE]
        before = [e for e in notices if _ekey(e) < here and _delivered_on(e) <= on]
        if not notices:
            errors.add("kind", _("No incomplete-request notice has been recorded to correct."))
        elif not before:
            errors.add(
                "occurred_on",
                _(
                    "The corrected request (%(date)s) cannot precede the incomplete-request notice "
                    "it answers (%(notice)s)."
                )
                % {"date": _d(on), "notice": _d(_delivered_on(notices[0]))},
            )

    elif kind == EventKind.EXTENSION:
        response = _open_answer_deadline(derived)
        latest = law.extended_response_latest(_clock_start(derived, earlier), extra_closed_days())
        new_due = proposed.get("new_due_on")
        if new_due and new_due < on:
            errors.add("new_due_on", _("The new date cannot be before the extension notice."))
        if new_due and new_due > latest:
            flags.append(make_flag("extension_beyond_cap", stated=_d(new_due), latest=_d(latest)))
        notice_due = law.extension_notice_due(received, extra_closed_days())
        if on > notice_due:
            flags.append(make_flag("extension_notice_late", due=_d(notice_due)))
        if response is not None and on > response.due_on:
            flags.append(make_flag("extension_after_deadline", due=_d(response.due_on)))

    elif kind == EventKind.ANSWER:
        if not proposed.get("answer_kind"):
            errors.add("answer_kind", _("Say what kind of answer this is."))
        if proposed.get("answer_kind") == AnswerKind.ALREADY_PUBLISHED and not proposed.get(
            "published_where"
        ):
            errors.add(
                "published_where",
                _("An authority citing Art. 10 must say where the information was published."),
            )
        if EventKind.APPEAL_FILED in kinds:
            flags.append(make_flag("answer_after_appeal"))

    elif kind == EventKind.REFUSAL:
        if grounds_known and not proposed.grounds:
            errors.add("grounds", _("A refusal cites at least one legal ground."))
        if not proposed.get("decision_number"):
            flags.append(make_flag("refusal_without_number"))

    elif kind == EventKind.DISMISSAL:
        if not proposed.get("decision_number"):
            flags.append(make_flag("refusal_without_number"))

    elif kind == EventKind.APPEAL_FILED:
        flags += _check_appeal(request, history, derived, proposed, errors)

    elif kind == EventKind.URGENCY:
        appeals = [e for e in history if e.kind == EventKind.APPEAL_FILED]
        pending = list(derived.open_of(DeadlineKind.COMMISSIONER_DECISION))
        if not appeals:
            errors.add("kind", _("An urgency follows an appeal, and none has been recorded."))
        elif not any(e.occurred_on <= on for e in appeals):
            errors.add(
                "occurred_on",
                _("The urgency (%(date)s) cannot precede the appeal (%(appeal)s).")
                % {"date": _d(on), "appeal": _d(appeals[0].occurred_on)},
            )
        elif pending and on <= pending[0].due_on:
            flags.append(make_flag("urgency_early", due=_d(pending[0].due_on)))

    elif kind == EventKind.COMMISSIONER_DECISION:
        appeal = _decided_appeal(history, proposed, errors)
        if appeal is not None:
            if on < appeal.occurred_on:
                errors.add(
                    "occurred_on",
                    _("The decision (%(date)s) cannot precede the appeal (%(appeal)s).")
                    % {"date": _d(on), "appeal": _d(appeal.occurred_on)},
                )
            decided = proposed.get("decision_date")
            if decided and decided < appeal.occurred_on:
                errors.add("decision_date", _("The decision cannot be dated before the appeal."))
        decided = proposed.get("decision_date")
        if decided and decided > on:
            errors.add("decision_date", _("The decision date cannot be after the day it was sent."))
        outcome = proposed.get("commissioner_outcome")
        if not outcome:
            errors.add("commissioner_outcome", _("Say how the Commissioner decided."))
        if outcome == CommissionerOutcome.DISMISSED and not proposed.get("dismissal_reason"):
            errors.add("dismissal_reason", _("Say why the appeal was dismissed."))
        if outcome == CommissionerOutcome.ORDERED and not proposed.get("period_days"):
            flags.append(make_flag("compliance_period_assumed"))

    elif kind in (EventKind.COMPLIANCE, EventKind.ENFORCEMENT):
        orders = [
            e
            for e in history
            if e.kind == EventKind.COMMISSIONER_DECISION
            and e.commissioner_outcome
            in (CommissionerOutcome.ORDERED, CommissionerOutcome.ANNULLED)
        ]
        if not orders:
            errors.add("kind", _("No Commissioner order has been recorded."))
        elif not any(_ekey(e) < here for e in orders):
            errors.add(
                "occurred_on",
                _("This date is before the Commissioner's order (%(date)s).")
                % {"date": _d(orders[0].occurred_on)},
            )
        if kind == EventKind.COMPLIANCE and not proposed.get("compliance_result"):
            errors.add("compliance_result", _("Say whether the authority complied."))

    elif kind == EventKind.LAWSUIT_FILED:
        flags += _check_lawsuit(request, history, derived, proposed, errors)

    elif kind == EventKind.COURT_DECISION:
        lawsuits = [e for e in history if e.kind == EventKind.LAWSUIT_FILED]
        if not lawsuits:
            errors.add("kind", _("No lawsuit has been recorded."))
        elif not any(_ekey(e) < here for e in lawsuits):
            errors.add(
                "occurred_on",
                _("The judgment (%(date)s) cannot precede the lawsuit (%(lawsuit)s).")
                % {"date": _d(on), "lawsuit": _d(lawsuits[0].occurred_on)},
            )
        if not proposed.get("court_outcome"):
            errors.add("court_outcome", _("Say how the court decided."))

    if proposed.grounds and not (
        kind == EventKind.REFUSAL
        or (kind == EventKind.ANSWER and proposed.get("answer_kind") == AnswerKind.PARTIAL)
    ):
        errors.add("grounds", _("Legal grounds belong to a refusal or a partial answer."))
    if kind in AUTHORITY_DOCUMENT_KINDS or kind == EventKind.COMMISSIONER_DECISION:
        flags += _presumption_flags(proposed)
    errors.raise_if_any()
    return flags


def _clock_start(derived, history) -> dt.date:
    corrected = [e for e in history if e.kind == EventKind.CORRECTED]
    if corrected:
        return delivery_date(
            corrected[-1].occurred_on, corrected[-1].received_on, corrected[-1].channel
        )[0]
    return derived.received_on


def _open_answer_deadline(derived):
    """The answer deadline still waiting for the authority (open, or passed unmet)."""
    kinds = (DeadlineKind.RESPONSE, DeadlineKind.URGENT_RESPONSE, DeadlineKind.EXTENDED_RESPONSE)
    answers = [
        d
        for d in derived.deadlines
        if d.kind in kinds and d.met_on is None and d.state != DeadlineState.VOID
    ]
    return answers[-1] if answers else None


def _presumption_flags(proposed: Proposed) -> list[dict]:
    channel = proposed.get("channel")
    if not proposed.get("received_on") and channel in (
        Channel.ORDINARY_POST,
        Channel.REGISTERED_POST,
    ):
        return [make_flag("receipt_presumed", method=Channel(channel).label)]
    return []


def _appealed_decision(history: list[Event], ground: str, on: dt.date, related: int | None):
    """The decision an appeal challenges: the one it names, else the latest of its kind that had
    reached us by the day of the appeal. Returns (decision or None, every decision of that kind)."""
    needs = APPEALED_DECISIONS[ground]
    decisions = [
        e
        for e in history
        if e.kind in needs
        and (ground != AppealGround.PARTIAL or e.answer_kind == AnswerKind.PARTIAL)
    ]
    if related:
        return next((e for e in decisions if e.pk == related), None), decisions
    reached = [e for e in decisions if _delivered_on(e) <= on]
    return (reached[-1] if reached else None), decisions


def _appeal_outcomes(history: list[Event]) -> dict[int, Event]:
    """Each appeal's Commissioner decision: the one naming it, else the next one in order for the
    oldest appeal still pending (as the replay pairs them)."""
    outcomes: dict[int, Event] = {}
    pending: list[Event] = []
    for e in history:
        if e.kind == EventKind.APPEAL_FILED:
            pending.append(e)
        elif e.kind == EventKind.COMMISSIONER_DECISION:
            target = next((a for a in pending if a.pk == e.related_event_id), None)
            if target is None and pending and not e.related_event_id:
                target = pending[0]
            if target is not None:
                pending.remove(target)
                outcomes[target.pk] = e
    return outcomes


def _ended_without_decision(decision: Event | None) -> bool:
    """An appeal withdrawn (proceedings suspended) or dismissed as incomplete leaves the decision
    open to a new appeal."""
    if decision is None:
        return False
    return decision.commissioner_outcome == CommissionerOutcome.SUSPENDED or (
        decision.commissioner_outcome == CommissionerOutcome.DISMISSED
        and decision.dismissal_reason == AppealDismissalReason.INCOMPLETE
    )


def _check_appeal(request, history, derived, proposed, errors) -> list[dict]:
    flags = []
    ground = proposed.get("appeal_ground")
    on = proposed.occurred_on
    if not ground:
        errors.add("appeal_ground", _("Say what the appeal is against."))
        return flags
    related = _pk(proposed.get("related_event"))
    if ground in APPEALED_DECISIONS:
        label = str(AppealGround(ground).label).lower()
        decision, decisions = _appealed_decision(history, ground, on, related)
        if not decisions:
            errors.add(
                "appeal_ground",
                _("An appeal against a %(what)s needs that decision recorded first, and none is.")
                % {"what": label},
            )
            return flags
        if decision is None and related:
            errors.add(
                "related_event",
                _("The decision named is not a %(what)s recorded on this request.")
                % {"what": label},
            )
            return flags
        target = decision or decisions[0]
        if _delivered_on(target) > on:
            errors.add(
                "occurred_on",
                _(
                    "The appeal (%(date)s) cannot precede the %(what)s it challenges, which "
                    "reached us on %(delivered)s."
                )
                % {"date": _d(on), "what": label, "delivered": _d(_delivered_on(target))},
            )
            return flags
        # One appeal per decision: a second only when the first was withdrawn or dismissed as
        # incomplete (then it is accepted, and flagged).
        here = proposed.key
        outcomes = _appeal_outcomes(history)
        earlier_appeals = [
            e
            for e in history
            if e.kind == EventKind.APPEAL_FILED
            and _ekey(e) < here
            and e.appeal_ground in APPEALED_DECISIONS
            and _appealed_decision(history, e.appeal_ground, e.occurred_on, e.related_event_id)[0]
            == target
        ]
        standing = [e for e in earlier_appeals if not _ended_without_decision(outcomes.get(e.pk))]
        if standing:
            errors.add(
                "appeal_ground",
                _(
                    "An appeal against this %(what)s (%(decision)s) was already filed on "
                    "%(appeal)s. A second appeal is possible only after the first was withdrawn "
                    "or dismissed as incomplete."
                )
                % {
                    "what": label,
                    "decision": _d(target.occurred_on),
                    "appeal": _d(standing[0].occurred_on),
                },
            )
            return flags
        if earlier_appeals:
            flags.append(make_flag("second_appeal", first=_d(earlier_appeals[-1].occurred_on)))
        if ground != AppealGround.FEE:
            delivered, _presumed = delivery_date(
                target.occurred_on, target.received_on, target.channel
            )
            due = law.appeal_due(delivered, extra_closed_days())
            if on > due:
                flags.append(make_flag("appeal_late", due=_d(due)))
    elif related:
        errors.add(
            "related_event",
            _("An appeal for silence or another obstruction does not concern a decision."),
        )
    if ground == AppealGround.SILENCE:
        silence = [
            d
            for d in derived.deadlines
            if d.kind == DeadlineKind.SILENCE_APPEAL and d.state != "void"
        ]
        if silence:
            clock = silence[-1]
            if on < clock.opens_on:
                flags.append(make_flag("silence_appeal_premature", opens=_d(clock.opens_on)))
            elif on > clock.due_on:
                flags.append(make_flag("silence_appeal_after_cap", last=_d(clock.due_on)))
    if request.authority.no_appeal:
        flags.append(make_flag("no_appeal_lies", authority=request.authority.name))
    return flags


def _decided_appeal(history, proposed, errors) -> Event | None:
    """The appeal a Commissioner decision decides: the one it names, else the oldest pending."""
    appeals = [e for e in history if e.kind == EventKind.APPEAL_FILED]
    if not appeals:
        errors.add("kind", _("No appeal has been recorded for the Commissioner to decide."))
        return None
    related = _pk(proposed.get("related_event"))
    if related:
        appeal = next((e for e in appeals if e.pk == related), None)
        if appeal is None:
            errors.add(
                "related_event", _("The appeal named is not an appeal recorded on this request.")
            )
        return appeal
    here = proposed.key
    earlier = [e for e in history if _ekey(e) < here]
    decided = _appeal_outcomes(earlier)
    pending = [e for e in appeals if _ekey(e) < here and e.pk not in decided]
    before = [e for e in appeals if _ekey(e) < here]
    return (pending or before or appeals)[0]


def _check_lawsuit(request, history, derived, proposed, errors) -> list[dict]:
    on = proposed.occurred_on
    here = proposed.key

    def grounds_for_lawsuit(events):
        kinds = {e.kind for e in events}
        adverse = [e for e in events if e.kind == EventKind.COMMISSIONER_DECISION]
        no_appeal_case = request.authority.no_appeal and (
            kinds & {EventKind.REFUSAL, EventKind.DISMISSAL, EventKind.ANSWER}
            or any(
                d.kind == DeadlineKind.SILENCE_APPEAL and d.opens_on <= on
                for d in derived.deadlines
            )
        )
        return bool(adverse or no_appeal_case or EventKind.URGENCY in kinds)

    if not grounds_for_lawsuit(history):
        errors.add(
            "kind",
            _(
                "A lawsuit needs a Commissioner decision, the Commissioner's silence after an urgency, "
                "or a decision of a body against which no appeal lies; none is recorded."
            ),
        )
        return []
    earlier = [e for e in history if _ekey(e) < here]
    first = None
    if not grounds_for_lawsuit(earlier):
        follows = {EventKind.COMMISSIONER_DECISION, EventKind.URGENCY}
        if request.authority.no_appeal:
            follows |= {EventKind.REFUSAL, EventKind.DISMISSAL, EventKind.ANSWER}
        first = next((e for e in history if e.kind in follows), None)
    if not grounds_for_lawsuit(earlier) and first is not None:
        errors.add(
            "occurred_on",
            _("The lawsuit (%(date)s) cannot precede the %(what)s it follows (%(decision)s).")
            % {"date": _d(on), "what": _what(first), "decision": _d(first.occurred_on)},
        )
        return []
    lawsuits = derived.open_of(DeadlineKind.LAWSUIT) or [
        d for d in derived.deadlines if d.kind == DeadlineKind.LAWSUIT
    ]
    if lawsuits and on > lawsuits[-1].due_on:
        return [make_flag("lawsuit_late", due=_d(lawsuits[-1].due_on))]
    return []


# --- the whole timeline after a change -----------------------------------------------------------


def _replay_failures(
    request: Request, timeline: list[Event], *, today: dt.date, skip: Event | None = None
) -> list[tuple[Event, ValidationError]]:
    """Every event of ``timeline`` checked against the rest of it, as if it were being recorded."""
    failures = []
    for ev in timeline:
        if ev is skip:
            continue
        others = [e for e in timeline if e is not ev]
        try:
            validate_event(request, others, Proposed.from_event(ev), today=today)
        except ValidationError as exc:
            failures.append((ev, exc))
    return failures


def _check_timeline(
    request: Request,
    before: list[Event],
    after: list[Event],
    *,
    today: dt.date,
    skip: Event | None = None,
) -> None:
    """Refuse a change that makes another step of the timeline impossible.

    Each remaining step is validated against the timeline as it would be. A step that was already
    impossible before the change (recorded before these rules existed) does not block it, so an
    old mistake can always be corrected or retracted.
    """
    failures = _replay_failures(request, after, today=today, skip=skip)
    if not failures:
        return
    messages = []
    already: set[int] | None = None
    for ev, exc in failures:
        if ev.pk is not None:
            if already is None:
                already = {e.pk for e, _exc in _replay_failures(request, before, today=today)}
            if ev.pk in already:
                continue
        messages.append(
            _("With this change the %(what)s of %(date)s would be impossible: %(why)s")
            % {"what": _what(ev), "date": _d(ev.occurred_on), "why": " ".join(exc.messages)}
        )
    if messages:
        raise ValidationError({NON_FIELD_ERRORS: messages})


# --- the same step twice --------------------------------------------------------------------------

DUPLICATE_WINDOW = dt.timedelta(minutes=1)
# What makes two steps "the same" (a double click, a retried POST): the facts, not the notes.
DUPLICATE_KEY_FIELDS = (
    "received_on",
    "channel",
    "answer_kind",
    "forwarded_to",
    "new_due_on",
    "period_days",
    "decision_number",
    "decision_date",
    "amount",
    "appeal_ground",
    "case_number",
    "commissioner_outcome",
    "dismissal_reason",
    "compliance_result",
    "court_outcome",
    "related_event",
)


def _fact(value):
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _duplicate_of(
    live: list[Event], kind: str, occurred_on: dt.date, grounds: list[str], values: dict
) -> Event | None:
    """A step with the same kind, date and facts recorded less than a minute ago."""
    now = timezone.now()
    for event in live:
        if event.kind != kind or event.occurred_on != occurred_on:
            continue
        if not event.recorded_at or abs(now - event.recorded_at) > DUPLICATE_WINDOW:
            continue
        same = all(
            _fact(getattr(event, f + "_id" if f in ("related_event", "forwarded_to") else f))
            == _fact(values.get(f))
            for f in DUPLICATE_KEY_FIELDS
        )
        if same and set(event.ground_codes) == set(grounds):
            return event
    return None


@transaction.atomic
def record_event(
    *,
    request: Request,
    kind: str,
    occurred_on: dt.date,
    recorded_by=None,
    grounds: Iterable[str] = (),
    attachments: Iterable[Attachment] = (),
    today: dt.date | None = None,
    confirm_duplicate: bool = False,
    **values,
) -> Event:
    """Validate and write one timeline event, then recompute the request's status and deadlines.

    The request row is locked for the duration, so two people recording at once are serialised.
    Raises ValidationError (nothing saved) for an impossible sequence — including one that would
    make a step already recorded impossible (a withdrawal dated before the answer) — and for the
    same step recorded again within a minute (a double submit) unless ``confirm_duplicate``.
    """
    today = today or timezone.localdate()
    request = Request.objects.select_for_update().select_related("authority").get(pk=request.pk)
    # Grounds are read only for a possible duplicate: the replay checks order, not their grounds.
    live = live_events(request.events.all())
    event, grounds = _prepared(
        request,
        live,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=recorded_by,
        grounds=grounds,
        today=today,
        confirm_duplicate=confirm_duplicate,
        values=values,
    )
    event.save(force_insert=True)
    if grounds:
        EventGround.objects.bulk_create(EventGround(event=event, ground=g) for g in grounds)
    for attachment in attachments:
        attachment.event = event
        attachment.save(update_fields=["event"])
    refresh_request(request, today=today)
    fanout.event_recorded(event)
    return event


@dataclass
class Step:
    """One step for ``record_events``: what ``record_event`` takes, for one request."""

    request: Request
    kind: str
    occurred_on: dt.date
    recorded_by: object = None
    values: dict = field(default_factory=dict)


@transaction.atomic
def record_events(steps: Iterable[Step], *, today: dt.date | None = None) -> dict:
    """``record_event`` for many requests at once, one step each (a campaign's sendings): each
    step is checked by the same rules against its request's timeline, the accepted ones are
    written together, then the requests' status and deadlines (``refresh_requests``) and the
    fan-out (``fanout.events_recorded``) in bulk. Returns ``{request pk: Event or
    ValidationError}``: a refused step saves nothing and does not stop the others."""
    from foia.services.timeline import refresh_requests

    today = today or timezone.localdate()
    steps = list(steps)
    ids = [step.request.pk for step in steps]
    if len(set(ids)) != len(ids):
        raise ValueError("record_events() takes one step per request")
    if not steps:
        return {}
    # The row locks record_event takes, in one statement and in primary-key order.
    locked = {
        r.pk: r
        for r in Request.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("authority")
        .prefetch_related("events__grounds")
        .order_by("pk")
    }
    results: dict[int, Event | ValidationError] = {}
    new: list[tuple[Event, list[str]]] = []
    for step in steps:
        request = locked[step.request.pk]
        try:
            event, grounds = _prepared(
                request,
                live_events(request.events.all()),
                kind=step.kind,
                occurred_on=step.occurred_on,
                recorded_by=step.recorded_by,
                grounds=step.values.pop("grounds", ()),
                today=today,
                confirm_duplicate=False,
                values=dict(step.values),
            )
        except ValidationError as exc:
            results[request.pk] = exc
            continue
        new.append((event, grounds))
        results[request.pk] = event
    if not new:
        return results
    Event.objects.bulk_create([event for event, _g in new], batch_size=500)
    EventGround.objects.bulk_create(
        [EventGround(event=event, ground=g) for event, grounds in new for g in grounds]
    )
    refresh_requests([event.request for event, _g in new], today=today)
    # The webhooks' data carries the request's new status.
    statuses = dict(
        Request.objects.filter(pk__in=[e.request_id for e, _g in new]).values_list("pk", "status")
    )
    for event, _g in new:
        event.request.status = statuses[event.request_id]
    fanout.events_recorded([event for event, _g in new])
    return results


def _prepared(
    request: Request,
    live: list[Event],
    *,
    kind: str,
    occurred_on: dt.date,
    recorded_by,
    grounds: Iterable[str],
    today: dt.date,
    confirm_duplicate: bool,
    values: dict,
) -> tuple[Event, list[str]]:
    """The checks of ``record_event`` (the request locked, its live events given): the event to
    save, unsaved, with its flags, and its grounds. Raises ValidationError."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"record_event() got unexpected fields: {sorted(unknown)}")
    grounds = list(grounds)
    if not confirm_duplicate:
        twin = _duplicate_of(live, kind, occurred_on, grounds, values)
        if twin is not None:
            raise ValidationError(
                {
                    "confirm_duplicate": [
                        _(
                            "The same step (%(what)s, %(date)s) was recorded less than a minute "
                            "ago. If it really happened twice, confirm to record it again."
                        )
                        % {"what": _what(twin), "date": _d(occurred_on)}
                    ]
                }
            )
    proposed = Proposed(kind=kind, occurred_on=occurred_on, grounds=grounds, values=values)
    flags = validate_event(request, live, proposed, today=today)

    if kind == EventKind.SENT and not values.get("received_on"):
        presumed_on, presumed = delivery_date(occurred_on, None, values.get("channel", ""))
        values["presumed"] = presumed
    if "amount" in values and values["amount"] not in (None, ""):
        values["amount"] = Decimal(values["amount"])
    fields = {k: v for k, v in values.items() if v is not None}
    candidate = Event(request=request, kind=kind, occurred_on=occurred_on, **fields)
    _check_timeline(request, live, [*live, candidate], today=today, skip=candidate)
    event = Event(
        request=request,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=recorded_by,
        flags=flags,
        **fields,
    )
    return event, list(dict.fromkeys(proposed.grounds))


# --- correcting the record -----------------------------------------------------------------------

# What a correction may change: the facts of the step. Its kind is not a fact to correct (retract
# it and record the right step); whether it is public is publishing, not correcting.
CORRECTABLE_FIELDS = ("occurred_on", *(f for f in EVENT_FIELDS if f != "is_public"), "grounds")
FOREIGN_KEYS = ("related_event", "forwarded_to")


def _locked(event: Event) -> tuple[Request, Event, list[Event]]:
    request = (
        Request.objects.select_for_update().select_related("authority").get(pk=event.request_id)
    )
    history = list(request.events.prefetch_related("grounds"))
    current = next((e for e in history if e.pk == event.pk), None)
    if current is None:  # pragma: no cover - the FK makes this impossible
        raise ValidationError({NON_FIELD_ERRORS: [_("This event does not exist.")]})
    if current.retracted_at is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("This step was retracted on %(date)s; it can no longer be changed.")
                    % {"date": _d(timezone.localdate(current.retracted_at))}
                ]
            }
        )
    return request, current, live_events(history)


def _normalised(name: str, value):
    if name == "grounds":
        return sorted(dict.fromkeys(value or ()))
    model_field = Event._meta.get_field(name)
    if value in (None, ""):
        if model_field.null:
            return None
        return False if isinstance(model_field, models.BooleanField) else ""
    if name == "amount":
        return Decimal(value)
    return value


@transaction.atomic
def correct_event(
    *, event: Event, by, why: str = "", today: dt.date | None = None, **changes
) -> Event:
    """Correct the facts of a recorded step (a mistyped date, a wrong decision number, …).

    The corrected step is validated against the rest of the timeline exactly like a new one, and
    every other step against the corrected timeline; ValidationError (nothing saved) when the result
    would be an impossible history. The step keeps its identity, so its deadlines and reminders
    move with it. What it said before, who corrected it, when and ``why`` are kept as an
    EventRevision and in the audit trail; the timeline is then replayed (deadlines, reminders,
    statistics and search follow in this transaction).
    """
    if "kind" in changes:
        raise ValidationError(
            {
                "kind": [
                    _(
                        "The kind of a recorded step cannot be corrected: retract it and record "
                        "the right one."
                    )
                ]
            }
        )
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"correct_event() got unexpected fields: {sorted(unknown)}")
    today = today or timezone.localdate()
    request, current, live = _locked(event)

    wanted = {name: _normalised(name, value) for name, value in changes.items()}
    old_grounds = sorted(current.ground_codes)
    new_grounds = wanted.pop("grounds", old_grounds)
    changed = {
        name: value
        for name, value in wanted.items()
        if _fact(getattr(current, name + "_id" if name in FOREIGN_KEYS else name)) != _fact(value)
    }
    diff = [
        {"field": name, "old": plain(getattr(current, name)), "new": plain(value)}
        for name, value in changed.items()
    ]
    if new_grounds != old_grounds:
        diff.append({"field": "grounds", "old": plain(old_grounds), "new": plain(new_grounds)})
    if not diff:
        raise ValidationError({NON_FIELD_ERRORS: [_("Nothing was changed.")]})

    candidate = Event(
        **{f.attname: getattr(current, f.attname) for f in Event._meta.concrete_fields}
    )
    for name, value in changed.items():
        setattr(candidate, name, value)
    if candidate.kind == EventKind.SENT and "presumed" not in changes:
        candidate.presumed = (
            False
            if candidate.received_on
            else delivery_date(candidate.occurred_on, None, candidate.channel)[1]
        )
        if candidate.presumed != current.presumed:
            changed["presumed"] = candidate.presumed
    others = [e for e in live if e.pk != current.pk]
    flags = validate_event(
        request, others, Proposed.from_event(candidate, grounds=new_grounds), today=today
    )
    _check_timeline(request, live, [*others, candidate], today=today, skip=candidate)

    row = Event.objects.select_for_update().get(pk=current.pk)
    for name, value in changed.items():
        setattr(row, name, value)
    row.flags = flags
    row.save(update_fields=[*changed, "flags"])
    if new_grounds != old_grounds:
        row.grounds.exclude(ground__in=new_grounds).delete()
        EventGround.objects.bulk_create(
            EventGround(event=row, ground=g) for g in new_grounds if g not in old_grounds
        )
    EventRevision.objects.create(
        event=row, action=EventRevisionAction.CORRECTED, changes=diff, reason=why, by=by
    )
    audit(
        organization_id=request.organization_id,
        actor=by,
        action=AuditAction.EVENT_CORRECTED,
        request=request,
        event=row,
        changes=diff,
        note=why,
    )
    refresh_request(request, today=today)
    return row


@transaction.atomic
def retract_event(*, event: Event, by, reason: str, today: dt.date | None = None) -> Event:
    """Take back a step that never happened (recorded by mistake, or twice).

    The step stays in the record, marked retracted with who, when and why; it no longer counts
    anywhere — the replay, deadlines, reminders, statistics, search and the public pages.
    ValidationError (nothing saved) without a reason, or when a step that remains depends on it
    (retract the appeal before the refusal it challenges).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this step is retracted.")]})
    today = today or timezone.localdate()
    request, current, live = _locked(event)
    others = [e for e in live if e.pk != current.pk]
    _check_timeline(request, live, others, today=today)

    row = Event.objects.select_for_update().get(pk=current.pk)
    row.retracted_at = timezone.now()
    row.retracted_by = by
    row.retraction_reason = reason
    row.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    EventRevision.objects.create(
        event=row, action=EventRevisionAction.RETRACTED, reason=reason, by=by
    )
    audit(
        organization_id=request.organization_id,
        actor=by,
        action=AuditAction.EVENT_RETRACTED,
        request=request,
        event=row,
        note=reason,
    )
    refresh_request(request, today=today)
    return row
