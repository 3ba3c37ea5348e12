"""Site-wide error pages: a refused action says why and offers a way back, inside the site's
layout (navigation, language) instead of a bare "403 Forbidden"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


def _back(request: HttpRequest) -> str:
    """Where "back" goes: the page the person came from on this site, else their start page."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return reverse("workspace:board")
    return reverse("public:home")


def _reason(exception: Exception | None) -> str:
    # Only messages we wrote (PermissionDenied/Http404 with a translated text) reach the page.
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) else ""


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"reason": _reason(exception), "back": _back(request)}
    return render(request, "403.html", context, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"back": _back(request)}
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever failed (the database, a context processor) must not fail again.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
