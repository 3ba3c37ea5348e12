"""Token authentication: ``Authorization: Bearer foia_…``. Without the header the client is
anonymous (the public API); a wrong, revoked or expired token is refused with 401."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from foia.api.models import ApiToken, hash_token
from foia.workspace import access

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token as: Authorization: Bearer <token>.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        now = timezone.now()
        token = (
            ApiToken.objects.usable(now)
            .select_related("user", "organization")
            .filter(token_hash=hash_token(raw))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.organization_id not in access.memberships(token.user):
            raise exceptions.AuthenticationFailed(
                _("The token's owner is no longer a member of its organization.")
            )
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
