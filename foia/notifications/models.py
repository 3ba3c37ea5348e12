"""Reminders before legal deadlines, their deliveries, and in-app notifications.

Exactly once: one Reminder row per (deadline, lead time, send time) and one Delivery row per (reminder,
recipient, channel), both under unique constraints; a reminder is claimed by a conditional UPDATE
with a lease before anything is sent (see foia.notifications.services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foia.models import Deadline, DeadlineKind, Organization

# Days before the last day: 7, 3, 1, on the day (0), and when missed (-1: the day after).
DEFAULT_LEAD_DAYS = [7, 3, 1, 0, -1]
MISSED = -1


def default_lead_days() -> list[int]:
    return list(DEFAULT_LEAD_DAYS)


class ReminderPolicy(models.Model):
    """An organisation's lead times; without a row the defaults apply."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reminder_policy"
    )
    lead_days = models.JSONField(
        _("lead times (days before the last day)"),
        default=default_lead_days,
        help_text=_("For example [7, 3, 1, 0, -1]: 0 is on the day, -1 is when missed."),
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return f"{self.organization}: {self.lead_days}"


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail and in the app, as they come")
    DIGEST = "digest", _("A daily digest e-mail (and in the app)")
    OFF = "off", _("Off")


class NotificationSettings(models.Model):
    """A user's language for e-mails and default mode."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="sr-latn"
    )
    mode = models.CharField(
        _("reminders"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.mode}, {self.language}"


class KindPreference(models.Model):
    """A user's choice for one kind of deadline, overriding their default mode."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    deadline_kind = models.CharField(_("deadline"), max_length=30, choices=DeadlineKind.choices)
    mode = models.CharField(_("reminders"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "deadline_kind"], name="one_pref_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_deadline_kind_display()} → {self.get_mode_display()}"


class ReminderState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Superseded by a later reminder")
    UNDELIVERED = "undelivered", _("Undelivered: nobody could receive it")


class Reminder(models.Model):
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    lead_days = models.SmallIntegerField(_("lead time (days)"))
    send_at = models.DateTimeField(_("send at"))
    state = models.CharField(
        _("state"), max_length=12, choices=ReminderState.choices, default=ReminderState.PLANNED
    )
    late = models.BooleanField(_("sent late"), default=False)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        # One row per lead and send time: when a deadline moves, the lead is planned again as a
        # new row and what was sent for the old date stays on record with its deliveries.
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "lead_days", "send_at"], name="one_reminder_per_lead_and_time"
            )
        ]
        indexes = [models.Index(fields=["state", "send_at"], name="reminder_state_send_at")]

    def __str__(self) -> str:
        return f"{self.deadline} — {self.lead_days:+d} d ({self.get_state_display()})"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    INAPP = "inapp", _("In the app")
    DIGEST = "digest", _("Daily digest")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user", "channel"], name="one_delivery_per_channel"
            )
        ]
        indexes = [models.Index(fields=["channel", "state"], name="delivery_channel_state")]

    def __str__(self) -> str:
        return f"{self.user} via {self.channel}: {self.state}"


class Notification(models.Model):
    """An in-app notification: a list with an unread count."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="one_notification_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class DigestRun(models.Model):
    """One daily digest per user and day, claimed by its unique constraint."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class ReminderMessage(models.Model):
    """One e-mail of a reminder batch (a person's reminders of one sweep), written before it is
    sent and marked sent in a one-row commit right after the SMTP server accepted it. Marking the
    thousands of deliveries it carries takes longer; a worker killed in between leaves this row
    to say they went out (foia.notifications.batch settles them instead of sending again)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=200)
    delivery_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(settled=False),
                name="remindermessage_unsettled",
            )
        ]

    def __str__(self) -> str:
        return self.message_id
