"""The private iCal feed: a page to get, regenerate or revoke the address, and the feed itself."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.notifications.models import NotificationSettings
from foia.services import organizations as services
from foia.workspace import ical, selectors
from foia.workspace.models import CalendarFeed

HISTORY_DAYS = 365
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@login_required
def page(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("workspace:calendar_feed", args=[feed.token]))
        if feed
        else ""
    )
    today = timezone.localdate()
    return render(
        request,
        "workspace/calendar.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "upcoming": selectors.upcoming(request.user, today=today),
            "today": today,
        },
    )


@login_required
@require_POST
def regenerate(request):
    had = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_regenerate(user=request.user)
    messages.success(
        request,
        _("A new address was made; the old one no longer works.")
        if had
        else _("Your private calendar address is ready."),
    )
    return redirect("workspace:calendar")


@login_required
@require_POST
def revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("The calendar address was revoked."))
    return redirect("workspace:calendar")


def feed(request, token: str):
    """No login: the secret address is the key. A revoked or unknown token answers 404."""
    if not TOKEN.fullmatch(token):
        raise Http404  # not one of ours: never sent to the database (NUL bytes, 10 kB, …)
    row = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    since = timezone.localdate() - dt.timedelta(days=HISTORY_DAYS)
    CalendarFeed.objects.filter(pk=row.pk).update(last_fetched_at=timezone.now())
    # A calendar app sends no language cookie: the feed speaks the language the user chose for
    # their reminders, and the request's language only when they never chose one.
    chosen = NotificationSettings.objects.filter(user=row.user).values_list("language", flat=True)
    with translation.override(chosen.first() or translation.get_language()):
        body = ical.calendar(
            selectors.calendar_deadlines(row.user, since=since),
            name=_("FOI deadlines"),
            host=request.get_host().split(":")[0] or "foi-tracker",
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
