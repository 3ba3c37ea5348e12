"""The organization: its details and members (owners manage; everyone sees who is in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.models import Membership
from foia.services import organizations as services
from foia.workspace import access
from foia.workspace.forms.fields import add_service_errors
from foia.workspace.forms.organization import MemberAddForm, MemberRoleForm, OrganizationForm
from foia.workspace.models import AuditEntry


@login_required
def page(request, slug: str):
    organization, membership = access.get_organization(request.user, slug)
    is_owner = access.is_owner(request.user, organization.pk)
    org_form = OrganizationForm(instance=organization, prefix="org") if is_owner else None
    add_form = MemberAddForm(prefix="add") if is_owner else None
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
        elif "add_member" in request.POST:
            add_form = MemberAddForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    services.membership_add(
                        organization=organization,
                        user=request.user,
                        member=add_form.cleaned_data["who"],
                        role=add_form.cleaned_data["role"],
                    )
                except ValidationError as exc:
                    add_service_errors(add_form, exc)
                else:
                    messages.success(request, _("Member added."))
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
            "add_form": add_form,
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
