"""Checks on uploaded documents: the size limit, and the type read from the content (never from
the name or the browser's claim). Only documents an NGO exchanges with authorities are accepted:
PDF, images, office documents and plain text."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/heic",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
    "text/plain",
}
SNIFF_BYTES = 8192
# The extension a stored file gets, from the type its content was checked to be: a file never
# keeps the name's own extension (``…-evil.html`` is stored as ``…-evil.txt``).
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
    "image/heic": ".heic",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/rtf": ".rtf",
    "text/plain": ".txt",
}


def stored_name(filename: str, content_type: str) -> str:
    """The name a checked upload is stored under: the user's name without any of its
    extensions (made safe for a file system), then the extension of its checked type."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.split(".")[0]
    stem = re.sub(r"[^\w-]+", "-", stem).strip("-")[:80]
    return f"{stem or 'document'}{EXTENSIONS.get(content_type, '.bin')}"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def sniff_content_type(head: bytes) -> str | None:
    """The MIME type the bytes say they are, or None when unknown."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head and _looks_like_text(head):
        return "text/plain"
    return None


def check_upload(upload: UploadedFile) -> str:
    """Validate one upload; return its content type, or raise ValidationError with the reason."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="empty")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "%(name)s is not a document we accept (PDF, image, office document or plain "
                "text); its content was checked, not its name."
            )
            % {"name": upload.name},
            code="bad_type",
        )
    return content_type
