"""Replay a request's timeline into its derived state: status, sending facts and deadline rows.

Three parts: `derive()` is pure over the events it is given (no queries, no clock: ``today`` is
an argument); `refresh_request()` locks the request, loads its events once, derives and stores the
status and deadline rows; then it calls `foia.services.fanout.timeline_stored`, which updates the
statistics, search row and reminder plan in the same transaction. It runs after every recorded,
corrected or retracted event and after an edit of the extra non-working days (on the worker).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from foia import deadlines as law
from foia.models import (
    DERIVED_FIELDS,
    AnswerKind,
    AppealGround,
    CommissionerOutcome,
    ComplianceResult,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    Party,
    Request,
    RequestStatus,
)
from foia.services import fanout
from foia.services.calendar import extra_closed_days

PRESUMED_CHANNELS = {"ordinary_post", "registered_post"}
DEFAULT_COMPLIANCE_DAYS = 5

BASIS = {
    "response": _("ZSPIJZ Art. 16(1): 15 days from receipt of the request"),
    "response_corrected": _("ZSPIJZ Art. 15, 16(1): 15 days from receipt of the corrected request"),
    "urgent": _("ZSPIJZ Art. 16(2): 48 hours from receipt (life, freedom, health, environment)"),
    "extended": _("ZSPIJZ Art. 16(4): extended answer, at most 40 days from receipt"),
    "correction": _("ZSPIJZ Art. 15: the period set in the notice (8–15 days) to fix the request"),
    "appeal": _("ZSPIJZ Art. 22(1): 15 days from delivery of the decision"),
    "silence_appeal": _(
        "ZSPIJZ Art. 22(1) item 2; ZUP Art. 153(2): appeal for silence from the day after the "
        "answer deadline, at most one year after it"
    ),
    "silence_lawsuit": _(
        "ZSPIJZ Art. 22(2); ZUS Art. 19: no appeal lies, a lawsuit for silence at the "
        "Administrative Court"
    ),
    "commissioner": _("ZSPIJZ Art. 24: the Commissioner decides within 60 days of receipt"),
    "commissioner_urgent": _("ZSPIJZ Art. 24: 30 days in 48-hour matters"),
    "urgency": _("ZUS Art. 19: 7 more days after the repeat request (urgency)"),
    "compliance": _("ZSPIJZ Art. 24, 28a: the period set in the Commissioner's decision"),
    "redecide": _("ZSPIJZ Art. 24: a new decision after annulment, in the period set"),
    "lawsuit": _("ZUS Art. 18: 30 days from delivery of the decision"),
    "lawsuit_no_appeal": _(
        "ZSPIJZ Art. 22(2); ZUS Art. 18: no appeal lies, lawsuit within 30 days of delivery"
    ),
}


# Who must act before each kind of deadline.
PARTY = {
    DeadlineKind.RESPONSE: Party.AUTHORITY,
    DeadlineKind.URGENT_RESPONSE: Party.AUTHORITY,
    DeadlineKind.EXTENDED_RESPONSE: Party.AUTHORITY,
    DeadlineKind.COMPLIANCE: Party.AUTHORITY,
    DeadlineKind.CORRECTION: Party.REQUESTER,
    DeadlineKind.APPEAL: Party.REQUESTER,
    DeadlineKind.SILENCE_APPEAL: Party.REQUESTER,
    DeadlineKind.LAWSUIT: Party.REQUESTER,
    DeadlineKind.COMMISSIONER_DECISION: Party.COMMISSIONER,
    DeadlineKind.URGENCY_ANSWER: Party.COMMISSIONER,
}


@dataclass
class DeadlineSpec:
    kind: str
    source_key: str
    party: str
    due_on: dt.date
    legal_basis: str
    source_event: Event | None = None
    opens_on: dt.date | None = None
    due_at: dt.datetime | None = None
    presumed: bool = False
    note: str = ""
    state: str = DeadlineState.OPEN
    met_on: dt.date | None = None
    met_by_event: Event | None = None

    def meet(self, event: Event, on: dt.date, *, late_is_missed: bool = True) -> None:
        self.met_on = on
        self.met_by_event = event
        self.state = (
            DeadlineState.MISSED if late_is_missed and on > self.due_on else DeadlineState.MET
        )

    def void(self) -> None:
        if self.met_on is None:
            self.state = DeadlineState.VOID


@dataclass
class Derived:
    status: str = RequestStatus.DRAFT
    sent_on: dt.date | None = None
    sent_via: str = ""
    received_on: dt.date | None = None
    received_at: dt.datetime | None = None
    received_presumed: bool = False
    deadlines: list[DeadlineSpec] = field(default_factory=list)

    def add(self, spec: DeadlineSpec) -> DeadlineSpec:
        self.deadlines.append(spec)
        return spec

    def deadline(
        self,
        kind: str,
        source: Event | None,
        basis: str,
        due_on: dt.date,
        *,
        key: str | None = None,
        **facts,
    ) -> DeadlineSpec:
        """Add a deadline opened by ``source``: who must act follows from its kind, its legal
        basis is looked up in ``BASIS``, its key is the event's unless given."""
        return self.add(
            DeadlineSpec(
                kind=kind,
                source_key=key if key is not None else f"ev{source.pk}",
                source_event=source,
                party=PARTY[kind],
                due_on=due_on,
                legal_basis=str(BASIS[basis]),
                **facts,
            )
        )

    def open_of(self, *kinds: str) -> list[DeadlineSpec]:
        return [d for d in self.deadlines if d.kind in kinds and d.state == DeadlineState.OPEN]


