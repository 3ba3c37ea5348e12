"""Reads of incoming mail for the workspace: who may see which message, the review queue, a
request's messages, and the redacted text a published message shows."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from foia.mail.inbound.models import InboundMessage, Kind, State
from foia.models import Request
from foia.workspace import access

REDACTED = "[…]"


def _edit_org_ids(user) -> list[int]:
    return [o.pk for o in access.organizations(user, edit=True)]


def review_queue(user) -> QuerySet[InboundMessage]:
    """Held messages this user must review: their organisations' (as editor or owner), and the
    unrouted ones for staff."""
    condition = Q(organization_id__in=_edit_org_ids(user))
    if user.is_staff:
        condition |= Q(organization=None)
    return (
        InboundMessage.objects.filter(condition, state=State.HELD)
        .defer("raw")
        .order_by("received_at", "pk")
    )


def to_classify(user) -> QuerySet[InboundMessage]:
    """Replies matched to the user's organisations' requests that nobody has classified yet."""
    return (
        InboundMessage.objects.filter(
            state=State.MATCHED,
            kind=Kind.MESSAGE,
            classification="",
            request__organization_id__in=list(access.memberships(user)),
        )
        .defer("raw")
        .select_related("request__authority", "request__assignee")
        .order_by("received_at", "pk")
    )


def unclassified_replies(requests: QuerySet[Request]) -> QuerySet[InboundMessage]:
    """The board's "Replies to classify": one query, whatever the number of requests."""
    return (
        InboundMessage.objects.filter(
            request__in=requests, state=State.MATCHED, kind=Kind.MESSAGE, classification=""
        )
        .defer("raw", "text", "quoted")
        .select_related("request__authority", "request__assignee", "request__campaign")
        .order_by("received_at", "pk")
    )


def get_message(user, pk: int, *, edit: bool = False) -> InboundMessage:
    """A message the user may see (404 otherwise); ``edit`` also requires the right to act."""
    try:
        number = int(str(pk))
    except ValueError:
        raise Http404(_("Not found.")) from None
    if not 0 < number < 2**63:
        raise Http404(_("Not found."))
    try:
        message = (
            InboundMessage.objects.select_related("request__authority").defer("raw").get(pk=number)
        )
    except InboundMessage.DoesNotExist:
        raise Http404(_("Not found.")) from None
    if message.request_id:
        access.get_request(user, message.request_id, edit=edit)
        return message
    if message.organization_id:
        if message.organization_id in _edit_org_ids(user):
            return message
        raise Http404(_("Not found."))
    if user.is_staff:
        return message
    raise Http404(_("Not found."))


def assignable_request(user, message: InboundMessage, request_id: int) -> Request:
    """The request a reviewer may file the message under."""
    if user.is_staff and message.organization_id is None:
        try:
            return Request.objects.select_related("authority").get(pk=request_id)
        except (Request.DoesNotExist, ValueError, OverflowError):
            raise Http404(_("Not found.")) from None
    request = access.get_request(user, request_id, edit=True)
    if message.organization_id and request.organization_id != message.organization_id:
        raise PermissionDenied(_("That request belongs to another organization."))
    return request


def guesses(message: InboundMessage) -> list[dict]:
    ids = [g["request"] for g in message.guesses if isinstance(g, dict)]
    found = Request.objects.filter(pk__in=ids).select_related("authority").in_bulk()
    return [
        {"request": found[g["request"]], "why": g.get("why", "")}
        for g in message.guesses
        if isinstance(g, dict) and g.get("request") in found
    ]


def request_messages(request: Request) -> list[InboundMessage]:
    return list(
        InboundMessage.objects.filter(request=request)
        .defer("raw")
        .prefetch_related("attachments")
        .order_by("received_at", "pk")
    )


# --- redaction ------------------------------------------------------------------------------------


def _reply_address_pattern() -> re.Pattern:
    domain = re.escape(settings.MAIL_DOMAIN)
    return re.compile(r"[a-z0-9._%+-]+@" + domain, re.IGNORECASE)


def redact(text: str, request: Request | None) -> str:
    """The text with the requester's name, address, phone and e-mail, and every address on our
    mail domain (the reply addresses), replaced by "[…]" — wherever they appear."""
    if not text:
        return text
    text = _reply_address_pattern().sub(REDACTED, text)
    if request is None:
        return text
    for value in (
        request.requester_email,
        request.requester_phone,
        request.requester_address,
        request.requester_name,
    ):
        value = (value or "").strip()
        if len(value) < 3:
            continue
        text = re.sub(re.escape(value), REDACTED, text, flags=re.IGNORECASE)
        if value == request.requester_phone:
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 6:
                # The same number written with other spacing: match the digits in order.
                loose = r"\+?" + r"[\s./()-]*".join(re.escape(d) for d in digits.lstrip("0"))
                text = re.sub(r"0?" + loose, REDACTED, text)
        if value == request.requester_name:
            for part in value.split():
                if len(part) >= 4:
                    text = re.sub(_letters_around(part), REDACTED, text, flags=re.IGNORECASE)
        if value == request.requester_address:
            # "Ulica 1, Beograd" is also written "Beograd, Ulica 1": the street and number alone.
            for part in re.split(r"[,;\n]+", value):
                part = part.strip()
                if len(part) >= 4 and re.search(r"\d", part):
                    text = re.sub(_letters_around(part), REDACTED, text, flags=re.IGNORECASE)
    return text


def _letters_around(value: str) -> str:
    """``value`` not inside a longer word (a letter on neither side; "_" and digits may be)."""
    return r"(?<![^\W\d_])" + re.escape(value) + r"(?![^\W\d_])"


def public_view(message: InboundMessage) -> dict:
    """What a published message shows: no raw message, no addresses, redacted everywhere."""
    request = message.request
    return {
        "sender": redact(message.from_name or "", request) or _("the authority"),
        "sent_at": message.sent_at,
        "received_at": message.received_at,
        "subject": redact(message.subject, request),
        "text": redact(message.text, request),
        "quoted": redact(message.quoted, request),
        "attachments": [
            redact(a.original_name, request) for a in message.attachments.all() if not a.rejected
        ],
    }


def public_messages(request: Request) -> list[dict]:
    """The published messages of a request, redacted (for the public request page)."""
    messages = (
        InboundMessage.objects.filter(request=request, is_public=True, kind=Kind.MESSAGE)
        .defer("raw")
        .select_related("request")
        .prefetch_related("attachments")
        .order_by("received_at", "pk")
    )
    return [public_view(m) for m in messages]
