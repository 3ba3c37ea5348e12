"""Workspace fixtures: logged-in clients for the named cast, requests at each stage, and uploads
kept in a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from foia.models import Authority, AuthorityKind
from foia.services.transitions import record_event

D = dt.date
TODAY = D(2026, 11, 20)  # a Friday

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    """Time stands at noon, 20 November 2026, in Belgrade."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def pdf(name: str = "odgovor.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def drain(response) -> bytes:
    """The body of a streamed file download, closing the file (response.close() would also
    close the test database connection through request_finished)."""
    body = b"".join(response.streaming_content)
    for close in response._resource_closers:
        close()
    return body


@pytest.fixture
def login(db):
    """A separate browser session per user, so two of the cast can be used in one test."""

    def as_user(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def owner_client(login, owner):
    return login(owner)


@pytest.fixture
def editor_client(login, colleague):
    return login(colleague)


@pytest.fixture
def viewer_client(login, viewer):
    return login(viewer)


@pytest.fixture
def outsider_client(login, outsider):
    return login(outsider)


def rec(request, kind, on, **values):
    return record_event(request=request, kind=kind, occurred_on=on, today=TODAY, **values)


@pytest.fixture
def sent(make_request):
    """A request e-mailed on Monday 2 November 2026: the answer is due on 17 November."""
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), channel="email")
    r.refresh_from_db()
    return r


@pytest.fixture
def refused(make_request):
    """Refused under Art. 9 item 3 by decision 01-123/26, received 10 November: appeal by the
    25th."""
    r = make_request()
    rec(r, "sent", D(2026, 10, 20), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 11, 9),
        received_on=D(2026, 11, 10),
        channel="email",
        decision_number="01-123/26",
        decision_date=D(2026, 11, 6),
        grounds=["art9_3"],
    )
    r.refresh_from_db()
    return r


@pytest.fixture
def municipalities(db):
    names = [
        ("Opština Čukarica", "Beograd"),
        ("Grad Novi Sad", "Novi Sad"),
        ("Grad Niš", "Niš"),
        ("Opština Inđija", "Inđija"),
    ]
    return [
        Authority.objects.create(
            name=name,
            kind=AuthorityKind.CITY if name.startswith("Grad") else AuthorityKind.MUNICIPALITY,
            place=place,
            catalogue_id=f"cat-{i}",
        )
        for i, (name, place) in enumerate(names)
    ]


@pytest.fixture
def reader(editor_client, settings, reader_language):
    """The editor's browser, reading the workspace in Serbian Latin and in English."""
    from tests.conftest import Reader

    return Reader(editor_client, reader_language, settings.LANGUAGE_COOKIE_NAME)
