"""Request-level guards that must run before anything reads the body."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than ``REQUEST_MAX_BYTES`` — from its
    ``Content-Length`` header, before a byte of the body is read (a 200 MB upload used to be
    read completely and only then refused). A malformed length is a 400. Django's own
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` still caps the non-file part of a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw:
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                if raw.isascii() and raw.isdigit():
                    return self._too_large()
                return HttpResponse(
                    _("The request's Content-Length is not a number."),
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            if int(raw) > settings.REQUEST_MAX_BYTES:
                return self._too_large()
        return self.get_response(request)

    @staticmethod
    def _too_large() -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES // (1024 * 1024)
        return HttpResponse(
            _("The request is too large: at most %(limit)d MB may be sent at once.")
            % {"limit": limit},
            status=413,
            content_type="text/plain; charset=utf-8",
        )
