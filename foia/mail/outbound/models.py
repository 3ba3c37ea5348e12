"""What we send by e-mail, and the proof of it.

One row per message. ``raw`` holds exactly the bytes handed to the SMTP server (composed once, on
the first attempt, and reused by every retry so a retry sends the same message with the same
Message-ID); ``accepted_at`` is when the server accepted them, and the SENT (or appeal/urgency)
event is recorded with that time by the send itself — never before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foia.models import Attachment, Campaign, Event, Request


class Thread(models.TextChoices):
    """Which reply address the message carries (see foia.mail.addresses)."""

    REQUEST = "request", _("Request thread")
    APPEAL = "appeal", _("Appeal thread")


class MessageKind(models.TextChoices):
    REQUEST = "request", _("Request")
    APPEAL = "appeal", _("Appeal to the Commissioner")
    URGENCY = "urgency", _("Urgency to the Commissioner")
    REPEAT = "repeat", _("Repeated request")
    MESSAGE = "message", _("Message in the thread")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Not sent yet")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNDELIVERED = "undelivered", _("Undelivered (bounced)")


class OutgoingMessage(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="outgoing_messages")
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        help_text=_("Set when the message was sent as part of a campaign's sending."),
    )
    thread = models.CharField(
        _("thread"), max_length=10, choices=Thread.choices, default=Thread.REQUEST
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    from_address = models.CharField(_("from"), max_length=400)
    reply_to = models.CharField(_("reply-to"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    include_form_pdf = models.BooleanField(_("attach the official form (PDF)"), default=False)
    attachments = models.ManyToManyField(
        Attachment, blank=True, related_name="+", verbose_name=_("attachments")
    )
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=250, blank=True)
    references = models.TextField(_("References"), blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)

    state = models.CharField(
        _("state"),
        max_length=12,
        choices=MessageState.choices,
        default=MessageState.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker holds the message until then; a killed worker's claim is taken over after it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted by the mail server at"), null=True, blank=True)
    # The timeline step of an accepted message has been written (or refused, see last_error).
    recorded = models.BooleanField(default=False)
    raw = models.BinaryField(_("raw message"), null=True, blank=True, editable=False)
    raw_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # The timeline event the accepted message records (kind and fields for record_event), checked
    # when the message is queued; empty for messages that are not a legal step.
    event_values = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("event"),
    )
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.TextField(_("bounce reason"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_out_due")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state in (MessageState.QUEUED, MessageState.SENDING)


class SendingState(models.TextChoices):
    QUEUEING = "queueing", _("Preparing the messages")
    DONE = "done", _("Messages prepared")


class CampaignSending(models.Model):
    """A campaign's "Send all drafts by e-mail": asked for on the page, its messages queued on the
    worker (``services.campaign_prepare``), with the drafts that could not be queued and why."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="mail_sending"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SendingState.choices, default=SendingState.QUEUEING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked for at"))
    finished_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    # Messages of the campaign's drafts found or queued by the last preparation.
    queued = models.PositiveIntegerField(default=0)
    # {request id: why its draft was not queued (no address, already being sent, …)}
    skipped = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("campaign sending")
        verbose_name_plural = _("campaign sendings")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.get_state_display()}"
