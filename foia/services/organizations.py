"""Writes on organisations, memberships and personal calendar feeds: keyword-only, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from foia.models import (
    Membership,
    Organization,
    Request,
    Role,
)
from foia.services.audit import audit, diff
from foia.workspace.models import AuditAction, CalendarFeed, new_token

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


def _keeps_an_owner(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, user: AbstractBaseUser, role: str) -> Membership:
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
