"""Recording what happened: one form per kind of event, validated by the transitions service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.deadlines import deemed_delivered
from foia.models import Channel, EventKind
from foia.services import requests as services
from foia.workspace import access
from foia.workspace.forms.events import KIND_GROUPS, event_form_class
from foia.workspace.forms.fields import add_service_errors, keep_input_without_errors
from foia.workspace.idempotency import idempotent

POSTED = (Channel.ORDINARY_POST, Channel.REGISTERED_POST)


def _record(
    request,
    obj,
    kind: str,
    *,
    initial: dict | None = None,
    template: str,
    extra=None,
    on_recorded=None,
):
    form_class = event_form_class(kind)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, request_obj=obj)
        if "forwarded_to_find" in request.POST:
            keep_input_without_errors(form)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                event = services.event_record(
                    request=obj,
                    user=request.user,
                    kind=kind,
                    occurred_on=data["occurred_on"],
                    grounds=data.get("grounds") or [],
                    uploads=data.get("documents") or [],
                    uploads_public=data.get("documents_public", False),
                    confirm_duplicate=data.get("confirm_duplicate", False),
                    **form.event_values(),
                )
            except ValidationError as exc:
                if "confirm_duplicate" in getattr(exc, "error_dict", {}):
                    form.offer_duplicate_confirmation()
                add_service_errors(form, exc)
            else:
                if on_recorded is not None:
                    on_recorded(event)
                messages.success(
                    request,
                    _("Recorded: %(what)s.") % {"what": event.get_kind_display()},
                )
                for warning in event.flag_messages:
                    messages.warning(request, warning)
                return redirect("workspace:request", pk=obj.pk)
        if form.errors and request.FILES:
            form.add_error(
                "documents", _("For safety the browser does not keep files: choose them again.")
            )
    else:
        form = form_class(initial=initial or {}, request_obj=obj)
    context = {
        "r": obj,
        "form": form,
        "kind": kind,
        "kind_label": EventKind(kind).label,
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
def choose(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    return render(request, "workspace/record_choose.html", {"r": obj, "kind_groups": KIND_GROUPS})


@login_required
@idempotent
def record(request, pk: int, kind: str):
    obj = access.get_request(request.user, pk, edit=True)
    kind = kind.replace("-", "_")
    if kind not in EventKind.values:
        raise Http404(_("Unknown kind of event."))
    if request.GET.get("message"):
        return _record_from_message(request, obj, kind)
    return _record(request, obj, kind, template="workspace/record_event.html")


def _record_from_message(request, obj, kind: str):
    """ "What is this?" on a received e-mail: the event form prefilled from the message (the
    authority's date, our receipt date, the text); once recorded through the transitions, the
    message's attachments become the event's documents."""
    from foia.mail.inbound import selectors as mail_selectors
    from foia.mail.inbound import services as mail_services

    message = mail_selectors.get_message(request.user, request.GET["message"], edit=True)
    if message.request_id != obj.pk:
        raise Http404(_("Not found."))
    what = request.GET.get("what", "")
    if what not in mail_services.EVENT_FOR:
        what = mail_services.classification_for_event(kind)
    initial = mail_services.event_prefill(message, what) if what in mail_services.EVENT_FOR else {}
    count = message.attachments.filter(rejected="").count()
    intro = _(
        "From the e-mail of %(sender)s received on %(received)s. The dates are taken from the "
        "message: check them against the document. Its attachments (%(count)s) will be linked "
        "to the event."
    ) % {
        "sender": message.from_address,
        "received": timezone.localtime(message.received_at).strftime("%d.%m.%Y %H:%M"),
        "count": count,
    }
    return _record(
        request,
        obj,
        kind,
        initial=initial,
        template="workspace/record_event.html",
        extra={"intro": intro, "inbound_message": message},
        on_recorded=lambda event: mail_services.message_link_event(
            message=message, event=event, user=request.user
        ),
    )


@login_required
def mark_sent(request, pk: int):
    obj = access.get_request(request.user, pk, edit=True)
    return _record(
        request,
        obj,
        EventKind.SENT,
        initial={"occurred_on": timezone.localdate(), "channel": Channel.EMAIL},
        template="workspace/record_event.html",
        extra={"intro": _("Record the day the request left you, how, and the proof of sending.")},
    )


@login_required
def mark_received(request, pk: int):
    """For post, the 7th day after posting is proposed and marked presumed (ZUP Art. 71)."""
    obj = access.get_request(request.user, pk, edit=True)
    today = timezone.localdate()
    initial: dict = {"occurred_on": obj.sent_on or today}
    note = ""
    if obj.sent_on and obj.sent_via in POSTED:
        presumed_on = deemed_delivered(obj.sent_on, obj.sent_via)
        initial.update(occurred_on=presumed_on, presumed=True)
        note = _(
            "Sent by post on %(sent)s: the law presumes it was received on the 7th day, "
            "%(presumed)s. Keep that date, or enter the date on the return receipt and untick "
            "“presumed”."
        ) % {"sent": obj.sent_on.strftime("%d.%m.%Y"), "presumed": presumed_on.strftime("%d.%m.%Y")}
        if presumed_on > today:
            note += " " + _(
                "That day has not come yet: the deadlines already count from it, so you can "
                "record the receipt later."
            )
    return _record(
        request,
        obj,
        EventKind.DELIVERED,
        initial=initial,
        template="workspace/record_event.html",
        extra={"intro": note},
    )
