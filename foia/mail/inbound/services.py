"""Receiving a message: store it, read it, match it (or hold it for review), tell who must know.

The one write path for incoming mail: ``receive_mail`` (pipe), the IMAP fetch, the demo and the
workspace's review queue all call these functions.

1. **Store** — the raw bytes and their sha256 in their own transaction, before anything is parsed.
   The de-duplication key (the Message-ID read from the header block, else the hash) is unique, so
   a second arrival is reported as a duplicate and stored once. A message stored by a run that died
   before reading it is read by the next arrival of the same message (or ``message_process``).
2. **Parse** (``foia.mail.inbound.parse``) — a failure leaves the message stored, held and shown.
3. **Match** — see ``match()``; bounces are tied to the message we sent.
4. **Consequences**, in this order, in the same transaction: attachments checked and stored, the
   row saved, the assignee notified (in the app, and by e-mail after commit), the webhook emitted.
   Nothing here records a legal event: a message never changes a status or stops a clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.mail.addresses import APPEAL_THREAD, parse_reply_address
from foia.mail.inbound.models import (
    Classification,
    InboundAttachment,
    InboundMessage,
    Kind,
    MatchMethod,
    State,
)
from foia.mail.inbound.parse import ParsedMessage, header_message_id, parse
from foia.mail.outbound.models import OutgoingMessage
from foia.models import (
    AnswerKind,
    Attachment,
    Channel,
    Event,
    EventKind,
    Membership,
    Request,
    Role,
)
from foia.services.uploads import check_upload
from foia.webhooks.services import emit

logger = logging.getLogger(__name__)

GUESSES_SHOWN = 5
PROCESSED_FIELDS = [
    f.name
    for f in InboundMessage._meta.concrete_fields
    if f.name not in ("id", "raw", "sha256", "size", "dedupe_key", "source", "received_at")
]


@dataclass
class Outcome:
    message: InboundMessage
    verdict: str  # "matched" | "held" | "duplicate"
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        """The line ``receive_mail`` prints for this message."""
        m = self.message
        where = f"request #{m.request_id}" if m.request_id else (m.hold_reason or "review queue")
        extra = f" [{m.get_kind_display()}]" if m.kind != Kind.MESSAGE else ""
        return f"{self.verdict} {m.pk} {m.message_id or m.sha256[:16]} → {where}{extra}"


# --- 1. store -------------------------------------------------------------------------------------


def dedupe_key(raw: bytes, sha: str) -> str:
    message_id = header_message_id(raw)
    if not message_id:
        return f"sha:{sha}"
    if len(message_id) > 240:
        return "mid-sha:" + hashlib.sha256(message_id.encode()).hexdigest()
    return f"mid:{message_id}"


def message_store(
    *, raw: bytes, source: str, now: dt.datetime | None = None
) -> tuple[InboundMessage, bool]:
    """(message, created). Commits the raw bytes before anything reads them."""
    sha = hashlib.sha256(raw).hexdigest()
    key = dedupe_key(raw, sha)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                raw=raw,
                sha256=sha,
                size=len(raw),
                dedupe_key=key,
                source=source,
                received_at=now or timezone.now(),
            )
        return message, True
    except IntegrityError:
        return InboundMessage.objects.get(dedupe_key=key), False


def message_receive(*, raw: bytes, source: str, now: dt.datetime | None = None) -> Outcome:
    """Store, read and match one message. Raises only when it could not be stored."""
    started = time.perf_counter()
    message, created = message_store(raw=raw, source=source, now=now)
    stored = time.perf_counter()
    if not created and message.state != State.STORED:
        return Outcome(message, "duplicate", {"store": stored - started})
    try:
        timings = message_process(message=message)
    except Exception as exc:  # stored all the same: held, and read again by the next sweep
        logger.exception("incoming message %s stored but not processed", message.pk)
        InboundMessage.objects.filter(pk=message.pk).update(
            hold_reason=_("Stored; reading it failed (%(error)s) and will be retried.")
            % {"error": type(exc).__name__}
        )
        message.refresh_from_db()
        return Outcome(message, "held", {"store": stored - started})
    timings["store"] = stored - started
    verdict = "matched" if message.state == State.MATCHED else "held"
    return Outcome(message, verdict, timings)


# --- 2. parse and 3. match ------------------------------------------------------------------------


@dataclass
class Match:
    request: Request | None = None
    method: str = ""
    organization_id: int | None = None
    guesses: list[dict] = field(default_factory=list)
    hold_reason: str = ""
    bounced: OutgoingMessage | None = None


def _guess(request: Request, why: str) -> dict:
    return {"request": request.pk, "why": why}


def _by_reply_address(parsed: ParsedMessage) -> Match | None:
    ids: dict[int, str] = {}
    for address in parsed.recipient_addresses:
        found = parse_reply_address(address)
        if found:
            ids.setdefault(found[0], found[1])
    if not ids:
        return None
    requests = list(
        Request.objects.filter(pk__in=list(ids)).select_related("authority", "assignee")
    )
    if len(requests) == 1:
        return Match(request=requests[0], method=MatchMethod.REPLY_ADDRESS)
    if not requests:
        return Match(hold_reason=_("Sent to a reply address of a request that no longer exists."))
    organizations = {r.organization_id for r in requests}
    return Match(
        organization_id=organizations.pop() if len(organizations) == 1 else None,
        guesses=[_guess(r, _("its reply address is among the recipients")) for r in requests],
        hold_reason=_("Sent to the reply addresses of several requests."),
    )


def _by_thread(message_ids: list[str]) -> Match | None:
    if not message_ids:
        return None
    sent = list(
        OutgoingMessage.objects.filter(message_id__in=message_ids).select_related(
            "request__authority", "request__assignee"
        )
    )
    requests = {m.request_id: m.request for m in sent}
    if len(requests) == 1:
        return Match(request=sent[0].request, method=MatchMethod.THREAD)
    if len(requests) > 1:
        return Match(
            guesses=[_guess(r, _("it answers a message we sent")) for r in requests.values()],
            hold_reason=_("It answers messages of several requests."),
        )
    return None


def _by_reference(parsed: ParsedMessage) -> Match | None:
    if not parsed.from_address:
        return None
    subject = parsed.subject.casefold()
    candidates = [
        r
        for r in Request.objects.filter(authority__email__iexact=parsed.from_address)
        .exclude(our_reference="")
        .select_related("authority", "assignee")
        if r.our_reference.casefold() in subject
    ]
    if len(candidates) == 1:
        return Match(request=candidates[0], method=MatchMethod.REFERENCE)
    if candidates:
        return Match(
            guesses=[_guess(r, _("our reference is in the subject")) for r in candidates],
            hold_reason=_("Our references of several requests are in the subject."),
        )
    return None


def _sender_guesses(parsed: ParsedMessage) -> list[dict]:
    """Requests to the authority that wrote (by address, then by its domain), latest first."""
    sender = parsed.from_address
    if not sender or "@" not in sender:
        return []
    domain = sender.rpartition("@")[2]
    requests = (
        Request.objects.filter(
            Q(authority__email__iexact=sender) | Q(authority__email__iendswith="@" + domain)
        )
        .exclude(sent_on=None)
        .order_by("-sent_on", "-pk")[:GUESSES_SHOWN]
    )
    return [
        _guess(
            r,
            _("sent to this authority on %(date)s") % {"date": r.sent_on.strftime("%d.%m.%Y")},
        )
        for r in requests
    ]


def match(parsed: ParsedMessage) -> Match:
    """Which request a message belongs to, in the issue's order:

    1. one of our reply addresses among To, Cc, Delivered-To, X-Original-To, Received "for";
    2. In-Reply-To / References naming a message we sent;
    3. the authority's known address as sender and our reference in the subject.
    A bounce is first tied to the message that bounced. Anything else is held, with guesses.
    """
    if parsed.is_bounce and parsed.bounced_message_ids:
        sent = (
            OutgoingMessage.objects.filter(message_id__in=parsed.bounced_message_ids)
            .select_related("request__authority", "request__assignee")
            .first()
        )
        if sent is not None:
            return Match(request=sent.request, method=MatchMethod.THREAD, bounced=sent)
    for step in (
        lambda: _by_reply_address(parsed),
        lambda: _by_thread([*parsed.in_reply_to, *parsed.references]),
        lambda: _by_reference(parsed),
    ):
        found = step()
        if found is not None:
            if found.request is None and not found.guesses:
                found.guesses = _sender_guesses(parsed)
            return found
    return Match(
        guesses=_sender_guesses(parsed),
        hold_reason=_("No reply address, thread or reference of ours."),
    )


def _known_senders(request: Request, parsed: ParsedMessage) -> set[str]:
    known = {(request.authority.email or "").lower()}
    for address in parsed.recipient_addresses:
        found = parse_reply_address(address)
        if found and found[1] == APPEAL_THREAD:
            known.add(settings.COMMISSIONER_EMAIL.lower())
    return known - {""}


def _store_attachments(message: InboundMessage, parsed: ParsedMessage) -> list[InboundAttachment]:
    rows = []
    for position, item in enumerate(parsed.attachments):
        sha = hashlib.sha256(item.data).hexdigest()
        row = InboundAttachment(
            message=message,
            position=position,
            original_name=item.name[:255],
            declared_type=item.content_type[:100],
            size=len(item.data),
            sha256=sha,
            origin=item.origin,
        )
        try:
            row.content_type = check_upload(SimpleUploadedFile(item.name, item.data))
        except ValidationError as exc:
            row.rejected = " ".join(exc.messages)[:300]
            row.storage_key = f"{position:02d}-{sha[:16]}"
        else:
            ext = ".eml" if item.origin == "rfc822" else mimetypes.guess_extension(row.content_type)
            row.storage_key = f"{position:02d}-{sha[:16]}{ext or '.bin'}"
            row.file.save(row.storage_key, ContentFile(item.data), save=False)
        rows.append(row)
    return rows


def process_stored(*, older_than_seconds: int = 60) -> int:
    """Read the messages stored by a run that died before reading them. Returns how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    done = 0
    for message in InboundMessage.objects.filter(state=State.STORED, received_at__lt=cutoff):
        message_process(message=message)
        done += 1
    return done


