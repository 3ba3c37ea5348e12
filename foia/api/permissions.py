"""Who may do what with a token. Membership and roles come from ``foia.workspace.access`` (the
one definition): a token acts for its user in its organisation, a read token never writes, and a
viewer's token never writes whatever its scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from foia.api.models import ApiToken
from foia.workspace import access


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class HasToken(permissions.BasePermission):
    message = _("This needs a personal API token (Authorization: Bearer …).")

    def has_permission(self, request, view) -> bool:
        return token_of(request) is not None


class TokenMayWrite(permissions.BasePermission):
    message = _("This token may only read: create a read-write token as an owner or editor.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = token_of(request)
        return bool(
            token and token.can_write and access.can_edit(request.user, token.organization_id)
        )
