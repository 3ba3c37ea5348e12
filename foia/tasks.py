"""Celery tasks: thin interfaces to services, ids in, retry policy here."""

from celery import shared_task

from foia.services import timeline


@shared_task(acks_late=True)
def mark_lapsed_deadlines_task() -> int:
    """Daily: open deadlines past their last day become missed."""
    return timeline.mark_lapsed_deadlines()


@shared_task(acks_late=True)
def refresh_open_requests_task() -> int:
    """After the extra non-working days changed: recompute every request with an open deadline."""
    return timeline.refresh_open_requests()
