"""Send by e-mail: the request, an appeal or urgency to the Commissioner, a message in the thread,
a whole campaign; the .eml proof and retrying. Thin: parse the form, call foia.mail.outbound."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from foia.mail.outbound import services as mail
from foia.mail.outbound.forms import AppealForm, SendForm
from foia.mail.outbound.models import MessageKind, OutgoingMessage
from foia.models import AppealGround, EventKind, RequestStatus
from foia.workspace import access
from foia.workspace import documents as docs
from foia.workspace.forms.fields import add_service_errors

MESSAGE_KINDS = {
    MessageKind.MESSAGE: gettext_lazy("Write to the authority"),
    MessageKind.REPEAT: gettext_lazy("Send the request again (reminder)"),
    MessageKind.URGENCY: gettext_lazy("Send an urgency to the Commissioner"),
}
REPEAT_INTRO = (
    "Poštovani,\r\n\r\ndana {sent} uputili smo vam zahtev za pristup informacijama od javnog "
    "značaja, na koji do danas nismo dobili odgovor. Ponovo vam ga dostavljamo u nastavku i "
    "molimo da postupite po njemu u zakonskom roku.\r\n\r\n"
)
URGENCY_TEXT = (
    "Poštovani,\r\n\r\ndana {appeal} izjavili smo žalbu Povereniku protiv organa vlasti {authority} "
    "u vezi sa zahtevom „{subject}“. Molimo da nas obavestite o toku postupka i da o žalbi "
    "odlučite u roku iz člana 24. Zakona o slobodnom pristupu informacijama od javnog "
    "značaja.\r\n\r\nS poštovanjem,\r\n{org}\r\n"
)


def _queue(form, obj, user, **fields):
    data = form.cleaned_data
    try:
        return mail.message_queue(
            request=obj,
            user=user,
            to=data["to"],
            cc=data.get("cc") or "",
            subject=data["subject"],
            body=data["body"],
            idempotency_key=f"form-{obj.pk}-{data['key']}",
            attachments=data.get("attachments") or [],
            **fields,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _render(request, obj, form, title: str, intro: str = ""):
    return render(
        request,
        "mail/outbound/send.html",
        {"r": obj, "form": form, "title": title, "intro": intro},
    )


def _back(obj):
    from django.urls import reverse

    return redirect(reverse("workspace:request", args=[obj.pk]) + "#mail")


@login_required
def send_request(request, pk: int):
    """Send a draft to its authority: the letter as text, the official form as PDF."""
    obj = access.get_request(request.user, pk, edit=True)
    if obj.status != RequestStatus.DRAFT:
        messages.info(request, _("This request was already sent."))
        return _back(obj)
    if request.method == "POST":
        form = SendForm(request.POST, request_obj=obj)
        if form.is_valid() and _queue(
            form,
            obj,
            request.user,
            kind=MessageKind.REQUEST,
            include_form_pdf=True,
            event_values={"kind": EventKind.SENT},
        ):
            messages.success(request, _("The request is queued and will be sent in a moment."))
            return _back(obj)
    else:
        document = docs.build("request", obj, today=timezone.localdate(), options=docs.Options())
        form = SendForm(
            request_obj=obj,
            initial={
                "to": obj.authority.email,
                "subject": mail.request_subject(obj),
                "body": docs.to_text(document),
            },
        )
    intro = _(
        "The letter goes as the text of the message and the official form as a PDF attachment. "
        "The request is marked as sent when the mail server accepts the message."
    )
    if not obj.authority.email:
        intro += " " + _("No e-mail address is known for this authority: type it in.")
    return _render(request, obj, form, _("Send the request by e-mail"), intro)


def _against_choices(obj, events):
    choices = [
        (str(e.pk), f"{e.get_kind_display()} {e.occurred_on:%d.%m.%Y}")
        for e in docs.appealable_decisions(events)
    ]
    choices.append(("silence", str(AppealGround.SILENCE.label)))
    return choices


@login_required
def send_appeal(request, pk: int):
    """An appeal to the Commissioner: the appeal as text and PDF, the decision's documents."""
    obj = access.get_request(request.user, pk, edit=True)
    if obj.status == RequestStatus.DRAFT:
        raise Http404(_("Not found."))
    events = list(obj.events.filter(retracted_at__isnull=True).order_by("occurred_on", "pk"))
    choices = _against_choices(obj, events)
    if request.method == "POST":
        form = AppealForm(request.POST, request_obj=obj, against_choices=choices)
        if form.is_valid():
            against = form.cleaned_data["against"]
            if against == "silence":
                values = {"kind": EventKind.APPEAL_FILED, "appeal_ground": AppealGround.SILENCE}
            else:
                decision = next(e for e in events if str(e.pk) == against)
                ground = {
                    EventKind.REFUSAL: AppealGround.REFUSAL,
                    EventKind.DISMISSAL: AppealGround.DISMISSAL,
                }.get(decision.kind, AppealGround.PARTIAL)
                values = {
                    "kind": EventKind.APPEAL_FILED,
                    "appeal_ground": ground,
                    "related_event": decision.pk,
                }
            if _queue(
                form,
                obj,
                request.user,
                kind=MessageKind.APPEAL,
                include_form_pdf=True,
                event_values=values,
            ):
                messages.success(request, _("The appeal is queued and will be sent in a moment."))
                return _back(obj)
    else:
        decisions = docs.appealable_decisions(events)
        latest = decisions[-1] if decisions else None
        slug = "appeal" if latest else "silence-appeal"
        document = docs.build(
            slug,
            obj,
            today=timezone.localdate(),
            options=docs.Options(decision=latest.pk if latest else None),
        )
        form = AppealForm(
            request_obj=obj,
            against_choices=choices,
            initial={
                "to": settings.COMMISSIONER_EMAIL,
                "subject": mail.appeal_subject(obj),
                "body": docs.to_text(document),
                "against": str(latest.pk) if latest else "silence",
                "attachments": [a.pk for a in latest.attachments.all()] if latest else [],
            },
        )
    intro = _(
        "The appeal goes to the Commissioner as text and as a PDF, with the documents you tick "
        "(the decision appealed is ticked). It is recorded as filed when the mail server accepts "
        "it; replies come to the appeal thread's address."
    )
    return _render(request, obj, form, _("Send an appeal by e-mail"), intro)


