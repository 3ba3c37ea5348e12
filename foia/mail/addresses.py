"""Reply addresses: one unguessable address per request thread on ``settings.MAIL_DOMAIN``.

``r<id>-<token>@<domain>`` is the request's thread (the letter, repeats, free messages),
``r<id>a-<token>@<domain>`` its appeal thread (with the Commissioner). The token is an HMAC of the
thread and the id with ``settings.MAIL_SECRET`` (by default a key derived from ``SECRET_KEY``), so
nobody can write into another request's timeline by guessing an address. Receiving side (mailin):
``parse_reply_address()`` accepts any case, a display name and ``+tags``, and verifies the HMAC in
constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings

REQUEST_THREAD = "request"
APPEAL_THREAD = "appeal"
_SUFFIX = {REQUEST_THREAD: "", APPEAL_THREAD: "a"}
_THREAD_OF_SUFFIX = {v: k for k, v in _SUFFIX.items()}
TOKEN_LENGTH = 16  # base32 characters: 80 bits
_MAX_ID = 2**63 - 1
_LOCAL = re.compile(r"^r([0-9]{1,19})(a?)-([a-z2-7]{16})$")  # 16 = TOKEN_LENGTH


def _secret() -> bytes:
    configured = getattr(settings, "MAIL_SECRET", "")
    if configured:
        return configured.encode()
    # Derived, so that a bare checkout works and the address key differs from SECRET_KEY itself.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"foia.mail.reply-address", hashlib.sha256
    ).digest()


def _token(request_id: int, thread: str) -> str:
    digest = hmac.new(_secret(), f"{thread}:{request_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:TOKEN_LENGTH]


def mail_domain() -> str:
    return settings.MAIL_DOMAIN.lower()


def thread_address(request_id: int, thread: str) -> str:
    return f"r{int(request_id)}{_SUFFIX[thread]}-{_token(request_id, thread)}@{mail_domain()}"


def reply_address(request) -> str:
    """The address the authority answers to for this request (Reply-To of what we send)."""
    return thread_address(request.pk, REQUEST_THREAD)


def appeal_reply_address(request) -> str:
    """The address of the request's appeal thread (the Commissioner answers there)."""
    return thread_address(request.pk, APPEAL_THREAD)


def parse_reply_address(address: str) -> tuple[int, str] | None:
    """``(request_id, thread)`` when ``address`` is one of ours with a valid token, else None.

    Accepts "Name <addr>", any letter case and a ``+tag`` after the local part. Whether the
    request still exists is the caller's question.
    """
    if not address or not isinstance(address, str) or "\x00" in address:
        return None
    _name, addr = parseaddr(address)
    addr = (addr or address).strip().lower()
    local, at, domain = addr.rpartition("@")
    if not at or domain != mail_domain():
        return None
    local = local.split("+", 1)[0]
    match = _LOCAL.match(local)
    if not match:
        return None
    request_id = int(match.group(1))
    if not 0 < request_id <= _MAX_ID:
        return None
    thread = _THREAD_OF_SUFFIX[match.group(2)]
    if not hmac.compare_digest(match.group(3), _token(request_id, thread)):
        return None
    return request_id, thread
