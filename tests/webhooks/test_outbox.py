"""emit(): one outbox row per subscribed endpoint, in the caller's transaction, once per fact."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from foia.services.transitions import record_event
from foia.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from foia.webhooks.services import emit, endpoint_create

pytestmark = pytest.mark.django_db


def test_emit_writes_one_row_per_subscribed_active_endpoint(
    org, other_org, owner, endpoint, allow_private, enqueued, django_capture_on_commit_callbacks
):
    endpoint_create(
        organization=org, user=owner, url="http://127.0.0.1:9/x", kinds=["deadline.missed"]
    )
    inactive = endpoint_create(
        organization=org, user=owner, url="http://127.0.0.1:9/y", kinds=["event.recorded"]
    )
    WebhookEndpoint.objects.filter(pk=inactive.pk).update(is_active=False)
    endpoint_create(
        organization=other_org, user=None, url="http://127.0.0.1:9/z", kinds=["event.recorded"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            organization_id=org.pk,
            kind="event.recorded",
            data={"on": dt.date(2026, 3, 2)},
            key="e:1",
        )
    rows = list(WebhookDelivery.objects.all())
    assert [r.endpoint_id for r in rows] == [endpoint.pk]
    row = rows[0]
    assert row.state == DeliveryState.PENDING
    assert row.payload["id"] == str(row.event_id)
    assert uuid.UUID(row.payload["id"])
    assert row.payload["type"] == "event.recorded"
    assert row.payload["data"] == {"on": "2026-03-02"}
    assert enqueued == [row.pk]


def test_the_same_fact_emitted_twice_is_stored_and_sent_once(
    org, endpoint, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emit(organization_id=org.pk, kind="event.recorded", data={}, key="event:7")
        emit(organization_id=org.pk, kind="event.recorded", data={}, key="event:7")
    assert WebhookDelivery.objects.count() == 1
    assert len(enqueued) == 1


def test_a_rolled_back_fact_leaves_no_delivery_and_enqueues_nothing(
    org, endpoint, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                emit(organization_id=org.pk, kind="event.recorded", data={}, key="event:8")
                raise RuntimeError("the caller fails after emitting")
        except RuntimeError:
            pass
    assert WebhookDelivery.objects.count() == 0
    assert enqueued == []


def test_an_unknown_kind_is_a_programming_error(org):
    with pytest.raises(ValueError):
        emit(organization_id=org.pk, kind="request.eaten", data={}, key="x")


def test_recording_a_sending_emits_event_recorded_and_request_sent(
    org, endpoint, make_request, enqueued, django_capture_on_commit_callbacks
):
    request = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event(
            request=request, kind="sent", occurred_on=dt.date.today(), channel="email"
        )
    kinds = sorted(WebhookDelivery.objects.values_list("kind", flat=True))
    assert kinds == ["event.recorded", "request.sent"]
    recorded = WebhookDelivery.objects.get(kind="event.recorded")
    assert recorded.payload["data"]["event"] == event.pk
    assert recorded.payload["data"]["request"] == request.pk
    assert "ana.private@example.net" not in str(recorded.payload)
    assert len(enqueued) == 2
