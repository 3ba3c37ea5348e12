"""The workspace's own records: the audit trail of changes that are not timeline events, and each
user's private calendar feed.

Timeline events carry their own "who and when" (``Event.recorded_by`` / ``recorded_at``); every
other change made through the workspace — a field edited, an assignee, the visibility, a document —
is written here by ``foia.workspace.services``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foia.models import Role


class AuditAction(models.TextChoices):
    REQUEST_CREATED = "request_created", _("Request created")
    REQUEST_EDITED = "request_edited", _("Request edited")
    ASSIGNED = "assigned", _("Assignee changed")
    PUBLISHING = "publishing", _("Publication changed")
    EVENT_RECORDED = "event_recorded", _("Event recorded")
    EVENT_CORRECTED = "event_corrected", _("Event corrected")
    EVENT_RETRACTED = "event_retracted", _("Event retracted")
    DOCUMENT_ADDED = "document_added", _("Document added")
    CAMPAIGN_CREATED = "campaign_created", _("Campaign created")
    ORGANIZATION_EDITED = "organization_edited", _("Organization settings changed")
    MEMBER_ADDED = "member_added", _("Member added")
    MEMBER_CHANGED = "member_changed", _("Member's role changed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    MEMBER_INVITED = "member_invited", _("Member invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")


class AuditEntry(models.Model):
    """One change, by whom and when. ``changes`` is a list of {"field", "old", "new"} strings."""

    organization = models.ForeignKey(
        "foia.Organization", on_delete=models.CASCADE, related_name="+"
    )
    request = models.ForeignKey(
        "foia.Request",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    campaign = models.ForeignKey(
        "foia.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "foia.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="audit_request_when"),
            models.Index(fields=["organization", "created_at"], name="audit_org_when"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret iCal address. Deleting the row revokes it; a new token replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} calendar"


INVITATION_DAYS = 7


def invitation_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """An owner's invitation to join an organisation with a role, sent to an e-mail address.

    The link carries ``token``; it works once (``accepted_at``), until ``expires_at``, and not
    after ``revoked_at``. A resend makes a new token, so only the newest link works.
    """

    organization = models.ForeignKey(
        "foia.Organization", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization_id} ({self.role})"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class SendState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class InvitationEmail(models.Model):
    """One sending of an invitation: claimed by one worker, sent once, retried with backoff, and
    picked up again by the sweep if its task was lost (the row is the promise, not the task)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="emails")
    token = models.CharField(max_length=64)  # the link this sending carries
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="sr-latn")
    state = models.CharField(
        _("state"), max_length=10, choices=SendState.choices, default=SendState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation e-mail")
        verbose_name_plural = _("invitation e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="invite_mail_due")]

    def __str__(self) -> str:
        return f"{self.invitation.email} {self.get_state_display()}"
