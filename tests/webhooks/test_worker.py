"""Webhooks through a real Celery worker process and a real Redis server (the harness of
tests/notifications/test_worker.py), against a real HTTP receiver: a recorded event reaches the
receiver within seconds, signed; a worker killed mid-delivery loses nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time

import pytest
from django.utils import timezone

from foia.services.transitions import record_event
from foia.webhooks import signing
from foia.webhooks.models import DeliveryState, WebhookDelivery
from foia.webhooks.services import endpoint_create
from tests.notifications.test_worker import celery_call, wait_for
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {
    "WEBHOOKS_ALLOW_PRIVATE": "True",
    "WEBHOOK_CLAIM_LEASE_SECONDS": "3",
    "WEBHOOK_RETRY_BASE_SECONDS": "1",
    "WEBHOOK_TIMEOUT_SECONDS": "20",
}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """This process enqueues on the test's Redis too (emit() schedules after the commit)."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = redis_server.url
    app.conf.broker_transport_options = {"visibility_timeout": 5}
    app._pool = None
    app.amqp._producer_pool = None
    yield redis_server
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def hooked(org, owner, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    return endpoint_create(organization=org, user=owner, url=receiver.url, kinds=["event.recorded"])


def test_a_recorded_event_reaches_the_receiver_signed_within_seconds(
    broker, start_worker, receiver, hooked, make_request
):
    start_worker(**WORKER_ENV)
    request = make_request()
    started = time.monotonic()
    event = record_event(
        request=request,
        kind="sent",
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        channel="email",
    )
    (got,) = receiver.wait(1, timeout=20)
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert signing.verify(hooked.secret, got.headers[signing.HEADER], got.body)
    body = json.loads(got.body)
    assert body["type"] == "event.recorded"
    assert body["data"]["event"] == event.pk
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(),
        "the delivery to be marked delivered",
    )
    assert delivery.last_status_code == 200


def test_a_500_is_retried_by_the_worker(broker, start_worker, receiver, hooked, make_request):
    receiver.script = [500]
    start_worker(**WORKER_ENV)
    record_event(
        request=make_request(),
        kind="sent",
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        channel="email",
    )
    first, second = receiver.wait(2, timeout=30)
    assert first.headers[signing.EVENT_ID_HEADER] == second.headers[signing.EVENT_ID_HEADER]
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(),
        "the retried delivery to succeed",
    )
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]


def test_a_worker_killed_mid_delivery_loses_nothing(
    broker, start_worker, receiver, hooked, make_request
):
    receiver.holds = [25]  # the first POST hangs: the worker is killed while it waits
    worker = start_worker(**WORKER_ENV)
    record_event(
        request=make_request(),
        kind="sent",
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        channel="email",
    )
    receiver.wait(1, timeout=20)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERING
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)

    start_worker(**WORKER_ENV)
    # The unacknowledged task comes back to the new worker once the broker's visibility timeout
    # has passed; beat's sweep (every minute in production) enqueues the row too once its
    # lease ran out. Both may run: the claim lets one of them send.
    time.sleep(4)
    celery_call(broker, "foia.webhooks.tasks.sweep_webhooks_task")
    second = receiver.wait(2, timeout=60)[1]
    assert second.headers[signing.EVENT_ID_HEADER] == str(delivery.event_id)
    delivered = wait_for(
        lambda: WebhookDelivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.DELIVERED
        ).first(),
        "the delivery to be completed by the second worker",
        timeout=60,
    )
    assert delivered.attempts == 2
    assert signing.verify(hooked.secret, second.headers[signing.HEADER], second.body)
    time.sleep(6)  # a redelivered task arriving now finds the row delivered
    assert len(receiver.received) == 2


def test_the_sweep_sends_what_no_task_carried(broker, start_worker, receiver, hooked, org):
    """A delivery whose message was lost (the broker was down at commit) goes out with the
    next sweep."""
    from foia.webhooks.services import emit

    emit(organization_id=org.pk, kind="event.recorded", data={"lost": True}, key="lost:1")
    # Nothing reached the broker for it: this process's on_commit ran before any worker existed,
    # and the queue is emptied below.
    import redis

    redis.Redis.from_url(broker.url).flushdb()
    start_worker(**WORKER_ENV)
    celery_call(broker, "foia.webhooks.tasks.sweep_webhooks_task")
    (got,) = receiver.wait(1, timeout=30)
    assert json.loads(got.body)["data"] == {"lost": True}
