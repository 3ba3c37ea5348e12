"""Delivery against a real HTTP receiver in a thread: signed, retried, logged, disabled."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from foia.notifications.models import Notification
from foia.webhooks import signing
from foia.webhooks.models import DeliveryState, WebhookDelivery
from foia.webhooks.services import backoff_seconds, deliver, due_deliveries, emit

pytestmark = pytest.mark.django_db


def _emit(org, key="event:1"):
    emit(organization_id=org.pk, kind="event.recorded", data={"request": 5}, key=key)
    return WebhookDelivery.objects.get(key=key)


def test_a_delivery_is_signed_with_the_endpoint_secret_and_carries_its_event_id(
    org, endpoint, receiver
):
    delivery = _emit(org)
    assert deliver(delivery.pk) == "delivered"
    (got,) = receiver.wait(1)
    assert signing.verify(endpoint.secret, got.headers[signing.HEADER], got.body)
    assert not signing.verify("whsec_wrong", got.headers[signing.HEADER], got.body)
    assert not signing.verify(endpoint.secret, got.headers[signing.HEADER], got.body + b" ")
    body = json.loads(got.body)
    assert body["id"] == got.headers[signing.EVENT_ID_HEADER] == str(delivery.event_id)
    assert body["type"] == "event.recorded"
    assert body["data"] == {"request": 5}
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.last_status_code == 200
    assert [a.status_code for a in delivery.attempt_log.all()] == [200]


def test_an_old_signature_is_refused_by_verify():
    body = b"{}"
    header = signing.header_value("s", body, timestamp=1_000_000)
    assert signing.verify("s", header, body, now=1_000_000 + 10)
    assert not signing.verify("s", header, body, now=1_000_000 + 3600)
    assert not signing.verify("s", "garbage", body)


def test_a_500_is_retried_with_backoff_and_then_delivered(org, endpoint, receiver):
    receiver.script = [500]
    delivery = _emit(org)
    assert deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now()
    assert deliver(delivery.pk) == "skipped"  # not due yet
    assert deliver(delivery.pk, now=delivery.next_attempt_at) == "delivered"
    first, second = receiver.wait(2)
    assert first.headers[signing.EVENT_ID_HEADER] == second.headers[signing.EVENT_ID_HEADER]
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_an_unreachable_receiver_is_an_attempt_logged_with_its_error(org, endpoint, receiver):
    receiver.stop()
    delivery = _emit(org)
    assert deliver(delivery.pk) == "retry"
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "Connection" in attempt.error or "refused" in attempt.error


def test_the_backoff_doubles_up_to_an_hour(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(20) == 3600


def test_a_delivery_claimed_by_a_dead_worker_is_taken_over_after_the_lease(
    org, endpoint, receiver, settings
):
    delivery = _emit(org)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.DELIVERING, claimed_until=now + dt.timedelta(seconds=60)
    )
    assert deliver(delivery.pk, now=now) == "skipped"
    assert delivery.pk not in due_deliveries(now=now)
    later = now + dt.timedelta(seconds=61)
    assert due_deliveries(now=later) == [delivery.pk]
    assert deliver(delivery.pk, now=later) == "delivered"


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owners_told(
    org, owner, colleague, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [503] * 10
    delivery = _emit(org)
    waiting = _emit(org, key="event:2")
    start = timezone.now()
    assert deliver(delivery.pk, now=start) == "retry"
    with (
        time_machine.travel(start + dt.timedelta(hours=25), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = deliver(delivery.pk)
    assert result == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "503" in endpoint.disabled_reason
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.FAILED
    notes = Notification.objects.filter(user=owner)
    assert notes.count() == 1 and endpoint.url in notes.get().title
    assert not Notification.objects.filter(user=colleague).exists()  # owners only
    assert [m.to for m in mail.outbox] == [[owner.email]]
    # Nothing more goes out to a disabled endpoint.
    emit(organization_id=org.pk, kind="event.recorded", data={}, key="event:3")
    assert not WebhookDelivery.objects.filter(key="event:3").exists()
