"""`manage.py import_authorities FILE.csv [--dry-run] [--skip-bad-rows]`: the Commissioner's
catalogue of authorities into `Authority`. The work is in `foia.services.authorities`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from foia.services.authorities import (
    AuthorityImportError,
    ImportReport,
    import_authorities,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # a property, so that it is translated when read, not at import
        return _(
            "Create or update authorities from a CSV export of the Commissioner's catalogue, "
            "matched by catalogue id. Serbian or English headers; ';' or ',' delimited; UTF-8."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the CSV file"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("validate and report what would change, write nothing"),
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help=_("import the good rows and list the bad ones (default: import nothing)"),
        )

    def handle(self, *args, file: str, dry_run: bool, skip_bad_rows: bool, **options):
        try:
            report = import_authorities(
                rows_or_file=file, dry_run=dry_run, skip_bad_rows=skip_bad_rows
            )
        except AuthorityImportError as exc:
            raise CommandError(str(exc)) from exc
        self._print(report)
        bad = len(report.bad_lines)
        if bad and not skip_bad_rows:
            raise CommandError(
                _(
                    "%(bad)d bad row(s): nothing was imported. Fix them, or run again with "
                    "--skip-bad-rows to import the good rows only."
                )
                % {"bad": bad}
            )

    def _print(self, report: ImportReport) -> None:
        out = self.stdout
        if report.ignored_columns:
            out.write(
                _("Ignored columns: %(columns)s")
                % {"columns": ", ".join(f"“{title}”" for title in report.ignored_columns)}
            )
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.written:
            out.write(
                self.style.SUCCESS(
                    _("Created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d.")
                    % counts
                )
            )
        else:
            out.write(
                _("Would create: %(created)d, would update: %(updated)d, unchanged: %(unchanged)d.")
                % counts
            )
            if report.dry_run:
                out.write(_("Dry run: nothing was written."))
        if report.errors:
            heading = (
                _("Skipped %(bad)d bad row(s):") if report.written else _("%(bad)d bad row(s):")
            )
            out.write(self.style.WARNING(heading % {"bad": len(report.bad_lines)}))
            for error in report.errors:
                out.write(
                    _("  line %(line)d: %(reason)s") % {"line": error.line, "reason": error.reason}
                )
