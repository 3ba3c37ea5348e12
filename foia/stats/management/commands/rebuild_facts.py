"""`manage.py rebuild_facts`: recompute every request's facts, search document and the rollups.

For backfills (after the statistics app is installed on existing data, or after a bulk UPDATE
that bypassed the signals). Idempotent; one transaction.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from foia.stats import rollups, services


class Command(BaseCommand):
    help = "Recompute the public statistics (facts, search documents, rollup counters)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rollups-only",
            action="store_true",
            help="Keep the facts; recompute only the rollup counters from them.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, rollups_only=False, batch_size=500, **options):
        started = time.monotonic()
        if rollups_only:
            counts = rollups.rebuild()
        else:
            counts = services.rebuild_all(batch_size=batch_size, stdout=self.stdout)
        summary = ", ".join(f"{name}: {n}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistics rebuilt in {time.monotonic() - started:.1f}s ({summary})."
            )
        )
