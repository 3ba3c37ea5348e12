"""Upload handlers: an oversized file is cut off while it streams in, never stored whole.

``RequestBodyLimitMiddleware`` refuses a body whose declared ``Content-Length`` is too large
before a byte is read. Within an accepted body, this handler (first in ``FILE_UPLOAD_HANDLERS``)
stops passing a file's bytes on to the memory/disk handlers as soon as the file passes
``ATTACHMENT_MAX_BYTES``: the rest of it is counted and dropped, and the form receives an empty
placeholder of the counted size, which ``check_upload`` refuses with the usual message ("… is
25 MB; files may be at most 20 MB") while the other fields keep what the user typed.

A body without a declared length (``Transfer-Encoding: chunked``) is not read at all: Django parses
a multipart body only up to its ``Content-Length`` (none means empty), so such an upload arrives
without its file and the form says so (tests/workspace/test_uploads.py, through a real server).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """What is left of a file that was too large: its name and how many bytes came, no content."""

    def __init__(self, name: str, size: int, content_type: str | None):
        import io

        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_bytes = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.file_bytes += len(raw_data)
        if self.file_bytes > settings.ATTACHMENT_MAX_BYTES:
            self.oversized = True
            return None  # counted, not kept: the next handlers never see the rest
        return raw_data

    def file_complete(self, file_size: int):
        if self.oversized:
            return OversizedUpload(self.file_name, self.file_bytes, self.content_type)
        return None  # the memory or disk handler's file
