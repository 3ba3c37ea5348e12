"""Sending through a real Celery worker and Redis (the harness of tests/notifications/test_worker.py)
against the real SMTP server of conftest.py: one message, whatever happens to the worker."""

from __future__ import annotations

import os
import signal
import time

import pytest

from foia.mail.outbound import services
from foia.mail.outbound.models import MessageKind, MessageState, OutgoingMessage
from foia.models import EventKind, RequestStatus
from tests.notifications import test_worker as harness

# The real-worker harness of the reminders (fixtures and helpers), reused as it is.
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
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=smtp_server.host,
            EMAIL_PORT=str(smtp_server.port),
            EMAIL_USE_TLS="False",
            EMAIL_TIMEOUT="60",
            MAIL_CLAIM_LEASE_SECONDS="3",
            **env,
        )

    return start


@pytest.fixture
def queued(make_request, owner):
    request = make_request()
    return services.message_queue(
        request=request,
        user=owner,
        kind=MessageKind.REQUEST,
        to=request.authority.email,
        subject=services.request_subject(request),
        body="Poštovani,\r\n\r\nu prilogu je zahtev.",
        idempotency_key="worker-form",
        include_form_pdf=True,
        event_values={"kind": EventKind.SENT},
        dispatch=False,
    )


def state_of(message) -> str:
    return OutgoingMessage.objects.values_list("state", flat=True).get(pk=message.pk)


def test_a_message_sent_through_the_worker_goes_once_despite_duplicate_tasks(
    redis_server, smtp_worker, smtp_server, queued
):
    smtp_worker()
    for _ in range(3):  # a double click's tasks, a retried task, the sweep
        celery_call(redis_server, "foia.mail.outbound.tasks.send_message_task", queued.pk)
    celery_call(redis_server, "foia.mail.outbound.tasks.sweep_outgoing_task")
    wait_for(lambda: state_of(queued) == MessageState.SENT, "the message to be sent")
    time.sleep(3)
    assert len(smtp_server.messages) == 1
    queued.request.refresh_from_db()
    assert queued.request.status == RequestStatus.AWAITING_ANSWER


def test_a_worker_killed_mid_send_leaves_exactly_one_message_after_restart(
    redis_server, smtp_worker, smtp_server, queued
):
    smtp_server.stall_seconds = 30  # the server hangs after the connection is open
    first = smtp_worker()
    celery_call(redis_server, "foia.mail.outbound.tasks.send_message_task", queued.pk)
    wait_for(lambda: smtp_server.mail_commands >= 1, "the worker to be talking to the server")
    assert state_of(queued) == MessageState.SENDING
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the SMTP conversation
    first.wait(10)
    assert smtp_server.messages == []
    queued.request.refresh_from_db()
    assert queued.request.status == RequestStatus.DRAFT  # not sent until a server accepted it

    smtp_server.stall_seconds = 0
    smtp_worker()
    time.sleep(4)  # the 3-second claim lease runs out
    celery_call(redis_server, "foia.mail.outbound.tasks.sweep_outgoing_task")
    wait_for(lambda: state_of(queued) == MessageState.SENT, "the message to be sent after restart")
    time.sleep(6)  # long enough for the broker to redeliver the killed worker's task too
    assert len(smtp_server.messages) == 1
    queued.request.refresh_from_db()
    assert queued.request.status == RequestStatus.AWAITING_ANSWER
    assert queued.request.events.filter(kind=EventKind.SENT).count() == 1