def message_process(*, message: InboundMessage) -> dict[str, float]:
    """Read and match a stored message. Always leaves it HELD or MATCHED; never raises for a
    message it cannot read (that is shown in the review queue with the reason)."""
    started = time.perf_counter()
    try:
        parsed = parse(bytes(message.raw))
    except Exception as exc:  # noqa: BLE001 - any failure to read is a message to review
        logger.warning("could not parse incoming message %s", message.pk, exc_info=True)
        InboundMessage.objects.filter(pk=message.pk, state=State.STORED).update(
            state=State.HELD,
            parse_error=f"{type(exc).__name__}: {exc}"[:2000],
            hold_reason=_("The message could not be read; its raw text is kept."),
        )
        message.refresh_from_db()
        return {"parse": time.perf_counter() - started, "match": 0.0}
    parsed_at = time.perf_counter()
    written: list[InboundAttachment] = []
    try:
        with transaction.atomic():
            # The same message read at once by the pipe and by IMAP: the first to lock it files
            # it; the other finds it no longer STORED and leaves it alone.
            current = (
                InboundMessage.objects.select_for_update().filter(pk=message.pk).values("state")
            )
            if [row["state"] for row in current] != [State.STORED]:
                message.refresh_from_db()
                return {"parse": parsed_at - started, "match": 0.0}
            found = match(parsed)
            _fill(message, parsed, found)
            written = _store_attachments(message, parsed)
            InboundAttachment.objects.bulk_create(written)
            message._attachment_count = len(written)
            # Never rewrite the raw bytes: they were committed once, by message_store.
            message.save(update_fields=PROCESSED_FIELDS)
            _after_receipt(message, found)
    except Exception:
        for row in written:
            if row.file:
                row.file.delete(save=False)
        raise
    return {"parse": parsed_at - started, "match": time.perf_counter() - parsed_at}


