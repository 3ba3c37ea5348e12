"""``record_events`` (many requests' steps at once, a campaign's sendings) leaves every request as
``record_event`` leaves it: the same status, deadlines, statistics, reminders and webhooks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from foia.models import Authority, AuthorityKind, EventKind
from foia.notifications.models import Reminder
from foia.services.transitions import Step, record_event, record_events
from foia.stats.models import RequestFacts
from foia.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def snapshot(request) -> dict:
    request.refresh_from_db()
    return {
        "status": request.status,
        "sent_on": request.sent_on,
        "sent_via": request.sent_via,
        "received_on": request.received_on,
        "received_presumed": request.received_presumed,
        "deadlines": sorted(
            (d.kind, d.due_on, d.state, d.legal_basis, d.party) for d in request.deadlines.all()
        ),
        "reminders": sorted(
            (r.lead_days, r.send_at, r.state)
            for r in Reminder.objects.filter(deadline__request=request)
        ),
        "facts": RequestFacts.objects.filter(pk=request.pk).exists(),
        "webhooks": sorted(
            WebhookDelivery.objects.filter(key__endswith=f":{request.pk}")
            .exclude(key__startswith="event.recorded")
            .values_list("kind", flat=True)
        )
        + sorted(
            WebhookDelivery.objects.filter(
                key__in=[f"event.recorded:{e.pk}" for e in request.events.all()]
            ).values_list("kind", flat=True)
        ),
    }


def test_many_steps_at_once_leave_each_request_as_one_step_does(make_request, org, owner):
    WebhookEndpoint.objects.create(
        organization=org,
        url="https://hooks.example.org/foi",
        kinds=["event.recorded", "request.sent"],
        secret="s",
    )
    today = dt.date(2026, 3, 10)
    at = NOW - dt.timedelta(minutes=5)
    alone = make_request()
    record_event(
        request=alone,
        kind=EventKind.SENT,
        occurred_on=today,
        occurred_at=at,
        channel="email",
        recorded_by=owner,
    )
    others = [
        make_request(
            authority=Authority.objects.create(name=f"Opština {i}", kind=AuthorityKind.MUNICIPALITY)
        )
        for i in range(3)
    ]
    results = record_events(
        Step(
            request=r,
            kind=EventKind.SENT,
            occurred_on=today,
            recorded_by=owner,
            values={"occurred_at": at, "channel": "email"},
        )
        for r in others
    )
    expected = snapshot(alone)
    assert expected["deadlines"] and expected["reminders"] and expected["facts"]
    assert expected["webhooks"] == ["request.sent", "event.recorded"]
    for request in others:
        event = results[request.pk]
        assert event.pk and event.occurred_at == at and event.recorded_by == owner
        assert snapshot(request) == expected


def test_a_step_the_timeline_refuses_is_returned_and_the_others_are_written(make_request):
    today = dt.date(2026, 3, 10)
    done = make_request()
    record_event(request=done, kind=EventKind.SENT, occurred_on=today, channel="post")
    fresh = make_request(
        authority=Authority.objects.create(name="Grad Niš", kind=AuthorityKind.CITY)
    )
    results = record_events(
        [
            Step(request=done, kind=EventKind.SENT, occurred_on=today, values={"channel": "post"}),
            Step(request=fresh, kind=EventKind.SENT, occurred_on=today, values={"channel": "post"}),
        ]
    )
    assert isinstance(results[done.pk], ValidationError)  # the same step a moment ago
    assert results[fresh.pk].kind == EventKind.SENT
    assert done.events.count() == 1 and fresh.events.count() == 1
    fresh.refresh_from_db()
    assert fresh.status == "awaiting_answer"
