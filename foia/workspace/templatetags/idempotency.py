"""``{% idempotency_field %}``: the hidden key that makes a creating form's submit count once
(see ``foia.workspace.idempotency``)."""

from django import template
from django.utils.html import format_html

from foia.workspace.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_field():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
