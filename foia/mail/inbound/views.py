"""Incoming mail in the workspace: the review queue, one message, its raw bytes and attachments,
assignment to a request, "What is this?", and publishing with a preview."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.mail.inbound import selectors, services
from foia.mail.inbound.models import Classification, InboundAttachment, Kind, State
from foia.workspace import access


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
def queue(request):
    return render(
        request,
        "mail_in/queue.html",
        {
            "held": selectors.review_queue(request.user)[:200],
            "to_classify": selectors.to_classify(request.user)[:200],
        },
    )


@login_required
def message(request, pk: int):
    msg = selectors.get_message(request.user, pk)
    can_edit = (
        access.can_edit(request.user, msg.request.organization_id)
        if msg.request_id
        else True  # get_message only lets reviewers see held mail
    )
    return render(
        request,
        "mail_in/message.html",
        {
            "m": msg,
            "attachments": list(msg.attachments.all()),
            "guesses": selectors.guesses(msg) if msg.state == State.HELD else [],
            "can_edit": can_edit,
            "choices": list(Classification),
            "held": msg.state == State.HELD,
        },
    )


@login_required
def raw(request, pk: int):
    msg = selectors.get_message(request.user, pk)
    response = HttpResponse(bytes(msg.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{msg.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment(request, pk: int, item: int):
    msg = selectors.get_message(request.user, pk)
    try:
        att = msg.attachments.get(pk=item)
    except (InboundAttachment.DoesNotExist, ValueError):
        raise Http404(_("Not found.")) from None
    if att.rejected or not att.file:
        raise Http404(_("This attachment was not accepted; it is only in the raw message."))
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def assign(request, pk: int):
    msg = selectors.get_message(request.user, pk)
    request_id = _int(request.POST.get("request"))
    if request_id is None:
        messages.error(request, _("Enter the number of a request."))
        return redirect("mail_in:message", pk=msg.pk)
    if msg.state != State.HELD:
        messages.info(request, _("This message is already filed under a request."))
        return redirect("mail_in:message", pk=msg.pk)
    target = selectors.assignable_request(request.user, msg, request_id)
    services.message_assign(message=msg, request=target, user=request.user)
    messages.success(request, _("Filed under request #%(id)s.") % {"id": target.pk})
    return redirect("mail_in:message", pk=msg.pk)


@login_required
@require_POST
def classify(request, pk: int):
    """ "What is this?": "other" files it; anything else opens that event's form, prefilled."""
    msg = selectors.get_message(request.user, pk, edit=True)
    choice = request.POST.get("what", "")
    if msg.request_id is None or msg.kind != Kind.MESSAGE:
        return HttpResponseBadRequest(_("Only a reply filed under a request can be classified."))
    if choice == Classification.OTHER:
        services.message_classify_other(message=msg, user=request.user)
        messages.success(request, _("Filed as “other”: no legal event recorded."))
        return redirect("workspace:request", pk=msg.request_id)
    if choice not in services.EVENT_FOR:
        return HttpResponseBadRequest(_("Choose what the message is."))
    kind, _extra = services.EVENT_FOR[choice]
    url = reverse("workspace:record_event", args=[msg.request_id, kind.replace("_", "-")])
    return redirect(url + "?" + urlencode({"message": msg.pk, "what": choice}))


@login_required
def publish(request, pk: int):
    """Publishing shows the redacted message on the public page; a preview comes first."""
    msg = selectors.get_message(request.user, pk, edit=True)
    if msg.request_id is None or msg.kind != Kind.MESSAGE:
        raise Http404(_("Only a reply filed under a request can be published."))
    if request.method == "POST":
        public = request.POST.get("public") == "1"
        services.message_set_public(message=msg, public=public, user=request.user)
        messages.success(
            request,
            _("The message is public, redacted as previewed.")
            if public
            else _("The message is private again."),
        )
        return redirect("mail_in:message", pk=msg.pk)
    return render(
        request,
        "mail_in/publish.html",
        {"m": msg, "preview": selectors.public_view(msg)},
    )