def delivery_date(
    sent_on: dt.date, received_on: dt.date | None, channel: str
) -> tuple[dt.date, bool]:
    """The addressee's receipt date: recorded, or presumed from the channel (ZUP Arts. 71, 75)."""
    if received_on:
        return received_on, False
    presumed_on = law.deemed_delivered(sent_on, channel or law.DeliveryMethod.HAND)
    return presumed_on, channel in PRESUMED_CHANNELS


def ordered_events(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.occurred_on, e.pk or 0))


def live_events(events: Iterable[Event]) -> list[Event]:
    """``events`` in timeline order without the retracted ones."""
    return [e for e in ordered_events(events) if e.retracted_at is None]


def derive(
    request: Request,
    events: Sequence[Event],
    *,
    today: dt.date,
    extra_closed: frozenset[dt.date] = frozenset(),
    no_appeal: bool = False,
) -> Derived:
    """Replay ``events`` (any order) into the request's derived state.

    1. The first SENT event starts the case; the authority's receipt is the latest DELIVERED event,
       else the receipt date recorded on SENT, else the presumption for the channel.
    2. The answer clock (Art. 16) runs from receipt; an incomplete-request notice stops it and a
       correction restarts it (Art. 15); an extension replaces it, capped at 40 days (Art. 16(4)).
    3. Each silence clock follows the answer clock it belongs to (Art. 22(1) item 2).
    4. Decisions open appeal clocks (Art. 22(1)) or, against the no-appeal bodies, lawsuit clocks
       (Art. 22(2)); appeals open the Commissioner's clock (Art. 24); its decisions open compliance
       or lawsuit clocks (ZUS Art. 18).
    5. What is still open after its last day is missed; withdrawal voids everything open.
    Retracted events are skipped.
    """
    out = Derived()
    # A retracted event is history, not fact: it never reaches the replay, whoever loaded it.
    events = live_events(events)
    sent = next((e for e in events if e.kind == EventKind.SENT), None)
    if sent is None:
        return out

    out.sent_on, out.sent_via = sent.occurred_on, sent.channel
    deliveries = [e for e in events if e.kind == EventKind.DELIVERED]
    if deliveries:
        last = deliveries[-1]
        out.received_on, out.received_presumed = last.occurred_on, last.presumed
        out.received_at = last.occurred_at
    else:
        out.received_on, out.received_presumed = delivery_date(
            sent.occurred_on, sent.received_on, sent.channel
        )
        out.received_at = sent.occurred_at if sent.channel in ("email", "electronic") else None
    out.status = RequestStatus.AWAITING_ANSWER

    answer_clock = _start_answer_clock(
        out,
        request,
        "",
        out.received_on,
        out.received_presumed,
        out.received_at,
        extra_closed,
        no_appeal,
        sent,
    )
    clock_start = out.received_on
    decisions: list[tuple[Event, DeadlineSpec]] = []
    appeals: list[tuple[Event, DeadlineSpec]] = []
    appeal_pending = False

    for ev in events:
        kind = ev.kind
        if kind in (EventKind.SENT, EventKind.DELIVERED):
            continue

        if kind == EventKind.INCOMPLETE_NOTICE:
            for spec in answer_clock:
                spec.void()
            answer_clock = []
            notice_received, presumed = delivery_date(ev.occurred_on, ev.received_on, ev.channel)
            days = ev.period_days or law.CORRECTION_MIN_DAYS
            out.deadline(
                DeadlineKind.CORRECTION,
                ev,
                "correction",
                law.add_days(notice_received, days, extra_closed),
                presumed=presumed,
            )
            out.status = RequestStatus.AWAITING_CORRECTION

        elif kind == EventKind.CORRECTED:
            for spec in out.open_of(DeadlineKind.CORRECTION):
                spec.meet(ev, ev.occurred_on)
            received, presumed = delivery_date(ev.occurred_on, ev.received_on, ev.channel)
            clock_start = received
            answer_clock = _start_answer_clock(
                out, request, f"ev{ev.pk}", received, presumed, None, extra_closed, no_appeal, ev
            )
            out.status = RequestStatus.AWAITING_ANSWER

        elif kind == EventKind.EXTENSION:
            response = next(
                (s for s in answer_clock if s.kind != DeadlineKind.SILENCE_APPEAL), None
            )
            if (
                response is not None
                and response.state == DeadlineState.OPEN
                and ev.occurred_on <= response.due_on
            ):
                for spec in answer_clock:
                    spec.void()
                latest = law.extended_response_latest(clock_start, extra_closed)
                stated = ev.new_due_on
                due = min(stated, latest) if stated else latest
                due = law.next_working_day_on_or_after(due, extra_closed)
                answer_clock = _answer_clock_specs(
                    out,
                    f"ev{ev.pk}",
                    DeadlineKind.EXTENDED_RESPONSE,
                    due,
                    "extended",
                    response.presumed,
                    extra_closed,
                    no_appeal,
                    ev,
                    note=str(_("capped at 40 days")) if stated and stated > latest else "",
                )
                # Only an extension notified in time moves the deadline (Art. 16(4)); a late
                # one leaves the request silent, and flagged when it was recorded.
                out.status = RequestStatus.EXTENDED

        elif kind == EventKind.FEE_DEMANDED:
            # A notice that the information is held and what its copies cost (Art. 17) is the
            # authority acting on the request: it meets the answer clock; the requester pays, or
            # appeals the fee (Art. 22).
            for spec in answer_clock:
                if spec.kind == DeadlineKind.SILENCE_APPEAL:
                    spec.void()
                elif spec.state == DeadlineState.OPEN:
                    spec.meet(ev, ev.occurred_on)
            answer_clock = []
            out.status = RequestStatus.FEE_DEMANDED

        elif kind in (EventKind.ANSWER, EventKind.REFUSAL, EventKind.DISMISSAL):
            for spec in answer_clock:
                if spec.kind == DeadlineKind.SILENCE_APPEAL:
                    spec.void()
                elif spec.state == DeadlineState.OPEN:
                    # Art. 16: an answer counts as given the day it leaves the authority.
                    spec.meet(ev, ev.occurred_on)
            answer_clock = []
            out.status = _answer_status(ev)
            if kind != EventKind.ANSWER or ev.answer_kind == AnswerKind.PARTIAL:
                delivered, presumed = delivery_date(ev.occurred_on, ev.received_on, ev.channel)
                if no_appeal:
                    spec = out.deadline(
                        DeadlineKind.LAWSUIT,
                        ev,
                        "lawsuit_no_appeal",
                        law.lawsuit_due(delivered, extra_closed),
                        presumed=presumed,
                    )
                else:
                    spec = out.deadline(
                        DeadlineKind.APPEAL,
                        ev,
                        "appeal",
                        law.appeal_due(delivered, extra_closed),
                        presumed=presumed,
                    )
                decisions.append((ev, spec))
            if appeal_pending and kind == EventKind.ANSWER:
                out.status = RequestStatus.APPEALED

        elif kind == EventKind.APPEAL_FILED:
            if ev.appeal_ground == AppealGround.SILENCE:
                for spec in out.open_of(DeadlineKind.SILENCE_APPEAL):
                    spec.meet(ev, ev.occurred_on)
            else:
                target = _decision_deadline(decisions, ev)
                if target is not None and target.state == DeadlineState.OPEN:
                    target.meet(ev, ev.occurred_on)
            received, presumed = delivery_date(ev.occurred_on, ev.received_on, ev.channel)
            urgent = request.urgent
            spec = out.deadline(
                DeadlineKind.COMMISSIONER_DECISION,
                ev,
                "commissioner_urgent" if urgent else "commissioner",
                law.commissioner_decision_due(received, urgent=urgent, extra_closed=extra_closed),
                presumed=presumed,
            )
            appeals.append((ev, spec))
            appeal_pending = True
            out.status = RequestStatus.APPEALED

        elif kind == EventKind.URGENCY:
            out.deadline(
                DeadlineKind.URGENCY_ANSWER,
                ev,
                "urgency",
                law.urgency_answer_due(ev.occurred_on, extra_closed),
            )

        elif kind == EventKind.COMMISSIONER_DECISION:
            decided_on = ev.decision_date or ev.occurred_on
            target = _appeal_deadline(appeals, ev)
            if target is not None:
                target.meet(ev, decided_on)
            for spec in out.open_of(DeadlineKind.URGENCY_ANSWER):
                spec.meet(ev, decided_on)
            appeal_pending = any(s.state == DeadlineState.OPEN for _e, s in appeals)
            delivered, presumed = delivery_date(ev.occurred_on, ev.received_on, ev.channel)
            outcome = ev.commissioner_outcome
            if outcome in (CommissionerOutcome.ORDERED, CommissionerOutcome.ANNULLED):
                days = ev.period_days or DEFAULT_COMPLIANCE_DAYS
                ordered = outcome == CommissionerOutcome.ORDERED
                out.deadline(
                    DeadlineKind.COMPLIANCE,
                    ev,
                    "compliance" if ordered else "redecide",
                    law.compliance_due(delivered, days, extra_closed),
                    presumed=presumed,
                    note="" if ev.period_days else str(_("period not recorded: 5 days assumed")),
                )
                out.status = RequestStatus.ORDERED if ordered else RequestStatus.AWAITING_ANSWER
            elif outcome in (CommissionerOutcome.REJECTED, CommissionerOutcome.DISMISSED):
                out.deadline(
                    DeadlineKind.LAWSUIT,
                    ev,
                    "lawsuit",
                    law.lawsuit_due(delivered, extra_closed),
                    presumed=presumed,
                )
                out.status = (
                    RequestStatus.APPEAL_REJECTED
                    if outcome == CommissionerOutcome.REJECTED
                    else RequestStatus.APPEAL_DISMISSED
                )
            else:
                out.status = RequestStatus.APPEAL_SUSPENDED

        elif kind == EventKind.COMPLIANCE:
            for spec in out.open_of(DeadlineKind.COMPLIANCE):
                if ev.compliance_result == ComplianceResult.COMPLIED:
                    spec.meet(ev, ev.occurred_on)
                else:
                    spec.met_on, spec.met_by_event = None, ev
                    spec.state = DeadlineState.MISSED
            out.status = {
                ComplianceResult.COMPLIED: RequestStatus.COMPLIED,
                ComplianceResult.PARTLY: RequestStatus.PARTLY_COMPLIED,
            }.get(ev.compliance_result, RequestStatus.NOT_COMPLIED)

        elif kind == EventKind.LAWSUIT_FILED:
            for spec in out.open_of(DeadlineKind.LAWSUIT):
                spec.meet(ev, ev.occurred_on)
            if no_appeal:
                for spec in out.open_of(DeadlineKind.SILENCE_APPEAL):
                    spec.meet(ev, ev.occurred_on)
            out.status = RequestStatus.IN_COURT

        elif kind == EventKind.COURT_DECISION:
            out.status = RequestStatus.COURT_DECIDED

        elif kind == EventKind.WITHDRAWN:
            for spec in out.deadlines:
                if spec.state == DeadlineState.OPEN:
                    spec.void()
            out.status = RequestStatus.WITHDRAWN

    for spec in out.deadlines:
        if spec.state == DeadlineState.OPEN and spec.due_on < today:
            spec.state = DeadlineState.MISSED
    return out


