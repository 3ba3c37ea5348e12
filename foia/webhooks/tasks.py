"""Celery tasks of the webhooks: ids in, one service call; the retry is planned by the service
(``next_attempt_at``) and the task re-enqueues itself for that moment. The sweep is the safety
net: rows whose message was lost or whose worker died are enqueued again."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from foia.webhooks import services
from foia.webhooks.models import WebhookDelivery


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_webhook_task(delivery_id: int) -> str:
    result = services.deliver(delivery_id)
    if result == "retry":
        due = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if due is not None:
            countdown = max((due - timezone.now()).total_seconds(), 0)
            deliver_webhook_task.apply_async((delivery_id,), countdown=countdown)
    return result


@shared_task(acks_late=True, ignore_result=True)
def sweep_webhooks_task() -> int:
    ids = services.due_deliveries()
    for pk in ids:
        deliver_webhook_task.delay(pk)
    return len(ids)
