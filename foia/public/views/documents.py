"""Public documents: served only when marked public and their request is published.

Files live under MEDIA_ROOT, outside the web root; this view is the only way to them. The response
forces a download with a safe file name, forbids content sniffing and sandboxes the document, so an
uploaded HTML or SVG file cannot run script on this site.
"""

from __future__ import annotations

import os
import unicodedata

from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_safe

from foia.public import selectors

# Types a browser may be told; anything else is served as opaque bytes.
SAFE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}


def safe_filename(name: str) -> str:
    """A file name with no path, no control characters and no quotes; never empty."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C"
    )
    try:
        name = get_valid_filename(name)
    except Exception:  # SuspiciousFileOperation for "", "." and ".."
        name = ""
    return name.lstrip(".")[:150] or "document"


@require_safe
def document(request, pk: int):
    attachment = selectors.public_document(pk, selectors.today())
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing") from None
    content_type = attachment.content_type if attachment.content_type in SAFE_TYPES else None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(attachment.original_name or os.path.basename(attachment.file.name)),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, max-age=300"
    return response
