"""Campaigns: the same request to many authorities, one request per body, tracked together."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foia.models import Authority, RequestStatus
from foia.services import requests as services
from foia.workspace import access, selectors
from foia.workspace.forms.campaigns import CampaignForm, CampaignSendForm
from foia.workspace.forms.fields import add_service_errors, authority_label


@login_required
def index(request):
    return render(
        request,
        "workspace/campaigns.html",
        {
            "campaigns": selectors.campaigns_of(request.user),
            "can_create": bool(access.organizations(request.user, edit=True)),
        },
    )


def _chosen_authorities(post) -> list[Authority]:
    ids = [int(v) for v in post.getlist("authorities") if v.isdigit()]
    return list(Authority.objects.filter(pk__in=ids, active=True).order_by("name"))


@login_required
def create(request):
    """Step one shows which bodies the choice matches (preview); step two creates the drafts."""
    organizations = access.organizations(request.user, edit=True)
    if not organizations:
        raise PermissionDenied(_("Your role is read-only: you cannot start campaigns."))
    matched: list[Authority] | None = None
    unmatched: list[str] = []
    selection_error = ""
    if request.method == "POST":
        form = CampaignForm(request.POST, request.FILES, organizations=organizations)
        creating = request.POST.get("action") == "create"
        if form.is_valid():
            if creating:
                matched = _chosen_authorities(request.POST)
                try:
                    campaign = services.campaign_create(
                        organization=form.chosen_organization,
                        user=request.user,
                        title=form.cleaned_data["title"],
                        description=form.cleaned_data["description"],
                        is_public=form.cleaned_data["is_public"],
                        authorities=matched,
                        request_fields=form.request_fields(),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    selection_error = " ".join(exc.message_dict.get("authorities", []))
                else:
                    count = campaign.requests.count()
                    messages.success(
                        request,
                        ngettext(
                            "Campaign created with %(n)d draft request.",
                            "Campaign created with %(n)d draft requests.",
                            count,
                        )
                        % {"n": count},
                    )
                    return redirect("workspace:campaign", pk=campaign.pk)
            elif not form.has_selection():
                selection_error = _("Choose a kind, a place or give a list of authorities.")
            else:
                matched, unmatched = selectors.campaign_authorities(
                    kinds=form.cleaned_data["kinds"],
                    place=form.cleaned_data["place"],
                    lines=form.list_lines(),
                )
                if not matched:
                    selection_error = _("No authority matches this choice.")
    else:
        first = organizations[0]
        form = CampaignForm(
            initial={
                "requester_name": first.name,
                "requester_address": first.address,
                "requester_email": first.email,
                "want_copy": True,
                "assignee": request.user.pk,
            },
            organizations=organizations,
        )
    return render(
        request,
        "workspace/campaign_form.html",
        {
            "form": form,
            "matched": [(a.pk, authority_label(a)) for a in matched] if matched else [],
            "unmatched": unmatched,
            "selection_error": selection_error,
            "places": selectors.places(),
        },
    )


@login_required
def detail(request, pk: int):
    campaign = access.get_campaign(request.user, pk)
    today = timezone.localdate()
    rows = selectors.campaign_rows(campaign, today=today)
    editable = access.can_edit(request.user, campaign.organization_id)
    drafts = [row.request for row in rows if row.request.status == RequestStatus.DRAFT]
    return render(
        request,
        "workspace/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "today": today,
            "can_edit": editable,
            "send_form": CampaignSendForm(drafts=drafts) if editable and drafts else None,
        },
    )


@login_required
def send(request, pk: int):
    campaign = access.get_campaign(request.user, pk, edit=True)
    drafts = list(campaign.requests.filter(status=RequestStatus.DRAFT).select_related("authority"))
    form = CampaignSendForm(request.POST or None, drafts=drafts)
    if request.method == "POST" and form.is_valid():
        events, errors = services.campaign_mark_sent(
            campaign=campaign,
            user=request.user,
            requests=form.chosen(),
            sent_on=form.cleaned_data["occurred_on"],
            channel=form.cleaned_data["channel"],
        )
        if events:
            messages.success(
                request,
                ngettext(
                    "%(n)d request marked as sent.", "%(n)d requests marked as sent.", len(events)
                )
                % {"n": len(events)},
            )
        by_id = {str(r.pk): r for r in drafts}
        for request_id, problems in errors.items():
            name = by_id.get(str(request_id))
            messages.error(
                request,
                f"{name.authority.name if name else request_id}: {' '.join(problems)}",
            )
        return redirect("workspace:campaign", pk=campaign.pk)
    if request.method == "POST":
        for name, errs in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return redirect("workspace:campaign", pk=campaign.pk)
