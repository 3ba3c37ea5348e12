"""A campaign's "Send all drafts" through a real Celery worker and Redis against the real SMTP
server: queued on the worker, sent in batches, exactly once — whatever happens to the worker."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from email import message_from_bytes

import pytest

from foia.mail.outbound import services
from foia.mail.outbound.models import CampaignSending, MessageState, OutgoingMessage, SendingState
from foia.models import Authority, AuthorityKind, Campaign, EventKind, Request, RequestStatus
from tests.notifications import test_worker as harness

redis_server = harness.redis_server
mail_dir = harness.mail_dir
start_worker = harness.start_worker
celery_call = harness.celery_call
wait_for = harness.wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp_worker(start_worker, smtp_server):
    def start(**env):
        return start_worker(
            **{
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": smtp_server.host,
                "EMAIL_PORT": str(smtp_server.port),
                "EMAIL_USE_TLS": "False",
                "EMAIL_TIMEOUT": "60",
                "MAIL_CLAIM_LEASE_SECONDS": "3",
                "MAIL_SEND_RATE": "1000",
                **env,
            }
        )

    return start


@pytest.fixture
def campaign(org, owner):
    campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
    for i in range(6):
        authority = Authority.objects.create(
            name=f"Opština {i}",
            kind=AuthorityKind.MUNICIPALITY,
            email=f"opstina{i}@example.rs" if i < 5 else "",
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


def sent_count(campaign) -> int:
    return OutgoingMessage.objects.filter(
        campaign=campaign, state=MessageState.SENT, recorded=True
    ).count()


def ids_at(server) -> Counter:
    return Counter(message_from_bytes(m.raw)["Message-ID"] for m in server.messages)


def test_send_all_clicked_twice_queues_on_the_worker_and_sends_each_draft_once(
    redis_server, smtp_worker, smtp_server, campaign, owner, monkeypatch
):
    from foia.mail.outbound import tasks

    # This process's Celery app does not know the test's Redis: the tasks the two clicks enqueue
    # are handed to the real broker through ``celery call``.
    enqueued = []
    monkeypatch.setattr(tasks.queue_campaign_task, "delay", lambda *args: enqueued.append(args))
    assert services.campaign_send_later(campaign=campaign, user=owner)
    assert services.campaign_send_later(campaign=campaign, user=owner)
    assert enqueued == [(campaign.pk,), (campaign.pk,)]
    assert not OutgoingMessage.objects.exists()  # nothing queued by the click itself
    smtp_worker()
    for args in enqueued:
        celery_call(redis_server, "foia.mail.outbound.tasks.queue_campaign_task", *args)
    wait_for(lambda: sent_count(campaign) == 5, "the five drafts to be sent")
    celery_call(redis_server, "foia.mail.outbound.tasks.queue_campaign_task", campaign.pk)
    time.sleep(4)  # a re-run of the queueing, and any second sending task, has had its chance
    assert OutgoingMessage.objects.filter(campaign=campaign).count() == 5
    assert sorted(ids_at(smtp_server).values()) == [1] * 5
    sending = CampaignSending.objects.get(campaign=campaign)
    assert sending.state == SendingState.DONE
    assert list(sending.skipped.values()) == ["Opština 5 has no e-mail address."]
    assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == 5


def test_a_worker_killed_mid_batch_leaves_each_message_sent_and_recorded_once(
    redis_server, smtp_worker, smtp_server, campaign, owner, monkeypatch
):
    from foia.mail.outbound import tasks

    monkeypatch.setattr(tasks.send_campaign_task, "apply_async", lambda *a, **k: None)
    services.campaign_send(campaign=campaign, user=owner)  # the queueing; the test starts it
    smtp_server.stall_after = 2  # two messages go, the third hangs at MAIL FROM
    smtp_server.stall_seconds = 30
    first = smtp_worker()
    celery_call(redis_server, "foia.mail.outbound.tasks.send_campaign_task", campaign.pk)
    wait_for(lambda: smtp_server.mail_commands >= 3, "the worker to be inside the batch")
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the batch
    first.wait(10)
    assert len(smtp_server.messages) == 2
    states = Counter(OutgoingMessage.objects.values_list("state", "recorded"))
    # Two accepted and committed at once, their steps not written yet; three still claimed.
    assert states == {(MessageState.SENT, False): 2, (MessageState.SENDING, False): 3}
    assert campaign.requests.filter(status=RequestStatus.DRAFT).count() == 6

    smtp_server.stall_seconds = 0
    smtp_worker()
    time.sleep(4)  # the 3-second claim lease runs out
    celery_call(redis_server, "foia.mail.outbound.tasks.sweep_outgoing_task")
    wait_for(lambda: sent_count(campaign) == 5, "the campaign to be finished after restart")
    time.sleep(6)  # long enough for the broker to redeliver the killed worker's task too
    assert sorted(ids_at(smtp_server).values()) == [1] * 5
    assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == 5
    for request in campaign.requests.exclude(authority__email=""):
        assert request.events.filter(kind=EventKind.SENT).count() == 1


def test_two_worker_processes_send_one_campaign_each_draft_once(
    redis_server, smtp_worker, smtp_server, campaign, owner, monkeypatch
):
    # MAIL_CAMPAIGN_SENDERS=2: the sending runs as two tasks at once, in two processes; their
    # claims (FOR UPDATE SKIP LOCKED) take different messages and the rate is shared.
    from foia.mail.outbound import tasks

    monkeypatch.setattr(tasks.send_campaign_task, "apply_async", lambda *a, **k: None)
    services.campaign_send(campaign=campaign, user=owner)
    env = {"MAIL_CAMPAIGN_SENDERS": "2", "MAIL_SEND_RATE": "4"}
    smtp_worker(**env)
    smtp_worker(**env)
    for _sender in range(2):
        celery_call(redis_server, "foia.mail.outbound.tasks.send_campaign_task", campaign.pk)
    wait_for(lambda: sent_count(campaign) == 5, "the campaign to be sent by the two")
    time.sleep(2)  # a follow-up task of either sender has had its chance
    assert sorted(ids_at(smtp_server).values()) == [1] * 5
    assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == 5
    for request in campaign.requests.exclude(authority__email=""):
        assert request.events.filter(kind=EventKind.SENT).count() == 1
