"""In-app notifications are shown in the reader's language, not in the one they were written in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foia.notifications import services
from foia.notifications.models import Notification, NotificationSettings
from foia.services.transitions import record_event

BEL = ZoneInfo("Europe/Belgrade")
pytestmark = pytest.mark.django_db


def notify(make_request, colleague, count=1):
    """Reminders sent in-app to the colleague, written while their language was Serbian."""
    NotificationSettings.objects.create(user=colleague, language="sr-latn", mode="inapp")
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=BEL), tick=False):
        requests = [make_request(assignee=colleague) for _ in range(count)]
        for r in requests:
            record_event(request=r, kind="sent", occurred_on=dt.date(2026, 11, 2), channel="email")
    now = dt.datetime(2026, 11, 10, 8, 5, tzinfo=BEL)
    with time_machine.travel(now, tick=False):
        for pk in services.sweep(now=now, dispatch=False).to_send:
            services.deliver(pk, now=now)
    assert Notification.objects.filter(user=colleague).count() == count


def read(colleague, language: str) -> str:
    client = Client()
    client.force_login(colleague)
    client.cookies["django_language"] = language
    return client.get(reverse("notifications:list")).content.decode()


def test_a_notification_written_in_serbian_reads_in_english_for_an_english_reader(
    make_request, colleague
):
    notify(make_request, colleague)
    stored = Notification.objects.get(user=colleague)
    assert "ZSPIJZ čl. 16 st. 1" in stored.body  # written in the recipient's language then
    english = read(colleague, "en")
    assert "ZSPIJZ Art. 16(1): 15 days from receipt of the request" in english
    assert "Due 17.11.2026" in english
    assert "čl. 16 st. 1" not in english
    assert "ZSPIJZ чл. 16 ст. 1" in read(colleague, "sr")


def test_the_list_reads_a_constant_number_of_queries(make_request, colleague):
    notify(make_request, colleague, count=1)
    client = Client()
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:list"))
    Notification.objects.all().delete()
    NotificationSettings.objects.all().delete()
    notify(make_request, colleague, count=6)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("notifications:list"))
    assert len(six) == len(one)


@pytest.mark.parametrize(
    ("language", "basis"),
    [
        ("sr-latn", "ZSPIJZ čl. 16 st. 1: 15 dana od prijema zahteva"),
        ("sr", "ZSPIJZ чл. 16 ст. 1: 15 дана од пријема захтева"),
        ("en", "ZSPIJZ Art. 16(1): 15 days from receipt of the request"),
    ],
)
def test_a_reminder_e_mail_gives_the_legal_basis_in_the_recipients_language(
    make_request, colleague, language, basis
):
    from django.core import mail

    NotificationSettings.objects.create(user=colleague, language=language, mode="email")
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=BEL), tick=False):
        r = make_request(assignee=colleague)
        record_event(request=r, kind="sent", occurred_on=dt.date(2026, 11, 2), channel="email")
    now = dt.datetime(2026, 11, 10, 8, 5, tzinfo=BEL)
    with time_machine.travel(now, tick=False):
        for pk in services.sweep(now=now, dispatch=False).to_send:
            services.deliver(pk, now=now)
    message = mail.outbox[0]
    assert basis in message.body
    assert basis in message.alternatives[0][0]
