"""Login attempts, counted in Django's cache (LocMem locally, Redis with REDIS_URL) per username
and client address: after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW seconds the
login is refused, without even checking the password, until the window has passed."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMIT = 5
DEFAULT_WINDOW = 15 * 60


def limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", DEFAULT_LIMIT)


def window() -> int:
    return getattr(settings, "LOGIN_FAILURE_WINDOW", DEFAULT_WINDOW)


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy
    # rewrites it, so trusting it would let anyone reset their own counter.
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}|{address}".encode()).hexdigest()
    return f"workspace:login-failures:{digest}"


def is_blocked(username: str, address: str) -> bool:
    return (cache.get(_key(username, address)) or 0) >= limit()


def note_failure(username: str, address: str) -> int:
    key = _key(username, address)
    # add() starts the window once; incr() keeps it (the counter expires with the first failure).
    if cache.add(key, 1, timeout=window()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window())
        return 1


def clear(username: str, address: str) -> None:
    cache.delete(_key(username, address))
