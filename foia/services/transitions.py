"""The one place that validates a timeline event against the request's history and the law, and
writes it.

`record_event()` refuses impossible sequences with a clear message per field (ValidationError) and
saves nothing; it accepts lawful-but-questionable facts and stores them as flags on the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from foia import deadlines as law
from foia.models import (
    AUTHORITY_DOCUMENT_KINDS,
    AnswerKind,
    AppealGround,
    Attachment,
    Channel,
    CommissionerOutcome,
    DeadlineKind,
    DeadlineState,
    Event,
    EventGround,
    EventKind,
    RefusalGround,
    Request,
)
from foia.services.calendar import extra_closed_days
from foia.services.flags import make_flag
from foia.services.timeline import delivery_date, derive, ordered_events, refresh_request

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
    """What the caller wants to record, before it is an Event row."""

    kind: str
    occurred_on: dt.date
    grounds: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    def get(self, name: str, default=None):
        value = self.values.get(name, default)
        return default if value in (None, "") else value


def _d(value: dt.date) -> str:
    return date_format(value, "d.m.Y")


class Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def validate_event(
    request: Request, history: Iterable[Event], proposed: Proposed, *, today: dt.date
) -> list[dict]:
    """Check ``proposed`` against the law and ``history``; return its flags or raise.

    The checks, in order: the kind is known and its required facts are there; no date lies in the
    future or before the request was sent; the step follows the steps it needs (an appeal needs the
    decision it challenges, a Commissioner decision needs an appeal, …); then the lawful-but-
    questionable facts are flagged against the deadlines the history implies.
    """
    errors = Errors()
    flags: list[dict] = []
    history = ordered_events(history)
    kinds = [e.kind for e in history]
    kind, on = proposed.kind, proposed.occurred_on
    sent = next((e for e in history if e.kind == EventKind.SENT), None)
    withdrawn = next((e for e in history if e.kind == EventKind.WITHDRAWN), None)

    if kind not in EventKind.values:
        raise ValidationError({"kind": [_("Unknown kind of event.")]})
    if not isinstance(on, dt.date):
        raise ValidationError({"occurred_on": [_("A date is required.")]})
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

    if kind == EventKind.SENT:
        if sent is not None:
            errors.add(
                "kind",
                _("This request was already sent on %(date)s.") % {"date": _d(sent.occurred_on)},
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
        history,
        today=today,
        extra_closed=extra_closed_days(),
        no_appeal=request.authority.no_appeal,
    )
    received = derived.received_on

    if kind == EventKind.DELIVERED:
        pass
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

    unknown = [g for g in proposed.grounds if g not in RefusalGround.values]
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
        if EventKind.INCOMPLETE_NOTICE not in kinds:
            errors.add("kind", _("No incomplete-request notice has been recorded to correct."))

    elif kind == EventKind.EXTENSION:
        response = _open_answer_deadline(derived)
        latest = law.extended_response_latest(_clock_start(derived, history), extra_closed_days())
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
        if any(e.kind == EventKind.APPEAL_FILED for e in history):
            flags.append(make_flag("answer_after_appeal"))

    elif kind == EventKind.REFUSAL:
        if not proposed.grounds:
            errors.add("grounds", _("A refusal cites at least one legal ground."))
        if not proposed.get("decision_number"):
            flags.append(make_flag("refusal_without_number"))

    elif kind == EventKind.DISMISSAL:
        if not proposed.get("decision_number"):
            flags.append(make_flag("refusal_without_number"))

    elif kind == EventKind.APPEAL_FILED:
        flags += _check_appeal(request, history, derived, proposed, errors)

    elif kind == EventKind.URGENCY:
        pending = list(derived.open_of(DeadlineKind.COMMISSIONER_DECISION))
        if EventKind.APPEAL_FILED not in kinds:
            errors.add("kind", _("An urgency follows an appeal, and none has been recorded."))
        elif pending and on <= pending[0].due_on:
            flags.append(make_flag("urgency_early", due=_d(pending[0].due_on)))

    elif kind == EventKind.COMMISSIONER_DECISION:
        appeals = [e for e in history if e.kind == EventKind.APPEAL_FILED]
        if not appeals:
            errors.add("kind", _("No appeal has been recorded for the Commissioner to decide."))
        elif on < appeals[0].occurred_on:
            errors.add(
                "occurred_on",
                _("The decision (%(date)s) cannot precede the appeal (%(appeal)s).")
                % {"date": _d(on), "appeal": _d(appeals[0].occurred_on)},
            )
        decided = proposed.get("decision_date")
        if decided and appeals and decided < appeals[0].occurred_on:
            errors.add("decision_date", _("The decision cannot be dated before the appeal."))
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
        elif on < orders[0].occurred_on:
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
        if EventKind.LAWSUIT_FILED not in kinds:
            errors.add("kind", _("No lawsuit has been recorded."))
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


def _check_appeal(request, history, derived, proposed, errors) -> list[dict]:
    flags = []
    ground = proposed.get("appeal_ground")
    on = proposed.occurred_on
    if not ground:
        errors.add("appeal_ground", _("Say what the appeal is against."))
        return flags
    needs = {
        AppealGround.REFUSAL: [EventKind.REFUSAL],
        AppealGround.DISMISSAL: [EventKind.DISMISSAL],
        AppealGround.PARTIAL: [EventKind.ANSWER],
        AppealGround.FEE: [EventKind.FEE_DEMANDED],
    }.get(ground)
    if needs:
        decisions = [
            e
            for e in history
            if e.kind in needs
            and (ground != AppealGround.PARTIAL or e.answer_kind == AnswerKind.PARTIAL)
        ]
        if not decisions:
            label = AppealGround(ground).label
            errors.add(
                "appeal_ground",
                _("An appeal against a %(what)s needs that decision recorded first, and none is.")
                % {"what": str(label).lower()},
            )
            return flags
        if ground != AppealGround.FEE:
            decision = decisions[-1]
            delivered, _presumed = delivery_date(
                decision.occurred_on, decision.received_on, decision.channel
            )
            due = law.appeal_due(delivered, extra_closed_days())
            if on > due:
                flags.append(make_flag("appeal_late", due=_d(due)))
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


def _check_lawsuit(request, history, derived, proposed, errors) -> list[dict]:
    kinds = {e.kind for e in history}
    adverse = [e for e in history if e.kind == EventKind.COMMISSIONER_DECISION]
    no_appeal_case = request.authority.no_appeal and (
        kinds & {EventKind.REFUSAL, EventKind.DISMISSAL, EventKind.ANSWER}
        or any(
            d.kind == DeadlineKind.SILENCE_APPEAL and d.opens_on <= proposed.occurred_on
            for d in derived.deadlines
        )
    )
    if not (adverse or no_appeal_case or EventKind.URGENCY in kinds):
        errors.add(
            "kind",
            _(
                "A lawsuit needs a Commissioner decision, the Commissioner's silence after an urgency, "
                "or a decision of a body against which no appeal lies; none is recorded."
            ),
        )
        return []
    lawsuits = derived.open_of(DeadlineKind.LAWSUIT) or [
        d for d in derived.deadlines if d.kind == DeadlineKind.LAWSUIT
    ]
    if lawsuits and proposed.occurred_on > lawsuits[-1].due_on:
        return [make_flag("lawsuit_late", due=_d(lawsuits[-1].due_on))]
    return []


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
    **values,
) -> Event:
    """Validate and write one timeline event, then recompute the request's status and deadlines.

    The request row is locked for the duration, so two people recording at once are serialised.
    Raises ValidationError (nothing saved) for an impossible sequence.
    """
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"record_event() got unexpected fields: {sorted(unknown)}")
    today = today or timezone.localdate()
    request = Request.objects.select_for_update().select_related("authority").get(pk=request.pk)
    history = list(request.events.all())
    proposed = Proposed(kind=kind, occurred_on=occurred_on, grounds=list(grounds), values=values)
    flags = validate_event(request, history, proposed, today=today)

    if kind == EventKind.SENT and not values.get("received_on"):
        presumed_on, presumed = delivery_date(occurred_on, None, values.get("channel", ""))
        values["presumed"] = presumed
    if "amount" in values and values["amount"] not in (None, ""):
        values["amount"] = Decimal(values["amount"])
    event = Event.objects.create(
        request=request,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=recorded_by,
        flags=flags,
        **{k: v for k, v in values.items() if v is not None},
    )
    if proposed.grounds:
        EventGround.objects.bulk_create(
            EventGround(event=event, ground=g) for g in dict.fromkeys(proposed.grounds)
        )
    for attachment in attachments:
        attachment.event = event
        attachment.save(update_fields=["event"])
    refresh_request(request, today=today)
    return event
