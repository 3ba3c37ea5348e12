"""Campaigns: the same request to many authorities, one request per body, tracked together."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from foia.models import (
    Authority,
    AuthorityKind,
    CampaignBuild,
    Request,
    RequestStatus,
    Visibility,
)
from foia.params import parse_id
from foia.services import campaigns as campaigns_service
from foia.services import requests as services
from foia.workspace import access, campaign_reports, campaign_selectors, selectors
from foia.workspace.forms.campaigns import (
    CampaignForm,
    CampaignPublishingForm,
    CampaignSendForm,
)
from foia.workspace.forms.fields import add_service_errors, authority_label
from foia.workspace.idempotency import idempotent
from foia.workspace.selectors import search_authorities


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


@login_required
@require_GET
def choice_counts(request):
    """Search-as-you-type for the campaign form (JSON): how many bodies the choice so far matches,
    by kind and by place, places starting with what is typed, and bodies matching ``q`` to add
    one by one. A constant number of queries at any catalogue size."""
    if not access.organizations(request.user, edit=True):
        raise PermissionDenied(_("Your role is read-only: you cannot start campaigns."))
    kinds = [k for k in request.GET.getlist("kinds") if k in AuthorityKind.values]
    place = _clean_param(request.GET.get("place"))
    choice = campaign_selectors.Choice(
        kinds=kinds, place=place, parent=_clean_param(request.GET.get("parent"))
    )
    data: dict = {"count": None, "by_kind": [], "by_place": [], "unmatched": []}
    if not choice.empty:
        selection = campaign_selectors.resolve(choice, sample_size=10)
        data.update(
            count=selection.count,
            by_kind=[{"kind": k, "label": label, "n": n} for k, label, n in selection.by_kind],
            by_place=[{"place": p, "n": n} for p, n in selection.by_place],
            unmatched=selection.unmatched,
            sample=[authority_label(a) for a in selection.sample],
        )
    if place:
        data["places"] = campaign_selectors.places_starting(place)
    query = _clean_param(request.GET.get("q"))
    data["query"] = query
    data["results"] = (
        [
            {"id": a.pk, "label": authority_label(a), "kind": a.get_kind_display()}
            for a in search_authorities(query, limit=20)
        ]
        if len(query) >= 2
        else []
    )
    response = JsonResponse(data)
    response["Cache-Control"] = "private, max-age=30"
    return response


def _clean_param(value: str | None) -> str:
    """A query parameter as text a database accepts: printable, trimmed, bounded."""
    return "".join(ch for ch in (value or "") if ch.isprintable()).strip()[:300]


@login_required
@idempotent
def create(request):
    """One form, with its submit button from the start: the choice of bodies (kinds with counts,
    a place, a parent, a list, bodies added one by one) and the shared letter. "Show the matching
    authorities" previews the choice without creating anything."""
    organizations = access.organizations(request.user, edit=True)
    if not organizations:
        raise PermissionDenied(_("Your role is read-only: you cannot start campaigns."))
    kinds = campaign_selectors.kind_counts()
    selection = None
    selection_error = ""
    added: list = []
    excluded: list = []
    if request.method == "POST":
        form = CampaignForm(
            request.POST, request.FILES, organizations=organizations, kind_counts=kinds
        )
        creating = request.POST.get("action") != "preview"
        added = list(
            Authority.objects.filter(pk__in=form.added_ids()[:500], active=True).order_by("name")
        )
        excluded = list(Authority.objects.filter(pk__in=form.excluded_ids()[:500]).order_by("name"))
        if form.is_valid():
            if not form.has_selection():
                selection_error = _("Choose a kind, a place or give a list of authorities.")
            else:
                selection = campaign_selectors.resolve(form.choice(), sample_size=200)
                if not selection.count:
                    selection_error = _("No authority matches this choice.")
                elif creating and selection.unmatched:
                    selection_error = _(
                        "Some lines matched no authority (listed below): correct or remove "
                        "them, then create the campaign."
                    )
                elif creating:
                    return _start(request, form, selection)
    else:
        first = organizations[0]
        form = CampaignForm(
            initial={
                "requester_name": first.name,
                "requester_address": first.address,
                "requester_email": first.email,
                "want_copy": True,
                "assignee": request.user.pk,
                "submission_key": uuid.uuid4(),
            },
            organizations=organizations,
            kind_counts=kinds,
        )
    return render(
        request,
        "workspace/campaign_form.html",
        {
            "form": form,
            "selection": selection,
            "added": added,
            "excluded": excluded,
            "selection_error": selection_error,
            "total_active": sum(n for _k, _l, n in kinds),
        },
    )


