"""Demo: received e-mail (issue 11), taken in through the same path as real mail.

Called by ``seed_demo`` after the outgoing messages exist. Each message has a fixed Message-ID
(``<demo-in-…@…>``), so running the seed again stores nothing twice. Four messages:

1. a reply to a request still waiting for its answer, awaiting "What is this?" (with a PDF);
2. a reply to an answered request, already classified and linked to its ANSWER event;
3. a bounce (a Postfix DSN) of another request's sending, which marks that sending undelivered;
4. a letter to the organisation's general address with no reference, waiting in the review queue.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from foia.mail.addresses import reply_address
from foia.mail.inbound.models import Classification, InboundMessage, Source
from foia.mail.inbound.services import message_receive
from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.models import EventKind, Organization, RequestStatus

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _reply(sent: OutgoingMessage, *, key: str, when: dt.datetime, text: str, pdf: str = ""):
    request = sent.request
    message = EmailMessage()
    message["From"] = f"{request.authority.name} <{request.authority.email}>"
    message["To"] = reply_address(request)
    message["Subject"] = f"Re: {sent.subject}"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<demo-in-{key}@{request.authority.email.rpartition('@')[2]}>"
    message["In-Reply-To"] = sent.message_id
    message["References"] = sent.message_id
    message.set_content(text)
    if pdf:
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename=pdf)
    return bytes(message)


def _bounce(sent: OutgoingMessage, *, when: dt.datetime) -> bytes:
    """A Postfix DSN (multipart/report) quoting the headers of what we sent."""
    to = (sent.to or ["?"])[0]
    return (
        "From: MAILER-DAEMON@mx.foi.localhost (Mail Delivery System)\n"
        f"To: {sent.from_address}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        f"Date: {format_datetime(when)}\n"
        # One fixed Message-ID: a second seed recognises the bounce whichever sending it picks.
        "Message-ID: <demo-in-bounce@mx.foi.localhost>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"\n\n'
        "--dsn\nContent-Type: text/plain; charset=us-ascii\n\n"
        "I'm sorry to have to inform you that your message could not be delivered.\n\n"
        f"<{to}>: host said: 550 5.1.1 User unknown\n"
        "--dsn\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.foi.localhost\n\n"
        f"Final-Recipient: rfc822; {to}\nAction: failed\nStatus: 5.1.1\n"
        "--dsn\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {sent.message_id}\nTo: {to}\nSubject: {sent.subject}\n"
        "--dsn--\n"
    ).encode()


def seed_incoming_mail(org: Organization, user) -> int:
    """Returns how many messages were stored (0 on a second run)."""
    before = InboundMessage.objects.count()
    now = timezone.now()
    sent = list(
        OutgoingMessage.objects.filter(
            # Undelivered too: the bounce of a first run must pick the same message again.
            request__organization=org,
            state__in=[MessageState.SENT, MessageState.UNDELIVERED],
        )
        .select_related("request__authority")
        .order_by("request_id")
    )
    waiting = [m for m in sent if m.request.status == RequestStatus.AWAITING_ANSWER]
    answered = [m for m in sent if m.request.status == RequestStatus.ANSWERED]
    if waiting:
        message_receive(
            raw=_reply(
                waiting[0],
                key="reply-waiting",
                when=now - dt.timedelta(hours=3),
                text=(
                    "Poštovani,\n\nu prilogu Vam dostavljamo odgovor na zahtev za slobodan "
                    "pristup informacijama od javnog značaja.\n\nS poštovanjem,\nPisarnica"
                ),
                pdf="Odgovor na zahtev.pdf",
            ),
            source=Source.DEMO,
        )
    if answered:
        request = answered[0].request
        event = request.events.filter(kind=EventKind.ANSWER).order_by("occurred_on").first()
        when = timezone.make_aware(dt.datetime.combine(event.occurred_on, dt.time(9, 30)))
        outcome = message_receive(
            raw=_reply(
                answered[0],
                key="reply-answered",
                when=when,
                text="Poštovani,\n\ntražene informacije su u prilogu.\n\nS poštovanjem",
                pdf="Informacije.pdf",
            ),
            source=Source.DEMO,
            now=when + dt.timedelta(minutes=2),
        )
        if outcome.verdict != "duplicate" and event is not None:
            InboundMessage.objects.filter(pk=outcome.message.pk).update(
                classification=Classification.ANSWER, event=event, handled_by=user
            )
    # The bounce takes the sending's step back (the request is a draft again), so a second run
    # finds the request no longer waiting: it must pick the message it bounced the first time.
    bounced = next((m for m in sent if m.state == MessageState.UNDELIVERED), None)
    if bounced is None and len(waiting) > 1:
        bounced = waiting[1]
    if bounced is not None:
        message_receive(raw=_bounce(bounced, when=now - dt.timedelta(days=1)), source=Source.DEMO)
    ministry = sent[0].request.authority if sent else None
    held = EmailMessage()
    held["From"] = f"Pisarnica <{ministry.email if ministry else 'pisarnica@example.rs'}>"
    held["To"] = org.email or "info@example.org"
    held["Subject"] = "Dopis"
    held["Date"] = format_datetime(now - dt.timedelta(hours=20))
    held["Message-ID"] = "<demo-in-held@example.rs>"
    held.set_content("Poštovani,\n\ndostavljamo dopis u vezi sa Vašim zahtevom.\n")
    message_receive(raw=bytes(held), source=Source.DEMO)
    return InboundMessage.objects.count() - before
