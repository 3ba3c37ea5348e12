"""What we receive by e-mail.

``InboundMessage.raw`` holds the bytes exactly as received (with their sha256), written in its own
transaction before anything is parsed: a message that cannot be parsed, matched or notified is
still stored and shown for review. ``dedupe_key`` (the Message-ID, else the content hash) is
unique, so the same message arriving twice — by IMAP and by pipe, or an MTA retrying — is one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foia.models import Attachment, Event, Organization, Request


class Source(models.TextChoices):
    PIPE = "pipe", _("Piped from the mail server")
    IMAP = "imap", _("IMAP mailbox")
    DEMO = "demo", _("Demo data")


class State(models.TextChoices):
    STORED = "stored", _("Stored, not yet read")
    HELD = "held", _("Waiting for review")
    MATCHED = "matched", _("Matched to a request")


class Kind(models.TextChoices):
    MESSAGE = "message", _("Message")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce (not delivered)")


class MatchMethod(models.TextChoices):
    REPLY_ADDRESS = "reply_address", _("Reply address")
    THREAD = "thread", _("Reply to a message we sent")
    REFERENCE = "reference", _("Authority's address and our reference")
    MANUAL = "manual", _("Assigned by hand")


class Classification(models.TextChoices):
    """The answer to "What is this?" — each opens the event form of that kind."""

    ANSWER = "answer", _("Answer")
    PARTIAL_ANSWER = "partial_answer", _("Partial answer")
    REFUSAL = "refusal", _("Refusal (decision)")
    EXTENSION = "extension", _("Extension notice")
    INCOMPLETE_NOTICE = "incomplete_notice", _("Incomplete-request notice")
    FEE = "fee", _("Fee")
    FORWARDED = "forwarded", _("Forwarded to another body")
    OTHER = "other", _("Other (no legal event)")


class InboundMessage(models.Model):
    raw = models.BinaryField(_("raw message"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    dedupe_key = models.CharField(max_length=250, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.STORED, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    parse_error = models.TextField(_("could not be read"), blank=True)

    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True, db_index=True)
    in_reply_to = models.TextField(_("In-Reply-To"), blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=900, blank=True)
    sent_at = models.DateTimeField(_("date (Date header)"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    quoted = models.TextField(_("quoted history"), blank=True)
    from_html = models.BooleanField(_("converted from HTML"), default=False)
    notes = models.JSONField(_("decoding notes"), default=list, blank=True)

    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("request"),
    )
    # Whose review queue a held message is in: an organisation (its reply address) or staff (None).
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    match_method = models.CharField(
        _("matched by"), max_length=15, choices=MatchMethod.choices, blank=True
    )
    sender_unknown = models.BooleanField(
        _("sender is not the authority's known address"), default=False
    )
    guesses = models.JSONField(_("best guesses"), default=list, blank=True)
    hold_reason = models.CharField(_("why held"), max_length=300, blank=True)
    bounced_message = models.ForeignKey(
        "mail_out.OutgoingMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bounces",
        verbose_name=_("message that bounced"),
    )

    classification = models.CharField(
        _("what is this?"), max_length=20, choices=Classification.choices, blank=True
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("recorded as"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["request", "received_at"], name="mail_in_request"),
            models.Index(fields=["state", "organization"], name="mail_in_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or '—'}"

    @property
    def needs_classification(self) -> bool:
        return self.state == State.MATCHED and self.kind == Kind.MESSAGE and not self.classification


def inbound_attachment_path(instance: InboundAttachment, filename: str) -> str:
    # The storage key never contains the sender's file name: only ids and a hash.
    return f"mail/in/{instance.message_id}/{instance.storage_key}"


class InboundAttachment(models.Model):
    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    position = models.PositiveSmallIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=255)
    storage_key = models.CharField(max_length=100)
    file = models.FileField(_("file"), upload_to=inbound_attachment_path, blank=True)
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    origin = models.CharField(max_length=10, default="part")  # part | rfc822 | tnef
    # Why it failed the upload checks; then it stays only in the raw message.
    rejected = models.CharField(_("not accepted"), max_length=300, blank=True)
    document = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked document"),
    )

    class Meta:
        verbose_name = _("attachment of an incoming message")
        verbose_name_plural = _("attachments of incoming messages")
        ordering = ["message", "position"]

    def __str__(self) -> str:
        return self.original_name
