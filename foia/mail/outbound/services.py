"""Sending e-mail to authorities and the Commissioner, exactly once, with the proof kept.

The path of one message:

1. ``message_queue()`` checks everything a user can get wrong (addresses, the legal step the
   message records, attachment sizes) and stores an ``OutgoingMessage`` with a unique idempotency
   key and a deterministic Message-ID; a double click finds the same row. The task is enqueued
   after commit.
2. ``deliver()`` (on the worker) claims the row with a conditional UPDATE — queued and due, or a
   dead worker's claim whose lease ran out — so two workers never hold it at once.
3. The message is composed once (``compose()``) and its bytes stored before the first attempt;
   every retry sends the same bytes with the same Message-ID.
4. Django's configured e-mail backend sends exactly those bytes. The moment it returns is the
   server's acceptance: ``accepted_at``. Only then is the timeline event (SENT, appeal filed,
   urgency) recorded through ``foia.services.transitions.record_event``, in the same transaction
   that marks the row sent.
5. A temporary failure (4xx, refused or dropped connection, timeout) is retried with a doubling
   delay and shown as "not sent yet: <reason>"; a permanent one (5xx) stops until a member retries.

A campaign takes the same steps in bulk (``campaign_send_later`` → ``campaign_prepare`` on the worker
→ ``campaign_deliver``): its drafts' messages are inserted in chunks with their fixed keys (ON
CONFLICT DO NOTHING: a second click or a re-run adds nothing); the worker claims a batch of due
messages in one ``UPDATE … RETURNING`` with the same conditions and lease, composes them, sends
them over one SMTP connection and commits each acceptance the moment the server gave it; then the
batch's SENT events, statuses, deadlines, statistics, reminders, webhooks and audit rows are written
together (``record_accepted_many`` → ``transitions.record_events``). Accepted but not yet recorded
(a worker killed in between) is recorded by the next run, never sent again.

Limit, stated honestly: if a worker dies after the server accepted the message and before its
acceptance commits (a window of milliseconds), the lease hands the message to another worker, which
sends the same bytes again — with the same Message-ID, which receiving servers and our intake
deduplicate.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import queue
import re
import smtplib
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage as MIMEEmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.mail.addresses import APPEAL_THREAD, REQUEST_THREAD, thread_address
from foia.mail.outbound.models import MessageKind, MessageState, OutgoingMessage
from foia.models import (
    Attachment,
    Campaign,
    Channel,
    Event,
    EventKind,
    Request,
    RequestStatus,
)
from foia.services.transitions import Proposed, Step, record_event, record_events, validate_event

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 10


# --- addresses and headers ------------------------------------------------------------------------


def one_line(value: str, *, limit: int = 300) -> str:
    """A header value on one line: line breaks and control characters become spaces, so that a
    subject pasted with a newline cannot inject a header (or be refused by Django)."""
    cleaned = "".join(" " if (ord(c) < 32 or ord(c) == 127) else c for c in str(value or ""))
    return " ".join(cleaned.split())[:limit]


def clean_addresses(value: str | Sequence[str], *, field: str) -> list[str]:
    """Comma/semicolon/whitespace-separated addresses, each validated; raises per field."""
    if isinstance(value, str):
        parts = value.replace(";", ",").replace("\n", ",").split(",")
    else:
        parts = list(value)
    addresses: list[str] = []
    for part in parts:
        address = str(part).strip()
        if not address:
            continue
        if any(ord(c) < 32 or ord(c) == 127 for c in address):
            raise ValidationError({field: [_("An address cannot contain control characters.")]})
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {field: [_("“%(address)s” is not a valid e-mail address.") % {"address": address}]}
            ) from None
        if address.lower() not in (a.lower() for a in addresses):
            addresses.append(address)
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError({field: [_("At most %(n)d addresses.") % {"n": MAX_RECIPIENTS}]})
    return addresses


def sender_address(request: Request) -> str:
    """ "<organisation> <noreply@MAIL_DOMAIN>": the platform's domain, the organisation's name."""
    return formataddr(
        (
            one_line(request.organization.name, limit=150),
            f"{settings.MAIL_FROM_LOCALPART}@{settings.MAIL_DOMAIN.lower()}",
        )
    )


def make_message_id(kind: str, request_id: int, idempotency_key: str) -> str:
    """Deterministic: the same key gives the same Message-ID, so a resend is recognisably the
    same message. Stored with its angle brackets, as it appears in the header."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
    return f"<{kind}.{request_id}.{digest}@{settings.MAIL_DOMAIN.lower()}>"


# --- queueing ------------------------------------------------------------------------------------


def _check_event(request: Request, event_values: dict, today: dt.date) -> None:
    """Refuse now, before anything leaves, a legal step the timeline would refuse once sent."""
    if not event_values:
        return
    values = {k: v for k, v in event_values.items() if k != "kind"}
    values.setdefault("channel", Channel.EMAIL)
    if values.get("related_event"):
        values["related_event"] = request.events.live().filter(pk=values["related_event"]).first()
    proposed = Proposed(kind=event_values["kind"], occurred_on=today, values=values)
    validate_event(request, list(request.events.all()), proposed, today=today)


def _check_attachments(request: Request, attachments: Sequence[Attachment]) -> None:
    if any(a.request_id != request.pk for a in attachments):
        raise ValidationError({"attachments": [_("That document belongs to another request.")]})
    total = sum(a.size for a in attachments)
    if total > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": [
                    _("The attachments are %(mb)s MB together; at most %(max)s MB can be sent.")
                    % {
                        "mb": f"{total / 2**20:.1f}",
                        "max": f"{settings.ATTACHMENT_MAX_BYTES / 2**20:.0f}",
                    }
                ]
            }
        )


