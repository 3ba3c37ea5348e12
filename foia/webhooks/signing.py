"""Signing of webhook deliveries: HMAC-SHA256 over "<timestamp>.<body>", sent as

    X-Foia-Signature: t=<unix seconds>,v1=<hex digest>

A receiver recomputes the digest with its secret, compares in constant time and refuses a
timestamp older than a few minutes (a replayed delivery). ``verify`` is what a receiver runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "X-Foia-Signature"
EVENT_ID_HEADER = "X-Foia-Event-Id"
EVENT_KIND_HEADER = "X-Foia-Event"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header_value(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance=TOLERANCE_SECONDS
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is recent enough."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, body))
