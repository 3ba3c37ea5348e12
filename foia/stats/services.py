"""Writes of the statistics app: a request's facts, its search document and the rollup counters.

Called only by ``foia.services.fanout`` (after a timeline is stored, after a request's own fields
or publication changed, after authorities changed, before requests are deleted) and by
``rebuild_facts``. Facts depend on the timeline only, never on the clock, so the daily sweep does
not touch them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from foia import text as search
from foia.models import (
    AUTHORITY_DOCUMENT_KINDS,
    DERIVED_FIELDS,
    AnswerKind,
    Authority,
    CommissionerOutcome,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    Request,
    Visibility,
)
from foia.services.timeline import delivery_date, live_events
from foia.stats import rollups
from foia.stats.models import GROUND_FIELDS, NO_DATE, Outcome, RequestFacts, RequestSearch

SUBSTANTIVE_ANSWERS = (EventKind.ANSWER, EventKind.REFUSAL, EventKind.DISMISSAL)
ANSWER_DEADLINES = (
    DeadlineKind.RESPONSE,
    DeadlineKind.URGENT_RESPONSE,
    DeadlineKind.EXTENDED_RESPONSE,
)
# What the public log calls a response: the authority's documents and the decisions that follow.
RESPONSE_KINDS = frozenset(
    {
        *AUTHORITY_DOCUMENT_KINDS,
        EventKind.COMMISSIONER_DECISION,
        EventKind.COMPLIANCE,
        EventKind.COURT_DECISION,
    }
)
DERIVED_REQUEST_FIELDS = frozenset({*DERIVED_FIELDS, "updated_at"})
ANSWER_OUTCOMES = {
    AnswerKind.FULL: Outcome.FULL,
    AnswerKind.PARTIAL: Outcome.PARTIAL,
    AnswerKind.NOT_HELD: Outcome.NOT_HELD,
    AnswerKind.ALREADY_PUBLISHED: Outcome.ALREADY_PUBLISHED,
}


def public_from(request: Request):
    """The first day the request may be public (NO_DATE: always), or None (private)."""
    if request.visibility == Visibility.PUBLIC:
        return NO_DATE
    if request.visibility == Visibility.EMBARGOED and request.embargo_until:
        return request.embargo_until
    return None


def _met_by(deadline) -> int | None:
    if hasattr(deadline, "met_by_event_id"):
        return deadline.met_by_event_id
    return deadline.met_by_event.pk if deadline.met_by_event is not None else None


def build_facts(
    request: Request, events: Sequence[Event], deadlines: Sequence[Any]
) -> RequestFacts | None:
    """The facts of a sent request (None for a draft), from its timeline and deadline rows.

    ``deadlines`` are Deadline rows or the DeadlineSpecs of ``derive()``, in creation order.

    1. The first substantive answer is the first answer, refusal or dismissal; extension,
       incomplete-request and fee notices are not answers.
    2. It is measured against the answer deadline it met, else the first answer deadline that is
       not void (an extension voids the 15-day one and opens the extended one).
    3. Days to the answer count from the authority's receipt of the request (ZSPIJZ Art. 16;
       the answer counts as given the day it left the authority).
    4. The Commissioner's days run from its receipt of the first appeal to the date of the first
       decision; in time when that date is within the Art. 24 deadline.
    """
    if request.sent_on is None:
        return None
    events = live_events(events)  # a retracted step counts nowhere
    first = next((e for e in events if e.kind in SUBSTANTIVE_ANSWERS), None)
    answer_deadlines = [
        d for d in deadlines if d.kind in ANSWER_DEADLINES and d.state != DeadlineState.VOID
    ]
    operative = None
    if first is not None:
        operative = next((d for d in answer_deadlines if _met_by(d) == first.pk), None)
    if operative is None and answer_deadlines:
        operative = answer_deadlines[0]

    facts = RequestFacts(
        request_id=request.pk,
        authority_id=request.authority_id,
        authority_kind=request.authority.kind,
        organization_id=request.organization_id,
        campaign_id=request.campaign_id,
        status=request.status,
        visibility=request.visibility,
        embargo_until=request.embargo_until,
        public_from=public_from(request),
        sent_on=request.sent_on,
        received_on=request.received_on,
        year=request.sent_on.year,
        answer_due_on=operative.due_on if operative is not None else None,
        updated_at=timezone.now(),
    )
    if first is not None:
        facts.first_answer_on = first.occurred_on
        if request.received_on:
            facts.answer_days = max((first.occurred_on - request.received_on).days, 0)
        if operative is not None:
            facts.answered_in_time = first.occurred_on <= operative.due_on
        if first.kind == EventKind.REFUSAL:
            facts.outcome = Outcome.REFUSED
        elif first.kind == EventKind.DISMISSAL:
            facts.outcome = Outcome.DISMISSED
        else:
            facts.outcome = ANSWER_OUTCOMES.get(first.answer_kind, Outcome.FULL)
    for event in events:
        if event.kind in SUBSTANTIVE_ANSWERS:
            for ground in event.grounds.all():
                field = GROUND_FIELDS.get(ground.ground)
                if field:
                    setattr(facts, field, True)

    appeals = [e for e in events if e.kind == EventKind.APPEAL_FILED]
    if appeals:
        appeal = appeals[0]
        facts.appealed = True
        facts.appealed_on = appeal.occurred_on
        facts.appeal_ground = appeal.appeal_ground
        commissioner = [
            d
            for d in deadlines
            if d.kind == DeadlineKind.COMMISSIONER_DECISION and d.state != DeadlineState.VOID
        ]
        if commissioner:
            facts.commissioner_due_on = commissioner[0].due_on
        decisions = [e for e in events if e.kind == EventKind.COMMISSIONER_DECISION]
        if decisions:
            decision = decisions[0]
            decided_on = decision.decision_date or decision.occurred_on
            appeal_received, _presumed = delivery_date(
                appeal.occurred_on, appeal.received_on, appeal.channel
            )
            facts.commissioner_outcome = decision.commissioner_outcome
            facts.commissioner_decided_on = decided_on
            facts.commissioner_days = max((decided_on - appeal_received).days, 0)
            if facts.commissioner_due_on is not None:
                facts.commissioner_in_time = decided_on <= facts.commissioner_due_on
            facts.ordered = any(
                e.commissioner_outcome == CommissionerOutcome.ORDERED for e in decisions
            )
    compliance = [e for e in events if e.kind == EventKind.COMPLIANCE and e.compliance_result]
    if compliance:
        facts.compliance_result = compliance[-1].compliance_result
    facts.in_court = any(e.kind == EventKind.LAWSUIT_FILED for e in events)
    responses = [e.occurred_on for e in events if e.is_public and e.kind in RESPONSE_KINDS]
    facts.last_response_on = max(responses) if responses else None
    return facts


def search_texts(request: Request, events: Iterable[Event]) -> list[str]:
    """What a visitor can search: the request and its public responses, nothing private."""
    texts = [request.subject, request.information_sought]
    for event in live_events(events):
        if event.is_public and event.kind in RESPONSE_KINDS:
            texts += [
                event.text,
                event.reason,
                event.published_where,
                event.decision_number,
                event.case_number,
            ]
    return texts


def authority_terms(authority: Authority) -> str:
    return search.document(authority.name, authority.short_name, authority.place)


FACT_FIELDS = [
    f.name for f in RequestFacts._meta.concrete_fields if not f.primary_key and f.name != "request"
]


def _lock(request: Request) -> None:
    # Serialises refreshes of one request, so the old contribution read below is the one to undo
    # (record_event already holds this lock; other paths take it here).
    if connection.features.has_select_for_update:
        list(Request.objects.select_for_update().filter(pk=request.pk).values_list("pk"))


def _search_row(request: Request, events: Iterable[Event]) -> RequestSearch:
    return RequestSearch(
        request_id=request.pk,
        document=search.document(*search_texts(request, events)),
        authority_terms=authority_terms(request.authority),
    )


def _store(pairs: list[tuple[RequestFacts | None, RequestFacts | None]], searches) -> None:
    """Write new facts and search rows, drop the facts of requests that have none any more, and
    move each request's contribution in the rollups from its old facts to its new ones."""
    new = [n for _o, n in pairs if n is not None]
    gone = [o.pk for o, n in pairs if n is None and o is not None]
    if new:
        RequestFacts.objects.bulk_create(
            new, update_conflicts=True, unique_fields=["request"], update_fields=FACT_FIELDS
        )
    if searches:
        RequestSearch.objects.bulk_create(
            searches,
            update_conflicts=True,
            unique_fields=["request"],
            update_fields=["document", "authority_terms"],
        )
    if gone:
        RequestFacts.objects.filter(pk__in=gone).delete()
    rollups.apply_changes(pairs)


