"""Small display helpers for the workspace's templates."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_label(days: int | None) -> str:
    if days is None:
        return "—"
    if days == 0:
        return _("today")
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


@register.filter
def days_class(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return "late"
    if days <= 3:
        return "soon"
    return "ok"


@register.filter
def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def can_file(user) -> bool:
    """Whether the user may file requests in at least one organisation (owners and editors): the
    menu offers "New request" only to them."""
    from foia.workspace import access

    return bool(access.organizations(user, edit=True))