def _start_answer_clock(
    out, request, key, received_on, presumed, received_at, extra_closed, no_appeal, source
) -> list[DeadlineSpec]:
    if request.urgent:
        due_at = law.urgent_response_due(received_at) if received_at else None
        due_on = (
            timezone.localtime(due_at).date() if due_at else law.urgent_response_due(received_on)
        )
        specs = _answer_clock_specs(
            out,
            key,
            DeadlineKind.URGENT_RESPONSE,
            due_on,
            "urgent",
            presumed,
            extra_closed,
            no_appeal,
            source,
        )
        specs[0].due_at = due_at
        return specs
    basis = "response_corrected" if key else "response"
    return _answer_clock_specs(
        out,
        key,
        DeadlineKind.RESPONSE,
        law.response_due(received_on, extra_closed),
        basis,
        presumed,
        extra_closed,
        no_appeal,
        source,
    )


def _answer_clock_specs(
    out, key, kind, due_on, basis, presumed, extra_closed, no_appeal, source, note=""
) -> list[DeadlineSpec]:
    """An answer deadline and the silence clock that opens the day after it."""
    response = out.deadline(kind, source, basis, due_on, key=key, presumed=presumed, note=note)
    silence = out.deadline(
        DeadlineKind.SILENCE_APPEAL,
        source,
        "silence_lawsuit" if no_appeal else "silence_appeal",
        law.silence_appeal_last_day(due_on, extra_closed),
        key=f"{kind}:{key}",
        opens_on=law.silence_appeal_opens(due_on),
        presumed=presumed,
    )
    return [response, silence]


