"""ETag and Last-Modified on the public GETs: a client that sends If-None-Match (or
If-Modified-Since) with what it has gets 304 and no body."""

from __future__ import annotations

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


class ConditionalGetMixin:
    """Adds an ETag (a hash of the JSON body) and, when the view sets ``self.last_modified``,
    Last-Modified to successful GET responses; answers 304 when the client's copy is current."""

    last_modified = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        last_modified = None
        if self.last_modified is not None:
            last_modified = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "public, max-age=60"
        conditional = get_conditional_response(
            request._request if hasattr(request, "_request") else request,
            etag=etag,
            last_modified=last_modified,
            response=response,
        )
        return conditional