@transaction.atomic
def refresh_facts(
    request: Request,
    *,
    events: Sequence[Event] | None = None,
    deadlines: Sequence[Any] | None = None,
) -> RequestFacts | None:
    """Rewrite one request's facts and search document, and adjust the rollup counters.

    ``events`` (with their grounds prefetched) and ``deadlines`` may be passed by a caller that
    has just read them, so the timeline is read once per recorded event.
    """
    _lock(request)
    old = RequestFacts.objects.filter(pk=request.pk).first()
    if events is None:
        events = list(request.events.prefetch_related("grounds"))
    if deadlines is None:
        deadlines = list(request.deadlines.order_by("pk"))
    new = build_facts(request, events, deadlines)
    if new is None:
        RequestSearch.objects.filter(pk=request.pk).delete()
        _store([(old, None)], [])
        return None
    _store([(old, new)], [_search_row(request, events)])
    return new


@transaction.atomic
def refresh_facts_many(requests: Sequence[Request]) -> int:
    """``refresh_facts`` for many requests in a bounded number of queries per batch."""
    count = 0
    ids = [r.pk for r in requests]
    for start in range(0, len(ids), 500):
        chunk_ids = ids[start : start + 500]
        if connection.features.has_select_for_update:
            list(Request.objects.select_for_update().filter(pk__in=chunk_ids).values_list("pk"))
        chunk = list(
            Request.objects.filter(pk__in=chunk_ids)
            .select_related("authority")
            .prefetch_related("events__grounds", "deadlines")
        )
        olds = RequestFacts.objects.in_bulk(chunk_ids)
        pairs, searches, empty = [], [], []
        for request in chunk:
            events = list(request.events.all())
            deadlines = sorted(request.deadlines.all(), key=lambda d: d.pk)
            new = build_facts(request, events, deadlines)
            pairs.append((olds.get(request.pk), new))
            if new is None:
                empty.append(request.pk)
            else:
                searches.append(_search_row(request, events))
        if empty:
            RequestSearch.objects.filter(pk__in=empty).delete()
        _store(pairs, searches)
        count += len(chunk)
    return count


