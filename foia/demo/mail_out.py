"""Demo: requests sent by e-mail from the tracker (issue 11), as the sending path leaves them.

For every demo request whose SENT event went by e-mail, an ``OutgoingMessage`` in state "sent" with
the bytes composed by ``foia.mail.outbound.services.compose`` (what the server would have got), the
acceptance time of the event and the event linked. Keyed by ``demo-<our_reference>``, so running the
seed again adds nothing. Each carries the official form as PDF, as a message sent from the tracker
does.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from foia.mail.addresses import thread_address
from foia.mail.outbound.models import MessageKind, MessageState, OutgoingMessage
from foia.mail.outbound.services import (
    compose,
    make_message_id,
    request_subject,
    sender_address,
)
from foia.models import Channel, Event, EventKind, Organization
from foia.workspace import documents as docs


def seed_outgoing_mail(org: Organization, user) -> int:
    """Returns how many messages were added."""
    sent = (
        Event.objects.filter(request__organization=org, kind=EventKind.SENT, channel=Channel.EMAIL)
        .select_related("request__authority", "request__organization")
        .order_by("request_id")
    )
    have = set(
        OutgoingMessage.objects.filter(request__organization=org).values_list(
            "idempotency_key", flat=True
        )
    )
    added = 0
    for event in sent:
        request = event.request
        key = f"demo-{request.our_reference or request.pk}"
        if key in have or not request.authority.email:
            continue
        accepted = event.occurred_at or timezone.make_aware(
            dt.datetime.combine(event.occurred_on, dt.time(10, 15))
        )
        letter = docs.to_text(
            docs.build("request", request, today=event.occurred_on, options=docs.Options())
        )
        message = OutgoingMessage.objects.create(
            request=request,
            campaign=request.campaign,
            kind=MessageKind.REQUEST,
            from_address=sender_address(request),
            reply_to=thread_address(request.pk, "request"),
            to=[request.authority.email],
            subject=request_subject(request),
            body=letter,
            include_form_pdf=True,
            message_id=make_message_id(MessageKind.REQUEST, request.pk, key),
            idempotency_key=key,
            event_values={"kind": EventKind.SENT},
            state=MessageState.SENT,
            attempts=1,
            accepted_at=accepted,
            recorded=True,
            event=event,
            created_by=user,
        )
        # The Date header is the time the message was composed: just before it was accepted.
        OutgoingMessage.objects.filter(pk=message.pk).update(created_at=accepted)
        message.created_at = accepted
        raw = compose(message)
        OutgoingMessage.objects.filter(pk=message.pk).update(
            raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest()
        )
        added += 1
    return added
