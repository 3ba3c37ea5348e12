"""``{% incoming_messages r %}``: the received messages on a request's workspace page."""

from django import template

from foia.mail.inbound import selectors
from foia.mail.inbound.selectors import request_messages

register = template.Library()


@register.inclusion_tag("mail_in/_request_messages.html")
def incoming_messages(request_obj):
    return {"incoming": request_messages(request_obj)}


@register.inclusion_tag("mail_in/_public_messages.html")
def public_messages(request_obj):
    """The request's published e-mail, redacted (the public page only shows public requests)."""
    return {"published": selectors.public_messages(request_obj)}