def forget_facts(request_ids: Sequence[int]) -> None:
    """Take these requests' contribution out of the rollups and drop their facts (before the
    requests themselves are deleted)."""
    rollups.apply_changes(
        (old, None) for old in RequestFacts.objects.filter(pk__in=list(request_ids))
    )
    RequestFacts.objects.filter(pk__in=list(request_ids)).delete()


def authorities_changed(authority_ids: Sequence[int]) -> None:
    """Authorities renamed or re-classified: their requests' search terms and facts follow, in a
    bounded number of statements whatever the number of authorities (the catalogue import)."""
    ids = list(authority_ids)
    rollups.facts_changed()  # the ranking shows their names
    for start in range(0, len(ids), 500):
        chunk = Authority.objects.filter(pk__in=ids[start : start + 500])
        terms = {a.pk: authority_terms(a) for a in chunk}
        stale = list(
            RequestSearch.objects.filter(request__authority_id__in=list(terms))
            .only("pk", "authority_terms", "request__authority_id")
            .select_related("request")
        )
        changed = []
        for row in stale:
            wanted = terms[row.request.authority_id]
            if row.authority_terms != wanted:
                row.authority_terms = wanted
                changed.append(row)
        RequestSearch.objects.bulk_update(changed, ["authority_terms"], batch_size=500)
    stale_facts = (
        RequestFacts.objects.filter(authority_id__in=ids)
        .exclude(authority_kind=F("request__authority__kind"))
        .values_list("pk", flat=True)
    )
    refresh_facts_many(list(Request.objects.filter(pk__in=list(stale_facts))))


def rebuild_all(*, batch_size: int = 500, stdout=None) -> dict[str, int]:
    """Recompute every request's facts and search document, then every rollup counter."""
    counts = {"facts": 0, "removed": 0}
    with transaction.atomic():
        counts["removed"] = RequestFacts.objects.filter(request__sent_on__isnull=True).delete()[0]
        ids = list(
            Request.objects.filter(sent_on__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), batch_size):
            chunk = (
                Request.objects.filter(pk__in=ids[start : start + batch_size])
                .select_related("authority")
                .prefetch_related("events__grounds", "deadlines")
            )
            facts, documents = [], []
            for request in chunk:
                events = list(request.events.all())
                deadlines = sorted(request.deadlines.all(), key=lambda d: d.pk)
                row = build_facts(request, events, deadlines)
                if row is None:
                    continue
                facts.append(row)
                documents.append(
                    RequestSearch(
                        request_id=request.pk,
                        document=search.document(*search_texts(request, events)),
                        authority_terms=authority_terms(request.authority),
                    )
                )
            RequestFacts.objects.bulk_create(
                facts, update_conflicts=True, unique_fields=["request"], update_fields=FACT_FIELDS
            )
            RequestSearch.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["request"],
                update_fields=["document", "authority_terms"],
            )
            counts["facts"] += len(facts)
            if stdout is not None:
                stdout.write(f"  {counts['facts']} of {len(ids)} requests")
        counts.update(rollups.rebuild())
    return counts
