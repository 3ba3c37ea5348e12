"""Read the IMAP mailbox at IMAP_URL now (what the beat task does every IMAP_POLL_SECONDS)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from foia.mail.inbound.imap import fetch
from foia.mail.inbound.services import process_stored


class Command(BaseCommand):
    help = "Store, read and match the messages waiting in the IMAP mailbox (IMAP_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="IMAP URL (default: the IMAP_URL setting)")
        parser.add_argument("--limit", type=int, default=0, help="at most this many messages")

    def handle(self, *args, **options):
        url = options["url"] or settings.IMAP_URL
        if not url:
            raise CommandError("No IMAP mailbox: set IMAP_URL or pass --url.")
        process_stored()
        limit = options["limit"] or settings.IMAP_BATCH
        try:
            result = fetch(url, limit=max(1, limit))
        except Exception as exc:  # noqa: BLE001 - connection, login, folder: say which
            raise CommandError(f"IMAP: {type(exc).__name__}: {exc}") from exc
        for line in result.lines:
            self.stdout.write(line)
        self.stdout.write(
            f"{result.seen} read, {result.stored} stored, {result.duplicates} duplicates"
        )
