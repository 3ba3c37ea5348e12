"""The private calendar feed: RFC 5545 text written by hand (it is small).

Every deadline of the user's organizations' requests is an all-day event on its last day (the
48-hour mark of an urgent request is a timed event). UIDs are stable per deadline row, so a
calendar that refreshes the feed moves an event when a recorded step moves its deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.models import Deadline, DeadlineState


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space (RFC 5545 §3.1), never inside
    a multi-byte character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _summary(deadline: Deadline) -> str:
    request = deadline.request
    state = ""
    if deadline.state == DeadlineState.MET:
        state = " ✓"
    elif deadline.state == DeadlineState.MISSED:
        state = " — " + _("missed")
    return f"{deadline.get_kind_display()}{state}: {request.subject} ({request.authority.name})"


def calendar(deadlines: Iterable[Deadline], *, name: str, host: str) -> str:
    now = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//FOI tracker//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Belgrade",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
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
        lines += ["BEGIN:VEVENT", f"UID:deadline-{deadline.pk}@{host}", f"DTSTAMP:{now}"]
        if deadline.due_at:
            lines.append(f"DTSTART:{_utc(deadline.due_at)}")
        else:
            start = deadline.due_on
            lines += [
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{start + dt.timedelta(days=1):%Y%m%d}",
            ]
        lines += [
            f"LAST-MODIFIED:{_utc(deadline.updated_at)}",
            f"SUMMARY:{escape_text(_summary(deadline))}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