@transaction.atomic
def message_queue(
    *,
    request: Request,
    user: AbstractBaseUser | None,
    kind: str,
    to: str | Sequence[str],
    subject: str,
    body: str,
    idempotency_key: str,
    cc: str | Sequence[str] = (),
    attachments: Iterable[Attachment] = (),
    include_form_pdf: bool = False,
    event_values: dict | None = None,
    campaign: Campaign | None = None,
    in_reply_to: OutgoingMessage | None = None,
    dispatch: bool = True,
) -> OutgoingMessage:
    """Store one message to send and enqueue it. The same ``idempotency_key`` returns the message
    already stored (a double click, a resubmitted form, a resumed campaign)."""
    idempotency_key = one_line(idempotency_key, limit=100)
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    if kind not in MessageKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    # Serialise with other sends and timeline writes on this request; a second submit of the same
    # form waits here and then finds the first one's message.
    request = Request.objects.select_for_update().select_related("organization").get(pk=request.pk)
    existing = OutgoingMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.request_id != request.pk:
            raise ValidationError(_("This form was already used for another request."))
        return existing
    to_list = clean_addresses(to, field="to")
    if not to_list:
        raise ValidationError({"to": [_("Give at least one address.")]})
    cc_list = clean_addresses(cc, field="cc")
    subject = one_line(subject)
    if not subject:
        raise ValidationError({"subject": [_("The subject cannot be empty.")]})
    body = str(body or "").replace("\x00", "")
    if not body.strip():
        raise ValidationError({"body": [_("The message cannot be empty.")]})
    attachments = list(attachments)
    _check_attachments(request, attachments)

    if kind == MessageKind.REQUEST:
        if request.status != RequestStatus.DRAFT:
            raise ValidationError(_("This request is no longer a draft: it was already sent."))
        pending = request.outgoing_messages.filter(kind=MessageKind.REQUEST).exclude(
            state__in=[MessageState.FAILED, MessageState.UNDELIVERED]
        )
        if pending.exists():
            raise ValidationError(_("This request is already being sent by e-mail."))
    elif request.status == RequestStatus.DRAFT:
        raise ValidationError(_("Send the request itself first."))
    event_values = dict(event_values or {})
    _check_event(request, event_values, timezone.localdate())

    thread = APPEAL_THREAD if kind in (MessageKind.APPEAL, MessageKind.URGENCY) else REQUEST_THREAD
    references = ""
    if in_reply_to is not None:
        references = " ".join(
            filter(None, [in_reply_to.references, in_reply_to.message_id])
        ).strip()
    message = OutgoingMessage.objects.create(
        request=request,
        campaign=campaign,
        thread=thread,
        kind=kind,
        from_address=sender_address(request),
        reply_to=thread_address(request.pk, thread),
        to=to_list,
        cc=cc_list,
        subject=subject,
        body=body,
        include_form_pdf=include_form_pdf,
        message_id=make_message_id(kind, request.pk, idempotency_key),
        in_reply_to=in_reply_to.message_id if in_reply_to else "",
        references=references[-2000:],
        idempotency_key=idempotency_key,
        event_values=event_values,
        created_by=user,
        next_attempt_at=timezone.now(),
    )
    if attachments:
        message.attachments.set(attachments)
    if dispatch and campaign is None:
        enqueue(message.pk)
    return message


def enqueue(message_id: int, *, eta: dt.datetime | None = None) -> None:
    from foia.mail.outbound.tasks import send_message_task

    transaction.on_commit(lambda: send_message_task.apply_async((message_id,), eta=eta))


def last_message(request: Request, thread: str = REQUEST_THREAD) -> OutgoingMessage | None:
    """The latest message sent in a thread, which a new one answers (In-Reply-To)."""
    return (
        request.outgoing_messages.filter(thread=thread, state=MessageState.SENT)
        .order_by("-accepted_at", "-pk")
        .first()
    )


# --- composing -----------------------------------------------------------------------------------


def _form_pdf(message: OutgoingMessage) -> tuple[str, bytes]:
    from foia.workspace import documents as docs

    slug = {
        MessageKind.REQUEST: "request",
        MessageKind.APPEAL: "appeal"
        if message.event_values.get("appeal_ground") != "silence"
        else "silence-appeal",
    }.get(message.kind, "request")
    options = docs.Options(decision=message.event_values.get("related_event"))
    document = docs.build(
        slug, message.request, today=timezone.localdate(message.created_at), options=options
    )
    return f"{document.filename}.pdf", docs.to_pdf(document)


def compose(message: OutgoingMessage) -> bytes:
    """The message as bytes, CRLF line ends: text body, the official form as PDF, the documents.

    Built with the email package's modern API and its SMTP policy, which encodes Cyrillic headers
    and file names (RFC 2047 / 2231), folds long lines and refuses a header value with a line break
    (no header injection); Django's backend then sends exactly these bytes.
    """
    mail = MIMEEmailMessage(policy=policy.SMTP)
    # Encoded words are written as they are: Python 3.11's refolding drops the space between two
    # encoded words ("značaja: Камере" arrives as "značaja:Камере").
    mail.set_raw("From", message.from_address)
    mail["To"] = ", ".join(message.to)
    if message.cc:
        mail["Cc"] = ", ".join(message.cc)
    mail["Reply-To"] = message.reply_to
    subject = one_line(message.subject)
    if subject.isascii():
        mail["Subject"] = subject
    else:
        mail.set_raw(
            "Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
        )
    mail["Date"] = format_datetime(timezone.localtime(message.created_at))
    mail["Message-ID"] = message.message_id
    if message.in_reply_to:
        mail["In-Reply-To"] = message.in_reply_to
        mail["References"] = message.references or message.in_reply_to
    mail.set_content(message.body, charset="utf-8", cte="quoted-printable")
    if message.include_form_pdf:
        name, pdf = _form_pdf(message)
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    for attachment in sorted(message.attachments.all(), key=lambda a: a.pk):
        maintype, _sep, subtype = (attachment.content_type or "").partition("/")
        if not (maintype and subtype) or maintype == "text":
            maintype, subtype = "application", "octet-stream"
        with attachment.file.open("rb") as f:
            mail.add_attachment(
                f.read(),
                maintype=maintype,
                subtype=subtype,
                filename=one_line(attachment.original_name, limit=200) or "document",
            )
    return mail.as_bytes()


