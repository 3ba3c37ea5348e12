"""Reads: querysets for the public pages. Views call these; templates never build querysets.

Privacy is decided here, once: only ``Request.objects.published(today)``; only events, documents
and campaigns marked public; and the requester's personal data and internal notes are never even
loaded (``PRIVATE_FIELDS`` are deferred), so no template can show them by mistake.

Lists page through the facts table (narrow, indexed) and then load the few rows shown, again
through ``published()``, so every page runs the same number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from foia.models import (
    PRIVATE_FIELDS,
    Attachment,
    Authority,
    Campaign,
    Deadline,
    DeadlineState,
    Event,
    EventKind,
    Request,
)
from foia.stats.figures import published_facts
from foia.stats.models import GROUND_FIELDS, Outcome, RequestFacts, silent_q
from foia.stats.services import RESPONSE_KINDS

PRIVATE_RELATED = tuple(f"request__{name}" for name in PRIVATE_FIELDS)
SEARCH_COUNT_CAP = 1000


def today() -> dt.date:
    return timezone.localdate()


def published_requests(on: dt.date) -> QuerySet[Request]:
    return Request.objects.published(on).defer(*PRIVATE_FIELDS)


# --- paging over the facts ----------------------------------------------------------------------


@dataclass
class LogPage:
    page: object  # django.core.paginator.Page of request ids
    rows: list[RequestFacts]

    @property
    def paginator(self):
        return self.page.paginator


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: a broad search ("kamere" in a million requests) is shown as
    "1,000+" and paged that far, instead of counting every match (visitors refine instead)."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.cap is None:
            return super().count
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def paginate(ids: QuerySet, number, per_page: int | None = None, cap: int | None = None):
    paginator = CappedPaginator(
        ids, per_page or settings.PUBLIC_PAGE_SIZE, cap=cap, allow_empty_first_page=True
    )
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404("No such page") from None


def facts_rows(ids: list[int], on: dt.date) -> list[RequestFacts]:
    """The facts of these requests with their request and authority, in the order given.

    The request is filtered through ``published()`` again: a facts row out of step (a bulk
    UPDATE that bypassed the signals) can hide a row, never show one. Facts of a timeline step
    hidden on the public page are blanked (``mask_hidden_steps``).
    """
    if not ids:
        return []
    rows = with_step_visibility(
        RequestFacts.objects.filter(pk__in=ids, request__in=Request.objects.published(on))
        .select_related("request", "authority")
        .defer(*PRIVATE_RELATED)
    )
    by_id = {row.pk: mask_hidden_steps(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def log_page(
    facts: QuerySet[RequestFacts],
    number,
    on: dt.date,
    per_page: int | None = None,
    cap: int | None = None,
):
    """One page of a filtered, sorted facts queryset: a COUNT, the page's ids, then its rows."""
    page = paginate(facts.values_list("pk", flat=True), number, per_page, cap)
    return LogPage(page=page, rows=facts_rows(list(page.object_list), on))


# --- one request --------------------------------------------------------------------------------


def public_request(pk: int, on: dt.date) -> Request:
    request = (
        published_requests(on)
        .select_related("authority", "organization", "campaign")
        .annotate(receipt_hidden=_receipt_hidden(OuterRef("pk")))
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such published request")
    return request


def public_events(request: Request) -> list[Event]:
    """The public timeline, each event with its grounds and its public documents."""
    return list(
        request.events.live()
        .filter(is_public=True)
        .select_related("forwarded_to")
        .prefetch_related(
            "grounds",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_public=True).order_by("uploaded_at"),
                to_attr="public_attachments",
            ),
        )
        .order_by("occurred_on", "pk")
    )


def public_deadlines(request: Request) -> list[Deadline]:
    return list(request.deadlines.exclude(state=DeadlineState.VOID).order_by("due_on", "pk"))


# A document is public with its event: one shown on the public timeline (not retracted), or none.
PUBLIC_EVENT_OR_NONE = Q(event__isnull=True) | Q(
    event__is_public=True, event__retracted_at__isnull=True
)


def public_documents(request: Request) -> list[Attachment]:
    """Documents marked public, of a public event or of none."""
    return list(
        request.attachments.filter(is_public=True)
        .filter(PUBLIC_EVENT_OR_NONE)
        .order_by("uploaded_at", "pk")
    )


def public_document(pk: int, on: dt.date) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=pk, is_public=True, request__in=Request.objects.published(on))
        .filter(PUBLIC_EVENT_OR_NONE)
        .first()
    )
    if attachment is None:
        raise Http404("No such public document")
    return attachment


