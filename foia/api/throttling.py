"""Throttling per client: a token's id, otherwise the client address. A refused request gets
429 with Retry-After (DRF sets the header from ``wait()``)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class _ClientThrottle(SimpleRateThrottle):
    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if token is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ClientBurstThrottle(_ClientThrottle):
    scope = "burst"


class ClientSustainedThrottle(_ClientThrottle):
    scope = "sustained"
