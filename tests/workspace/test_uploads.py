"""Uploaded documents are typed by their content, never by their name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from foia.services.uploads import check_upload, sniff_content_type
from tests.workspace.conftest import PDF_BYTES, PNG_BYTES


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        ("Rešenje broj 1/26".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "application/x-msdownload"),
        (b"\x00\x01\x02\x03", None),
    ],
)
def test_the_type_is_read_from_the_bytes(head, expected):
    assert sniff_content_type(head) == expected


def test_a_pdf_name_on_an_executable_is_refused():
    upload = SimpleUploadedFile("answer.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")
    with pytest.raises(ValidationError) as exc:
        check_upload(upload)
    assert exc.value.code == "bad_type"


def test_a_text_file_cut_inside_a_letter_is_still_text():
    text = ("č" * 5000).encode()  # 10,000 bytes: the 8 KB sample ends mid-character or not
    assert sniff_content_type(text[:8191]) == "text/plain"


def test_an_html_page_passes_only_as_plain_text_served_as_a_download():
    # It cannot run: downloads are served as attachments with nosniff and a sandbox.
    assert sniff_content_type(b"<html><script>alert(1)</script></html>") == "text/plain"


def test_empty_and_oversized_files_are_refused(settings):
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("empty.pdf", b""))
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("big.pdf", PDF_BYTES))
    assert exc.value.code == "too_large"
