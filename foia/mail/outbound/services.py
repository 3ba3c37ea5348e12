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

Limit, stated honestly: if a worker dies after the server accepted the message and before step 4
commits (a window of milliseconds), the lease hands the message to another worker, which sends the
same bytes again — with the same Message-ID, which receiving servers and our intake deduplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage as MIMEEmailMessage
from email.utils import format_datetime, formataddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.mail.addresses import APPEAL_THREAD, REQUEST_THREAD, thread_address
from foia.mail.outbound.models import MessageKind, MessageState, OutgoingMessage
from foia.models import (
    Attachment,
    Campaign,
    Channel,
    EventKind,
    Request,
    RequestStatus,
)
from foia.services.transitions import Proposed, record_event, validate_event

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
    for attachment in message.attachments.order_by("pk"):
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
        self._parsed = message_from_bytes(raw)

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


def _transmit(message: OutgoingMessage, raw: bytes) -> None:
    """Hand ``raw`` to the configured backend; returns when the server accepted it."""
    from email.utils import parseaddr

    recipients = [*message.to, *message.cc]
    envelope_from = parseaddr(message.from_address)[1]
    connection = get_connection(fail_silently=False)
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
    accepted_at = timezone.now()
    # The server took it. Say so first, in one statement of its own: the shorter the time between
    # the server's "250 OK" and this commit, the smaller the window for a second sending.
    OutgoingMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.SENT,
        accepted_at=accepted_at,
        next_attempt_at=None,
        claimed_until=None,
        last_error="",
        updated_at=accepted_at,
    )
    return record_accepted(message.pk)


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


@dataclass
class CampaignQueued:
    queued: list[OutgoingMessage]
    skipped: dict[int, str]


@transaction.atomic
def campaign_send(*, campaign: Campaign, user: AbstractBaseUser) -> CampaignQueued:
    """Queue every draft of the campaign to its authority's address; sent on the worker at
    ``MAIL_SEND_RATE``. Safe to repeat: each request's key is fixed, so nothing is queued twice."""
    from foia.workspace.documents import Options, build, to_text

    queued: list[OutgoingMessage] = []
    skipped: dict[int, str] = {}
    drafts = (
        campaign.requests.filter(status=RequestStatus.DRAFT)
        .select_related("authority", "organization")
        .order_by("pk")
    )
    for request in drafts:
        if not request.authority.email:
            skipped[request.pk] = _("%(authority)s has no e-mail address.") % {
                "authority": request.authority.name
            }
            continue
        key = f"campaign-{campaign.pk}-request-{request.pk}"
        if OutgoingMessage.objects.filter(idempotency_key=key).exists():
            queued.append(OutgoingMessage.objects.get(idempotency_key=key))
            continue
        document = build("request", request, today=timezone.localdate(), options=Options())
        try:
            queued.append(
                message_queue(
                    request=request,
                    user=user,
                    kind=MessageKind.REQUEST,
                    to=[request.authority.email],
                    subject=request_subject(request),
                    body=to_text(document),
                    idempotency_key=key,
                    include_form_pdf=True,
                    event_values={"kind": EventKind.SENT},
                    campaign=campaign,
                )
            )
        except ValidationError as exc:
            skipped[request.pk] = " ".join(exc.messages)
    if queued:
        enqueue_campaign(campaign.pk)
    return CampaignQueued(queued, skipped)


def enqueue_campaign(campaign_id: int, *, eta: dt.datetime | None = None) -> None:
    from foia.mail.outbound.tasks import send_campaign_task

    transaction.on_commit(lambda: send_campaign_task.apply_async((campaign_id,), eta=eta))


def campaign_deliver(
    campaign_id: int, *, budget_seconds: float | None = None, sleep=time.sleep
) -> dict:
    """Send the campaign's due messages one by one at ``MAIL_SEND_RATE``, for at most
    ``budget_seconds`` (under the task time limit); what is left is handed to the next run.
    Each message is claimed on its own, so a crash resumes without duplicates."""
    # Half the soft time limit: one slow message (a PDF, a busy database) must not reach it.
    budget = (
        budget_seconds
        if budget_seconds is not None
        else max(settings.CELERY_TASK_SOFT_TIME_LIMIT / 2, 5)
    )
    interval = 1.0 / settings.MAIL_SEND_RATE if settings.MAIL_SEND_RATE > 0 else 0.0
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    last_send = None
    while time.monotonic() - started < budget:
        now = timezone.now()
        pending = OutgoingMessage.objects.filter(campaign_id=campaign_id).filter(
            Q(state=MessageState.QUEUED, next_attempt_at__lte=now)
            | Q(state=MessageState.QUEUED, next_attempt_at__isnull=True)
            | Q(state=MessageState.SENDING, claimed_until__lt=now)
            | Q(state=MessageState.SENT, recorded=False)
        )
        message_id = pending.order_by("pk").values_list("pk", flat=True).first()
        if message_id is None:
            break
        if last_send is not None and interval:
            wait = interval - (time.monotonic() - last_send)
            if wait > 0:
                sleep(wait)
        last_send = time.monotonic()
        outcome = deliver(message_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


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