@login_required
def send_message(request, pk: int, kind: str):
    """A message in the request's thread, the request again, or an urgency to the Commissioner."""
    obj = access.get_request(request.user, pk, edit=True)
    if kind not in MESSAGE_KINDS or obj.status == RequestStatus.DRAFT:
        raise Http404(_("Not found."))
    thread = "appeal" if kind == MessageKind.URGENCY else "request"
    previous = mail.last_message(obj, thread)
    event_values = {"kind": EventKind.URGENCY} if kind == MessageKind.URGENCY else {}
    if request.method == "POST":
        form = SendForm(request.POST, request_obj=obj)
        if form.is_valid() and _queue(
            form,
            obj,
            request.user,
            kind=kind,
            include_form_pdf=kind == MessageKind.REPEAT,
            event_values=event_values,
            in_reply_to=previous,
        ):
            messages.success(request, _("The message is queued and will be sent in a moment."))
            return _back(obj)
    else:
        subject = previous.subject if previous else mail.request_subject(obj)
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        body = ""
        to = obj.authority.email
        if kind == MessageKind.REPEAT:
            letter = docs.build("request", obj, today=timezone.localdate(), options=docs.Options())
            body = REPEAT_INTRO.format(sent=docs.sr_date(obj.sent_on)) + docs.to_text(letter)
        elif kind == MessageKind.URGENCY:
            appeal = (
                obj.events.live()
                .filter(kind=EventKind.APPEAL_FILED)
                .order_by("-occurred_on")
                .first()
            )
            to = settings.COMMISSIONER_EMAIL
            body = URGENCY_TEXT.format(
                appeal=docs.sr_date(appeal.occurred_on if appeal else None),
                authority=obj.authority.name,
                subject=obj.subject,
                org=obj.organization.name,
            )
        form = SendForm(request_obj=obj, initial={"to": to, "subject": subject, "body": body})
    return _render(request, obj, form, str(MESSAGE_KINDS[kind]))


def _message(user, pk: int, *, edit: bool = False) -> OutgoingMessage:
    message = OutgoingMessage.objects.filter(pk=pk).only("pk", "request_id").first()
    if message is None:
        raise Http404(_("Not found."))
    access.get_request(user, message.request_id, edit=edit)
    return OutgoingMessage.objects.get(pk=pk)


@login_required
def download_eml(request, pk: int):
    """The exact bytes the mail server accepted: the proof of sending. Members only."""
    message = _message(request.user, pk)
    if not message.raw or not message.accepted_at:
        raise Http404(_("This message has not been sent."))
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = (
        f'attachment; filename="{message.kind}-{message.request_id}-{message.pk}.eml"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def retry(request, pk: int):
    message = _message(request.user, pk, edit=True)
    if mail.message_retry(message=message, user=request.user):
        messages.success(request, _("The message is queued again."))
    return _back(message.request)


@login_required
@require_POST
def send_campaign(request, pk: int):
    campaign = access.get_campaign(request.user, pk, edit=True)
    # The messages are queued on the worker: an 11,500-draft campaign is not prepared here.
    if mail.campaign_send_later(campaign=campaign, user=request.user):
        messages.success(
            request,
            _("The drafts are being queued for sending by e-mail; the progress is shown below."),
        )
    else:
        messages.info(request, _("There are no drafts left to send by e-mail."))
    from django.urls import reverse

    return redirect(reverse("workspace:campaign", args=[campaign.pk]) + "#campaign-mail")