# --- authorities ----------------------------------------------------------------------------------


def authority_directory(query: str, kind: str, number, on: dt.date):
    authorities = Authority.objects.filter(active=True).order_by("name", "pk")
    if kind:
        authorities = authorities.filter(kind=kind)
    if query.strip():
        authorities = authorities.matching(query)
    page = paginate(authorities.values_list("pk", flat=True), number, per_page=50)
    ids = list(page.object_list)
    by_id = Authority.objects.in_bulk(ids)
    counts = dict(
        published_facts(on)
        .filter(authority_id__in=ids)
        .values("authority_id")
        .annotate(n=Count("pk"))
        .values_list("authority_id", "n")
        .order_by()
    )
    rows = [(by_id[i], counts.get(i, 0)) for i in ids if i in by_id]
    return page, rows


def find_authority(pk: int) -> Authority | None:
    return Authority.objects.filter(pk=pk).only("pk", "name").first()


def public_authority(pk: int) -> Authority:
    authority = Authority.objects.select_related("parent").filter(pk=pk).first()
    if authority is None:
        raise Http404("No such authority")
    return authority


# --- campaigns ------------------------------------------------------------------------------------


def published_campaigns() -> QuerySet[Campaign]:
    """The campaigns the public may see: those marked public (one definition for every surface)."""
    return Campaign.objects.filter(is_public=True).select_related("organization")


def public_campaign(pk: int) -> Campaign:
    campaign = published_campaigns().filter(pk=pk).first()
    if campaign is None:
        raise Http404("No such public campaign")
    return campaign


def campaign_rows(campaign: Campaign, on: dt.date) -> QuerySet[RequestFacts]:
    """The published requests of a public campaign (facts, with request and authority)."""
    return (
        published_facts(on)
        .filter(campaign=campaign, request__in=Request.objects.published(on))
        .select_related("request", "authority")
        .defer(*PRIVATE_RELATED)
        .order_by("authority__name", "pk")
    )


@dataclass
class CampaignGroup:
    """One part of a public campaign's requests (answered, refused, …), a page at a time."""

    key: str
    count: int
    page: Any
    previous_query: str = ""
    next_query: str = ""

    @property
    def rows(self) -> list[RequestFacts]:
        return list(self.page.object_list)


CAMPAIGN_GROUP_PAGE = 50


def campaign_groups(campaign: Campaign, on: dt.date, query) -> dict[str, CampaignGroup]:
    """Who answered, who refused, who is silent, who is still within the deadline: each group
    counted in the database and shown a page at a time (a campaign may ask 11,500 bodies)."""
    answered = (Outcome.FULL, Outcome.PARTIAL, Outcome.NOT_HELD, Outcome.ALREADY_PUBLISHED)
    refused = (Outcome.REFUSED, Outcome.DISMISSED)
    unanswered = Q(first_answer_on__isnull=True)
    filters = {
        "answered": (Q(outcome__in=answered), ("authority__name", "pk")),
        "refused": (Q(outcome__in=refused), ("authority__name", "pk")),
        "silent": (silent_q(on), ("answer_due_on", "authority__name", "pk")),
        "waiting": (unanswered & Q(answer_due_on__gte=on), ("answer_due_on", "pk")),
        "other": (unanswered & Q(answer_due_on__isnull=True), ("authority__name", "pk")),
    }
    rows = campaign_rows(campaign, on)
    out = {}
    for key, (condition, order) in filters.items():
        param = f"{key}-page"
        ordered = with_step_visibility(rows.filter(condition).order_by(*order))
        page = Paginator(ordered, CAMPAIGN_GROUP_PAGE).get_page(query.get(param))
        page.object_list = [mask_hidden_steps(row) for row in page.object_list]
        group = CampaignGroup(key=key, count=page.paginator.count, page=page)
        for attr, has, number in (
            ("previous_query", page.has_previous, page.number - 1),
            ("next_query", page.has_next, page.number + 1),
        ):
            if has():
                q = query.copy()
                q[param] = str(number)
                setattr(group, attr, q.urlencode())
        out[key] = group
    return out


def public_campaigns() -> list[Campaign]:
    return list(published_campaigns().order_by("-created_at")[:20])


# --- responses (home page, feeds) ---------------------------------------------------------------


