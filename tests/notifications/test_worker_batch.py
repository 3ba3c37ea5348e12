"""The batch path through a real Celery worker and Redis: many reminders of one organisation due
at once reach each person in one message, exactly once, even when the worker is killed mid-batch."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from foia.notifications.models import Notification, Reminder, ReminderState
from foia.services.transitions import record_event
from tests.notifications.test_worker import celery_call, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

FINAL = {ReminderState.SENT, ReminderState.FAILED, ReminderState.SUPERSEDED}


@pytest.fixture
def due_batch(make_request, owner, colleague):
    """Thirty requests of the organisation, nobody assigned: one reminder each, due a minute ago;
    the owner and the editor are reminded."""
    today = timezone.localdate()
    ids = []
    for i in range(30):
        request = make_request(subject=f"Cameras in municipality {i}")
        record_event(
            request=request, kind="sent", occurred_on=today - dt.timedelta(days=1), channel="email"
        )
        keep = Reminder.objects.filter(deadline__request=request).order_by("send_at").first()
        Reminder.objects.filter(deadline__request=request).exclude(pk=keep.pk).update(
            state=ReminderState.CANCELLED
        )
        ids.append(keep.pk)
    Reminder.objects.filter(pk__in=ids).update(send_at=timezone.now() - dt.timedelta(minutes=1))
    return ids


def messages(folder) -> list[tuple[str, str]]:
    """(To, Message-ID) of every message the file backend wrote."""
    found = []
    for f in folder.glob("*.log"):
        to = None
        for line in f.read_text().splitlines():
            if line.startswith("To: "):
                to = line[4:]
            elif line.startswith("Message-ID:"):
                found.append((to, line))
    return found


def states(ids) -> Counter:
    return Counter(Reminder.objects.filter(pk__in=ids).values_list("state", flat=True))


def test_many_due_reminders_reach_each_person_in_one_message(
    redis_server, start_worker, mail_dir, due_batch, owner, colleague
):
    start_worker()
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: states(due_batch) == {ReminderState.SENT: 30}, "all thirty to be sent")
    sent = messages(mail_dir)
    assert sorted(to for to, _id in sent) == ["colleague@example.org", "owner@example.org"]
    assert Notification.objects.filter(user=owner).count() == 30
    assert Notification.objects.filter(user=colleague).count() == 30
    # A second sweep and a duplicated batch task send nothing more.
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    celery_call(redis_server, "foia.notifications.tasks.send_reminder_batch_task", due_batch)
    time.sleep(4)
    assert len(messages(mail_dir)) == 2


def test_a_worker_killed_mid_batch_leaves_every_reminder_delivered_once_after_restart(
    redis_server, start_worker, mail_dir, due_batch, owner, colleague
):
    first = start_worker(
        EMAIL_BACKEND="tests.notifications.support.SlowAfterFirstFileBackend",
        SLOW_EMAIL_SECONDS="60",
    )
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: len(messages(mail_dir)) == 1, "the first person's message")
    time.sleep(0.5)  # its deliveries are committed right after; the second message is pending
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the batch
    first.wait(10)
    assert states(due_batch) == {ReminderState.SENDING: 30}
    (first_to, _id) = messages(mail_dir)[0]

    start_worker()
    time.sleep(4)  # the 3-second lease runs out; the next sweep hands the batch out again
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: states(due_batch) == {ReminderState.SENT: 30}, "every reminder final")
    time.sleep(6)  # long enough for the broker to redeliver the killed worker's message too
    sent = messages(mail_dir)
    assert len(sent) == 2 and len({mid for _to, mid in sent}) == 2  # 0 duplicates
    assert sorted(to for to, _mid in sent) == ["colleague@example.org", "owner@example.org"]
    assert sent[0][0] == first_to or sent[1][0] == first_to
    assert Notification.objects.filter(user=owner).count() == 30
    assert Notification.objects.filter(user=colleague).count() == 30
    assert set(states(due_batch)) <= FINAL
