"""Who is told about received mail: the assignee at once (in the app and by e-mail), reviewers
and assignees daily while mail waits, the organisation's webhooks."""

# ruff: noqa: F811 - pytest fixtures imported from tests.mail.inbound_fixtures

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from foia.mail.inbound.services import message_receive, send_waiting_note
from foia.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.mail.inbound_fixtures import (  # noqa: F401 - fixtures
    corpus_files,
    corpus_requests,
    corpus_settings,
)

pytestmark = pytest.mark.django_db


def corpus(number: str) -> bytes:
    return next(p for p in corpus_files() if p.name.startswith(number)).read_bytes()


def test_a_matched_reply_tells_the_assignee_in_the_app_and_by_email_after_commit(
    corpus_requests, colleague, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message_receive(raw=corpus("01"), source="pipe")
    assert colleague.notifications.filter(title__startswith="Reply received: #9101").count() == 1
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert "/app/mail/" in mail.outbox[0].body


def test_an_auto_reply_tells_nobody(corpus_requests, colleague):
    message_receive(raw=corpus("20"), source="pipe")
    assert not colleague.notifications.exists()


def test_the_daily_note_goes_to_reviewers_and_assignees_with_mail_waiting(
    corpus_requests, owner, colleague, viewer, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = get_user_model().objects.create_user("staff", "s@example.org", "x", is_staff=True)
    for number in ("01", "36", "37"):  # a reply to classify, held for the org, held for staff
        message_receive(raw=corpus(number), source="pipe")
    assert send_waiting_note() == 3
    notes = {
        user.username: user.notifications.filter(title__startswith="Received mail is waiting")
        .values_list("title", flat=True)
        .first()
        for user in (owner, colleague, viewer, staff)
    }
    assert notes["colleague"] == "Received mail is waiting: 1 to review, 1 to classify"
    assert notes["owner"] == "Received mail is waiting: 1 to review, 0 to classify"
    assert notes["staff"] == "Received mail is waiting: 1 to review, 0 to classify"
    assert notes["viewer"] is None


def test_a_matched_message_emits_the_message_received_webhook(corpus_requests, org):
    endpoint = WebhookEndpoint.objects.create(
        organization=org,
        url="https://hooks.example.org/foia",
        kinds=["message.received"],
        secret="s" * 40,
    )
    outcome = message_receive(raw=corpus("01"), source="pipe")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.kind == "message.received"
    assert delivery.payload["data"]["message"] == outcome.message.pk
    assert delivery.payload["data"]["attachments"] == 1
    assert "raw" not in delivery.payload["data"]