def _answer_status(ev: Event) -> str:
    if ev.kind == EventKind.REFUSAL:
        return RequestStatus.REFUSED
    if ev.kind == EventKind.DISMISSAL:
        return RequestStatus.DISMISSED
    return {
        AnswerKind.PARTIAL: RequestStatus.PARTIALLY_ANSWERED,
        AnswerKind.NOT_HELD: RequestStatus.NOT_HELD,
    }.get(ev.answer_kind, RequestStatus.ANSWERED)


def _decision_deadline(decisions, appeal: Event) -> DeadlineSpec | None:
    """The appeal clock an appeal answers: the decision it names, else the latest one before it."""
    for ev, spec in decisions:
        if appeal.related_event_id and ev.pk == appeal.related_event_id:
            return spec
    earlier = [spec for ev, spec in decisions if ev.occurred_on <= appeal.occurred_on]
    return earlier[-1] if earlier else (decisions[-1][1] if decisions else None)


def _appeal_deadline(appeals, decision: Event) -> DeadlineSpec | None:
    for ev, spec in appeals:
        if decision.related_event_id and ev.pk == decision.related_event_id:
            return spec
    pending = [spec for _ev, spec in appeals if spec.state == DeadlineState.OPEN]
    return pending[0] if pending else None


SYNCED_FIELDS = (
    "party",
    "opens_on",
    "due_on",
    "due_at",
    "legal_basis",
    "presumed",
    "state",
    "met_on",
    "met_by_event",
    "note",
    "source_event",
)


