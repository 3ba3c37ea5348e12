"""The demo's requests sent by e-mail carry their messages and proof, and seeding twice adds none."""

from __future__ import annotations

import email
import hashlib
from email import policy

from foia.demo.mail_out import seed_outgoing_mail
from foia.mail.addresses import parse_reply_address
from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.services.transitions import record_event


def test_demo_requests_sent_by_email_have_their_message_and_seeding_again_adds_none(
    make_request, org, owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    by_email = make_request(our_reference="D-1")
    by_post = make_request(our_reference="D-2")
    sent = record_event(
        request=by_email, kind="sent", occurred_on=by_email.created_at.date(), channel="email"
    )
    record_event(
        request=by_post, kind="sent", occurred_on=by_post.created_at.date(), channel="ordinary_post"
    )
    assert seed_outgoing_mail(org, owner) == 1
    assert seed_outgoing_mail(org, owner) == 0
    message = OutgoingMessage.objects.get()
    assert message.request == by_email and message.event == sent
    assert message.state == MessageState.SENT
    raw = bytes(message.raw)
    assert message.raw_sha256 == hashlib.sha256(raw).hexdigest()
    mail = email.message_from_bytes(raw, policy=policy.default)
    assert parse_reply_address(mail["Reply-To"]) == (by_email.pk, "request")
    assert mail["Message-ID"] == message.message_id
    assert mail["To"] == "info@mup.gov.rs"