def _fill(message: InboundMessage, parsed: ParsedMessage, found: Match) -> None:
    message.message_id = parsed.message_id[:250]
    message.in_reply_to = " ".join(parsed.in_reply_to)
    message.references = " ".join(parsed.references)
    message.from_address = parsed.from_address[:320]
    message.from_name = parsed.from_name
    message.recipients = parsed.recipient_addresses[:50]
    message.subject = parsed.subject
    message.sent_at = parsed.date
    message.text = parsed.text
    message.quoted = parsed.quoted
    message.from_html = parsed.from_html
    message.notes = [*parsed.charset_notes, *parsed.defects][:30]
    message.kind = (
        Kind.BOUNCE
        if parsed.is_bounce
        else Kind.AUTO_REPLY
        if parsed.is_auto_reply
        else Kind.MESSAGE
    )
    message.guesses = found.guesses
    message.bounced_message = found.bounced
    if found.request is not None:
        message.state = State.MATCHED
        message.request = found.request
        message.organization_id = found.request.organization_id
        message.match_method = found.method
        message.hold_reason = ""
        message.sender_unknown = message.kind == Kind.MESSAGE and (
            parsed.from_address.lower() not in _known_senders(found.request, parsed)
        )
    else:
        message.state = State.HELD
        message.organization_id = found.organization_id
        message.hold_reason = found.hold_reason[:300]


# --- 4. consequences ------------------------------------------------------------------------------


