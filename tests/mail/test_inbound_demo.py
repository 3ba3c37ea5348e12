"""The demo receives mail through the real path: replies, a bounce, one message held; idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from foia.demo.mail_in import seed_incoming_mail
from foia.mail.inbound.models import InboundMessage, Kind, State
from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.models import Organization

pytestmark = pytest.mark.django_db


def test_the_demo_has_replies_a_bounce_and_a_held_message_and_a_second_run_adds_nothing(
    settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    messages = InboundMessage.objects.all()
    assert messages.count() == 4
    assert messages.filter(state=State.MATCHED, kind=Kind.MESSAGE, classification="").count() == 1
    assert messages.filter(kind=Kind.MESSAGE).exclude(event=None).count() == 1
    bounce = messages.get(kind=Kind.BOUNCE)
    assert OutgoingMessage.objects.get(pk=bounce.bounced_message_id).state == (
        MessageState.UNDELIVERED
    )
    assert messages.filter(state=State.HELD).count() == 1
    org = Organization.objects.get()
    assert seed_incoming_mail(org, None) == 0
