"""The organisation exports its own requests — private ones, the requester's data, every event
and deadline — as CSV tables and an XLSX workbook; members only; no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from foia.models import Visibility
from tests.workspace.conftest import D, rec

pytestmark = pytest.mark.django_db


def url(org, fmt, **params):
    base = reverse("workspace:organization_export", args=[org.slug, fmt])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def table(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_holds_private_requests_with_the_requesters_data(
    viewer_client, org, refused, make_request
):
    make_request(visibility=Visibility.PRIVATE, subject="=1+2", internal_notes="@SUM(A1)")
    rows = table(viewer_client.get(url(org, "csv", table="requests")))
    assert len(rows) == 3
    body = " ".join(" ".join(r) for r in rows)
    assert "Ana Anić" in body and "ana.private@example.net" in body
    assert "'=1+2" in body and "'@SUM(A1)" in body
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)


def test_every_event_and_deadline_is_exported(viewer_client, org, refused):
    events = table(viewer_client.get(url(org, "csv", table="events")))
    assert [row[3] for row in events[1:]] == ["Request sent", "Refusal (decision)"]
    deadlines = table(viewer_client.get(url(org, "csv", table="deadlines")))
    assert len(deadlines) - 1 == refused.deadlines.count() >= 2
    assert "2026-11-25" in [row[5] for row in deadlines]


def test_the_xlsx_workbook_has_a_sheet_per_table(viewer_client, org, refused):
    response = viewer_client.get(url(org, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Requests", "Events", "Deadlines"]
    requests = list(workbook["Requests"].values)
    assert len(requests) == 2 and "Ana Anić" in requests[1]


def test_the_export_reads_a_constant_number_of_queries(viewer_client, org, make_request):
    make_request()
    with CaptureQueriesContext(connection) as one:
        viewer_client.get(url(org, "xlsx"))
    for _ in range(15):
        r = make_request()
        rec(r, "sent", D(2026, 11, 2), channel="email")
    with CaptureQueriesContext(connection) as many:
        viewer_client.get(url(org, "xlsx"))
    assert len(many) == len(one)


def test_only_members_export(outsider_client, client, org, refused):
    assert outsider_client.get(url(org, "csv")).status_code == 404
    assert client.get(url(org, "xlsx")).status_code == 302