def _request_people(request: Request) -> list:
    from foia.notifications.services import recipients

    return recipients(request)


def _notify(users, *, title: str, body: str, url: str) -> None:
    """In the app now, by e-mail once the transaction has committed."""
    from foia.notifications.models import Notification

    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, title=title[:300], body=body, url=url[:300]) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if not emails:
        return

    def send() -> None:
        try:
            send_mail(
                title[:200],
                f"{body}\n\n{settings.SITE_URL.rstrip('/')}{url}",
                None,
                emails,
            )
        except Exception:  # the in-app notification is there; the daily note repeats it
            logger.warning("could not e-mail the notice of an incoming message", exc_info=True)

    transaction.on_commit(send)


def message_url(message: InboundMessage) -> str:
    return reverse("mail_in:message", args=[message.pk])


def _after_receipt(message: InboundMessage, found: Match) -> None:
    request = message.request
    if request is None:
        return
    if message.kind == Kind.BOUNCE and found.bounced is not None:
        _mark_undelivered(found.bounced, message)
        _notify(
            _request_people(request),
            title=_("Not delivered: #%(id)s %(subject)s")
            % {"id": request.pk, "subject": request.subject},
            body=_("The message sent to %(to)s bounced: %(reason)s")
            % {"to": ", ".join(found.bounced.to), "reason": message.text[:300]},
            url=message_url(message),
        )
    elif message.kind == Kind.MESSAGE:
        _notify(
            _request_people(request),
            title=_("Reply received: #%(id)s %(subject)s")
            % {"id": request.pk, "subject": request.subject},
            body=_("%(sender)s wrote: %(subject)s. Open it and answer “What is this?”.")
            % {"sender": message.from_address, "subject": message.subject},
            url=message_url(message),
        )
    _emit_webhook(message)


def _mark_undelivered(sent: OutgoingMessage, bounce: InboundMessage) -> None:
    """The sending is marked undelivered (mailout's service when it is there)."""
    try:
        from foia.mail.outbound.services import mark_undelivered
    except ImportError:
        mark_undelivered = None
    reason = (bounce.text or bounce.subject)[:500]
    if mark_undelivered is not None:
        mark_undelivered(message=sent, reason=reason, at=bounce.received_at)
        return
    from foia.mail.outbound.models import MessageState

    OutgoingMessage.objects.filter(pk=sent.pk).update(
        state=MessageState.UNDELIVERED, bounced_at=bounce.received_at, bounce_reason=reason
    )


def _attachment_count(message: InboundMessage) -> int:
    counted = getattr(message, "_attachment_count", None)
    return counted if counted is not None else message.attachments.count()


def _emit_webhook(message: InboundMessage) -> None:
    """``message.received`` to the organisation's own endpoints, in this transaction."""
    emit(
        organization_id=message.request.organization_id,
        kind="message.received",
        key=f"mail_in:{message.pk}",
        data={
            "request": message.request_id,
            "message": message.pk,
            "kind": message.kind,
            "received_at": message.received_at,
            "subject": message.subject,
            "attachments": _attachment_count(message),
        },
    )


# --- the review queue -----------------------------------------------------------------------------


def reviewers(message: InboundMessage) -> list:
    """Who must look at a held message: its organisation's owners and editors, else staff."""
    if message.organization_id:
        return [
            m.user
            for m in Membership.objects.filter(
                organization_id=message.organization_id,
                role__in=[Role.OWNER, Role.EDITOR],
                user__is_active=True,
            ).select_related("user")
        ]
    return list(get_user_model().objects.filter(is_staff=True, is_active=True))


@transaction.atomic
def message_assign(*, message: InboundMessage, request: Request, user) -> InboundMessage:
    """One click in the review queue: the message belongs to this request."""
    message = InboundMessage.objects.select_for_update().defer("raw").get(pk=message.pk)
    message.request = request
    message.organization_id = request.organization_id
    message.state = State.MATCHED
    message.match_method = MatchMethod.MANUAL
    message.hold_reason = ""
    message.handled_by = user
    message.handled_at = timezone.now()
    message.sender_unknown = message.kind == Kind.MESSAGE and (
        message.from_address.lower() != (request.authority.email or "").lower()
    )
    message.save(update_fields=PROCESSED_FIELDS)
    _after_receipt(message, Match(request=request, method=MatchMethod.MANUAL))
    return message


# --- "What is this?" ------------------------------------------------------------------------------

