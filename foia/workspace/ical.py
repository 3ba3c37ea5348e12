"""The private calendar feed, generated with the ``icalendar`` library (RFC 5545).

Every deadline of the user's organizations' requests is an all-day event on its last day (the
48-hour mark of an urgent request is a timed event). UIDs are stable per deadline row, so a
calendar that refreshes the feed moves an event when a recorded step moves its deadline. The
library escapes and folds the text; control characters (which RFC 5545 forbids in TEXT) are
replaced before they reach it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.models import Deadline, DeadlineState


def clean_text(value: str) -> str:
    """``value`` without the control characters RFC 5545 §3.1 forbids (line breaks and tabs
    stay: the library escapes them)."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch
        for ch in str(value).replace("\r\n", "\n").replace("\r", "\n")
    )


def _summary(deadline: Deadline) -> str:
    request = deadline.request
    state = ""
    if deadline.state == DeadlineState.MET:
        state = " ✓"
    elif deadline.state == DeadlineState.MISSED:
        state = " — " + _("missed")
    return f"{deadline.get_kind_display()}{state}: {request.subject} ({request.authority.name})"


def calendar(deadlines: Iterable[Deadline], *, name: str, host: str) -> bytes:
    now = timezone.now().astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//FOI tracker//Deadlines//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean_text(name))
    cal.add("x-wr-timezone", "Europe/Belgrade")
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    site = settings.SITE_URL.rstrip("/")
    for deadline in deadlines:
        request = deadline.request
        url = site + reverse("workspace:request", args=[request.pk])
        description = "\n".join(
            part
            for part in (
                str(deadline.get_party_display()),
                deadline.legal_basis_display,
                deadline.note_display,
                str(_("Counted from a presumed date.")) if deadline.presumed else "",
                url,
            )
            if part
        )
        event = icalendar.Event()
        event.add("uid", f"deadline-{deadline.pk}@{host}")
        event.add("dtstamp", now)
        if deadline.due_at:
            event.add("dtstart", deadline.due_at.astimezone(dt.UTC))
        else:
            event.add("dtstart", deadline.due_on)
            event.add("dtend", deadline.due_on + dt.timedelta(days=1))
        event.add("last-modified", deadline.updated_at.astimezone(dt.UTC))
        event.add("summary", clean_text(_summary(deadline)))
        event.add("description", clean_text(description))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
