"""Organization-scoped access: a member sees their organizations' objects, an editor or owner may
change them, and anything else answers 404 — another organization's ids are not even confirmed to
exist (a viewer who may see but not write gets 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from foia.models import Attachment, Campaign, Membership, Organization, Request, Role

EDIT_ROLES = (Role.OWNER, Role.EDITOR)


def memberships(user) -> dict[int, Membership]:
    """The user's memberships by organization id, read once per HTTP request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_workspace_memberships", None)
    if cached is None:
        cached = {
            m.organization_id: m
            for m in Membership.objects.filter(user=user).select_related("organization")
        }
        user._workspace_memberships = cached
    return cached


def organizations(user, *, edit: bool = False) -> list[Organization]:
    return [m.organization for m in memberships(user).values() if not edit or m.role in EDIT_ROLES]


def can_edit(user, organization_id: int) -> bool:
    membership = memberships(user).get(organization_id)
    return membership is not None and membership.role in EDIT_ROLES


def is_owner(user, organization_id: int) -> bool:
    membership = memberships(user).get(organization_id)
    return membership is not None and membership.role == Role.OWNER


def _check(user, organization_id: int, *, edit: bool, owner: bool = False) -> Membership:
    membership = memberships(user).get(organization_id)
    if membership is None:
        raise Http404(_("Not found."))
    if owner and membership.role != Role.OWNER:
        raise PermissionDenied(_("Only the organization's owners may do this."))
    if edit and membership.role not in EDIT_ROLES:
        raise PermissionDenied(_("Your role in this organization is read-only."))
    return membership


def visible_requests(user) -> QuerySet[Request]:
    return Request.objects.filter(organization_id__in=list(memberships(user)))


def get_request(user, pk: int, *, edit: bool = False) -> Request:
    """The request, if the user is a member of its organization (404 otherwise)."""
    request = (
        Request.objects.select_related("authority", "organization", "assignee", "campaign")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404(_("Not found."))
    _check(user, request.organization_id, edit=edit)
    return request


def get_campaign(user, pk: int, *, edit: bool = False) -> Campaign:
    campaign = Campaign.objects.select_related("organization").filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("Not found."))
    _check(user, campaign.organization_id, edit=edit)
    return campaign


def get_attachment(user, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("request").filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Not found."))
    _check(user, attachment.request.organization_id, edit=False)
    return attachment


def get_organization(user, slug: str, *, owner: bool = False) -> tuple[Organization, Membership]:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404(_("Not found."))
    membership = _check(user, organization.pk, edit=False, owner=owner)
    return organization, membership