EVENT_FOR = {
    Classification.ANSWER: (EventKind.ANSWER, {"answer_kind": AnswerKind.FULL}),
    Classification.PARTIAL_ANSWER: (EventKind.ANSWER, {"answer_kind": AnswerKind.PARTIAL}),
    Classification.REFUSAL: (EventKind.REFUSAL, {}),
    Classification.EXTENSION: (EventKind.EXTENSION, {}),
    Classification.INCOMPLETE_NOTICE: (EventKind.INCOMPLETE_NOTICE, {}),
    Classification.FEE: (EventKind.FEE_DEMANDED, {}),
    Classification.FORWARDED: (EventKind.ANSWER, {"answer_kind": AnswerKind.NOT_HELD}),
}


def classification_for_event(kind: str, answer_kind: str = "") -> str:
    for classification, (event_kind, extra) in EVENT_FOR.items():
        if event_kind == kind and extra.get("answer_kind", answer_kind) == answer_kind:
            return classification
    return Classification.OTHER


def event_prefill(message: InboundMessage, classification: str) -> dict:
    """The event form's initial values from the message: the authority's date (Date header),
    our receipt date, channel e-mail, the text."""
    received_on = timezone.localdate(message.received_at)
    sent_on = timezone.localdate(message.sent_at) if message.sent_at else received_on
    sent_on = min(sent_on, received_on)
    _kind, extra = EVENT_FOR[classification]
    # An event's text can be public: prefill it already redacted (requester's data, reply addresses).
    from foia.mail.inbound.selectors import redact

    text = redact(message.text, message.request)
    return {
        "occurred_on": sent_on,
        "received_on": received_on,
        "channel": Channel.EMAIL,
        "text": text[:5000],
        "reason": text[:2000],
        **extra,
    }


@transaction.atomic
def message_classify_other(*, message: InboundMessage, user) -> None:
    """ "Other": read and filed, no legal event."""
    InboundMessage.objects.filter(pk=message.pk).update(
        classification=Classification.OTHER, handled_by=user, handled_at=timezone.now()
    )


@transaction.atomic
def message_link_event(*, message: InboundMessage, event: Event, user) -> list[Attachment]:
    """After the event was recorded through the transitions: the message is classified and its
    accepted attachments become the event's documents (private, like every upload)."""
    documents = []
    for item in message.attachments.filter(rejected="", document=None):
        document = Attachment(
            request_id=event.request_id,
            event=event,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=user,
        )
        with item.file.open("rb") as handle:
            document.file.save(item.original_name, ContentFile(handle.read()), save=False)
        document.save()
        item.document = document
        item.save(update_fields=["document"])
        documents.append(document)
    InboundMessage.objects.filter(pk=message.pk).update(
        classification=classification_for_event(event.kind, event.answer_kind or ""),
        event=event,
        handled_by=user,
        handled_at=timezone.now(),
    )
    return documents


# --- publishing ----------------------------------------------------------------------------------


@transaction.atomic
def message_set_public(*, message: InboundMessage, public: bool, user) -> None:
    InboundMessage.objects.filter(pk=message.pk).update(is_public=public)


# --- the daily note --------------------------------------------------------------------------------


def waiting_counts() -> dict[int, dict[str, int]]:
    """{user id: {"review": n, "classify": n}} for everyone with received mail waiting."""
    counts: dict[int, dict[str, int]] = {}
    held = InboundMessage.objects.filter(state=State.HELD)
    by_org: dict[int | None, int] = {}
    for org_id in held.values_list("organization_id", flat=True):
        by_org[org_id] = by_org.get(org_id, 0) + 1
    for org_id, n in by_org.items():
        probe = InboundMessage(organization_id=org_id)
        for user in reviewers(probe):
            counts.setdefault(user.pk, {"review": 0, "classify": 0})["review"] += n
    unclassified = InboundMessage.objects.filter(
        state=State.MATCHED, kind=Kind.MESSAGE, classification=""
    ).select_related("request__assignee")
    for message in unclassified:
        for user in _request_people(message.request):
            counts.setdefault(user.pk, {"review": 0, "classify": 0})["classify"] += 1
    return counts


def send_waiting_note() -> int:
    """One in-app notice and one e-mail per person with mail waiting. Returns how many."""
    counts = waiting_counts()
    users = get_user_model().objects.in_bulk(list(counts))
    for user_id, n in counts.items():
        user = users[user_id]
        _notify(
            [user],
            title=_("Received mail is waiting: %(review)s to review, %(classify)s to classify") % n,
            body=_(
                "Messages in the review queue have not been assigned to a request, and replies "
                "on requests have not been classified yet (“What is this?”)."
            ),
            url=reverse("mail_in:queue"),
        )
    return len(counts)
