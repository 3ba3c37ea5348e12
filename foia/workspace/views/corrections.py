"""Correcting or retracting a recorded step, through ``correct_event`` / ``retract_event``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from foia.models import Event, EventKind
from foia.services.transitions import correct_event, retract_event
from foia.workspace import access
from foia.workspace.forms.corrections import RetractForm, correction_form_class
from foia.workspace.forms.fields import add_service_errors, keep_input_without_errors


def _event(request, pk: int, event_pk: int):
    """The request (editors and owners only; others 403, outsiders 404) and its live event."""
    obj = access.get_request(request.user, pk, edit=True)
    event = (
        Event.objects.filter(pk=event_pk, request=obj)
        .select_related("recorded_by", "related_event", "forwarded_to")
        .prefetch_related("grounds")
        .first()
    )
    if event is None:
        raise Http404(_("Not found."))
    return obj, event


def _back(obj, event) -> str:
    return reverse("workspace:request", args=[obj.pk]) + f"#event-{event.pk}"


def _retracted(request, obj, event):
    messages.error(
        request,
        _("This step was retracted on %(date)s; it can no longer be changed.")
        % {"date": event.retracted_at.strftime("%d.%m.%Y")},
    )
    return redirect(_back(obj, event))


@login_required
def correct(request, pk: int, event_pk: int):
    obj, event = _event(request, pk, event_pk)
    if event.retracted_at is not None:
        return _retracted(request, obj, event)
    form_class = correction_form_class(event.kind)
    if request.method == "POST":
        form = form_class(request.POST, instance=event, request_obj=obj)
        if "forwarded_to_find" in request.POST:
            keep_input_without_errors(form)
        elif form.is_valid():
            try:
                corrected = correct_event(
                    event=event, by=request.user, why=form.cleaned_data["why"], **form.changes()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Corrected: %(what)s. Its deadlines were recomputed.")
                    % {"what": corrected.get_kind_display()},
                )
                for warning in corrected.flag_messages:
                    messages.warning(request, warning)
                return redirect(_back(obj, corrected))
    else:
        form = form_class(instance=event, request_obj=obj)
    return render(
        request,
        "workspace/event_correct.html",
        {"r": obj, "e": event, "form": form, "kind_label": EventKind(event.kind).label},
    )


@login_required
def retract(request, pk: int, event_pk: int):
    obj, event = _event(request, pk, event_pk)
    if event.retracted_at is not None:
        return _retracted(request, obj, event)
    form = RetractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retract_event(event=event, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Retracted: %(what)s of %(date)s. Its deadlines were recomputed.")
                % {
                    "what": event.get_kind_display(),
                    "date": event.occurred_on.strftime("%d.%m.%Y"),
                },
            )
            return redirect(_back(obj, event))
    return render(
        request,
        "workspace/event_retract.html",
        {"r": obj, "e": event, "form": form, "kind_label": EventKind(event.kind).label},
    )
