"""Receive e-mail from an MTA pipe or from files: ``manage.py receive_mail [FILE ...]``.

One RFC 5322 message per file, or one from standard input. Prints one line per message starting
with ``matched``, ``held`` or ``duplicate``. Exit status 0 once every message is stored, 75
(EX_TEMPFAIL, "try again later" for Postfix and every sendmail-compatible MTA) when one could not
be stored — the MTA keeps it and retries.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from foia.mail.inbound.models import Source
from foia.mail.inbound.services import message_receive

EX_TEMPFAIL = 75
MAX_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = "Store, read and match incoming e-mail (files, or one message on standard input)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="RFC 5322 message files (none: stdin)")

    def handle(self, *args, **options):
        sources = options["files"] or ["-"]
        failed = 0
        for name in sources:
            try:
                if name == "-":
                    raw = sys.stdin.buffer.read(MAX_BYTES + 1)
                else:
                    with open(name, "rb") as handle:
                        raw = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                self.stderr.write(f"error {name}: {exc.strerror or exc}")
                failed += 1
                continue
            if not raw.strip():
                self.stderr.write(f"error {name}: empty message, nothing stored")
                failed += 1
                continue
            if len(raw) > MAX_BYTES:
                self.stderr.write(f"error {name}: larger than {MAX_BYTES} bytes, not stored")
                failed += 1
                continue
            try:
                outcome = message_receive(raw=raw, source=Source.PIPE)
            except Exception as exc:  # noqa: BLE001 - not stored: the MTA must retry
                self.stderr.write(f"error {name}: not stored ({type(exc).__name__}: {exc})")
                failed += 1
                continue
            self.stdout.write(outcome.line())
        if failed:
            sys.exit(EX_TEMPFAIL)
