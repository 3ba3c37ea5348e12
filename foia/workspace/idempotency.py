"""One submit, one row: an idempotency key on every creating form of the workspace.

Each rendering of a creating form carries a fresh random key (``{% idempotency_field %}``). The
first POST with a key claims it in the shared cache (``cache.add`` is atomic in Redis and in the
database cache) and, when it succeeds (a redirect to what it created), stores where it went. A
second POST with the same key — a double click, a retried request, the back button and submit
again — creates nothing: it waits for the first to finish and is sent to the same page. A POST
whose form had errors gives its key back, so the corrected form can be sent.
"""

from __future__ import annotations

import time
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

FIELD = "idempotency_key"
PENDING = "pending"
TTL = 24 * 3600


def new_key() -> str:
    return uuid.uuid4().hex


def _valid(key: str) -> bool:
    try:
        return uuid.UUID(hex=key).hex == key
    except (ValueError, TypeError):
        return False


def _wait_for(cache_key: str) -> str | None:
    deadline = time.monotonic() + getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 15)
    while time.monotonic() < deadline:
        value = cache.get(cache_key)
        if value is None:
            return None  # the first submit failed and gave its key back
        if value != PENDING:
            return value
        time.sleep(0.05)
    return None


def idempotent(view):
    """Decorate a view whose successful POST creates something and redirects to it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _valid(key):
            return view(request, *args, **kwargs)
        cache_key = f"idempotency:{request.user.pk}:{request.path}:{key}"
        if not cache.add(cache_key, PENDING, timeout=TTL):
            location = _wait_for(cache_key)
            if location:
                messages.info(request, _("This form was already sent; here is what it saved."))
                return redirect(location)
            return HttpResponse(
                _("This form is still being saved. Reload the page in a moment."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(cache_key)
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            cache.set(cache_key, response["Location"], timeout=TTL)
        else:
            cache.delete(cache_key)
        return response

    return wrapper
