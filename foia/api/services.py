"""Writes on API tokens: created (the token shown once, only its hash stored) and revoked."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.api.models import ApiToken, Scope, hash_token, new_token
from foia.models import Organization
from foia.workspace import access


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    organization: Organization,
    name: str,
    scope: str = Scope.READ,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` in ``organization``; returns the row and the token (shown once)."""
    if organization.pk not in access.memberships(user):
        raise ValidationError({"organization": [_("You are not a member of this organization.")]})
    if scope not in Scope.values:
        raise ValidationError({"scope": [_("Choose read or read and write.")]})
    if scope == Scope.READ_WRITE and not access.can_edit(user, organization.pk):
        raise ValidationError(
            {"scope": [_("Your role in this organization is read-only: a read token only.")]}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("The expiry must be in the future.")]})
    raw = new_token()
    token = ApiToken(
        user=user,
        organization=organization,
        name=name.strip() or _("API token"),
        prefix=raw[:12],
        token_hash=hash_token(raw),
        scope=scope,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken, user: AbstractBaseUser) -> bool:
    """Revoke one of the user's own tokens (an owner may revoke any of the organisation's)."""
    if token.user_id != user.pk and not access.is_owner(user, token.organization_id):
        raise ValidationError({"token": [_("You may revoke only your own tokens.")]})
    return (
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        == 1
    )
