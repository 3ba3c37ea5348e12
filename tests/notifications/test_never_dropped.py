"""Reminders are never silently dropped (issue 10, items 1–6): the clock is moved with
time-machine through each scenario the attack audit found."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from foia.models import DeadlineKind, Membership, Role
from foia.notifications import services
from foia.notifications.admin import ReminderAdmin
from foia.notifications.models import (
    Channel,
    Delivery,
    KindPreference,
    Mode,
    Notification,
    NotificationSettings,
    Reminder,
    ReminderState,
)
from foia.services.organizations import membership_remove, reminder_policy_set
from foia.services.transitions import record_event
from tests.notifications.test_reminders import BEL, D, at, reminders

pytestmark = pytest.mark.django_db


def sweep(now):
    result = services.sweep(now=now, dispatch=False)
    return [services.deliver(pk, now=now) for pk in result.to_send]


def sent_reminders(r):
    return sorted(
        (x.lead_days, x.send_at.astimezone(BEL).date())
        for x in reminders(r).filter(state=ReminderState.SENT)
    )


@pytest.fixture
def posted_request(make_request, owner, colleague, clock):
    """Sent by registered post on Mon 2 Nov 2026, assigned to the colleague: receipt presumed,
    the answer due Tue 24 Nov 2026."""
    clock(at(2026, 11, 2, 10))
    r = make_request(assignee=colleague)
    record_event(request=r, kind="sent", occurred_on=D(2026, 11, 2), channel="registered_post")
    assert r.deadlines.get(kind=DeadlineKind.RESPONSE).due_on == D(2026, 11, 24)
    return r


# 1 ------------------------------------------------------------------------------------------------


def test_a_deadline_moved_later_gets_its_future_reminders_again(posted_request, clock):
    for day in range(17, 29):
        clock(at(2026, 11, day, 8, 5))
        sweep(at(2026, 11, day, 8, 5))
        if day == 24:  # after "due today" went out, the receipt is recorded: got it on 12.11
            clock(at(2026, 11, 24, 10))
            record_event(request=posted_request, kind="delivered", occurred_on=D(2026, 11, 12))
            deadline = posted_request.deadlines.get(kind=DeadlineKind.RESPONSE)
            assert deadline.due_on == D(2026, 11, 27)
    assert sent_reminders(posted_request) == [
        (-1, D(2026, 11, 28)),
        (0, D(2026, 11, 24)),  # what was sent for the old date stays on record
        (0, D(2026, 11, 27)),
        (1, D(2026, 11, 23)),
        (1, D(2026, 11, 26)),
        (3, D(2026, 11, 21)),
        (3, D(2026, 11, 24)),  # planned at 10:00 for 08:00 that day: sent by the next sweep
        (7, D(2026, 11, 17)),
    ]
    subjects = [m.subject for m in mail.outbox]
    assert sum(s.startswith("[FOI] Due today 27.11.2026") for s in subjects) == 1
    assert sum(s.startswith("[FOI] Missed on 27.11.2026") for s in subjects) == 1
    assert not any(s.startswith("[FOI] Missed on 24.11.2026") for s in subjects)


# 2 ------------------------------------------------------------------------------------------------


def test_lead_times_changed_and_restored_plan_the_cancelled_reminders_again(
    posted_request, org, clock
):
    clock(at(2026, 11, 5, 10))
    reminder_policy_set(organization_id=org.pk, lead_days=[0, -1])
    assert set(
        reminders(posted_request).filter(state="planned").values_list("lead_days", flat=True)
    ) == {0, -1}
    reminder_policy_set(organization_id=org.pk, lead_days=[7, 3, 1, 0, -1])
    states = dict(reminders(posted_request).values_list("lead_days", "state"))
    assert states == {7: "planned", 3: "planned", 1: "planned", 0: "planned", -1: "planned"}
    clock(at(2026, 11, 17, 8, 5))
    assert sweep(at(2026, 11, 17, 8, 5)) == ["sent"]


def test_restoring_lead_times_does_not_bring_back_a_past_reminder(posted_request, org, clock):
    clock(at(2026, 11, 5, 10))
    reminder_policy_set(organization_id=org.pk, lead_days=[0, -1])
    clock(at(2026, 11, 20, 10))
    reminder_policy_set(organization_id=org.pk, lead_days=[7, 3, 1, 0, -1])
    states = dict(reminders(posted_request).values_list("lead_days", "state"))
    assert states == {7: "cancelled", 3: "planned", 1: "planned", 0: "planned", -1: "planned"}


# 3 ------------------------------------------------------------------------------------------------


def test_an_assignee_removed_from_the_organisation_is_no_longer_reminded(
    posted_request, owner, colleague, clock
):
    clock(at(2026, 11, 10, 10))
    membership_remove(membership=Membership.objects.get(user=colleague), user=owner)
    posted_request.refresh_from_db()
    assert posted_request.assignee_id is None
    clock(at(2026, 11, 17, 8, 5))
    assert sweep(at(2026, 11, 17, 8, 5)) == ["sent"]
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]


def test_recipients_are_resolved_when_sent_not_when_planned(
    posted_request, owner, colleague, clock
):
    # The membership row is gone by some other path (the assignee field was left as it was).
    Membership.objects.filter(user=colleague).delete()
    clock(at(2026, 11, 17, 8, 5))
    sweep(at(2026, 11, 17, 8, 5))
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert not Notification.objects.filter(user=colleague).exists()


def test_an_assignee_demoted_to_viewer_is_no_longer_reminded(
    posted_request, owner, colleague, clock
):
    Membership.objects.filter(user=colleague).update(role=Role.VIEWER)
    clock(at(2026, 11, 17, 8, 5))
    sweep(at(2026, 11, 17, 8, 5))
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]


# 4 ------------------------------------------------------------------------------------------------


def test_an_assignee_without_an_email_address_is_backed_by_the_owners(
    posted_request, owner, colleague, clock
):
    colleague.email = ""
    colleague.save()
    clock(at(2026, 11, 17, 8, 5))
    assert sweep(at(2026, 11, 17, 8, 5)) == ["sent"]
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert Notification.objects.filter(user=colleague).count() == 1  # still told in the app


def test_a_reminder_nobody_can_receive_is_marked_and_shown_undelivered(
    posted_request, owner, colleague, clock, client, admin_user
):
    for user in (owner, colleague):
        KindPreference.objects.create(user=user, deadline_kind=DeadlineKind.RESPONSE, mode=Mode.OFF)
    clock(at(2026, 11, 17, 8, 5))
    assert sweep(at(2026, 11, 17, 8, 5)) == ["undelivered"]
    assert mail.outbox == []
    reminder = reminders(posted_request).get(lead_days=7)
    assert reminder.state == ReminderState.UNDELIVERED and reminder.sent_at is None

    client.force_login(owner)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "could not be delivered" in page and "Safe City cameras" in page
    assert "Nobody in the organisation receives it" in page

    client.force_login(admin_user)
    listing = client.get(reverse("admin:notifications_reminder_changelist") + "?state=undelivered")
    assert listing.status_code == 200 and "Undelivered" in listing.content.decode()
    assert (
        ReminderAdmin(Reminder, admin.site)
        .get_queryset(RequestFactory().get("/"))
        .filter(state=ReminderState.UNDELIVERED)
        .count()
        == 1
    )


def test_undelivered_reminders_are_not_shown_to_another_organisation(
    posted_request, owner, colleague, outsider, clock, client
):
    for user in (owner, colleague):
        KindPreference.objects.create(user=user, deadline_kind=DeadlineKind.RESPONSE, mode=Mode.OFF)
    clock(at(2026, 11, 17, 8, 5))
    sweep(at(2026, 11, 17, 8, 5))
    client.force_login(outsider)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Safe City cameras" not in page


# 5 ------------------------------------------------------------------------------------------------


def test_the_morning_digest_carries_what_falls_due_that_day(posted_request, colleague, clock):
    NotificationSettings.objects.create(user=colleague, mode=Mode.DIGEST, language="en")
    clock(at(2026, 11, 24, 7))  # digest 07:00, reminders 08:00 (production hours)
    assert services.send_digests(now=at(2026, 11, 24, 7)) == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Due today 24.11.2026" in body and "Missed" not in body

    clock(at(2026, 11, 24, 8, 5))
    assert sweep(at(2026, 11, 24, 8, 5)) == ["sent"]
    assert len(mail.outbox) == 1  # the digest already carried it: no second message
    assert Notification.objects.filter(user=colleague).count() == 1
    reminder = reminders(posted_request).get(lead_days=0)
    assert reminder.deliveries.filter(channel=Channel.DIGEST, state="sent").count() == 1

    clock(at(2026, 11, 25, 7))
    services.send_digests(now=at(2026, 11, 25, 7))
    assert len(mail.outbox) == 2 and "Missed on 24.11.2026" in mail.outbox[1].body
    assert "Due today 24.11.2026" not in mail.outbox[1].body


def test_the_digest_item_planned_ahead_does_not_take_the_email_from_others(
    posted_request, owner, colleague, clock
):
    posted_request.assignee = None
    posted_request.save()
    NotificationSettings.objects.create(user=colleague, mode=Mode.DIGEST, language="en")
    clock(at(2026, 11, 24, 7))
    services.send_digests(now=at(2026, 11, 24, 7))
    clock(at(2026, 11, 24, 8, 5))
    sweep(at(2026, 11, 24, 8, 5))
    assert [m.to for m in mail.outbox] == [["colleague@example.org"], ["owner@example.org"]]
    assert Delivery.objects.filter(channel=Channel.EMAIL, state="sent").count() == 1


# 6 ------------------------------------------------------------------------------------------------


def test_a_subject_with_a_line_break_does_not_stop_the_email(posted_request, clock):
    from foia.models import Request

    Request.objects.filter(pk=posted_request.pk).update(subject="Cameras\r\nBcc: x@evil.example")
    clock(at(2026, 11, 17, 8, 5))
    assert sweep(at(2026, 11, 17, 8, 5)) == ["sent"]
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Cameras Bcc: x@evil.example" in message.subject
    assert message.message()["Bcc"] is None
    assert message.to == ["colleague@example.org"]


@pytest.mark.parametrize("raw", ["a\nb", "a\r\nb", "a\x0bb", "a\u2028b", "a\x00b", "a\tb"])
def test_header_text_is_always_one_clean_line(raw):
    assert services.header_text(raw) == "a b"
