"""Where a webhook may point: http(s) to a public address. Loopback, private, link-local and
other non-global addresses are refused (an endpoint must not reach the server's own network),
unless settings.WEBHOOKS_ALLOW_PRIVATE (tests, a private deployment). Checked when the endpoint is
registered and again before every delivery, since a name can resolve elsewhere later."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_target(url: str) -> None:
    """Raise ValidationError (on ``url``) when the URL may not receive webhooks."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": [_("Enter a valid URL.")]}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": [_("The URL must start with http:// or https://.")]})
    if parts.username or parts.password:
        raise ValidationError({"url": [_("The URL must not contain a user name or password.")]})
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ValidationError({"url": [_("The host name cannot be resolved.")]}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                {
                    "url": [
                        _(
                            "The URL points to a loopback or private network address; "
                            "webhooks are sent only to public addresses."
                        )
                    ]
                }
            )
