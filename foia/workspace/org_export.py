"""The organisation's export of its own requests, for its reports: every request (private ones and
the requester's data included — it is the organisation's own record, for members only), every
timeline event (retracted ones marked) and every deadline; as three CSV tables or one XLSX
workbook with three sheets.

Each table is read in one streamed query, whatever the number of requests. Text cells go through
``foia.csvsafe.safe_cell`` in both formats, so a spreadsheet never runs one as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from foia.csvsafe import csv_writer, safe_cell
from foia.models import (
    Channel,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    Organization,
    Party,
    Request,
    RequestStatus,
    Visibility,
)

TABLES = ("requests", "events", "deadlines")


@dataclass(frozen=True)
class Column:
    title: Promise
    field: str
    labels: dict | None = None


class _Translated(dict):
    """A "labels" mapping for a column stored as an English msgid (the legal basis): each value is
    given in the reader's language, like on every page."""

    def get(self, key, default=None):
        return _(key) if key else default


def _cols(*specs) -> list[Column]:
    return [Column(*spec) for spec in specs]


def _columns(table: str) -> list[Column]:
    if table == "requests":
        return _cols(
            (_lazy("request"), "pk"),
            (_lazy("our reference"), "our_reference"),
            (_lazy("their reference"), "their_reference"),
            (_lazy("authority"), "authority__name"),
            (_lazy("catalogue id"), "authority__catalogue_id"),
            (_lazy("campaign"), "campaign__title"),
            (_lazy("subject"), "subject"),
            (_lazy("information sought"), "information_sought"),
            (_lazy("status"), "status", dict(RequestStatus.choices)),
            (_lazy("urgent"), "urgent"),
            (_lazy("sent on"), "sent_on"),
            (_lazy("sent by"), "sent_via", dict(Channel.choices)),
            (_lazy("received on"), "received_on"),
            (_lazy("received on (presumed)"), "received_presumed"),
            (_lazy("visibility"), "visibility", dict(Visibility.choices)),
            (_lazy("embargo until"), "embargo_until"),
            (_lazy("assignee"), "assignee__username"),
            (_lazy("requester's name"), "requester_name"),
            (_lazy("requester's address"), "requester_address"),
            (_lazy("requester's phone"), "requester_phone"),
            (_lazy("requester's e-mail"), "requester_email"),
            (_lazy("internal notes"), "internal_notes"),
            (_lazy("created at"), "created_at"),
        )
    if table == "events":
        return _cols(
            (_lazy("request"), "request_id"),
            (_lazy("authority"), "request__authority__name"),
            (_lazy("event"), "pk"),
            (_lazy("kind"), "kind", dict(EventKind.choices)),
            (_lazy("date"), "occurred_on"),
            (_lazy("received on"), "received_on"),
            (_lazy("channel"), "channel", dict(Channel.choices)),
            (_lazy("decision number"), "decision_number"),
            (_lazy("case number"), "case_number"),
            (_lazy("answer"), "answer_kind"),
            (_lazy("Commissioner's decision"), "commissioner_outcome"),
            (_lazy("text"), "text"),
            (_lazy("reason"), "reason"),
            (_lazy("public"), "is_public"),
            (_lazy("recorded at"), "recorded_at"),
            (_lazy("retracted at"), "retracted_at"),
            (_lazy("reason for the retraction"), "retraction_reason"),
        )
    return _cols(
        (_lazy("request"), "request_id"),
        (_lazy("authority"), "request__authority__name"),
        (_lazy("deadline"), "kind", dict(DeadlineKind.choices)),
        (_lazy("who must act"), "party", dict(Party.choices)),
        (_lazy("opens on"), "opens_on"),
        (_lazy("due on"), "due_on"),
        (_lazy("state"), "state", dict(DeadlineState.choices)),
        (_lazy("met on"), "met_on"),
        (_lazy("legal basis"), "legal_basis", _Translated()),
        (_lazy("counted from a presumed date"), "presumed"),
    )


def _queryset(organization: Organization, table: str):
    if table == "requests":
        return Request.objects.filter(organization=organization).order_by("pk")
    if table == "events":
        # Retracted steps are history, not facts of the request (the workspace shows them).
        return (
            Event.objects.live()
            .filter(request__organization=organization)
            .order_by("request_id", "occurred_on", "pk")
        )
    return Deadline.objects.filter(request__organization=organization).order_by(
        "request_id", "due_on", "pk"
    )


def _value(value, labels: dict | None):
    if labels is not None and value is not None:
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return "" if value is None else value


def header(table: str) -> list[str]:
    return [str(column.title) for column in _columns(table)]


def rows(organization: Organization, table: str) -> Iterator[list]:
    columns = _columns(table)
    values = _queryset(organization, table).values_list(*[c.field for c in columns])
    for row in values.iterator(chunk_size=2000):
        yield [_value(value, column.labels) for value, column in zip(row, columns, strict=True)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def as_csv(organization: Organization, table: str) -> Iterator[str]:
    writer = csv_writer(_Echo())
    yield "\ufeff" + writer.writerow(header(table))
    for row in rows(organization, table):
        yield writer.writerow(row)


def as_xlsx(organization: Organization) -> bytes:
    """One workbook, a sheet per table (write-only mode: memory stays flat at any size)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    titles = {"requests": _("Requests"), "events": _("Events"), "deadlines": _("Deadlines")}
    for table in TABLES:
        sheet = workbook.create_sheet(title=str(titles[table])[:31])
        sheet.append(header(table))
        for row in rows(organization, table):
            sheet.append([safe_cell(_clean(v)) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _clean(text: str) -> str:
    """XLSX cannot hold control characters (openpyxl refuses them): drop them."""
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