def _start(request, form: CampaignForm, selection):
    try:
        campaign, created = campaigns_service.campaign_start(
            organization=form.chosen_organization,
            user=request.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            is_public=form.cleaned_data["is_public"],
            authority_ids=selection.query,
            request_fields=form.request_fields(),
            submission_key=form.cleaned_data.get("submission_key"),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(
            request,
            "workspace/campaign_form.html",
            {
                "form": form,
                "selection": selection,
                "added": [],
                "selection_error": " ".join(exc.message_dict.get("authorities", [])),
                "total_active": Authority.objects.filter(active=True).count(),
            },
        )
    access.get_campaign(request.user, campaign.pk)  # a replayed key of another organisation
    if not created:
        messages.info(request, _("This campaign was already created by the same form."))
    elif campaign.build_state == CampaignBuild.DONE:
        messages.success(
            request,
            ngettext(
                "Campaign created with %(n)d draft request.",
                "Campaign created with %(n)d draft requests.",
                campaign.build_done,
            )
            % {"n": campaign.build_done},
        )
    else:
        messages.success(
            request,
            ngettext(
                "Campaign saved: its %(n)d draft request is being created.",
                "Campaign saved: its %(n)d draft requests are being created.",
                campaign.build_total,
            )
            % {"n": campaign.build_total},
        )
    return redirect("workspace:campaign", pk=campaign.pk)


def _page_number(value: str | None) -> int:
    number = parse_id(value or "")
    return number if number is not None and number < 10**6 else 1


@login_required
def detail(request, pk: int):
    """The campaign at any size: its figures, its requests paged and filtered, its downloads."""
    campaign = access.get_campaign(request.user, pk)
    today = timezone.localdate()
    editable = access.can_edit(request.user, campaign.organization_id)
    show = request.GET.get("show", "")
    show = show if show in dict(campaign_selectors.filter_choices()) else ""
    ground = request.GET.get("ground", "")
    ground = ground if ground in dict(campaign_selectors.ground_choices()) else ""
    requests = campaign_selectors.campaign_requests(campaign, show=show, ground=ground, today=today)
    tally = campaign_selectors.status_tally(campaign)
    # The page is cut on ids alone; its rows are then read with what the table shows.
    paginator = Paginator(requests.values_list("pk", flat=True), campaign_selectors.PAGE_SIZE)
    if not show and not ground:
        paginator.count = sum(tally.values())  # known from the tally: no second COUNT(*)
    page = paginator.get_page(_page_number(request.GET.get("page")))
    rows = selectors.campaign_rows(
        campaign,
        today=today,
        requests=Request.objects.filter(pk__in=list(page.object_list)).order_by("pk"),
    )
    page_drafts = [row.request for row in rows if row.request.status == RequestStatus.DRAFT]
    counts = campaign_selectors.campaign_status_counts(campaign, tally)
    n_drafts = tally.get(RequestStatus.DRAFT, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/campaign_detail.html",
        {
            "campaign": campaign,
            "building": campaign.build_state != CampaignBuild.DONE,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "counts": counts,
            "figures": campaign_selectors.campaign_figures(campaign, today=today),
            "show": show,
            "ground": ground,
            "filter_choices": campaign_selectors.filter_choices(),
            "ground_choices": campaign_selectors.ground_choices(),
            "today": today,
            "can_edit": editable,
            "n_drafts": n_drafts,
            "letter_parts": campaign_reports.letter_parts(n_drafts),
            "letters_as_pdf": n_drafts <= campaign_reports.LETTERS_PDF_MAX,
            # Marking by hand is per page: at catalogue size, sending is the e-mail path's job.
            "send_form": CampaignSendForm(drafts=page_drafts) if editable and page_drafts else None,
        },
    )


@login_required
@require_GET
def progress(request, pk: int):
    """How far the worker is in creating the drafts (the page polls this while it works)."""
    campaign = access.get_campaign(request.user, pk)
    response = JsonResponse(
        {
            "state": campaign.build_state,
            "label": str(campaign.get_build_state_display()),
            "done": campaign.build_done,
            "total": campaign.build_total,
            "error": campaign.build_error,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry(request, pk: int):
    campaign = access.get_campaign(request.user, pk, edit=True)
    campaigns_service.campaign_retry(campaign=campaign)
    messages.info(request, _("The requests still missing will be created."))
    return redirect("workspace:campaign", pk=campaign.pk)


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


@login_required
@require_GET
def report(request, pk: int, fmt: str):
    """The campaign's report to publish: every request as CSV, or the PDF summary with charts."""
    campaign = access.get_campaign(request.user, pk)
    today = timezone.localdate()
    if fmt == "csv":
        response = StreamingHttpResponse(
            campaign_reports.report_csv(campaign, today=today),
            content_type="text/csv; charset=utf-8",
        )
        name = campaign_reports.filename(campaign, "report.csv")
    elif fmt == "pdf":
        response = HttpResponse(
            campaign_reports.report_pdf(campaign, today=today), content_type="application/pdf"
        )
        name = campaign_reports.filename(campaign, "summary.pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def letters(request, pk: int):
    """The letters of every draft of the campaign in one ZIP, one file per authority."""
    campaign = access.get_campaign(request.user, pk)
    part = _page_number(request.GET.get("part"))
    data, as_pdf = campaign_reports.letters_zip(campaign, today=timezone.localdate(), part=part)
    response = HttpResponse(data, content_type="application/zip")
    name = campaign_reports.filename(
        campaign, "letters-pdf.zip" if as_pdf else f"letters-txt-{part}.zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def publishing(request, pk: int):
    """Publish a campaign and, in the same step, its requests (a public campaign whose requests
    stay private shows nothing): the same visibility and embargo as a single request has, with
    a preview of what the public will see."""
    campaign = access.get_campaign(request.user, pk, edit=True)
    today = timezone.localdate()
    form = CampaignPublishingForm(
        request.POST or None,
        initial={"is_public": campaign.is_public, "visibility": "public"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = campaigns_service.campaign_set_publishing(
                campaign=campaign,
                user=request.user,
                is_public=data["is_public"],
                visibility=data["visibility"] or None,
                embargo_until=data.get("embargo_until"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Publication saved; %(n)d request changed.",
                    "Publication saved; %(n)d requests changed.",
                    changed,
                )
                % {"n": changed},
            )
            return redirect("workspace:campaign_publishing", pk=campaign.pk)
    visibility = dict(
        campaign.requests.order_by().values_list("visibility").annotate(n=Count("pk"))
    )
    published = campaign.requests.published(today)
    return render(
        request,
        "workspace/campaign_publishing.html",
        {
            "campaign": campaign,
            "form": form,
            "visibility": [(str(label), visibility.get(v, 0)) for v, label in Visibility.choices],
            "n_published": published.count(),
            "preview": list(published.select_related("authority").order_by("authority__name")[:20]),
        },
    )
