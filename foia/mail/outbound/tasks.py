"""Thin Celery tasks: ids in, one service call. The database holds the truth (state, attempts,
next attempt), so a lost task or a killed worker loses nothing: the sweep hands it out again."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
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
    try:
        outcome = services.deliver(message_id)
    except SoftTimeLimitExceeded:
        # Cut off mid-send (a slow server or database): the claim's lease expires, then the
        # message is taken again — or, if the server had accepted it, only its step is recorded.
        send_message_task.apply_async(
            (message_id,), countdown=settings.MAIL_CLAIM_LEASE_SECONDS + 1
        )
        return "interrupted"
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
    try:
        outcomes = services.campaign_deliver(campaign_id)
    except SoftTimeLimitExceeded:
        # Go on with the rest in a fresh task; the interrupted message is taken again after its
        # lease (or only its step is recorded, if the server had accepted it).
        send_campaign_task.apply_async((campaign_id,))
        return {"interrupted": 1}
    next_run = services.campaign_next_run(campaign_id)
    if next_run is not None:
        send_campaign_task.apply_async((campaign_id,), eta=next_run)
    return outcomes


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def queue_campaign_task(campaign_id: int) -> str:
    """ "Send all drafts by e-mail" on the worker: queue the drafts' messages (in chunks, within
    the time budget; the rest in a fresh task), then the sending starts (services.campaign_send
    enqueues send_campaign_task). A re-run queues nothing twice."""
    try:
        done = services.campaign_prepare(campaign_id)
    except SoftTimeLimitExceeded:
        done = False
    if not done:
        queue_campaign_task.apply_async((campaign_id,))
        return "more"
    return "done"


@shared_task(acks_late=True, ignore_result=True)
def sweep_outgoing_task() -> int:
    return len(services.sweep())
