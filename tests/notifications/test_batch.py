"""Many reminders due at once (issue 13): one message per person, grouped by campaign and day
with the legal step, each reminder moved exactly once, a constant number of queries per batch.
Time is frozen with time-machine; e-mail goes to Django's locmem outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foia.models import Authority, AuthorityKind, Campaign, DeadlineKind
from foia.notifications import batch, services
from foia.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    KindPreference,
    Mode,
    Notification,
    Reminder,
    ReminderState,
)
from foia.services.transitions import record_event
from tests.notifications.test_reminders import D, FailingBackend, at

pytestmark = pytest.mark.django_db

SWEEP = at(2026, 11, 10, 8, 5)  # the 7-day lead of requests sent on 2 Nov (answer due 17 Nov)


@pytest.fixture
def campaign(org, owner):
    return Campaign.objects.create(organization=org, title="Cameras", created_by=owner)


@pytest.fixture
def many(make_request, campaign, owner, colleague, clock):
    """A factory: ``n`` requests of the cameras campaign sent on 2 Nov, nobody assigned."""

    def make(n: int, **fields) -> list:
        clock(at(2026, 11, 2, 10))
        made = []
        for i in range(n):
            authority = Authority.objects.create(
                name=f"Opština {len(made)}-{i}", kind=AuthorityKind.MUNICIPALITY
            )
            r = make_request(authority=authority, campaign=campaign, **fields)
            record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="email")
            made.append(r)
        return made

    return make


def run_sweep(now):
    result = services.sweep(now=now, dispatch=False)
    outcomes = {}
    for group in batch.partition(result.to_send):
        if len(group) == 1:
            got = {services.deliver(group[0], now=now): 1}
        else:
            got = batch.deliver_batch(group, now=now)
        for k, v in got.items():
            outcomes[k] = outcomes.get(k, 0) + v
    return outcomes


def test_forty_two_deadlines_due_at_once_make_one_message_per_person(many, owner, colleague, clock):
    many(42)
    clock(SWEEP)
    assert run_sweep(SWEEP) == {"sent": 42}
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "owner@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[FOI] 42 deadlines to watch, the first on 17.11.2026"
    body = message.body
    assert "Campaign: Cameras" in body
    assert "Authority's answer, the last day is 17.11.2026" in body
    assert "Next step: Wait for the answer: the authority must answer by 17.11.2026" in body
    assert body.count("* Safe City cameras") == batch.LISTED_PER_GROUP
    assert "… and 17 more requests" in body
    assert message.alternatives and "Campaign: Cameras" in message.alternatives[0][0]
    assert Notification.objects.filter(user=owner).count() == 42
    assert Notification.objects.filter(user=colleague).count() == 42
    note = Notification.objects.filter(user=owner).order_by("pk").first()
    request = note.reminder.deadline.request
    assert note.title == (
        f"Due 17.11.2026: Authority's answer — {request.subject} ({request.authority.name})"
    )
    assert note.body.startswith(f"{request.authority.name} — ZSPIJZ Art. 16(1)")
    assert "Wait for the answer: the authority must answer by 17.11.2026" in note.body
    assert note.url.endswith(f"/{request.pk}/")
    assert set(
        Reminder.objects.filter(state=ReminderState.SENT).values_list("lead_days", flat=True)
    ) == {7}
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()


def test_groups_are_by_campaign_and_by_day(many, make_request, owner, clock):
    many(3)
    clock(at(2026, 11, 3, 10))
    loose = make_request(subject="Budget 2026")
    record_event(request=loose, kind="sent", occurred_on=D(2026, 11, 3), channel="email")
    clock(at(2026, 11, 11, 8, 5))  # 2 Nov's 7-day lead is overdue: sent with 3 Nov's
    run_sweep(at(2026, 11, 11, 8, 5))
    body = next(m.body for m in mail.outbox if m.to == ["owner@example.org"])
    cameras = body.index("Campaign: Cameras")
    outside = body.index("Requests outside a campaign")
    assert "the last day is 17.11.2026" in body[cameras:outside]
    assert "the last day is 18.11.2026" in body[outside:]
    assert "Budget 2026" in body[outside:] and "Budget 2026" not in body[:outside]
    assert "late reminder" in body[cameras:outside]


def test_a_lone_reminder_keeps_the_single_message(many, owner, clock):
    many(1)
    clock(SWEEP)
    result = services.sweep(now=SWEEP, dispatch=False)
    assert batch.partition(result.to_send) == [result.to_send]
    assert batch.deliver_batch(result.to_send, now=SWEEP) == {"sent": 1}
    assert mail.outbox[0].subject.startswith("[FOI] Due 17.11.2026: Authority's answer")


def test_a_batch_moves_each_reminder_once_and_a_duplicate_finds_nothing(many, clock):
    many(5)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    assert batch.deliver_batch(ids, now=SWEEP) == {"sent": 5}
    assert batch.deliver_batch(ids, now=SWEEP) == {"not-claimed": 5}
    assert len(mail.outbox) == 2


def test_reminders_held_by_another_worker_are_not_claimed_until_the_lease_runs_out(
    many, clock, settings
):
    many(4)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    held = batch.claim_many(ids[:2], token="other", now=SWEEP)
    assert sorted(held) == sorted(ids[:2])
    assert sorted(batch.claim_many(ids, token="mine", now=SWEEP)) == sorted(ids[2:])
    later = SWEEP + dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS + 1)
    assert sorted(batch.claim_many(ids[:2], token="third", now=later)) == sorted(ids[:2])


def test_a_batch_killed_after_the_claim_is_sent_once_after_the_lease(many, clock, settings):
    many(6)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    batch.claim_many(ids, token="dead", now=SWEEP)  # the worker claims … and dies
    assert batch.deliver_batch(ids, now=SWEEP + dt.timedelta(seconds=10)) == {"not-claimed": 6}
    later = SWEEP + dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS + 60)
    recovered = services.sweep(now=later, dispatch=False).recovered
    assert sorted(recovered) == sorted(ids)
    assert batch.deliver_batch(recovered, now=later) == {"sent": 6}
    assert len(mail.outbox) == 2


def test_a_refused_batch_message_is_retried_then_failed_and_the_others_still_arrive(
    many, clock, settings
):
    many(3)
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders.FailingBackend"
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    assert batch.deliver_batch(ids, now=SWEEP) == {"retrying": 3}
    email = Delivery.objects.filter(channel=Channel.EMAIL).first()
    assert email.next_attempt_at == SWEEP + dt.timedelta(minutes=1)
    assert Notification.objects.count() == 6  # in-app went out at once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = SWEEP + dt.timedelta(minutes=2)
    assert batch.deliver_batch(services.sweep(now=later, dispatch=False).to_send, now=later) == {
        "sent": 3
    }
    assert len(mail.outbox) == 2 and Notification.objects.count() == 6
    assert FailingBackend.calls >= 1


def test_a_batch_nobody_can_receive_is_undelivered(many, owner, colleague, clock):
    many(3)
    for user in (owner, colleague):
        KindPreference.objects.create(user=user, deadline_kind=DeadlineKind.RESPONSE, mode=Mode.OFF)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    assert batch.deliver_batch(ids, now=SWEEP) == {"undelivered": 3}
    assert mail.outbox == []


def test_a_batch_does_the_same_number_of_queries_for_5_and_for_40_reminders(many, clock):
    def queries(n: int) -> int:
        Reminder.objects.all().delete()
        many(n)
        clock(SWEEP)
        ids = services.sweep(now=SWEEP, dispatch=False).to_send
        with CaptureQueriesContext(connection) as ctx:
            assert batch.deliver_batch(ids, now=SWEEP) == {"sent": n}
        # SQLite splits a bulk INSERT at 999 parameters; PostgreSQL sends each in one statement.
        return len(
            [
                q
                for q in ctx.captured_queries
                if connection.vendor != "sqlite" or not q["sql"].startswith("INSERT")
            ]
        )

    assert queries(5) == queries(40)


def test_approaching_and_missed_deadlines_reach_webhooks_once(many, org, clock):
    from foia.webhooks.models import WebhookDelivery, WebhookEndpoint

    WebhookEndpoint.objects.create(
        organization=org,
        url="https://hooks.example.org/foi",
        kinds=["deadline.approaching", "deadline.missed"],
        secret="s3cret",
    )
    many(3)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send
    batch.deliver_batch(ids, now=SWEEP)
    batch.deliver_batch(ids, now=SWEEP)
    assert WebhookDelivery.objects.filter(kind="deadline.approaching").count() == 3
    missed = at(2026, 11, 18, 8, 5)
    clock(missed)
    run_sweep(missed)
    assert WebhookDelivery.objects.filter(kind="deadline.missed").count() == 3
    payload = WebhookDelivery.objects.filter(kind="deadline.missed").first().payload
    assert payload["data"]["due_on"] == "2026-11-17" if "data" in payload else payload["due_on"]


def test_the_send_reminders_command_sends_one_message_per_person(many, clock):
    import io

    from django.core.management import call_command

    many(4)
    out = io.StringIO()
    call_command("send_reminders", "--now", "2026-11-10T08:05", stdout=out)
    assert "4 sent" in out.getvalue()
    assert len(mail.outbox) == 2


def test_a_worker_killed_after_the_server_accepted_a_message_does_not_send_it_again(
    many, clock, settings, monkeypatch
):
    from foia.notifications.models import ReminderMessage

    many(5)
    clock(SWEEP)
    ids = services.sweep(now=SWEEP, dispatch=False).to_send

    def killed(*args, **kwargs):  # dies while recording the accepted message's deliveries
        raise SystemExit("kill -9")

    monkeypatch.setattr(batch, "Coalesce", killed)
    with pytest.raises(SystemExit):
        batch.deliver_batch(ids, now=SWEEP)
    monkeypatch.undo()
    assert len(mail.outbox) == 1  # the first person's message went out
    assert ReminderMessage.objects.filter(sent_at__isnull=False, settled=False).count() == 1
    assert not Delivery.objects.filter(state=DeliveryState.SENT).exists()

    later = SWEEP + dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS + 60)
    recovered = services.sweep(now=later, dispatch=False).recovered
    assert batch.deliver_batch(recovered, now=later) == {"sent": 5}
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "owner@example.org"]
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 10
    assert not ReminderMessage.objects.filter(settled=False).exists()


def test_plan_requests_plans_many_requests_in_the_same_number_of_queries_as_few(many, clock):
    from foia.models import Request

    def queries(n: int) -> int:
        Request.objects.all().delete()
        made = many(n)
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            services.plan_requests(made, now=at(2026, 11, 2, 10))
        # Five leads for each of two deadlines per request: the answer and the silence appeal.
        assert Reminder.objects.count() == 10 * n
        return len(
            [
                q
                for q in ctx.captured_queries
                if connection.vendor != "sqlite" or not q["sql"].startswith("INSERT")
            ]
        )

    assert queries(3) == queries(30)
