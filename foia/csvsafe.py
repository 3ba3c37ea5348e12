"""CSV cells that a spreadsheet will not run as a formula (OWASP "CSV injection").

Every CSV the application writes passes its cells through ``safe_cell`` (``csv_writer`` does it
for you): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, which spreadsheets show as text. Numbers are written as numbers: a negative
count is data, not a formula, and stays ``-3``.
"""

from __future__ import annotations

import csv
from typing import Any

from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose text cells cannot start a formula."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(str(v)) if _is_text(v) else v for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def _is_text(value: Any) -> bool:
    # Lazy translation strings are text too; numbers, dates and None are written as they are.
    return isinstance(value, str | Promise)


def csv_writer(stream, **kwargs) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
