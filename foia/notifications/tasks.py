"""Thin Celery tasks: ids in, one service call. Retries are durable in the database (the sweep
picks up what is due again), so a lost message or a dead worker loses nothing."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from foia.notifications import batch, services


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders_task() -> int:
    return len(services.sweep().to_send)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def send_reminder_task(reminder_id: int) -> str:
    outcome = services.deliver(reminder_id)
    if outcome == "retrying":
        from foia.notifications.models import Reminder

        retry_at = (
            Reminder.objects.filter(pk=reminder_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if retry_at:
            # Sooner than the next sweep; the sweep remains the safety net.
            send_reminder_task.apply_async((reminder_id,), eta=retry_at)
    return outcome


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def send_reminder_batch_task(reminder_ids: list[int]) -> dict:
    """Many reminders of one organisation: one message per person. Refused messages are retried
    by the sweep when their backoff is over (the reminders are "retrying" in the database)."""
    return dict(batch.deliver_batch(reminder_ids))


@shared_task(acks_late=True, ignore_result=True)
def send_digests_task() -> int:
    return services.send_digests()
