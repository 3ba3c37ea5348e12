"""Reads: querysets for pages. Views call these; templates never build querysets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from foia.models import (
    AUTHORITY_DOCUMENT_KINDS,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    Request,
)

ANSWER_KINDS = (EventKind.ANSWER, EventKind.REFUSAL, EventKind.DISMISSAL)
ANSWER_DEADLINES = (
    DeadlineKind.RESPONSE,
    DeadlineKind.URGENT_RESPONSE,
    DeadlineKind.EXTENDED_RESPONSE,
)


def headline_numbers(today: dt.date | None = None) -> dict:
    """Counts over the published requests, in one query each for requests and deadlines."""
    today = today or timezone.localdate()
    published = Request.objects.published(today)
    counts = published.aggregate(
        total=Count("id"),
        authorities=Count("authority", distinct=True),
    )
    answers = Deadline.objects.filter(request__in=published, kind__in=ANSWER_DEADLINES).aggregate(
        on_time=Count("id", filter=Q(state=DeadlineState.MET)),
        late=Count("id", filter=Q(state=DeadlineState.MISSED, met_on__isnull=False)),
        silent=Count(
            "id",
            filter=Q(state=DeadlineState.MISSED, met_on__isnull=True)
            | Q(state=DeadlineState.OPEN, due_on__lt=today),
        ),
    )
    return {**counts, **answers}


def latest_responses(limit: int = 10, today: dt.date | None = None):
    """The newest public answers, refusals and decisions on published requests."""
    today = today or timezone.localdate()
    return (
        Event.objects.filter(
            request__in=Request.objects.published(today),
            kind__in=[*AUTHORITY_DOCUMENT_KINDS, EventKind.COMMISSIONER_DECISION],
            is_public=True,
        )
        .select_related("request__authority")
        .order_by("-occurred_on", "-id")[:limit]
    )
