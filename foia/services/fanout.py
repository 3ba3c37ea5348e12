"""What happens after a change to a request's record: its consumers, called here, in this order.

Nothing in the domain listens for signals. Every write path calls one of these functions inside
its own transaction, so a reader who follows a recorded event finds every consequence below:

``timeline_stored``   after ``foia.services.timeline.refresh_request`` has written the request's
                      status and deadline rows (every recorded, corrected or retracted event, a
                      change of the extra non-working days, the daily sweep):
                        1. statistics — the request's facts, the rollup counters, its search row;
                        2. the reminder plan of its deadlines.
``timelines_stored``  the same for many requests (``refresh_requests``: a campaign's sendings).
``event_recorded``    after ``record_event`` wrote a new step (the timeline is already stored):
                        3. webhooks (``event.recorded``; ``request.sent`` for the first sending).
``events_recorded``   the same for many steps (``record_events``).
``requests_changed``  the requests' own fields changed outside the timeline (visibility, embargo,
                      subject, campaign, which of their events and documents are public): step 1.
``authorities_changed`` authorities renamed or re-classified (admin, catalogue import): step 1 for
                      every request of theirs whose stored facts or search terms depend on it.
``requests_deleted``  requests about to be deleted: their contribution leaves the rollups.

The bulk forms take many rows at once and do a bounded number of queries per batch, so the
authority import, publishing a campaign and ``rebuild_facts`` stay in step without one refresh per
row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from foia.models import Event, EventKind, Request

if TYPE_CHECKING:
    from foia.services.timeline import Derived


def timeline_stored(
    request: Request, *, derived: Derived, events: Sequence[Event], today: dt.date
) -> None:
    """Steps 1–2 for one request whose timeline was just stored (inside that transaction)."""
    from foia.notifications.services import plan_request
    from foia.stats.services import refresh_facts

    refresh_facts(request, events=events, deadlines=derived.deadlines)
    plan_request(request)


def timelines_stored(requests: Sequence[Request], *, today: dt.date) -> None:
    """Steps 1–2 for many requests whose timelines were just stored, in a bounded number of
    queries per batch (their facts and deadlines are read again by the bulk forms)."""
    from foia.notifications.services import plan_requests
    from foia.stats.services import refresh_facts_many

    requests = list(requests)
    refresh_facts_many(requests)
    plan_requests(requests)


def event_recorded(event: Event) -> None:
    """Step 3 for a step just recorded: the organisation's webhooks hear about it."""
    events_recorded([event])


def events_recorded(events: Sequence[Event]) -> None:
    """Step 3 for many steps just recorded: one outbox write for all of them."""
    try:
        from foia.webhooks.services import emit_many
    except ImportError:  # the webhooks app is optional in this layout
        return
    items = []
    for event in events:
        request = event.request
        data = {
            "request": request.pk,
            "event": event.pk,
            "kind": event.kind,
            "occurred_on": event.occurred_on.isoformat(),
            "status": request.status,
        }
        items.append(
            (request.organization_id, "event.recorded", data, f"event.recorded:{event.pk}")
        )
        if event.kind == EventKind.SENT:
            items.append(
                (request.organization_id, "request.sent", data, f"request.sent:{request.pk}")
            )
    emit_many(items)


@transaction.atomic
def requests_changed(requests: Iterable[Request]) -> None:
    """Step 1 for requests whose own fields or publication changed (one batch of queries)."""
    from foia.stats.services import refresh_facts_many

    refresh_facts_many(list(requests))


@transaction.atomic
def authorities_changed(authority_ids: Iterable[int]) -> None:
    """Step 1 for the requests of renamed or re-classified authorities."""
    from foia.stats.services import authorities_changed as stats_authorities_changed

    ids = sorted(set(authority_ids))
    if ids:
        stats_authorities_changed(ids)


def requests_deleted(request_ids: Iterable[int]) -> None:
    """Their facts leave the rollup counters before the rows go (call inside the deleting
    transaction, before the delete)."""
    from foia.stats.services import forget_facts

    forget_facts(list(request_ids))
