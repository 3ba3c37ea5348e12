"""Oversized uploads are refused without being stored or read whole (issue 10, item 19)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foia.upload_handlers import OversizedUpload, SizeLimitUploadHandler

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_the_handler_passes_a_file_on_until_the_limit_then_only_counts(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    handler = SizeLimitUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    assert handler.receive_data_chunk(b"x" * 60, 60) is None  # past the limit: dropped
    assert handler.receive_data_chunk(b"x" * 60, 120) is None
    left = handler.file_complete(180)
    assert isinstance(left, OversizedUpload)
    assert left.size == 180 and left.read() == b""
    from django.conf import settings as conf

    assert conf.FILE_UPLOAD_HANDLERS[0] == "foia.upload_handlers.SizeLimitUploadHandler"
    small = SizeLimitUploadHandler()
    small.new_file("file", "small.pdf", "application/pdf", None)
    assert small.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    assert small.file_complete(60) is None  # the memory or disk handler keeps it


def test_an_oversized_file_in_an_accepted_body_is_refused_with_the_forms_message(
    owner, make_token, as_token, make_request, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    request = make_request()
    client = as_token(make_token(owner))
    big = SimpleUploadedFile("odgovor.pdf", PDF + b"0" * 5000)
    response = client.post(
        f"/api/v1/workspace/requests/{request.pk}/attachments/",
        {"file": big},
        format="multipart",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["file"])
    assert "odgovor.pdf" in message and "1000" in message.replace("\xa0", " ").replace(",", "")
    assert request.attachments.count() == 0


def test_the_workspace_form_says_the_file_is_too_large(client, owner, make_request, settings):
    from django.urls import reverse

    settings.ATTACHMENT_MAX_BYTES = 1000
    request = make_request()
    client.force_login(owner)
    response = client.post(
        reverse("workspace:document_add", args=[request.pk]),
        {"file": SimpleUploadedFile("sken.pdf", PDF + b"0" * 5000)},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("sken.pdf" in m and "4.9" in m for m in shown), shown  # its name and size
    assert request.attachments.count() == 0


def test_a_chunked_upload_without_a_length_is_not_read(
    live_server, owner, make_token, make_request
):
    """Through a real server: a body sent chunked, with no Content-Length, is answered before
    the client has sent more than its first chunk — Django reads a body only up to its declared
    length — and the answer says the file is missing."""
    request = make_request()
    token = make_token(owner)
    url = urlsplit(live_server.url)
    boundary = "XyZ"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(
            (
                f"POST /api/v1/workspace/requests/{request.pk}/attachments/ HTTP/1.1\r\n"
                f"Host: {url.hostname}:{url.port}\r\n"
                f"Authorization: Bearer {token}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert time.monotonic() - started < 10
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 400 " in status_line, answer[:300]
    body = rest.split(b"\r\n\r\n", 1)[1]
    assert "file" in json.loads(body)["error"]["fields"]
    assert request.attachments.count() == 0
