"""Reminders: planned from deadlines, swept, delivered exactly once, retried, never dropped.
Time is frozen with time-machine; e-mail goes to Django's locmem outbox."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from foia.models import DeadlineKind, Membership, Role
from foia.notifications import services
from foia.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    KindPreference,
    Mode,
    Notification,
    NotificationSettings,
    Reminder,
    ReminderState,
)
from foia.services.organizations import reminder_policy_set
from foia.services.transitions import record_event

BEL = ZoneInfo("Europe/Belgrade")
D = dt.date
pytestmark = pytest.mark.django_db


def at(y, m, d, h=9, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=BEL)


@pytest.fixture
def clock():
    """Travel to a moment; returns a function to move the frozen clock."""
    travellers = []

    def travel(moment):
        if travellers:
            travellers.pop().stop()
        t = time_machine.travel(moment, tick=False)
        t.start()
        travellers.append(t)

    yield travel
    for t in travellers:
        t.stop()


@pytest.fixture
def sent_request(make_request, owner, colleague, viewer, clock):
    """Sent by e-mail on Mon 2 Nov 2026: the answer is due Tue 17 Nov 2026."""
    clock(at(2026, 11, 2, 10))
    r = make_request()
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email")
    return r


def reminders(r, kind=DeadlineKind.RESPONSE):
    return Reminder.objects.filter(deadline__request=r, deadline__kind=kind).order_by("-lead_days")


def sweep_and_send(now):
    result = services.sweep(now=now, dispatch=False)
    return [services.deliver(pk, now=now) for pk in result.to_send]


# --- planning ------------------------------------------------------------------------------------


def test_a_sent_request_gets_reminders_7_3_1_days_before_on_the_day_and_when_missed(sent_request):
    plan = [(r.lead_days, r.send_at.astimezone(BEL)) for r in reminders(sent_request)]
    assert plan == [
        (7, at(2026, 11, 10, 8)),
        (3, at(2026, 11, 14, 8)),
        (1, at(2026, 11, 16, 8)),
        (0, at(2026, 11, 17, 8)),
        (-1, at(2026, 11, 18, 8)),
    ]
    assert {r.state for r in reminders(sent_request)} == {ReminderState.PLANNED}


def test_lead_times_already_in_the_past_are_not_planned(make_request, owner, clock):
    clock(at(2026, 11, 13, 10))
    r = make_request()
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email")
    assert [x.lead_days for x in reminders(r)] == [3, 1, 0, -1]  # 14, 16, 17, 18 Nov


def test_an_organisation_can_change_its_lead_times(sent_request, org):
    reminder_policy_set(organization_id=org.pk, lead_days=[10, 2, -1])
    planned = reminders(sent_request).filter(state=ReminderState.PLANNED)
    assert sorted(planned.values_list("lead_days", flat=True)) == [-1, 2, 10]
    assert reminders(sent_request).get(lead_days=7).state == ReminderState.CANCELLED


def test_an_answer_cancels_the_pending_reminders(sent_request, clock):
    clock(at(2026, 11, 12, 10))
    record_event(
        request=sent_request, kind="answer", occurred_on=D(2026, 11, 12), answer_kind="full"
    )
    states = dict(reminders(sent_request).values_list("lead_days", "state"))
    assert states[7] == ReminderState.PLANNED or states[7] == ReminderState.CANCELLED
    assert {states[3], states[1], states[0], states[-1]} == {ReminderState.CANCELLED}


def test_an_extension_cancels_the_old_clock_and_plans_the_new_one(sent_request, clock):
    clock(at(2026, 11, 6, 10))
    record_event(
        request=sent_request,
        kind="extension",
        occurred_on=D(2026, 11, 6),
        new_due_on=D(2026, 12, 4),
    )
    assert set(reminders(sent_request).values_list("state", flat=True)) == {ReminderState.CANCELLED}
    extended = reminders(sent_request, DeadlineKind.EXTENDED_RESPONSE)
    assert extended.get(lead_days=0).send_at == at(2026, 12, 4, 8)


# --- sending -------------------------------------------------------------------------------------


def test_a_due_reminder_is_sent_once_by_email_and_in_the_app(
    sent_request, owner, colleague, viewer
):
    assert sweep_and_send(at(2026, 11, 10, 8, 5)) == ["sent"]
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["colleague@example.org", "owner@example.org"]  # editors, not the viewer
    assert Notification.objects.filter(user=owner).count() == 1
    assert not Notification.objects.filter(user=viewer).exists()
    reminder = reminders(sent_request).get(lead_days=7)
    assert (reminder.state, reminder.late) == (ReminderState.SENT, False)


def test_sweeping_twice_sends_nothing_twice(sent_request):
    now = at(2026, 11, 10, 8, 5)
    sweep_and_send(now)
    assert sweep_and_send(now) == []
    assert sweep_and_send(at(2026, 11, 10, 8, 15)) == []
    assert len(mail.outbox) == 2


def test_a_duplicated_task_finds_nothing_to_claim(sent_request):
    now = at(2026, 11, 10, 8, 5)
    result = services.sweep(now=now, dispatch=False)
    pk = result.queued[0]
    assert [services.deliver(pk, now=now) for _ in range(3)] == [
        "sent",
        "not-claimed",
        "not-claimed",
    ]
    assert len(mail.outbox) == 2


def test_a_reminder_is_not_sent_before_its_time(sent_request):
    pk = reminders(sent_request).get(lead_days=7).pk
    assert services.deliver(pk, now=at(2026, 11, 10, 7, 59)) == "not-claimed"
    assert mail.outbox == []


def test_the_assignee_alone_is_reminded_when_there_is_one(sent_request, colleague):
    sent_request.assignee = colleague
    sent_request.save()
    sweep_and_send(at(2026, 11, 10, 8, 5))
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]


def test_what_a_reminder_says(sent_request, colleague):
    sent_request.assignee = colleague
    sent_request.save()
    NotificationSettings.objects.create(user=colleague, language="en")
    sweep_and_send(at(2026, 11, 14, 8, 5))
    message = mail.outbox[0]
    body = message.body
    assert message.subject.startswith("[FOI] Due 17.11.2026: Authority's answer")
    assert "Safe City cameras: procurement documents" in body
    assert "Ministarstvo unutrašnjih poslova" in body
    assert "ZSPIJZ Art. 16(1): 15 days from receipt of the request" in body
    assert "the last day is 17.11.2026, 3 days left" in body
    assert "Next step: Wait for the answer" in body
    assert f"/requests/{sent_request.pk}/" in body or "/admin/foia/request/" in body
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    assert message.extra_headers["Message-ID"].startswith(
        f"<reminder-{reminders(sent_request).get(lead_days=3).pk}-{colleague.pk}@"
    )


def test_a_missed_answer_deadline_tells_when_the_silence_appeal_window_opens(
    sent_request, colleague
):
    sent_request.assignee = colleague
    sent_request.save()
    NotificationSettings.objects.create(user=colleague, language="en")
    sweep_and_send(at(2026, 11, 18, 8, 5))
    body = mail.outbox[0].body
    assert "MISSED" in body
    assert "you may appeal to the Commissioner from 18.11.2026 until 17.11.2027" in body


def test_a_user_can_opt_out_of_one_kind_of_deadline_and_the_owner_is_reminded_instead(
    sent_request, owner, colleague
):
    sent_request.assignee = colleague
    sent_request.save()
    KindPreference.objects.create(
        user=colleague, deadline_kind=DeadlineKind.RESPONSE, mode=Mode.OFF
    )
    assert sweep_and_send(at(2026, 11, 10, 8, 5)) == ["sent"]
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert not Notification.objects.filter(user=colleague).exists()


def test_a_digest_user_gets_one_daily_email_instead(sent_request, colleague):
    sent_request.assignee = colleague
    sent_request.save()
    NotificationSettings.objects.create(user=colleague, mode=Mode.DIGEST, language="en")
    sweep_and_send(at(2026, 11, 10, 8, 5))
    assert mail.outbox == []
    assert Notification.objects.filter(user=colleague).count() == 1
    assert services.send_digests(now=at(2026, 11, 11, 7)) == 1
    assert services.send_digests(now=at(2026, 11, 11, 7, 30)) == 0
    assert len(mail.outbox) == 1
    assert "Safe City cameras" in mail.outbox[0].body


# --- failure, retries, catch-up, crashes ---------------------------------------------------------


class FailingBackend:
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        FailingBackend.calls += 1
        raise ConnectionRefusedError("SMTP server down")


def test_an_smtp_failure_is_retried_with_backoff_then_marked_failed_and_shown(
    sent_request, colleague, settings, client
):
    sent_request.assignee = colleague
    sent_request.save()
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders.FailingBackend"
    start = at(2026, 11, 10, 8, 5)
    assert sweep_and_send(start) == ["retrying"]
    reminder = reminders(sent_request).get(lead_days=7)
    email = reminder.deliveries.get(channel=Channel.EMAIL)
    assert email.state == DeliveryState.PENDING and email.attempts == 1
    assert email.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "SMTP server down" in email.last_error
    assert reminder.deliveries.get(channel=Channel.INAPP).state == DeliveryState.SENT

    assert sweep_and_send(start + dt.timedelta(seconds=30)) == []  # backoff not over
    assert sweep_and_send(start + dt.timedelta(minutes=2)) == ["retrying"]
    assert reminder.deliveries.get(channel=Channel.EMAIL).next_attempt_at == (
        start + dt.timedelta(minutes=4)
    )

    assert sweep_and_send(start + dt.timedelta(hours=24, minutes=5)) == ["failed"]
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.FAILED and "SMTP" in reminder.last_error
    assert Notification.objects.filter(user=colleague).count() == 1  # in-app sent once

    client.force_login(colleague)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "could not be delivered" in page and "SMTP server down" in page


def test_after_days_of_downtime_each_missed_reminder_is_sent_once_marked_late(sent_request):
    # Workers and beat were down from 9 to 16 November: leads 7, 3 and 1 are all overdue.
    assert sweep_and_send(at(2026, 11, 16, 12)) == ["sent"]
    states = dict(reminders(sent_request).values_list("lead_days", "state"))
    assert states == {7: "superseded", 3: "superseded", 1: "sent", 0: "planned", -1: "planned"}
    assert reminders(sent_request).get(lead_days=1).late
    assert len(mail.outbox) == 2  # one reminder, to the two editors: not a flood
    assert "late" in mail.outbox[0].body


def test_a_worker_killed_after_claiming_leaves_the_reminder_to_be_sent_once(sent_request, settings):
    settings.REMINDER_CLAIM_LEASE_SECONDS = 300
    now = at(2026, 11, 10, 8, 5)
    pk = services.sweep(now=now, dispatch=False).queued[0]
    assert services.claim(pk, now=now)  # the worker claims ... and dies before sending
    assert mail.outbox == []
    # Redelivered within the lease: the claim is still held, nothing is sent twice.
    assert services.deliver(pk, now=now + dt.timedelta(seconds=60)) == "not-claimed"
    assert services.sweep(now=now + dt.timedelta(minutes=4), dispatch=False).to_send == []
    # After the lease the next sweep hands it out again and it is sent once.
    later = now + dt.timedelta(minutes=6)
    assert services.sweep(now=later, dispatch=False).recovered == [pk]
    assert services.deliver(pk, now=later) == "sent"
    assert len(mail.outbox) == 2
    assert Reminder.objects.get(pk=pk).attempts == 2


def test_a_recovered_reminder_does_not_resend_what_was_already_delivered(sent_request):
    now = at(2026, 11, 10, 8, 5)
    pk = services.sweep(now=now, dispatch=False).queued[0]
    services.deliver(pk, now=now)
    Reminder.objects.filter(pk=pk).update(state=ReminderState.SENDING, claimed_at=now)
    later = now + dt.timedelta(hours=1)
    assert services.deliver(pk, now=later) == "sent"
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(reminder_id=pk, state=DeliveryState.SENT).count() == 4


def test_a_lost_queue_message_is_queued_again_after_a_while(sent_request, settings):
    now = at(2026, 11, 10, 8, 5)
    pk = services.sweep(now=now, dispatch=False).queued[0]
    assert services.sweep(now=now + dt.timedelta(minutes=10), dispatch=False).to_send == []
    later = now + dt.timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS + 1)
    assert services.sweep(now=later, dispatch=False).recovered == [pk]


# --- the command ---------------------------------------------------------------------------------


def test_send_reminders_command_dry_run_lists_and_sends_nothing(sent_request):
    out = io.StringIO()
    call_command("send_reminders", "--now", "2026-11-10T08:05", "--dry-run", stdout=out)
    assert "would send" in out.getvalue() and "1 due" in out.getvalue()
    assert mail.outbox == []
    assert reminders(sent_request).get(lead_days=7).state == ReminderState.PLANNED


def test_send_reminders_command_twice_sends_once(sent_request):
    out = io.StringIO()
    call_command("send_reminders", "--now", "2026-11-10T08:05", stdout=out)
    call_command("send_reminders", "--now", "2026-11-10T08:06", stdout=out)
    assert "1 sent" in out.getvalue() and "nothing due" in out.getvalue()
    assert len(mail.outbox) == 2


def test_send_reminders_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("send_reminders", "--now", "next tuesday", stdout=io.StringIO())


# --- in-app notifications ------------------------------------------------------------------------


def test_the_notification_list_shows_the_unread_count_and_marks_read(
    sent_request, owner, outsider, client
):
    sweep_and_send(at(2026, 11, 10, 8, 5))
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert "Mark 1 as read" in page and "Safe City cameras" in page
    badge = render_to_string("notifications/nav_badge.html", request=response.wsgi_request)
    assert '<span class="badge"' in badge and ">1</span>" in badge
    note = Notification.objects.get(user=owner)
    client.force_login(outsider)
    client.post(reverse("notifications:read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is None  # nobody marks another user's notification
    client.force_login(owner)
    client.post(reverse("notifications:read_all"))
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_notification_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_a_viewer_is_never_a_recipient(org, make_request, clock):
    from django.contrib.auth import get_user_model

    clock(at(2026, 11, 2, 10))
    only_viewer = get_user_model().objects.create_user("v2", "v2@example.org", "pw")
    Membership.objects.create(organization=org, user=only_viewer, role=Role.VIEWER)
    r = make_request()
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email")
    sweep_and_send(at(2026, 11, 10, 8, 5))
    assert all("v2@example.org" not in m.to for m in mail.outbox)


def test_a_failure_after_the_claim_gives_the_claim_back_for_an_immediate_retry(
    sent_request, monkeypatch
):
    now = at(2026, 11, 10, 8, 5)
    pk = services.sweep(now=now, dispatch=False).queued[0]

    def broken(*args, **kwargs):
        raise services.IntegrityError("database is locked")

    monkeypatch.setattr(services, "_notify_in_app", broken)
    with pytest.raises(services.IntegrityError):
        services.deliver(pk, now=now)
    assert Reminder.objects.get(pk=pk).state == ReminderState.QUEUED
    monkeypatch.undo()
    assert services.deliver(pk, now=now + dt.timedelta(seconds=2)) == "sent"
    assert len(mail.outbox) == 2


def test_a_reminder_planned_after_its_time_is_not_called_late(make_request, owner, clock):
    clock(at(2026, 11, 10, 15))  # recorded in the afternoon: the 08:00 reminder of the day is due
    r = make_request()
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email")
    result = services.sweep(now=at(2026, 11, 10, 15, 5), dispatch=False)
    assert result.queued and result.late == []
    assert not Reminder.objects.get(pk=result.queued[0]).late
