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


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=1800,
    time_limit=1900,
    max_retries=3,
    default_retry_delay=30,
)
def campaign_build_task(self, campaign_id: int) -> int:
    """Create a large campaign's drafts; a redelivered or retried run creates only what is missing."""
    from foia.services import campaigns

    try:
        return campaigns.campaign_build(campaign_id=campaign_id).build_done
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            campaigns.campaign_build_failed(campaign_id=campaign_id, error=str(exc))
            raise
        raise self.retry(exc=exc) from exc