def latest_responses(
    on: dt.date, limit: int = 10, authority: Authority | None = None
) -> list[Event]:
    """The newest public responses on published requests, newest first.

    Index-driven in two queries: the ``limit`` requests with the latest public response hold
    the ``limit`` latest responses, so only their events are read.
    """
    facts = published_facts(on).filter(last_response_on__isnull=False)
    if authority is not None:
        facts = facts.filter(authority=authority)
    ids = list(
        facts.order_by("-last_response_on", "-request_id").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return []
    events = (
        Event.objects.filter(
            request_id__in=ids,
            request__in=Request.objects.published(on),
            is_public=True,
            retracted_at__isnull=True,
            kind__in=RESPONSE_KINDS,
        )
        .select_related("request", "request__authority")
        .defer(*PRIVATE_RELATED)
        .prefetch_related("grounds")
        .order_by("-occurred_on", "-pk")
    )
    return list(events[:limit])


# --- open data ----------------------------------------------------------------------------------


def _first_event_public(kinds, *, last: bool = False, **extra) -> Subquery:
    order = ("-occurred_on", "-pk") if last else ("occurred_on", "pk")
    return Subquery(
        Event.objects.live()
        .filter(request_id=OuterRef("request_id"), kind__in=kinds, **extra)
        .order_by(*order)
        .values("is_public")[:1]
    )


def _receipt_hidden(request_ref) -> Exists:
    """The day of receipt comes from the sending or the delivery: hidden when either is."""
    return Exists(
        Event.objects.live().filter(
            request_id=request_ref,
            is_public=False,
            kind__in=[EventKind.SENT, EventKind.DELIVERED],
        )
    )


def with_step_visibility(facts: QuerySet[RequestFacts]) -> QuerySet[RequestFacts]:
    """The facts, each annotated with whether the timeline step a column comes from is shown on
    the public page (``public_events``: only events marked public). The exports blank what the
    page hides, in the same single query."""
    # Retracted steps count nowhere (the facts are built from the live timeline), so they
    # decide no column's visibility either.
    return facts.annotate(
        receipt_hidden=_receipt_hidden(OuterRef("request_id")),
        answer_public=_first_event_public(
            [EventKind.ANSWER, EventKind.REFUSAL, EventKind.DISMISSAL]
        ),
        appeal_public=_first_event_public([EventKind.APPEAL_FILED]),
        decision_public=_first_event_public([EventKind.COMMISSIONER_DECISION]),
        compliance_public=_first_event_public(
            [EventKind.COMPLIANCE], last=True, compliance_result__gt=""
        ),
        lawsuit_public=Exists(
            Event.objects.live().filter(
                request_id=OuterRef("request_id"), kind=EventKind.LAWSUIT_FILED, is_public=True
            )
        ),
    )


# The facts that come from one timeline step: blanked on every public surface (the log, the
# request page, the API, the exports) where that step is not shown on the public page.
STEP_FIELDS = {
    "receipt": ("received_on",),
    "answer": ("first_answer_on", "answer_days", "answered_in_time", "outcome"),
    "grounds": tuple(GROUND_FIELDS.values()),
    "appeal": ("appealed", "appealed_on", "appeal_ground"),
    "decision": (
        "commissioner_outcome",
        "commissioner_decided_on",
        "commissioner_days",
        "commissioner_in_time",
    ),
    "compliance": ("compliance_result",),
    "lawsuit": ("in_court",),
}


def hidden_steps(row) -> frozenset[str]:
    """The steps of a facts row (annotated by ``with_step_visibility``; a dict or an object)
    that the public page does not show."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name, None))
    hidden = set()
    if get("receipt_hidden"):
        hidden.add("receipt")
    if get("answer_public") is False:
        hidden |= {"answer", "grounds"}
    if get("appeal_public") is False:
        hidden |= {"appeal", "decision"}
    if get("decision_public") is False:
        hidden.add("decision")
    if get("compliance_public") is False:
        hidden.add("compliance")
    if get("in_court") and not get("lawsuit_public"):
        hidden.add("lawsuit")
    return frozenset(hidden)


def mask_hidden_steps(row):
    """Blank, in place, the facts of the steps the public page hides; record them as
    ``row.hidden_steps``. Grounds become False, everything else None."""
    hidden = hidden_steps(row)
    for step in hidden:
        for name in STEP_FIELDS[step]:
            value = False if step == "grounds" else None
            if isinstance(row, dict):
                row[name] = value
            else:
                setattr(row, name, value)
    if isinstance(row, dict):
        row["hidden_steps"] = hidden
    else:
        row.hidden_steps = hidden
    return row
