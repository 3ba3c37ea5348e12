"""A request: filing it, its page, editing, assignment, publishing, and its documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.models import EventKind, RequestStatus
from foia.params import parse_id
from foia.services import requests as services
from foia.workspace import access, documents, selectors
from foia.workspace.forms.events import KIND_GROUPS
from foia.workspace.forms.fields import add_service_errors, keep_input_without_errors
from foia.workspace.forms.requests import (
    AssignForm,
    AttachmentForm,
    PublishingForm,
    RequestForm,
)
from foia.workspace.idempotency import idempotent


def _requester_initial(organization) -> dict:
    return {
        "requester_name": organization.name,
        "requester_address": organization.address,
        "requester_email": organization.email,
    }


@login_required
@idempotent
def create(request):
    organizations = access.organizations(request.user, edit=True)
    if not organizations:
        raise PermissionDenied(_("Your role is read-only: you cannot file requests."))
    if request.method == "POST":
        form = RequestForm(request.POST, organizations=organizations)
        if "authority_find" in request.POST:
            keep_input_without_errors(form)
        elif form.is_valid():
            fields = form.service_fields()
            try:
                new = services.request_create(
                    organization=form.chosen_organization,
                    user=request.user,
                    authority=fields.pop("authority"),
                    topics=fields.pop("topics", None) or [],
                    **fields,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Draft saved. Check the letter, send it, then mark it as sent here."),
                )
                return redirect("workspace:request", pk=new.pk)
    else:
        initial = {
            **_requester_initial(organizations[0]),
            "assignee": request.user.pk,
            "want_copy": True,
        }
        authority_id = parse_id(request.GET.get("authority", ""))
        if authority_id is not None:
            initial["authority"] = authority_id
        form = RequestForm(initial=initial, organizations=organizations)
    return render(request, "workspace/request_form.html", {"form": form, "creating": True})


@login_required
def edit(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    if request.method == "POST":
        form = RequestForm(request.POST, instance=obj, organizations=[obj.organization])
        if "authority_find" in request.POST:
            keep_input_without_errors(form)
        elif form.is_valid():
            fields = form.service_fields()
            topics = fields.pop("topics", None)
            try:
                changes = services.request_update(
                    request=obj, user=request.user, topics=topics, **fields
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changes:
                    messages.success(request, _("Changes saved."))
                return redirect("workspace:request", pk=obj.pk)
    else:
        form = RequestForm(instance=obj, organizations=[obj.organization])
    return render(
        request, "workspace/request_form.html", {"form": form, "creating": False, "r": obj}
    )


def _rights(obj) -> list[str]:
    rights = []
    if obj.want_notice:
        rights.append(_("notice whether it is held"))
    if obj.want_inspection:
        rights.append(_("inspection"))
    if obj.want_copy:
        rights.append(_("a copy (%(how)s)") % {"how": obj.get_copy_delivery_display().lower()})
    return rights


@login_required
def detail(request, pk: int):
    obj = access.get_request(request.user, pk)
    today = timezone.localdate()
    editable = access.can_edit(request.user, obj.organization_id)
    events = selectors.timeline(obj)
    return render(
        request,
        "workspace/request_detail.html",
        {
            "r": obj,
            "today": today,
            "can_edit": editable,
            "events": events,
            "deadlines": selectors.deadlines_of(obj, today=today),
            "attachments": selectors.request_documents(obj),
            "history": selectors.history(obj),
            "kind_groups": KIND_GROUPS,
            "assign_form": AssignForm(
                initial={"assignee": obj.assignee_id}, organization_id=obj.organization_id
            )
            if editable
            else None,
            "attachment_form": AttachmentForm(request_obj=obj) if editable else None,
            "can_appeal": bool(documents.appealable_decisions(events)),
            "can_appeal_silence": selectors.silence_appeal_possible(obj),
            "is_draft": obj.status == RequestStatus.DRAFT,
            "awaiting_answer": obj.status
            in (
                RequestStatus.AWAITING_ANSWER,
                RequestStatus.AWAITING_CORRECTION,
                RequestStatus.EXTENDED,
            ),
            "rights": _rights(obj),
            "published": obj.is_published(today),
        },
    )


@login_required
@require_POST
def assign(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    form = AssignForm(request.POST, organization_id=obj.organization_id)
    if form.is_valid():
        try:
            services.request_assign(
                request=obj, user=request.user, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Assignee saved."))
    else:
        messages.error(request, _("Choose a member of the organization."))
    return redirect("workspace:request", pk=obj.pk)


@login_required
def publishing(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    form = PublishingForm(request.POST or None, request_obj=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_set_publishing(
                request=obj,
                user=request.user,
                visibility=data["visibility"],
                embargo_until=data.get("embargo_until"),
                public_events=[int(pk) for pk in data["events"]],
                public_attachments=[int(pk) for pk in data["attachments"]],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Publication settings saved."))
            return redirect("workspace:request_preview", pk=obj.pk)
    return render(request, "workspace/publishing.html", {"r": obj, "form": form})


@login_required
def preview(request, pk: int):
    """The public page exactly as the public would see it once published — rendered by the
    public site's own template and selectors, so nothing private can differ from the real one."""
    # The public site's pieces, imported here so that the rest of the workspace does not depend
    # on them being importable.
    from foia.public import selectors as public_selectors
    from foia.public.views.display import timing
    from foia.public.views.explain import explanations
    from foia.stats.figures import published_facts

    obj = access.get_request(request.user, pk)
    today = timezone.localdate()
    events = public_selectors.public_events(obj)
    facts = published_facts(today).filter(pk=obj.pk).first()
    return render(
        request,
        "workspace/public_preview.html",
        {
            "obj": obj,
            "events": events,
            "deadlines": public_selectors.public_deadlines(obj),
            "documents": public_selectors.public_documents(obj),
            "facts": facts,
            "timing": timing(facts, today) if facts else None,
            "campaign": obj.campaign if obj.campaign and obj.campaign.is_public else None,
            "explanations": explanations(obj, events),
            "EventKind": EventKind,
            "today": today,
            "published": obj.is_published(today),
            "can_edit": access.can_edit(request.user, obj.organization_id),
        },
    )


@login_required
@require_POST
@idempotent
def add_document(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    form = AttachmentForm(request.POST, request.FILES, request_obj=obj)
    if form.is_valid():
        services.attachment_add(
            request=obj,
            user=request.user,
            upload=form.cleaned_data["file"],
            event=form.cleaned_data["event"],
            is_public=form.cleaned_data["is_public"],
        )
        messages.success(request, _("Document added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("workspace:request", pk=obj.pk)


@login_required
def download_attachment(request, pk: int):
    """A stored document, only to members of the request's organization, never rendered inline."""
    attachment = access.get_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
