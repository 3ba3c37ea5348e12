"""The audit trail: who changed what, when and why. Every surface's writes leave an entry here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from foia.models import Campaign, Event, Request
from foia.workspace.models import AuditEntry


def plain(value: Any) -> Any:
    """A JSON-safe, readable form of a field value as it was at the time of the change."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict]:
    return [
        {"field": name, "old": plain(before.get(name)), "new": plain(after[name])}
        for name in after
        if plain(before.get(name)) != plain(after[name])
    ]


def audit(
    *,
    organization_id: int,
    actor: AbstractBaseUser | None,
    action: str,
    request: Request | None = None,
    campaign: Campaign | None = None,
    event: Event | None = None,
    changes: Sequence[dict] = (),
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        organization_id=organization_id,
        actor=actor,
        action=action,
        request=request,
        campaign=campaign,
        event=event,
        changes=list(changes),
        note=note[:300],
    )
