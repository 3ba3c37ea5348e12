"""A campaign's sending in batches: queued on the worker, claimed many at a time, sent over one SMTP
connection per batch, recorded in bulk — each message exactly once (real aiosmtpd, see conftest)."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from email import message_from_bytes

import pytest
import time_machine
from django.utils import timezone

from foia.mail.outbound import services
from foia.mail.outbound.models import CampaignSending, MessageState, OutgoingMessage, SendingState
from foia.models import (
    Authority,
    AuthorityKind,
    Campaign,
    Deadline,
    EventKind,
    Request,
    RequestStatus,
)
from foia.services.transitions import record_event
from foia.workspace.models import AuditEntry

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DOMAIN = "foi.example.org"
    settings.MAIL_SEND_RATE = 1000


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def make_campaign(org, owner):
    def make(n: int, *, without_address: int = 0) -> Campaign:
        campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
        for i in range(n + without_address):
            authority = Authority.objects.create(
                name=f"Opština {i}",
                kind=AuthorityKind.MUNICIPALITY,
                email=f"opstina{i}@example.rs" if i < n else "",
            )
            Request.objects.create(
                organization=org,
                authority=authority,
                campaign=campaign,
                created_by=owner,
                subject="Kamere",
                information_sought="Ugovori o kamerama.",
            )
        return campaign

    return make


def queue(campaign, owner, capture):
    with capture(execute=False):
        assert services.campaign_send_later(campaign=campaign, user=owner)
        assert services.campaign_prepare(campaign.pk)


def message_ids(server) -> Counter:
    return Counter(message_from_bytes(m.raw)["Message-ID"] for m in server.messages)


def test_send_all_twice_and_the_queueing_run_twice_queue_each_draft_once(
    make_campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(5, without_address=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.campaign_send_later(campaign=campaign, user=owner)
        assert services.campaign_send_later(campaign=campaign, user=owner)  # double click
    assert len(callbacks) == 2  # two queueing tasks
    assert not OutgoingMessage.objects.exists()  # nothing queued in the web request
    assert CampaignSending.objects.get().state == SendingState.QUEUEING
    with django_capture_on_commit_callbacks(execute=False):
        assert services.campaign_prepare(campaign.pk)
        assert services.campaign_prepare(campaign.pk)  # the second task, or a redelivered one
    assert OutgoingMessage.objects.filter(campaign=campaign).count() == 5
    keys = set(OutgoingMessage.objects.values_list("idempotency_key", flat=True))
    assert keys == {f"campaign-{campaign.pk}-request-{pk}" for pk in _with_address(campaign)}
    sending = CampaignSending.objects.get()
    assert sending.state == SendingState.DONE and sending.queued == 5
    assert list(sending.skipped.values()) == ["Opština 5 has no e-mail address."]

    assert services.campaign_deliver(campaign.pk, sleep=lambda s: None) == {"sent": 5}
    with django_capture_on_commit_callbacks(execute=False):
        assert services.campaign_send_later(campaign=campaign, user=owner)  # the one left
        services.campaign_prepare(campaign.pk)
    assert services.campaign_deliver(campaign.pk, sleep=lambda s: None) == {}
    assert OutgoingMessage.objects.count() == 5
    assert sorted(message_ids(smtp_settings).values()) == [1] * 5


def _with_address(campaign):
    return campaign.requests.exclude(authority__email="").values_list("pk", flat=True)


def test_the_queueing_stops_at_its_budget_and_the_next_run_goes_on(
    make_campaign, owner, django_capture_on_commit_callbacks
):
    campaign = make_campaign(5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.campaign_send(campaign=campaign, user=owner, budget_seconds=0, chunk=2)
    assert not first.done and len(first.queued) == 2
    assert len(callbacks) == 1  # the sending of what is queued starts at once
    with django_capture_on_commit_callbacks(execute=False):
        rest = services.campaign_send(campaign=campaign, user=owner, chunk=2)
    assert rest.done and len(rest.queued) == 5  # the first two found again, three added
    assert OutgoingMessage.objects.count() == 5


def test_a_batch_goes_over_one_smtp_connection_and_is_recorded_in_bulk(
    make_campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(7)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    outcomes = services.campaign_deliver(campaign.pk, sleep=lambda s: None, batch_size=3)
    assert outcomes == {"sent": 7}
    assert smtp_settings.connections == 3  # batches of 3, 3 and 1
    assert sorted(message_ids(smtp_settings).values()) == [1] * 7
    rows = OutgoingMessage.objects.filter(campaign=campaign)
    assert all(m.state == MessageState.SENT and m.recorded and m.event_id for m in rows)
    assert all(m.event.occurred_at == m.accepted_at for m in rows)
    assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == 7
    # Each request has its answer deadline and one audit row for its sending.
    assert Deadline.objects.filter(request__campaign=campaign, state="open").count() >= 7
    assert AuditEntry.objects.filter(request__campaign=campaign, event__isnull=False).count() == 7


def test_one_refused_message_in_a_batch_is_retried_later_and_the_others_go(
    make_campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(4)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    smtp_settings.fail_nth(2, "451 4.3.0 try later")
    assert services.campaign_deliver(campaign.pk, sleep=lambda s: None) == {
        "sent": 3,
        "retrying": 1,
    }
    assert smtp_settings.connections == 1  # a 4xx answer does not cost the connection
    assert len(smtp_settings.messages) == 3
    second = OutgoingMessage.objects.filter(campaign=campaign).order_by("pk")[1]
    assert second.state == MessageState.QUEUED and "451" in second.last_error
    assert second.next_attempt_at > timezone.now()
    assert second.request.status == RequestStatus.DRAFT
    assert services.campaign_next_run(campaign.pk) == second.next_attempt_at
    assert services.campaign_deliver(campaign.pk, sleep=lambda s: None) == {}  # not due yet

    travel.shift(dt.timedelta(minutes=5))
    assert services.campaign_deliver(campaign.pk, sleep=lambda s: None) == {"sent": 1}
    second.refresh_from_db()
    assert second.state == MessageState.SENT and second.attempts == 2
    assert sorted(message_ids(smtp_settings).values()) == [1] * 4
    assert services.campaign_next_run(campaign.pk) is None


def test_a_dropped_connection_fails_that_message_and_the_batch_goes_on_over_a_new_one(
    make_campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(3)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    smtp_settings.fail_nth(1, "421 4.3.2 closing the connection")
    outcomes = services.campaign_deliver(campaign.pk, sleep=lambda s: None)
    assert outcomes == {"sent": 2, "retrying": 1}
    assert len(smtp_settings.messages) == 2


def test_a_low_send_rate_still_binds_the_batch(
    make_campaign, owner, smtp_settings, settings, travel, django_capture_on_commit_callbacks
):
    settings.MAIL_SEND_RATE = 4  # a message every 0.25 s, really slept here
    campaign = make_campaign(4)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    started = time.monotonic()
    assert services.campaign_deliver(campaign.pk) == {"sent": 4}
    assert time.monotonic() - started >= 0.7
    arrivals = [m.at for m in smtp_settings.messages]
    assert all(b - a >= 0.2 for a, b in zip(arrivals, arrivals[1:], strict=False))


def test_a_low_rate_and_a_short_budget_claim_only_what_can_go(
    make_campaign, owner, smtp_settings, settings, travel, django_capture_on_commit_callbacks
):
    settings.MAIL_SEND_RATE = 2  # at 0, 0.5 and 1.0 s; the fourth would go after the budget
    campaign = make_campaign(5)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    assert services.campaign_deliver(campaign.pk, budget_seconds=1.2) == {"sent": 3}
    # Nothing else was claimed: the rest is queued for the next run, not held by a lease.
    states = Counter(OutgoingMessage.objects.values_list("state", flat=True))
    assert states == {MessageState.SENT: 3, MessageState.QUEUED: 2}
    assert not OutgoingMessage.objects.filter(state=MessageState.QUEUED, attempts__gt=0).exists()


def test_a_step_recorded_by_hand_meanwhile_is_noted_and_the_others_recorded(
    make_campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    campaign = make_campaign(3)
    queue(campaign, owner, django_capture_on_commit_callbacks)
    # All three accepted by the server, their steps not written yet (a worker cut off).
    for message in OutgoingMessage.objects.filter(campaign=campaign):
        assert services.claim(message.pk, now=timezone.now())
        OutgoingMessage.objects.filter(pk=message.pk).update(
            state=MessageState.SENT, accepted_at=timezone.now(), claimed_until=None
        )
    first = OutgoingMessage.objects.filter(campaign=campaign).order_by("pk").first()
    record_event(
        request=first.request,
        kind=EventKind.SENT,
        occurred_on=timezone.localdate(),
        channel="post",
    )
    ids = list(OutgoingMessage.objects.values_list("pk", flat=True))
    assert services.record_accepted_many(ids) == 3
    assert services.record_accepted_many(ids) == 0  # again: nothing left to record
    first.refresh_from_db()
    assert first.recorded and first.event is None
    assert "not recorded on the timeline" in first.last_error
    others = OutgoingMessage.objects.exclude(pk=first.pk)
    assert all(m.recorded and m.event.kind == EventKind.SENT for m in others)
    assert first.request.events.count() == 1  # the one recorded by hand
    assert smtp_settings.messages == []  # nothing was sent again


def test_a_batch_is_recorded_in_a_bounded_number_of_queries(
    make_campaign, owner, travel, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 12):
        campaign = make_campaign(n)
        queue(campaign, owner, django_capture_on_commit_callbacks)
        rows = OutgoingMessage.objects.filter(campaign=campaign)
        rows.update(state=MessageState.SENT, accepted_at=timezone.now())  # accepted, not recorded
        with CaptureQueriesContext(connection) as ctx:
            assert services.record_accepted_many(list(rows.values_list("pk", flat=True))) == n
        # One short UPDATE per message marks it recorded (the acceptance is per message too);
        # the events, statuses, deadlines, statistics, reminders and audit take a fixed number.
        counts.append(len(ctx.captured_queries) - n)
        assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == n
    assert counts[1] <= counts[0], counts  # (the first run also fills a cache or two)
