"""The staff-edited table of extra non-working days, read once per request cycle."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

CACHE_KEY = "foia:extra-closed-days:v1"


def extra_closed_days() -> frozenset[dt.date]:
    """Dates the Government declared non-working, besides holidays.RS (cached; cleared on edit)."""
    from foia.models import NonWorkingDay

    days = cache.get(CACHE_KEY)
    if days is None:
        days = frozenset(NonWorkingDay.objects.values_list("date", flat=True))
        cache.set(CACHE_KEY, days, 3600)
    return days


def forget_extra_closed_days() -> None:
    cache.delete(CACHE_KEY)