class _RawMessage:
    """What Django's backends call ``message()`` on: it hands them our stored bytes unchanged."""

    def __init__(self, raw: bytes):
        self._raw = raw

    @functools.cached_property
    def _parsed(self):
        # Parsed only if a backend asks for more than the bytes (Django's SMTP backend does not).
        return message_from_bytes(self._raw)

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self._raw

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self._raw.decode("ascii", "replace")

    def get_charset(self):
        return None

    def __getattr__(self, name):
        return getattr(self._parsed, name)


class RawEmailMessage(EmailMessage):
    """An EmailMessage whose bytes are fixed: every backend sends exactly ``raw``."""

    def __init__(self, raw: bytes, *, from_email: str, recipients: list[str]):
        super().__init__(from_email=from_email, to=recipients)
        self.raw = raw

    def message(self, *args, **kwargs):
        return _RawMessage(self.raw)


# --- sending -------------------------------------------------------------------------------------


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def _describe(exc: Exception) -> tuple[bool, str]:
    """(permanent?, reason) for an exception raised while talking to the server."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        text = "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        return all(code >= 500 for code in codes), text
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return exc.smtp_code >= 500, f"{exc.smtp_code} {text}"
    if isinstance(exc, ConnectionRefusedError):
        return False, _("the mail server refused the connection")
    if isinstance(exc, TimeoutError):
        return False, _("the mail server did not answer in time")
    return False, f"{type(exc).__name__}: {exc}"


def _transmit(message: OutgoingMessage, raw: bytes, *, connection=None) -> None:
    """Hand ``raw`` to the configured backend (``connection``: one already open, kept open);
    returns when the server accepted it."""
    recipients = [*message.to, *message.cc]
    envelope_from = parseaddr(message.from_address)[1]
    connection = connection or get_connection(fail_silently=False)
    sent = connection.send_messages(
        [RawEmailMessage(raw, from_email=envelope_from, recipients=recipients)]
    )
    if sent != 1:
        raise TemporaryFailure(_("the mail server did not take the message"))


def claim(message_id: int, *, now: dt.datetime) -> bool:
    """Take the message for this worker: a conditional UPDATE (healthchecks' ``update() == 1``)."""
    lease = dt.timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)
    due = Q(state=MessageState.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stale = Q(state=MessageState.SENDING, claimed_until__lt=now)
    return (
        OutgoingMessage.objects.filter(due | stale, pk=message_id).update(
            state=MessageState.SENDING,
            claimed_until=now + lease,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        == 1
    )


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one message if it is ours to send. Returns "sent", "retrying", "failed" or "skipped"."""
    now = now or timezone.now()
    if not claim(message_id, now=now):
        # Sent, but its timeline step not written yet (the database failed right after the
        # server accepted it): finish that, never send again.
        if OutgoingMessage.objects.filter(
            pk=message_id, state=MessageState.SENT, recorded=False
        ).exists():
            return record_accepted(message_id)
        return "skipped"
    message = OutgoingMessage.objects.select_related("request__organization").get(pk=message_id)
    raw = bytes(message.raw) if message.raw else b""
    try:
        if not raw:
            raw = compose(message)
            OutgoingMessage.objects.filter(pk=message.pk).update(
                raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest()
            )
        _transmit(message, raw)
    except (smtplib.SMTPException, OSError, TemporaryFailure) as exc:
        permanent, reason = _describe(exc)
        return _failed(message, reason, permanent=permanent, now=timezone.now())
    except (DatabaseError, SoftTimeLimitExceeded):
        raise  # the task retries; the claim's lease hands the message out again
    except Exception as exc:  # noqa: BLE001 — a message that cannot be built must not stay claimed
        log.exception("mail %s could not be composed", message.pk)
        reason = _("the message could not be composed: %(error)s") % {"error": exc}
        return _failed(message, reason, permanent=True, now=timezone.now())
    _mark_accepted(message.pk)
    return record_accepted(message.pk)


def _mark_accepted(message_id: int) -> None:
    """The server took it. Say so first, in one statement of its own: the shorter the time between
    the server's "250 OK" and this commit, the smaller the window for a second sending."""
    accepted_at = timezone.now()
    OutgoingMessage.objects.filter(pk=message_id, state=MessageState.SENDING).update(
        state=MessageState.SENT,
        accepted_at=accepted_at,
        next_attempt_at=None,
        claimed_until=None,
        last_error="",
        updated_at=accepted_at,
    )


def _failed(message: OutgoingMessage, reason: str, *, permanent: bool, now: dt.datetime) -> str:
    give_up = permanent or message.attempts >= settings.MAIL_SEND_MAX_ATTEMPTS
    log.warning("mail %s not sent (attempt %s): %s", message.pk, message.attempts, reason)
    OutgoingMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.FAILED if give_up else MessageState.QUEUED,
        last_error=one_line(reason, limit=500),
        next_attempt_at=None if give_up else now + _backoff(message.attempts),
        claimed_until=None,
        updated_at=now,
    )
    return "failed" if give_up else "retrying"


@transaction.atomic
def record_accepted(message_id: int) -> str:
    """Write the timeline step of an accepted message, once: the SENT event (or appeal filed,
    urgency) with the server's acceptance time. Safe to call again: a recorded message is left."""
    message = (
        OutgoingMessage.objects.select_for_update()
        .filter(pk=message_id, state=MessageState.SENT, recorded=False)
        .first()
    )
    if message is None:
        return "sent"
    accepted_at = message.accepted_at
    event = None
    note = ""
    values = dict(message.event_values or {})
    kind = values.pop("kind", None)
    if kind:
        if values.get("related_event"):
            values["related_event"] = (
                message.request.events.live().filter(pk=values["related_event"]).first()
            )
        try:
            with transaction.atomic():
                event = record_event(
                    request=message.request,
                    kind=kind,
                    occurred_on=timezone.localdate(accepted_at),
                    occurred_at=accepted_at,
                    channel=Channel.EMAIL,
                    recorded_by=message.created_by,
                    **values,
                )
        except ValidationError as exc:
            # The message did go; the timeline refused the step (someone recorded it by hand in
            # the meantime). Keep the proof and say why no event was added.
            note = _("Sent, but not recorded on the timeline: %(reason)s") % {
                "reason": " ".join(exc.messages)
            }
    OutgoingMessage.objects.filter(pk=message.pk).update(
        recorded=True, event=event, last_error=one_line(note, limit=500)
    )
    if event is not None:
        Attachment.objects.filter(
            pk__in=message.attachments.values("pk"), event__isnull=True
        ).update(event=event)
    from foia.services.audit import audit
    from foia.workspace.models import AuditAction

    audit(
        organization_id=message.request.organization_id,
        actor=message.created_by,
        action=AuditAction.EVENT_RECORDED if event else AuditAction.DOCUMENT_ADDED,
        request=message.request,
        event=event,
        note=_("E-mail to %(to)s accepted by the mail server (%(id)s)")
        % {"to": ", ".join(message.to), "id": message.message_id},
    )
    return "sent"


@transaction.atomic
def record_accepted_many(message_ids: Iterable[int]) -> int:
    """``record_accepted`` for a batch of accepted messages (a campaign's), in a bounded number of
    queries: the SENT events of all their draft requests through ``record_events`` (the same
    checks, the timeline derivation and the fan-out in bulk), the messages marked recorded and the
    audit rows written together. A message whose step needs more (another kind, a related event,
    a second message of the same request in the batch) takes ``record_accepted``. Safe to call
    again: recorded messages are left. Returns how many were recorded here."""
    from foia.workspace.models import AuditAction, AuditEntry

    messages = list(
        OutgoingMessage.objects.select_for_update(of=("self",))
        .select_related("request", "created_by")
        .filter(pk__in=list(message_ids), state=MessageState.SENT, recorded=False)
        .order_by("pk")
    )
    bulk, single, seen = [], [], set()
    for message in messages:
        values = message.event_values or {}
        simple = values.get("kind") == EventKind.SENT and set(values) == {"kind"}
        if simple and message.request_id not in seen:
            bulk.append(message)
            seen.add(message.request_id)
        else:
            single.append(message)
    results = record_events(
        [
            Step(
                request=m.request,
                kind=EventKind.SENT,
                occurred_on=timezone.localdate(m.accepted_at),
                recorded_by=m.created_by,
                values={"occurred_at": m.accepted_at, "channel": Channel.EMAIL},
            )
            for m in bulk
        ]
    )
    with_attachments = set(
        OutgoingMessage.attachments.through.objects.filter(
            outgoingmessage_id__in=[m.pk for m in bulk]
        ).values_list("outgoingmessage_id", flat=True)
    )
    entries = []
    for message in bulk:
        outcome = results.get(message.request_id)
        event = outcome if isinstance(outcome, Event) else None
        message.recorded = True
        message.event = event
        message.last_error = ""
        if event is None:
            # The message did go; the timeline refused the step (recorded by hand meanwhile).
            message.last_error = one_line(
                _("Sent, but not recorded on the timeline: %(reason)s")
                % {"reason": " ".join(outcome.messages)},
                limit=500,
            )
        elif message.pk in with_attachments:
            Attachment.objects.filter(
                pk__in=message.attachments.values("pk"), event__isnull=True
            ).update(event=event)
        entries.append(
            AuditEntry(
                organization_id=message.request.organization_id,
                actor_id=message.created_by_id,
                action=AuditAction.EVENT_RECORDED if event else AuditAction.DOCUMENT_ADDED,
                request_id=message.request_id,
                event=event,
                changes=[],
                note=(
                    _("E-mail to %(to)s accepted by the mail server (%(id)s)")
                    % {"to": ", ".join(message.to), "id": message.message_id}
                )[:300],
            )
        )
    for message in bulk:  # one short UPDATE each (bulk_update's CASE per row is slower)
        OutgoingMessage.objects.filter(pk=message.pk).update(
            recorded=True, event=message.event, last_error=message.last_error
        )
    if entries:
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    for message in single:
        record_accepted(message.pk)
    return len(messages)


def message_retry(*, message: OutgoingMessage, user: AbstractBaseUser) -> bool:
    """A member asks to try a failed message again (after fixing the address or the server)."""
    updated = OutgoingMessage.objects.filter(pk=message.pk, state=MessageState.FAILED).update(
        state=MessageState.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
    if updated:
        if message.campaign_id:
            enqueue_campaign(message.campaign_id)
        else:
            enqueue(message.pk)
    return bool(updated)


# --- campaigns -----------------------------------------------------------------------------------

# Drafts prepared per transaction when a campaign is queued; messages claimed per SMTP connection.
QUEUE_CHUNK = 200
SEND_BATCH = 100


@dataclass
class CampaignQueued:
    queued: list[int]  # the ids of the campaign's messages of its drafts (new or already there)
    skipped: dict[int, str]
    done: bool = True  # False: the time budget ran out, the rest is for the next run


def campaign_send_later(*, campaign: Campaign, user: AbstractBaseUser) -> bool:
    """ "Send all drafts by e-mail": store the wish and let the worker queue the messages (a
    campaign to 11,500 authorities is not prepared in a web request). Returns False when there is
    no draft to send. Safe to repeat: the worker never queues a draft twice."""
    from foia.mail.outbound.models import CampaignSending, SendingState
    from foia.mail.outbound.tasks import queue_campaign_task

    if not campaign.requests.filter(status=RequestStatus.DRAFT).exists():
        return False
    with transaction.atomic():
        CampaignSending.objects.update_or_create(
            campaign=campaign,
            defaults={
                "state": SendingState.QUEUEING,
                "requested_by": user,
                "requested_at": timezone.now(),
                "finished_at": None,
                "skipped": {},
                "queued": 0,
            },
        )
        transaction.on_commit(lambda: queue_campaign_task.delay(campaign.pk))
    return True


def campaign_prepare(campaign_id: int, *, budget_seconds: float | None = None) -> bool:
    """The worker's half of ``campaign_send_later``: queue the drafts within the time budget and
    note what was skipped and why on the campaign's sending. Returns whether all were done."""
    from foia.mail.outbound.models import CampaignSending, SendingState

    sending = CampaignSending.objects.select_related("campaign", "requested_by").filter(
        campaign_id=campaign_id
    )
    sending = sending.first()
    if sending is None:
        return True
    budget = budget_seconds if budget_seconds is not None else _budget()
    result = campaign_send(
        campaign=sending.campaign, user=sending.requested_by, budget_seconds=budget
    )
    skipped = {**sending.skipped, **{str(k): v for k, v in result.skipped.items()}}
    values = {"skipped": skipped, "queued": len(result.queued)}
    if result.done:
        values.update(state=SendingState.DONE, finished_at=timezone.now())
    CampaignSending.objects.filter(pk=sending.pk).update(**values)
    return result.done


def campaign_send(
    *,
    campaign: Campaign,
    user: AbstractBaseUser | None,
    budget_seconds: float | None = None,
    chunk: int = QUEUE_CHUNK,
    include_form_pdf: bool = True,
) -> CampaignQueued:
    """Queue every draft of the campaign to its authority's address; sent on the worker at
    ``MAIL_SEND_RATE``. Safe to repeat: each request's key is fixed
    (``campaign-{campaign}-request-{request}``) and the rows are inserted with ON CONFLICT DO
    NOTHING, so nothing is queued twice, not even by two runs at once.

    The drafts are taken ``chunk`` at a time, each chunk in one transaction holding their row locks
    (as ``message_queue`` holds one): the checks of ``message_queue`` per draft, one INSERT for the
    chunk. With ``budget_seconds`` it stops after the chunk that exceeds it (``done=False``).
    Each message carries the official form as PDF (``include_form_pdf``; the benchmark turns it off
    to measure the sending without it)."""
    started = time.monotonic()
    queued: list[int] = []
    skipped: dict[int, str] = {}
    last = 0
    done = True
    drafts = campaign.requests.filter(status=RequestStatus.DRAFT).order_by("pk")
    while True:
        ids = list(drafts.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            got, refused = _queue_chunk(campaign, user, ids, include_form_pdf=include_form_pdf)
        queued += got
        skipped.update(refused)
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            done = not drafts.filter(pk__gt=last).exists()
            break
    if queued:
        enqueue_campaign(campaign.pk)
    return CampaignQueued(queued, skipped, done)


def _queue_chunk(
    campaign: Campaign, user: AbstractBaseUser | None, ids: list[int], *, include_form_pdf: bool
) -> tuple[list[int], dict[int, str]]:
    from foia.workspace.documents import Options, build, to_text

    today = timezone.localdate()
    now = timezone.now()
    requests = list(
        Request.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status=RequestStatus.DRAFT)
        .select_related("authority", "organization")
        .prefetch_related("events__grounds")
        .order_by("pk")
    )
    key_of = {r.pk: f"campaign-{campaign.pk}-request-{r.pk}" for r in requests}
    existing = dict(
        OutgoingMessage.objects.filter(idempotency_key__in=key_of.values()).values_list(
            "idempotency_key", "pk"
        )
    )
    # A request can have only one live sending (message_queue's rule).
    busy = set(
        OutgoingMessage.objects.filter(request_id__in=key_of, kind=MessageKind.REQUEST)
        .exclude(state__in=[MessageState.FAILED, MessageState.UNDELIVERED])
        .exclude(idempotency_key__in=key_of.values())
        .values_list("request_id", flat=True)
    )
    skipped: dict[int, str] = {}
    rows: list[OutgoingMessage] = []
    for request in requests:
        key = key_of[request.pk]
        if key in existing:
            continue
        if not request.authority.email:
            skipped[request.pk] = _("%(authority)s has no e-mail address.") % {
                "authority": request.authority.name
            }
            continue
        if request.pk in busy:
            skipped[request.pk] = _("This request is already being sent by e-mail.")
            continue
        try:
            to_list = clean_addresses([request.authority.email], field="to")
            proposed = Proposed(
                kind=EventKind.SENT, occurred_on=today, values={"channel": Channel.EMAIL}
            )
            validate_event(request, list(request.events.all()), proposed, today=today)
        except ValidationError as exc:
            skipped[request.pk] = f"{request.authority.name}: {' '.join(exc.messages)}"
            continue
        document = build("request", request, today=today, options=Options())
        body = to_text(document).replace("\x00", "")
        rows.append(
            OutgoingMessage(
                request=request,
                campaign=campaign,
                thread=REQUEST_THREAD,
                kind=MessageKind.REQUEST,
                from_address=sender_address(request),
                reply_to=thread_address(request.pk, REQUEST_THREAD),
                to=to_list,
                cc=[],
                subject=request_subject(request),
                body=body,
                include_form_pdf=include_form_pdf,
                message_id=make_message_id(MessageKind.REQUEST, request.pk, key),
                idempotency_key=key,
                event_values={"kind": EventKind.SENT},
                created_by=user,
                next_attempt_at=now,
            )
        )
    if rows:
        OutgoingMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    queued = list(
        OutgoingMessage.objects.filter(idempotency_key__in=key_of.values())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return queued, skipped


def enqueue_campaign(campaign_id: int, *, eta: dt.datetime | None = None) -> None:
    """Start the campaign's sending: ``MAIL_CAMPAIGN_SENDERS`` tasks, which claim different
    batches (``claim_batch``) and share the rate."""
    from foia.mail.outbound.tasks import send_campaign_task

    def start() -> None:
        for _sender in range(settings.MAIL_CAMPAIGN_SENDERS):
            send_campaign_task.apply_async((campaign_id,), eta=eta)

    transaction.on_commit(start)


def _budget() -> float:
    # Half the soft time limit: one slow message (a PDF, a busy database) must not reach it.
    return max(settings.CELERY_TASK_SOFT_TIME_LIMIT / 2, 5)


def claim_batch(campaign_id: int, *, now: dt.datetime, limit: int) -> list[int]:
    """Take up to ``limit`` of the campaign's due messages for this worker in one conditional
    ``UPDATE … RETURNING``, with ``claim``'s conditions and lease (queued and due, or a dead
    worker's claim whose lease ran out; attempts + 1). On PostgreSQL rows another worker is
    claiming are skipped (SKIP LOCKED), so two workers take different batches; the conditions are
    repeated on the outer UPDATE, which re-checks them on a row changed meanwhile."""
    if limit < 1:
        return []
    ops = connection.ops
    table = ops.quote_name(OutgoingMessage._meta.db_table)
    at = ops.adapt_datetimefield_value(now)
    until = ops.adapt_datetimefield_value(
        now + dt.timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)
    )
    due = (
        "((state = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s)) "
        "OR (state = %s AND claimed_until < %s))"
    )
    due_params = [MessageState.QUEUED, at, MessageState.SENDING, at]
    # The pick is a materialised CTE, run once: as an IN (subquery) PostgreSQL may rescan it for
    # each row updated, and SKIP LOCKED then skips the rows this very statement has just updated
    # and hands out the next ones — beyond the LIMIT.
    pg = connection.vendor == "postgresql"
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = (
        f"WITH picked AS {'MATERIALIZED ' if pg else ''}(SELECT id FROM {table} "
        f"WHERE campaign_id = %s AND {due} ORDER BY id LIMIT %s{lock}) "
        f"UPDATE {table} SET state = %s, claimed_until = %s, attempts = attempts + 1, "
        f"updated_at = %s WHERE id IN (SELECT id FROM picked) AND {due} RETURNING id"
    )
    params = [campaign_id, *due_params, limit, MessageState.SENDING, until, at, *due_params]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def campaign_deliver(
    campaign_id: int,
    *,
    budget_seconds: float | None = None,
    sleep=time.sleep,
    batch_size: int | None = None,
) -> dict:
    """Send the campaign's due messages at ``MAIL_SEND_RATE``, for at most ``budget_seconds``
    (under the task time limit); what is left is handed to the next run.

    In batches: claim up to ``batch_size`` due messages at once (``claim_batch``; fewer when the
    rate and the budget allow fewer), send them over one SMTP connection, commit each accepted
    message's SENT state in its own one-row UPDATE the moment the server took it (the window for
    a second sending stays that of one message), then write the batch's timeline steps in bulk
    (``record_accepted_many``) — on the worker, while the next batch is sent (``_Recorder``). A
    message refused or cut off goes through ``_failed``'s backoff; the others go on. Messages
    accepted but not recorded yet (by a run that died) are recorded first, never sent again."""
    budget = budget_seconds if budget_seconds is not None else _budget()
    rate = settings.MAIL_SEND_RATE / settings.MAIL_CAMPAIGN_SENDERS  # this task's share
    interval = 1.0 / rate if rate > 0 else 0.0
    size = batch_size or SEND_BATCH
    lease = settings.MAIL_CLAIM_LEASE_SECONDS
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    throttle = {"last": None}
    leftovers = True  # a dead run's accepted messages, recorded before anything is sent
    recorder = _Recorder()
    try:
        while time.monotonic() - started < budget:
            if leftovers:
                unrecorded = list(
                    OutgoingMessage.objects.filter(
                        campaign_id=campaign_id, state=MessageState.SENT, recorded=False
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)[:size]
                )
                if unrecorded:
                    finished = record_accepted_many(unrecorded)
                    outcomes["sent"] = outcomes.get("sent", 0) + finished
                    continue
                leftovers = False
            # No more than the rate lets through in the time left (and well inside the lease).
            limit = size
            if interval:
                left = max(min(budget - (time.monotonic() - started), lease / 2), 0.0)
                first_wait = 0.0
                if throttle["last"] is not None:
                    first_wait = max(interval - (time.monotonic() - throttle["last"]), 0.0)
                if first_wait > left:
                    break
                limit = min(size, 1 + int((left - first_wait) / interval))
            now = timezone.now()
            claimed = claim_batch(campaign_id, now=now, limit=limit)
            if not claimed:
                break
            until = now + dt.timedelta(seconds=lease)
            batch = _send_batch(claimed, until, interval, throttle, sleep, recorder.submit)
            for outcome, n in batch.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + n
    finally:
        recorder.close()
    return outcomes


class _Recorder:
    """Writes each sent batch's timeline steps (``record_accepted_many``) while the next batch is
    composed and sent: on a thread of its own with its own database connection, one batch at a
    time, at most one waiting (the sending does not run ahead of the recording by more).

    Only where that is safe: on PostgreSQL outside a transaction (the worker). Inside one — a
    test's, a caller's — the other connection would not see its rows, and SQLite allows one
    writer: there each batch is recorded in line, as before. A failure stops the sending (raised
    by the next ``submit`` or by ``close``); the batch stays accepted and unrecorded, and the
    next run records it before it sends anything."""

    def __init__(self) -> None:
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.pending: queue.Queue[list[int] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def submit(self, ids: list[int]) -> None:
        if not self.threaded:
            record_accepted_many(ids)
            return
        self._raise()
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="mail-recorder", daemon=True)
            self.thread.start()
        self.pending.put(ids)

    def _run(self) -> None:
        from django.db import connections

        try:
            while (ids := self.pending.get()) is not None:
                if self.error is None:
                    try:
                        record_accepted_many(ids)
                    except BaseException as exc:  # noqa: BLE001 — handed to the sending thread
                        self.error = exc
        finally:
            connections.close_all()  # this thread's own connection

    def close(self) -> None:
        if self.thread is not None:
            self.pending.put(None)
            self.thread.join()
            self.thread = None
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def _send_batch(
    claimed: list[int], until: dt.datetime, interval: float, throttle, sleep, record
) -> dict:
    """Send the claimed messages over one SMTP connection; record the accepted ones in bulk.

    Each message's bytes are composed and stored (committed) before its first attempt, so every
    retry sends the same bytes; its acceptance is committed the moment the server answers. The
    two are interleaved: while the server takes in one message (between the end of its data and
    the server's answer) the next one is composed and stored (``_begin`` / the ``finish`` it
    returns). What the claim's lease leaves no time for is given back (``_release``)."""
    messages = list(
        OutgoingMessage.objects.select_related("request__organization", "request__authority")
        .prefetch_related("attachments")
        .filter(pk__in=claimed, state=MessageState.SENDING, claimed_until=until)
        .order_by("pk")
    )
    outcomes: dict[str, int] = {}

    def count(outcome: str) -> None:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    # Stop well before the claim runs out: past it another worker may take the message.
    margin = dt.timedelta(seconds=max(settings.MAIL_CLAIM_LEASE_SECONDS * 0.2, 1))
    tried: set[int] = set()
    accepted: list[int] = []
    prepared: dict[int, bytes | None] = {}

    def in_time() -> bool:
        return timezone.now() < until - margin

    def prepare(message: OutgoingMessage) -> bytes | None:
        """The message's bytes, composed and stored now if they were not yet; None if it cannot
        be built (then it has failed for good)."""
        if message.raw:
            return bytes(message.raw)
        try:
            raw = compose(message)
        except (DatabaseError, SoftTimeLimitExceeded):
            raise
        except Exception as exc:  # noqa: BLE001 — a message that cannot be built must go
            log.exception("mail %s could not be composed", message.pk)
            tried.add(message.pk)
            reason = _("the message could not be composed: %(error)s") % {"error": exc}
            count(_failed(message, reason, permanent=True, now=timezone.now()))
            return None
        OutgoingMessage.objects.filter(pk=message.pk).update(
            raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest()
        )
        return raw

    smtp = get_connection(fail_silently=False)
    opened = False
    try:
        for index, message in enumerate(messages):
            if not in_time():
                break
            raw = prepared.pop(message.pk) if message.pk in prepared else prepare(message)
            if raw is None:
                continue
            if throttle["last"] is not None and interval:
                wait = interval - (time.monotonic() - throttle["last"])
                if wait > 0:
                    sleep(wait)
            throttle["last"] = time.monotonic()
            tried.add(message.pk)
            later: BaseException | None = None
            try:
                if not opened:
                    smtp.open()
                    opened = True
                finish = _begin(smtp, message, raw)
                following = messages[index + 1] if index + 1 < len(messages) else None
                if following is not None and in_time():
                    try:
                        prepared[following.pk] = prepare(following)
                    except BaseException as exc:  # noqa: BLE001 — raised once this one is settled
                        later = exc
                finish()
            except (smtplib.SMTPException, OSError, TemporaryFailure) as exc:
                permanent, reason = _describe(exc)
                count(_failed(message, reason, permanent=permanent, now=timezone.now()))
                gone = getattr(smtp.connection, "sock", None) is None  # e.g. after a 421
                if gone or not isinstance(exc, smtplib.SMTPResponseException):
                    # Refused, dropped, timed out: the next message gets a new connection.
                    _close(smtp)
                    opened = False
                if later is not None:
                    raise later from None
                continue
            _mark_accepted(message.pk)
            accepted.append(message.pk)
            if later is not None:
                raise later
    finally:
        if opened:
            _close(smtp)
        rest = [m.pk for m in messages if m.pk not in tried]
        if rest:
            _release(rest, until)
    if accepted:
        record(accepted)
        outcomes["sent"] = outcomes.get("sent", 0) + len(accepted)
    return outcomes


_LEADING_PERIOD = re.compile(rb"(?m)^\.")


def _begin(backend, message: OutgoingMessage, raw: bytes):
    """Hand ``raw`` to the server over ``backend``'s open SMTP connection up to the end of its
    data, without waiting for the answer; returns ``finish``, which waits for it and raises as
    ``smtplib.sendmail`` would (the same exceptions, so ``_describe`` reads them). The steps are
    ``sendmail``'s, split where the server works on the message. Another backend (the console,
    the test outbox) is handed the message at once."""
    from django.core.mail.message import sanitize_address

    conn = getattr(backend, "connection", None)
    if not isinstance(conn, smtplib.SMTP):
        _transmit(message, raw, connection=backend)
        return lambda: None
    encoding = settings.DEFAULT_CHARSET
    sender = sanitize_address(parseaddr(message.from_address)[1], encoding)
    recipients = [sanitize_address(a, encoding) for a in (*message.to, *message.cc)]

    def give_up(code: int) -> None:
        if code == 421:
            conn.close()
        else:
            conn.rset()

    conn.ehlo_or_helo_if_needed()
    options = [f"size={len(raw)}"] if conn.does_esmtp and conn.has_extn("size") else []
    code, reply = conn.mail(sender, options)
    if code != 250:
        give_up(code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        if code == 421:
            conn.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        conn.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = conn.docmd("data")
    if code != 354:
        give_up(code)
        raise smtplib.SMTPDataError(code, reply)
    data = _LEADING_PERIOD.sub(b"..", raw)
    conn.send(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")

    def finish() -> None:
        code, reply = conn.getreply()
        if code != 250:
            give_up(code)
            raise smtplib.SMTPDataError(code, reply)

    return finish


def _close(smtp) -> None:
    try:
        smtp.close()
    except Exception:  # noqa: BLE001 — a connection that is already gone
        log.debug("closing the SMTP connection failed", exc_info=True)


def _release(ids: list[int], until: dt.datetime) -> None:
    """Give back claimed messages this run did not try (time ran out): due again at once, the
    attempt not counted. Only rows still held by this claim."""
    try:
        OutgoingMessage.objects.filter(
            pk__in=ids, state=MessageState.SENDING, claimed_until=until
        ).update(
            state=MessageState.QUEUED,
            claimed_until=None,
            next_attempt_at=timezone.now(),
            attempts=F("attempts") - 1,
        )
    except DatabaseError:  # their lease runs out and they are taken again
        log.warning("could not release %d claimed messages", len(ids), exc_info=True)


def campaign_next_run(campaign_id: int) -> dt.datetime | None:
    """When the campaign task should run again: now if something is due, else the next retry."""
    now = timezone.now()
    rows = OutgoingMessage.objects.filter(campaign_id=campaign_id)
    if rows.filter(
        Q(state=MessageState.QUEUED, next_attempt_at__lte=now)
        | Q(state=MessageState.QUEUED, next_attempt_at__isnull=True)
        | Q(state=MessageState.SENT, recorded=False)
    ).exists():
        return now
    retry = (
        rows.filter(state=MessageState.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    stale = (
        rows.filter(state=MessageState.SENDING)
        .order_by("claimed_until")
        .values_list("claimed_until", flat=True)
        .first()
    )
    return min((t for t in (retry, stale) if t), default=None)


def campaign_progress(campaign: Campaign) -> dict:
    """Counts per state for the campaign page (one query)."""
    counts = dict(
        OutgoingMessage.objects.filter(campaign=campaign, kind=MessageKind.REQUEST)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    total = sum(counts.values())
    return {
        "total": total,
        "sent": counts.get(MessageState.SENT, 0),
        "pending": counts.get(MessageState.QUEUED, 0) + counts.get(MessageState.SENDING, 0),
        "failed": counts.get(MessageState.FAILED, 0),
        "undelivered": counts.get(MessageState.UNDELIVERED, 0),
    }


# --- the request's texts -------------------------------------------------------------------------


def request_subject(request: Request) -> str:
    return one_line(f"Zahtev za pristup informacijama od javnog značaja: {request.subject}")


def appeal_subject(request: Request) -> str:
    return one_line(f"Žalba – {request.authority.name}: {request.subject}")


# --- sweep and bounces ---------------------------------------------------------------------------


def sweep(*, now: dt.datetime | None = None, dispatch: bool = True) -> list[int]:
    """Hand out again what a lost task or a dead worker left behind (beat runs this)."""
    now = now or timezone.now()
    grace = now - dt.timedelta(seconds=60)
    due = OutgoingMessage.objects.filter(
        Q(state=MessageState.QUEUED, next_attempt_at__lte=grace)
        | Q(state=MessageState.SENDING, claimed_until__lt=now)
    )
    rows = list(due.values_list("pk", "campaign_id")[:1000])
    # Accepted by the server but their timeline step not written (the database failed just then).
    unrecorded = list(
        OutgoingMessage.objects.filter(
            state=MessageState.SENT, recorded=False, accepted_at__lte=grace
        ).values_list("pk", flat=True)[:1000]
    )
    if dispatch:
        from foia.mail.outbound.tasks import send_campaign_task, send_message_task

        for campaign_id in {c for _pk, c in rows if c}:
            send_campaign_task.delay(campaign_id)
        for pk, campaign_id in rows:
            if not campaign_id:
                send_message_task.delay(pk)
        for pk in unrecorded:
            send_message_task.delay(pk)
    return [pk for pk, _c in rows] + unrecorded


@transaction.atomic
def mark_undelivered(*, message: OutgoingMessage, reason: str, at: dt.datetime) -> bool:
    """A bounce came back for ``message`` (called by the intake): mark it undelivered, note it on
    the request and tell the assignee (or the organisation's editors) in the app.
    Idempotent: a second bounce for the same message changes nothing. Returns whether it changed."""
    from foia.notifications.models import Notification
    from foia.notifications.services import recipients, request_url
    from foia.services.audit import audit
    from foia.workspace.models import AuditAction

    updated = OutgoingMessage.objects.filter(pk=message.pk, bounced_at__isnull=True).update(
        state=MessageState.UNDELIVERED,
        bounced_at=at,
        bounce_reason=str(reason or "")[:5000],
        updated_at=timezone.now(),
    )
    if not updated:
        return False
    message = OutgoingMessage.objects.select_related("event").get(pk=message.pk)
    body = _("The message to %(to)s was returned by the mail server: %(reason)s") % {
        "to": ", ".join(message.to),
        "reason": one_line(reason, limit=300),
    }
    body += " " + _take_back_step(message, reason)
    request = Request.objects.select_related("organization", "assignee").get(pk=message.request_id)
    title = _("E-mail not delivered: %(subject)s") % {"subject": request.subject}
    Notification.objects.bulk_create(
        Notification(user=user, title=title[:300], body=body, url=request_url(request))
        for user in recipients(request)
    )
    audit(
        organization_id=request.organization_id,
        actor=None,
        action=AuditAction.DOCUMENT_ADDED,
        request=request,
        event=message.event,
        note=body,
    )
    return True


def _take_back_step(message: OutgoingMessage, reason: str) -> str:
    """A step that never reached its addressee does not count: its clock must not run from it.

    When the bounced message went to one address only, the step it recorded (the request sent, the
    appeal filed) is retracted through the transitions, with the bounce as the reason — the request
    is a draft again and can be sent to a corrected address. With several recipients one of them
    may have received it, and when later steps depend on it the timeline refuses; then the step
    stays and the people told decide. Returns the sentence saying which happened.
    """
    from foia.services.transitions import retract_event

    event = message.event
    if event is None or event.retracted_at is not None:
        return ""
    if len(message.to) + len(message.cc) > 1:
        return _("It went to several addresses: check whether the step still counts.")
    try:
        with transaction.atomic():
            retract_event(
                event=event,
                by=None,
                reason=_("E-mail returned undelivered: %(reason)s")
                % {"reason": one_line(reason, limit=300)},
            )
    except ValidationError as exc:
        return _("The step it recorded stays on the timeline: %(why)s") % {
            "why": " ".join(exc.messages)
        }
    return _("The step it recorded (%(step)s) was taken back, so no deadline runs from it.") % {
        "step": event.get_kind_display()
    }
