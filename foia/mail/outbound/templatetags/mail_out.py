"""The outgoing mail of a request and the sending progress of a campaign, for the workspace pages."""

from __future__ import annotations

from django import template

from foia.mail.outbound.models import CampaignSending, MessageState, OutgoingMessage
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


SKIPPED_SHOWN = 10


@register.inclusion_tag("mail/outbound/_campaign_sending.html")
def campaign_mail(campaign, can_edit: bool, drafts: int):
    """The progress, and the worker's preparation of "Send all drafts": still running, and the
    drafts it could not queue with the reason (the first few, then how many more). The button
    only while there are ``drafts`` to send."""
    sending = CampaignSending.objects.filter(campaign_id=campaign.pk).first()
    reasons = list((sending.skipped if sending else {}).values())
    return {
        "campaign": campaign,
        "can_edit": can_edit,
        "drafts": drafts,
        "progress": campaign_progress(campaign),
        "sending": sending,
        "skipped": reasons[:SKIPPED_SHOWN],
        "skipped_count": len(reasons),
        "skipped_more": max(len(reasons) - SKIPPED_SHOWN, 0),
    }