@transaction.atomic
def refresh_request(request: Request, *, today: dt.date | None = None) -> Derived:
    """Recompute and store a request's status, sending facts and deadline rows.

    Rows are matched on (kind, source_key) and updated in place, so reminders attached to a
    deadline follow it when it moves; rows no longer produced become void, never deleted.
    """
    today = today or timezone.localdate()
    # The same row lock record_event takes: a refresh that read the events before a concurrent
    # record_event committed would otherwise void that event's new deadlines.
    locked = Request.objects.select_for_update().only(*DERIVED_FIELDS).get(pk=request.pk)
    for name in DERIVED_FIELDS:
        setattr(request, name, getattr(locked, name))
    events = list(request.events.prefetch_related("grounds"))
    derived, changed, to_create, to_update = _replay(
        request, events, list(request.deadlines.all()), today=today, extra=extra_closed_days()
    )
    if changed:
        request.save(update_fields=[*changed, "updated_at"])
    if to_create:
        Deadline.objects.bulk_create(to_create)
    if to_update:
        Deadline.objects.bulk_update(to_update, [*SYNCED_FIELDS, "updated_at"])
    fanout.timeline_stored(request, derived=derived, events=events, today=today)
    return derived


@transaction.atomic
def refresh_requests(requests: Sequence[Request], *, today: dt.date | None = None) -> dict:
    """``refresh_request`` for many requests in a bounded number of queries (a campaign's sent
    drafts): the same replay per request (``_replay``), then the status fields, the deadline rows
    and the fan-out (``fanout.timelines_stored``) written in bulk. Returns ``{pk: Derived}``.

    The requests are locked in primary-key order, as ``refresh_request`` locks one."""
    today = today or timezone.localdate()
    ids = sorted({r.pk for r in requests})
    if not ids:
        return {}
    list(Request.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    fresh = list(
        Request.objects.filter(pk__in=ids)
        .select_related("authority")
        .prefetch_related("events__grounds", "deadlines")
        .order_by("pk")
    )
    extra = extra_closed_days()
    results: dict[int, Derived] = {}
    # Requests whose fields changed are grouped by the fields that changed; what has the same
    # value for the whole group (a campaign's drafts sent the same day: status, sent on, via) is
    # written by one plain UPDATE, only what differs (the receipt time) by bulk_update's CASE.
    by_fields: dict[tuple, list[Request]] = {}
    to_create, to_update = [], []
    for request in fresh:
        derived, changed, created, updated = _replay(
            request,
            list(request.events.all()),
            list(request.deadlines.all()),
            today=today,
            extra=extra,
        )
        results[request.pk] = derived
        if changed:
            by_fields.setdefault(tuple(changed), []).append(request)
        to_create += created
        to_update += updated
    now = timezone.now()
    for changed, rows in by_fields.items():
        same = {f: getattr(rows[0], f) for f in changed}
        same = {f: v for f, v in same.items() if all(getattr(r, f) == v for r in rows)}
        varying = [f for f in changed if f not in same]
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            Request.objects.filter(pk__in=[r.pk for r in chunk]).update(**same, updated_at=now)
            if varying:
                Request.objects.bulk_update(chunk, varying)
    if to_create:
        Deadline.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Deadline.objects.bulk_update(to_update, [*SYNCED_FIELDS, "updated_at"], batch_size=500)
    fanout.timelines_stored(fresh, today=today)
    return results


def _replay(
    request: Request,
    events: list[Event],
    existing_rows: list[Deadline],
    *,
    today: dt.date,
    extra: frozenset[dt.date],
) -> tuple[Derived, list[str], list[Deadline], list[Deadline]]:
    """Derive the request's state from ``events`` and set it on ``request`` (unsaved); return the
    derived state, the names of the request's fields that changed, and the deadline rows to create
    and to update (matched on kind and source key; rows no longer produced become void)."""
    # Texts stored on the rows (legal basis, notes) are English msgids, translated when shown.
    with translation.override("en"):
        derived = derive(
            request,
            events,
            today=today,
            extra_closed=extra,
            no_appeal=request.authority.no_appeal,
        )
    changed = [f for f in DERIVED_FIELDS if getattr(request, f) != getattr(derived, f)]
    for name in changed:
        setattr(request, name, getattr(derived, name))

    existing = {(d.kind, d.source_key): d for d in existing_rows}
    to_create, to_update = [], []
    seen = set()
    for spec in derived.deadlines:
        key = (spec.kind, spec.source_key)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            to_create.append(
                Deadline(
                    request=request,
                    kind=spec.kind,
                    source_key=spec.source_key,
                    **{f: getattr(spec, f) for f in SYNCED_FIELDS},
                )
            )
            continue
        dirty = False
        for name in SYNCED_FIELDS:
            value = getattr(spec, name)
            current = getattr(row, name + "_id") if name.endswith("event") else getattr(row, name)
            wanted = value.pk if name.endswith("event") and value is not None else value
            if current != wanted:
                setattr(row, name, value)
                dirty = True
        if dirty:
            to_update.append(row)
    for key, row in existing.items():
        if key not in seen and row.state != DeadlineState.VOID:
            row.state = DeadlineState.VOID
            to_update.append(row)
    now = timezone.now()
    for row in to_update:
        row.updated_at = now
    return derived, changed, to_create, to_update


def mark_lapsed_deadlines(*, today: dt.date | None = None) -> int:
    """Daily sweep: open deadlines whose last day has passed become missed (one indexed UPDATE)."""
    today = today or timezone.localdate()
    return Deadline.objects.filter(state=DeadlineState.OPEN, due_on__lt=today).update(
        state=DeadlineState.MISSED, updated_at=timezone.now()
    )


def refresh_open_requests(*, today: dt.date | None = None) -> int:
    """Recompute every request with an open deadline (after the holiday table changed)."""
    ids = (
        Deadline.objects.filter(state=DeadlineState.OPEN)
        .values_list("request_id", flat=True)
        .distinct()
    )
    count = 0
    for request in Request.objects.filter(pk__in=list(ids)).select_related("authority"):
        refresh_request(request, today=today)
        count += 1
    return count
