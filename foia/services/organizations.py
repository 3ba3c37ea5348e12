"""Writes on organisations, memberships and personal calendar feeds: keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foia.models import (
    Membership,
    Organization,
    Request,
    Role,
)
from foia.services.audit import audit, diff
from foia.workspace.models import (
    AuditAction,
    CalendarFeed,
    Invitation,
    InvitationEmail,
    SendState,
    invitation_expiry,
    new_token,
)

logger = logging.getLogger(__name__)

# --- the calendar feed ----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_regenerate(*, user: AbstractBaseUser) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_token()
        feed.last_fetched_at = None
        feed.save(update_fields=["token", "last_fetched_at"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: AbstractBaseUser) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# --- the organization -------------------------------------------------------------------------------

ORGANIZATION_FIELDS = ("name", "address", "email", "website")


@transaction.atomic
def organization_update(
    *, organization: Organization, user: AbstractBaseUser, **fields: Any
) -> list[dict]:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"organization_update() got unexpected fields: {sorted(unknown)}")
    changes = diff({n: getattr(organization, n) for n in fields}, fields)
    if changes:
        for name, value in fields.items():
            setattr(organization, name, value)
        organization.full_clean()
        organization.save(update_fields=list(fields))
        audit(
            organization_id=organization.pk,
            actor=user,
            action=AuditAction.ORGANIZATION_EDITED,
            changes=changes,
        )
    return changes


@transaction.atomic
def membership_add(
    *, organization: Organization, user: AbstractBaseUser, member: AbstractBaseUser, role: str
) -> Membership:
    if Membership.objects.filter(organization=organization, user=member).exists():
        raise ValidationError({"who": [_("%(user)s is already a member.") % {"user": member}]})
    membership = Membership.objects.create(organization=organization, user=member, role=role)
    audit(
        organization_id=organization.pk,
        actor=user,
        action=AuditAction.MEMBER_ADDED,
        changes=[{"field": "role", "old": None, "new": role}],
        note=member.get_username(),
    )
    return membership


def _lock_organization(organization_id: int) -> None:
    """Serialise changes of one organisation's memberships (the row lock is taken before the
    memberships are read), so two owners demoting each other at once cannot both succeed."""
    list(Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk"))


def _keeps_an_owner(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, user: AbstractBaseUser, role: str) -> Membership:
    _lock_organization(membership.organization_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and not _keeps_an_owner(membership):
        raise ValidationError({"role": [_("An organization needs at least one owner.")]})
    old, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    audit(
        organization_id=membership.organization_id,
        actor=user,
        action=AuditAction.MEMBER_CHANGED,
        changes=[{"field": "role", "old": old, "new": role}],
        note=membership.user.get_username(),
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, user: AbstractBaseUser) -> None:
    _lock_organization(membership.organization_id)
    membership = Membership.objects.select_related("user").filter(pk=membership.pk).first()
    if membership is None:
        return
    if membership.role == Role.OWNER and not _keeps_an_owner(membership):
        raise ValidationError({"role": [_("An organization needs at least one owner.")]})
    audit(
        organization_id=membership.organization_id,
        actor=user,
        action=AuditAction.MEMBER_REMOVED,
        note=membership.user.get_username(),
    )
    # Their requests go back to the organisation: reminders then reach its owners and editors.
    Request.objects.filter(
        organization_id=membership.organization_id, assignee_id=membership.user_id
    ).update(assignee=None)
    membership.delete()


@transaction.atomic
def reminder_policy_set(*, organization_id: int, lead_days: list[int]):
    """Set an organisation's reminder lead times and plan its live deadlines again (the one write
    path for the admin and any other surface)."""
    from foia.notifications.models import ReminderPolicy
    from foia.notifications.services import replan_organization

    policy, _created = ReminderPolicy.objects.update_or_create(
        organization_id=organization_id, defaults={"lead_days": list(lead_days)}
    )
    replan_organization(organization_id)
    return policy


# --- invitations ------------------------------------------------------------------------------------
# An owner invites an e-mail address with a role; the person sets a password or joins with the
# account they have. Nobody is added to an organisation without accepting, and nothing an owner
# types tells them whether an account exists for an address.

SEND_ATTEMPTS = 6
SEND_LEASE = dt.timedelta(minutes=5)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 60))


def _queue_email(invitation: Invitation) -> InvitationEmail:
    """A row is the promise to send; the task is only the fast path (the sweep is the safety net)."""
    row = InvitationEmail.objects.create(
        invitation=invitation,
        token=invitation.token,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _dispatch(row.pk))
    return row


def _dispatch(pk: int) -> None:
    from foia.workspace.tasks import send_invitation_task

    try:
        send_invitation_task.delay(pk)
    except Exception:  # broker down: the row stays queued and the sweep sends it
        logger.warning("invitation e-mail %s not enqueued; the sweep will send it", pk)


@transaction.atomic
def invitation_create(
    *, organization: Organization, by: AbstractBaseUser, email: str, role: str
) -> Invitation:
    email = email.strip()
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose a valid role.")]})
    _lock_organization(organization.pk)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("Someone with this address is already a member.")]})
    now = timezone.now()
    open_invitation = Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).first()
    if open_invitation and open_invitation.expires_at > now:
        raise ValidationError(
            {"email": [_("This address is already invited: send the invitation again instead.")]}
        )
    if open_invitation:  # expired: it gives way to the new one
        open_invitation.revoked_at = now
        open_invitation.save(update_fields=["revoked_at"])
    invitation = Invitation(organization=organization, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    audit(
        organization_id=organization.pk,
        actor=by,
        action=AuditAction.MEMBER_INVITED,
        changes=[{"field": "role", "old": None, "new": role}],
        note=email,
    )
    _queue_email(invitation)
    return invitation


def _open(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation was already used or revoked."))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    """A new link (the old one stops working), valid for a full period again, and a new e-mail."""
    invitation = _open(invitation)
    invitation.token = new_token()
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token", "expires_at"])
    audit(
        organization_id=invitation.organization_id,
        actor=by,
        action=AuditAction.INVITATION_RESENT,
        note=invitation.email,
    )
    _queue_email(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    invitation = _open(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(
        organization_id=invitation.organization_id,
        actor=by,
        action=AuditAction.INVITATION_REVOKED,
        note=invitation.email,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link may still use, or None (unknown, used, revoked or expired alike)."""
    if not token or len(token) > 64:
        return None
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(token=token).first()
    )
    return invitation if invitation and invitation.is_usable() else None


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: AbstractBaseUser | None = None,
    username: str = "",
    password: str = "",
) -> Membership:
    """Join with ``user`` (an existing, logged-in account) or with a new account made from
    ``username`` and ``password`` for the invited address. The link works once: the row is locked,
    so two clicks at once make one membership."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_usable():
        raise ValidationError(_("This invitation link is no longer valid."))
    _lock_organization(invitation.organization_id)
    if user is None:
        User = get_user_model()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": [_("This username is taken; choose another.")]})
        user = User(username=username, email=invitation.email)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.full_clean()
        user.save()
    elif Membership.objects.filter(organization_id=invitation.organization_id, user=user).exists():
        raise ValidationError(_("You are already a member of this organization."))
    membership = Membership.objects.create(
        organization_id=invitation.organization_id, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        organization_id=invitation.organization_id,
        actor=user,
        action=AuditAction.INVITATION_ACCEPTED,
        changes=[{"field": "role", "old": None, "new": invitation.role}],
        note=invitation.email,
    )
    return membership


# --- sending invitation e-mails: claimed once, retried, never dropped --------------------------------


def invitation_deliver(pk: int, *, now: dt.datetime | None = None) -> str:
    """Send one invitation e-mail. Returns "sent", "retrying", "failed" or "skipped" (another
    worker holds it, it was sent already, or its invitation is no longer open)."""
    now = now or timezone.now()
    due = Q(state=SendState.QUEUED, next_attempt_at__lte=now) | Q(
        state=SendState.SENDING, claimed_until__lt=now
    )
    claimed = InvitationEmail.objects.filter(due, pk=pk).update(
        state=SendState.SENDING, claimed_until=now + SEND_LEASE, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"  # another worker got there first, or there is nothing to send
    row = InvitationEmail.objects.select_related(
        "invitation__organization", "invitation__invited_by"
    ).get(pk=pk)
    invitation = row.invitation
    if row.token != invitation.token or not invitation.is_usable(now):
        # A newer link replaced this one, or the invitation ended: sending it would only confuse.
        InvitationEmail.objects.filter(pk=pk).update(
            state=SendState.FAILED, last_error="superseded", claimed_until=None
        )
        return "skipped"
    try:
        _send_invitation_email(row)
    except Exception as exc:  # SMTP refused, timed out, …: back to the queue with a backoff
        failed = row.attempts >= SEND_ATTEMPTS
        InvitationEmail.objects.filter(pk=pk).update(
            state=SendState.FAILED if failed else SendState.QUEUED,
            next_attempt_at=now + _backoff(row.attempts),
            claimed_until=None,
            last_error=str(exc)[:500],
        )
        logger.warning("invitation e-mail %s failed (attempt %s): %s", pk, row.attempts, exc)
        return "failed" if failed else "retrying"
    InvitationEmail.objects.filter(pk=pk).update(
        state=SendState.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


def _send_invitation_email(row: InvitationEmail) -> None:
    invitation = row.invitation
    link = settings.SITE_URL.rstrip("/") + reverse("workspace:invitation", args=[row.token])
    with translation.override(row.language):
        context = {
            "invitation": invitation,
            "organization": invitation.organization,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": link,
            "expires": timezone.localtime(invitation.expires_at),
        }
        subject = render_to_string("workspace/email/invitation_subject.txt", context)
        body = render_to_string("workspace/email/invitation.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),  # one line whatever the organisation's name holds
        body=body,
        to=[invitation.email],
        headers={"Message-ID": f"<invitation-{row.pk}@{settings.MAIL_DOMAIN}>"},
    )
    message.send()


def invitation_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Queued e-mails whose time has come and sendings abandoned by a dead worker: send them."""
    now = now or timezone.now()
    due = Q(state=SendState.QUEUED, next_attempt_at__lte=now) | Q(
        state=SendState.SENDING, claimed_until__lt=now
    )
    pks = list(InvitationEmail.objects.filter(due).values_list("pk", flat=True)[:500])
    for pk in pks:
        _dispatch(pk)
    return pks
