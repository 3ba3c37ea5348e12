"""Failed authentication, limited by django-axes on every path: the workspace login, /admin/,
password reset requests and invitation links.

Attempts are stored in the database (axes' database handler), so every gunicorn worker and
every server sees the same count, whatever the cache. The lock is per (username, client
address): behind a proxy the address is taken from ``X-Forwarded-For`` only when the
connection comes from one of ``TRUSTED_PROXIES`` (otherwise anyone could claim any address, or
everyone would share the proxy's). A separate, higher ceiling per username
(``LOGIN_FAILURE_USER_LIMIT``) stops a guess spread over many addresses.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.utils import timezone


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, unless that is a trusted proxy; then the nearest
    address in ``X-Forwarded-For`` that is not one of the trusted proxies (read from the right,
    as each proxy appends the address it saw)."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    proxies = _networks()
    if not any(remote in net for net in proxies):
        return str(remote)
    hops = [h for h in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a forged or broken entry: trust nothing left of it
        if not any(address in net for net in proxies):
            return str(address)
    return str(remote)


def client_username(request, credentials=None) -> str | None:
    """The username axes counts: as typed, without NUL bytes (PostgreSQL refuses them), cut to
    its column's 255 characters (a longer one was a 500 on PostgreSQL)."""
    if credentials:
        value = credentials.get("username")
    else:
        value = request.POST.get("username") if request is not None else None
    if not isinstance(value, str):
        return value
    return value.replace("\0", "")[:255]


def cool_off(request=None) -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def failure_limit(request=None, credentials=None) -> int:
    return settings.LOGIN_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus a per-username ceiling over all addresses."""

    def user_logged_in(self, sender, request, user, **kwargs):
        _scrub(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        _scrub(request)
        return super().user_logged_out(sender, request, user, **kwargs)

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        if not username:
            return False
        since = timezone.now() - cool_off(request)
        total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        return (total or 0) >= settings.LOGIN_FAILURE_USER_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        _scrub(request)
        credentials = {
            k: v.replace("\0", "") if isinstance(v, str) else v for k, v in credentials.items()
        }
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes flags the lockout for its own (username, address) count only; the per-user
        # ceiling is flagged here, so the middleware answers with the lockout page.
        if (
            request is not None
            and not request.axes_locked_out
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _scrub(request) -> None:
    # axes stores these as they came; PostgreSQL refuses a NUL byte in text, and a value longer
    # than its column (both a 500).
    if request is None:
        return
    for name, limit in (
        ("axes_user_agent", 255),
        ("axes_path_info", 255),
        ("axes_http_accept", 1025),
    ):
        value = getattr(request, name, None)
        if isinstance(value, str):
            setattr(request, name, value.replace("\0", "")[:limit])


def is_allowed(request, key: str) -> bool:
    """Whether ``key`` (a username, or e.g. ``password-reset:<address>``) may try again from this
    client."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_allowed(request, {"username": key})


def note_attempt(request, key: str) -> None:
    """Count one attempt against ``key`` from this client, as a failed login is counted."""
    user_login_failed.send(sender=__name__, credentials={"username": key}, request=request)
