"""The outgoing mail of a request and the sending progress of a campaign, for the workspace pages."""

from __future__ import annotations

from django import template

from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.mail.outbound.services import campaign_progress

register = template.Library()


@register.inclusion_tag("mail/outbound/_request_mail.html")
def outgoing_mail(request_obj, can_edit: bool):
    messages = list(
        OutgoingMessage.objects.filter(request=request_obj)
        .defer("raw", "body")
        .order_by("-created_at", "-pk")
    )
    return {
        "r": request_obj,
        "can_edit": can_edit,
        "outgoing": messages,
        "sending": any(m.is_pending for m in messages),
        "states": MessageState,
    }


@register.inclusion_tag("mail/outbound/_campaign_mail.html")
def campaign_mail(campaign, can_edit: bool):
    return {"campaign": campaign, "can_edit": can_edit, "progress": campaign_progress(campaign)}
