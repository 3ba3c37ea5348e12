"""The workspace's own records: the audit trail of changes that are not timeline events, and each
user's private calendar feed.

Timeline events carry their own "who and when" (``Event.recorded_by`` / ``recorded_at``); every
other change made through the workspace — a field edited, an assignee, the visibility, a document —
is written here by ``foia.workspace.services``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
