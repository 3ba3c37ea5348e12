"""The organization: its details and members (owners manage; everyone sees who is in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.models import Membership
from foia.params import is_token
from foia.services import organizations as services
from foia.workspace import access, lockout
from foia.workspace.forms.fields import add_service_errors
from foia.workspace.forms.organization import (
    AcceptWithNewAccountForm,
    InviteForm,
    MemberRoleForm,
    OrganizationForm,
)
from foia.workspace.models import AuditEntry, Invitation


@login_required
def page(request, slug: str):
    organization, membership = access.get_organization(request.user, slug)
    is_owner = access.is_owner(request.user, organization.pk)
    org_form = OrganizationForm(instance=organization, prefix="org") if is_owner else None
    invite_form = InviteForm(prefix="invite") if is_owner else None
    if request.method == "POST":
        access.get_organization(request.user, slug, owner=True)
        if "save_org" in request.POST:
            org_form = OrganizationForm(request.POST, instance=organization, prefix="org")
            if org_form.is_valid():
                data = {name: org_form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
                organization.refresh_from_db()
                try:
                    services.organization_update(
                        organization=organization, user=request.user, **data
                    )
                except ValidationError as exc:
                    add_service_errors(org_form, exc)
                else:
                    messages.success(request, _("Organization saved."))
                    return redirect("workspace:organization", slug=organization.slug)
        elif "invite" in request.POST:
            invite_form = InviteForm(request.POST, prefix="invite")
            if invite_form.is_valid():
                try:
                    invitation = services.invitation_create(
                        organization=organization,
                        by=request.user,
                        email=invite_form.cleaned_data["email"],
                        role=invite_form.cleaned_data["role"],
                    )
                except ValidationError as exc:
                    add_service_errors(invite_form, exc)
                else:
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s. It stays pending until they accept.")
                        % {"email": invitation.email},
                    )
                    return redirect("workspace:organization", slug=organization.slug)
    members = Membership.objects.filter(organization=organization).select_related("user")
    return render(
        request,
        "workspace/organization.html",
        {
            "organization": organization,
            "membership": membership,
            "is_owner": is_owner,
            "members": members.order_by("role", "user__username"),
            "org_form": org_form,
            "invite_form": invite_form,
            "invitations": _pending(organization) if is_owner else [],
            "role_form": MemberRoleForm(),
            "log": AuditEntry.objects.filter(
                organization=organization, request__isnull=True
            ).select_related("actor", "campaign")[:30],
        },
    )


@login_required
@require_POST
def member(request, slug: str, member_pk: int):
    organization, _membership = access.get_organization(request.user, slug, owner=True)
    target = (
        Membership.objects.filter(organization=organization, pk=member_pk)
        .select_related("user")
        .first()
    )
    if target is None:
        raise Http404
    try:
        if "remove" in request.POST:
            services.membership_remove(membership=target, user=request.user)
            messages.success(request, _("Member removed."))
        else:
            form = MemberRoleForm(request.POST)
            if form.is_valid():
                services.membership_set_role(
                    membership=target, user=request.user, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workspace:organization", slug=organization.slug)


def _pending(organization) -> list[Invitation]:
    rows = list(
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .prefetch_related("emails")
    )
    now = timezone.now()
    for row in rows:
        row.expired = row.expires_at <= now
        row.last_email = max(row.emails.all(), key=lambda e: (e.created_at, e.pk), default=None)
    return rows


@login_required
@require_POST
def invitation_action(request, slug: str, invitation_pk: int):
    """Resend or revoke a pending invitation (owners only)."""
    organization, _membership = access.get_organization(request.user, slug, owner=True)
    invitation = Invitation.objects.filter(organization=organization, pk=invitation_pk).first()
    if invitation is None:
        raise Http404
    try:
        if "revoke" in request.POST:
            services.invitation_revoke(invitation=invitation, by=request.user)
            messages.success(request, _("Invitation revoked: its link no longer works."))
        else:
            services.invitation_resend(invitation=invitation, by=request.user)
            messages.success(
                request, _("Invitation sent again with a new link; the old link no longer works.")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("workspace:organization", slug=organization.slug)


INVITATION_KEY = "invitation-link"


def accept(request, token: str):
    """The link in the invitation e-mail. A logged-in person joins with their account; anyone else
    makes an account for the invited address (or logs in first and comes back)."""
    # A link is one more way to guess a secret: wrong tokens count as failed attempts from the
    # address (django-axes, as logins do), and the guessing stops at the limit.
    if not lockout.is_allowed(request, INVITATION_KEY):
        return render(request, "registration/locked_out.html", status=429)
    invitation = services.invitation_for_token(token) if is_token(token) else None
    if invitation is None:
        lockout.note_attempt(request, INVITATION_KEY)
        return render(request, "workspace/invitation_invalid.html", status=404)
    already = (
        request.user.is_authenticated
        and Membership.objects.filter(
            organization_id=invitation.organization_id, user=request.user
        ).exists()
    )
    form = AcceptWithNewAccountForm(prefix="new")
    if request.method == "POST":
        try:
            if request.user.is_authenticated and "join" in request.POST:
                services.invitation_accept(token=token, user=request.user)
                messages.success(
                    request,
                    _("Welcome to %(org)s.") % {"org": invitation.organization.name},
                )
                return redirect("workspace:board")
            if not request.user.is_authenticated:
                form = AcceptWithNewAccountForm(request.POST, prefix="new")
                if form.is_valid():
                    membership = services.invitation_accept(
                        token=token,
                        username=form.cleaned_data["username"],
                        password=form.cleaned_data["password1"],
                    )
                    login(
                        request,
                        membership.user,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                    messages.success(
                        request,
                        _("Your account is ready. Welcome to %(org)s.")
                        % {"org": invitation.organization.name},
                    )
                    return redirect("workspace:board")
        except ValidationError as exc:
            if form.is_bound:
                if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                    exc.error_dict["password1"] = exc.error_dict.pop("password")
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
    here = reverse("workspace:invitation", args=[token])
    return render(
        request,
        "workspace/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "already": already,
            "login_url": reverse("workspace:login") + "?next=" + here,
        },
    )
