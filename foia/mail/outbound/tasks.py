"""Thin Celery tasks: ids in, one service call. The database holds the truth (state, attempts,
next attempt), so a lost task or a killed worker loses nothing: the sweep hands it out again."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from foia.mail.outbound import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def send_message_task(message_id: int) -> str:
    outcome = services.deliver(message_id)
    if outcome == "retrying":
        from foia.mail.outbound.models import OutgoingMessage

        retry_at = (
            OutgoingMessage.objects.filter(pk=message_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if retry_at:
            send_message_task.apply_async((message_id,), eta=retry_at)
    return outcome


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def send_campaign_task(campaign_id: int) -> dict:
    outcomes = services.campaign_deliver(campaign_id)
    next_run = services.campaign_next_run(campaign_id)
    if next_run is not None:
        send_campaign_task.apply_async((campaign_id,), eta=next_run)
    return outcomes


@shared_task(acks_late=True, ignore_result=True)
def sweep_outgoing_task() -> int:
    return len(services.sweep())
