"""Import the Commissioner's catalogue of authorities (a CSV file) into `Authority`, upserting by
`catalogue_id`.

`import_authorities()` reads the whole file, validates every row, then writes in one transaction:
one query loads the catalogued authorities, `bulk_create` adds the new ones and `bulk_update` the
changed ones (batches of 1,000), so 11,000 rows cost a handful of queries, never one per row.

Rules, in the order a user meets them:

* Input: a path, bytes, a file object (text or binary), or an iterable of rows (the first row is
  the header) or of mappings (header -> value). Files are UTF-8, with or without a BOM; the
  delimiter (`;` from a Serbian Excel, `,` or tab) is the one under which the header line yields
  the most known columns.
* Headers are matched after `fold()` (case, diacritics, Latin/Cyrillic), in Serbian or English;
  unknown columns are ignored and listed in the report. A catalogue id and a name column are
  required, or the whole file is refused (`AuthorityImportError`).
* A non-empty cell overwrites; an empty cell, or a column the file lacks, leaves the stored value
  alone, so an import never erases what staff typed in. A new authority with no kind is "other";
  with no "active" cell it is active.
* A website without a scheme gets `https://`. The parent column holds the parent's catalogue id,
  found in the file or in the database; parents are linked after every row is written, so a child
  may precede its parent.
* Each bad row is reported with its line in the file (the header is line 1) and every reason.
  With any bad row nothing is written, unless `skip_bad_rows`; `dry_run` never writes.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foia.models import Authority, AuthorityKind
from foia.services import fanout
from foia.text import fold

BATCH_SIZE = 1000
DELIMITERS = (";", ",", "\t")

# Folded header aliases per field, best first: when several columns match one field, the one whose
# alias comes first wins and the others are ignored. "Redni broj" (the row's ordinal) is no id.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "catalogue_id": (
        "catalogue id",
        "catalog id",
        "catalogue",
        "id",
        "sifra",
        "sifra organa",
        "sifra organa vlasti",
        "id organa",
        "maticni broj",
        "mb",
    ),
    "name": (
        "name",
        "naziv",
        "naziv organa",
        "naziv organa vlasti",
        "puni naziv",
        "organ vlasti",
        "organ",
    ),
    "short_name": ("short name", "skraceni naziv", "skraceni naziv organa", "skracenica"),
    "kind": ("kind", "type", "vrsta", "vrsta organa", "vrsta organa vlasti", "tip", "tip organa"),
    "address": ("address", "adresa", "sediste", "sediste i adresa", "ulica i broj"),
    "place": ("place", "city", "town", "mesto", "grad", "mesto sedista"),
    "email": (
        "email",
        "e mail",
        "e posta",
        "elektronska posta",
        "adresa elektronske poste",
        "e mail adresa",
        "imejl",
    ),
    "website": (
        "website",
        "web site",
        "web",
        "url",
        "internet stranica",
        "internet adresa",
        "internet prezentacija",
        "veb sajt",
        "web sajt",
        "veb stranica",
        "web stranica",
        "sajt",
    ),
    "parent": (
        "parent id",
        "parent catalogue id",
        "parent",
        "nadredjeni organ",
        "nadredjeni",
        "sifra nadredjenog organa",
        "nadredjeni organ id",
    ),
    "active": ("active", "aktivan", "aktivno", "aktivna"),
}

HEADER_EXAMPLES = {
    "catalogue_id": "“id”, “catalogue_id”, “šifra” or “matični broj”",
    "name": "“name”, “naziv” or “naziv organa”",
}

# Folded kind words (besides each kind's value and label, in every configured language).
KIND_ALIASES: dict[str, str] = {
    "ministarstvo": AuthorityKind.MINISTRY,
    "vlada": AuthorityKind.GOVERNMENT,
    "narodna skupstina": AuthorityKind.NATIONAL_ASSEMBLY,
    "skupstina srbije": AuthorityKind.NATIONAL_ASSEMBLY,
    "parliament": AuthorityKind.NATIONAL_ASSEMBLY,
    "predsednik": AuthorityKind.PRESIDENT,
    "predsednik republike": AuthorityKind.PRESIDENT,
    "sud": AuthorityKind.COURT,
    "tuzilastvo": AuthorityKind.PROSECUTOR,
    "javno tuzilastvo": AuthorityKind.PROSECUTOR,
    "javni tuzilac": AuthorityKind.PROSECUTOR,
    "prosecutor": AuthorityKind.PROSECUTOR,
    "narodna banka": AuthorityKind.NATIONAL_BANK,
    "narodna banka srbije": AuthorityKind.NATIONAL_BANK,
    "nbs": AuthorityKind.NATIONAL_BANK,
    "central bank": AuthorityKind.NATIONAL_BANK,
    "nezavisni organ": AuthorityKind.INDEPENDENT_BODY,
    "nezavisno telo": AuthorityKind.INDEPENDENT_BODY,
    "samostalni organ": AuthorityKind.INDEPENDENT_BODY,
    "regulatorno telo": AuthorityKind.INDEPENDENT_BODY,
    "regulatorni organ": AuthorityKind.INDEPENDENT_BODY,
    "regulator": AuthorityKind.INDEPENDENT_BODY,
    "pokrajina": AuthorityKind.PROVINCE,
    "autonomna pokrajina": AuthorityKind.PROVINCE,
    "ap": AuthorityKind.PROVINCE,
    "province": AuthorityKind.PROVINCE,
    "grad": AuthorityKind.CITY,
    "opstina": AuthorityKind.MUNICIPALITY,
    "javno preduzece": AuthorityKind.PUBLIC_ENTERPRISE,
    "javno komunalno preduzece": AuthorityKind.PUBLIC_ENTERPRISE,
    "jp": AuthorityKind.PUBLIC_ENTERPRISE,
    "jkp": AuthorityKind.PUBLIC_ENTERPRISE,
    "ustanova": AuthorityKind.INSTITUTION,
    "javna ustanova": AuthorityKind.INSTITUTION,
    "institution": AuthorityKind.INSTITUTION,
    "privredno drustvo": AuthorityKind.STATE_COMPANY,
    "drzavno preduzece": AuthorityKind.STATE_COMPANY,
    "state company": AuthorityKind.STATE_COMPANY,
    "ostalo": AuthorityKind.OTHER,
    "drugo": AuthorityKind.OTHER,
}

TRUE_WORDS = frozenset({"da", "d", "yes", "y", "1", "true", "aktivan", "aktivna", "aktivno"})
FALSE_WORDS = frozenset(
    {"ne", "n", "no", "0", "false", "neaktivan", "neaktivna", "neaktivno", "ugasen", "ugasena"}
)

EMPTY_MARKS = frozenset({"-", "–", "—", "/"})
# Authority fields that the statistics or the search rows of its requests depend on.
SEARCHED_OR_COUNTED = frozenset({"name", "short_name", "place", "kind"})
TEXT_FIELDS = ("name", "short_name", "address", "place", "email", "website")


class AuthorityImportError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, no usable header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    """What the import did (or, on a dry run or with bad rows not skipped, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})


@dataclass
class _Row:
    line: int
    values: dict[str, str]  # field -> stripped cell, only for the columns the file has
    cat: str = ""
    parent_cat: str = ""
    clean: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


# --- Reading -------------------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuthorityImportError(
            _("%(source)s is not UTF-8 text (byte %(pos)d). Save it as “CSV UTF-8” and try again.")
            % {"source": source, "pos": exc.start + 1}
        ) from exc


def _read_text(rows_or_file) -> str | None:
    """The CSV text of a path, bytes or file object; None for an iterable of rows."""
    if isinstance(rows_or_file, str | os.PathLike):
        path = Path(rows_or_file)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise AuthorityImportError(_("File not found: %(path)s") % {"path": path}) from exc
        except OSError as exc:
            raise AuthorityImportError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        return _decode(data, str(path))
    if isinstance(rows_or_file, bytes | bytearray):
        return _decode(bytes(rows_or_file), _("The file"))
    if hasattr(rows_or_file, "read"):
        data = rows_or_file.read()
        if isinstance(data, bytes | bytearray):
            return _decode(bytes(data), getattr(rows_or_file, "name", None) or _("The file"))
        return data.removeprefix("\ufeff")
    return None


def _header_fields(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Map field -> column index for the known columns; list the ignored headers."""
    best: dict[str, tuple[int, int]] = {}  # field -> (alias rank, column)
    ignored = []
    for column, title in enumerate(header):
        folded = fold(title or "")
        for name, aliases in HEADER_ALIASES.items():
            if folded in aliases:
                rank = aliases.index(folded)
                if name not in best or rank < best[name][0]:
                    if name in best:
                        ignored.append(header[best[name][1]])
                    best[name] = (rank, column)
                else:
                    ignored.append(title)
                break
        else:
            if (title or "").strip():
                ignored.append(title)
    return {name: column for name, (_rank, column) in best.items()}, ignored


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells); a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells
            previous = reader.line_num
    except csv.Error as exc:
        raise AuthorityImportError(
            _("Cannot read the file as CSV at line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which the first non-empty line gives the most known headers."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        header = next(csv.reader([first], delimiter=delimiter), [])
        return len(_header_fields(header)[0]), len(header)

    return max(DELIMITERS, key=score)


def _table(rows_or_file) -> tuple[int, list[str], list[tuple[int, list[str]]], str]:
    """Header line and header, numbered data rows, the delimiter ("" for rows, not a file)."""
    text = _read_text(rows_or_file)
    if text is not None:
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise AuthorityImportError(
                _(
                    "The file has NUL characters (line %(line)d): it is not a UTF-8 text file "
                    "(UTF-16?). Save it as “CSV UTF-8” and try again."
                )
                % {"line": line}
            )
        delimiter = _sniff_delimiter(text)
        records = list(_records(text, delimiter))
    else:
        delimiter = ""
        rows = list(rows_or_file)
        if rows and isinstance(rows[0], Mapping):
            header = list(dict.fromkeys(key for row in rows for key in row))
            records = [(1, header)] + [
                (index, ["" if row.get(key) is None else str(row.get(key)) for key in header])
                for index, row in enumerate(rows, start=2)
            ]
        else:
            records = [
                (index, ["" if cell is None else str(cell) for cell in row])
                for index, row in enumerate(rows, start=1)
            ]
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise AuthorityImportError(_("The file is empty: no header line."))
    (header_line, header), *data = records
    return header_line, header, data, delimiter


# --- Cleaning one row ----------------------------------------------------------------------------


@functools.cache
def _max_length(name: str) -> int:
    return Authority._meta.get_field(name).max_length


# A catalogue repeats a handful of kind and yes/no words 11,500 times: fold each once.
_fold_word = functools.lru_cache(maxsize=4096)(fold)


def _kind_words() -> dict[str, str]:
    words = {fold(word): kind for word, kind in KIND_ALIASES.items()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for kind in AuthorityKind:
                words.setdefault(fold(str(kind.label)), kind.value)
    with translation.override("en"):
        for kind in AuthorityKind:
            words[fold(kind.value)] = kind.value
            words[fold(str(kind.label))] = kind.value
    return words


def _clean(row: _Row, kind_words: dict[str, str], url_validator: URLValidator) -> None:
    values = row.values
    row.cat = values.get("catalogue_id", "")
    row.parent_cat = values.get("parent", "")
    if not row.cat:
        row.errors.append(_("missing catalogue id"))
    elif len(row.cat) > _max_length("catalogue_id"):
        row.errors.append(
            _("catalogue id is %(length)d characters long; at most %(max)d are allowed")
            % {"length": len(row.cat), "max": _max_length("catalogue_id")}
        )
    if not values.get("name"):
        row.errors.append(_("missing name"))

    for name in TEXT_FIELDS:
        value = values.get(name, "")
        if not value:
            continue
        if name == "email":
            value = value.removeprefix("mailto:").strip()
            try:
                validate_email(value)
            except ValidationError:
                row.errors.append(_("invalid e-mail address “%(value)s”") % {"value": value})
                continue
        if name == "website":
            if "://" not in value:
                value = "https://" + value
            try:
                url_validator(value)
            except ValidationError:
                row.errors.append(_("invalid website address “%(value)s”") % {"value": value})
                continue
        if len(value) > _max_length(name):
            label = Authority._meta.get_field(name).verbose_name
            row.errors.append(
                _("%(field)s is %(length)d characters long; at most %(max)d are allowed")
                % {"field": label, "length": len(value), "max": _max_length(name)}
            )
            continue
        row.clean[name] = value

    if kind := values.get("kind"):
        if _fold_word(kind) in kind_words:
            row.clean["kind"] = kind_words[_fold_word(kind)]
        else:
            row.errors.append(
                _("unknown kind “%(value)s” (expected one of: %(choices)s)")
                % {"value": kind, "choices": ", ".join(AuthorityKind.values)}
            )
    if active := values.get("active"):
        if _fold_word(active) in TRUE_WORDS:
            row.clean["active"] = True
        elif _fold_word(active) in FALSE_WORDS:
            row.clean["active"] = False
        else:
            row.errors.append(
                _("cannot read “%(value)s” as active: write da/ne, yes/no, 1/0 or true/false")
                % {"value": active}
            )
    if row.parent_cat and row.parent_cat == row.cat:
        row.errors.append(_("an authority cannot be its own parent"))


# --- Parents -------------------------------------------------------------------------------------


def _cycles(edges: dict[str, str]) -> list[list[str]]:
    """The cycles of a graph in which every node has at most one parent."""
    done: set[str] = set()
    cycles = []
    for start in edges:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = edges.get(node)
        if node is not None and node in position:
            cycles.append(path[position[node] :])
        done.update(path)
    return cycles


def _check_parents(
    rows: list[_Row], by_cat: dict[str, _Row], existing: dict[str, Authority]
) -> None:
    """Flag rows whose parent is unknown, is only in a bad row, or closes a loop."""
    for row in rows:
        parent = row.parent_cat
        if parent and parent != row.cat and parent not in existing and parent not in by_cat:
            row.errors.append(
                _("parent catalogue id “%(parent)s” is neither in the file nor in the database")
                % {"parent": parent}
            )
    cat_of_pk = {authority.pk: cat for cat, authority in existing.items()}
    flagged = True
    while flagged:  # a flagged row may leave its own children without a parent: go again
        flagged = False
        for row in by_cat.values():
            parent_row = by_cat.get(row.parent_cat)
            if row.errors or row.parent_cat in existing or not parent_row or not parent_row.errors:
                continue
            row.errors.append(
                _("parent “%(parent)s” (line %(line)d) has errors")
                % {"parent": row.parent_cat, "line": parent_row.line}
            )
            flagged = True
        # The parent graph after the import: a good row's parent cell wins over the database.
        edges = {
            cat: cat_of_pk[authority.parent_id]
            for cat, authority in existing.items()
            if authority.parent_id in cat_of_pk
        }
        from_file = set()
        for cat, row in by_cat.items():
            if not row.errors and row.parent_cat:
                edges[cat] = row.parent_cat
                from_file.add(cat)
        for cycle in _cycles(edges):
            for cat in from_file.intersection(cycle):  # none: an old loop, not this file's doing
                start = cycle.index(cat)
                loop = " → ".join([*cycle[start:], *cycle[:start], cat])
                by_cat[cat].errors.append(
                    _("the parent chain loops back: %(loop)s") % {"loop": loop}
                )
                flagged = True


# --- The import ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Whitespace (line breaks from Alt+Enter too) collapsed; a lone dash or slash is empty."""
    text = " ".join(text.replace("\x00", "").split())
    return "" if text in EMPTY_MARKS else text


def _parse(rows_or_file) -> tuple[list[_Row], ImportReport]:
    header_line, header, data, delimiter = _table(rows_or_file)
    columns, ignored = _header_fields(header)
    found = ", ".join(f"“{title.strip()}”" for title in header if title.strip()) or "—"
    for name, message in (
        (
            "catalogue_id",
            _(
                "No catalogue id column in the header (line %(line)d): call one column "
                "%(examples)s. Columns found: %(found)s."
            ),
        ),
        (
            "name",
            _(
                "No name column in the header (line %(line)d): call one column %(examples)s. "
                "Columns found: %(found)s."
            ),
        ),
    ):
        if name not in columns:
            raise AuthorityImportError(
                message % {"line": header_line, "examples": HEADER_EXAMPLES[name], "found": found}
            )
    report = ImportReport(
        delimiter=delimiter,
        columns={name: header[column] for name, column in columns.items()},
        ignored_columns=ignored,
    )
    rows = []
    for line, cells in data:
        values = {
            name: _cell(cells[column]) if column < len(cells) else ""
            for name, column in columns.items()
        }
        rows.append(_Row(line=line, values=values))
    return rows, report


def import_authorities(*, rows_or_file, dry_run: bool, skip_bad_rows: bool) -> ImportReport:
    """Validate every row, then upsert the good ones by catalogue id (see the module docstring).

    Raises AuthorityImportError when the file itself is unusable; bad rows go in the report.
    """
    rows, report = _parse(rows_or_file)
    report.dry_run = dry_run
    kind_words = _kind_words()
    url_validator = URLValidator(schemes=["http", "https"])

    by_cat: dict[str, _Row] = {}
    for row in rows:
        _clean(row, kind_words, url_validator)
        if row.cat:
            if row.cat in by_cat:
                row.errors.append(
                    _("catalogue id “%(id)s” is already on line %(line)d")
                    % {"id": row.cat, "line": by_cat[row.cat].line}
                )
            else:
                by_cat[row.cat] = row

    existing = {
        authority.catalogue_id: authority
        for authority in Authority.objects.exclude(catalogue_id__isnull=True).exclude(
            catalogue_id=""
        )
    }
    _check_parents(rows, by_cat, existing)
    report.errors = [RowError(row.line, reason) for row in rows for reason in row.errors]
    good = [row for row in rows if not row.errors]

    now = timezone.now()
    new: dict[str, Authority] = {}
    changed: dict[str, Authority] = {}
    changed_fields: set[str] = set()
    later_parents: list[_Row] = []  # rows whose parent is created by this import
    for row in good:
        authority = existing.get(row.cat)
        parent = existing.get(row.parent_cat) if row.parent_cat else None
        if row.parent_cat and parent is None:
            later_parents.append(row)
        if authority is None:
            values = {"kind": AuthorityKind.OTHER, **row.clean}
            new[row.cat] = Authority(catalogue_id=row.cat, parent=parent, **values)
            continue
        diff = {name for name, value in row.clean.items() if getattr(authority, name) != value}
        if row.parent_cat and (parent is None or authority.parent_id != parent.pk):
            diff.add("parent")
        if not diff:
            report.unchanged += 1
            continue
        for name in diff - {"parent"}:
            setattr(authority, name, row.clean[name])
        if parent is not None:
            authority.parent = parent
        authority.updated_at = now
        changed[row.cat] = authority
        changed_fields |= diff
    report.created = len(new)
    report.updated = len(changed)

    if dry_run or (report.errors and not skip_bad_rows):
        return report

    if new or changed:
        try:
            _write(new, changed, changed_fields, existing, later_parents)
        except IntegrityError as exc:  # e.g. another import added the same catalogue id meanwhile
            raise AuthorityImportError(
                _("The database refused the import, so nothing was imported: %(error)s")
                % {"error": exc}
            ) from exc
    report.written = True
    return report


def _write(
    new: dict[str, Authority],
    changed: dict[str, Authority],
    changed_fields: set[str],
    existing: dict[str, Authority],
    later_parents: list[_Row],
) -> None:
    """Create, update, then link the parents that this import creates: all or nothing."""
    # The derived search key follows in bulk_create/bulk_update (AuthorityQuerySet).
    with transaction.atomic():
        everyone = _create_by_generation(new, existing, later_parents)
        for row in later_parents:
            if row.cat in changed:
                changed[row.cat].parent = everyone[row.parent_cat]
        if changed:
            Authority.objects.bulk_update(
                list(changed.values()),
                sorted(changed_fields | {"updated_at"}),
                batch_size=BATCH_SIZE,
            )
        # bulk_update fires nothing: the facts and search terms of the changed authorities'
        # requests are brought in step explicitly, in the same transaction.
        if changed_fields & SEARCHED_OR_COUNTED:
            fanout.authorities_changed(a.pk for a in changed.values())


def _create_by_generation(
    new: dict[str, Authority], existing: dict[str, Authority], later_parents: list[_Row]
) -> dict[str, Authority]:
    """Insert the new authorities parents first, each child with its parent's id already set:
    one ``bulk_create`` per level of the catalogue (two or three), never an UPDATE per row to
    link them afterwards (Django's ``bulk_update`` builds a CASE per row: minutes at 11,500).
    Returns every authority by catalogue id. The parent chains have no loops (``_check_parents``).
    """
    parent_of = {row.cat: row.parent_cat for row in later_parents}
    everyone = dict(existing)
    pending = dict(new)
    while pending:
        ready = [
            authority
            for cat, authority in pending.items()
            if cat not in parent_of or parent_of[cat] in everyone
        ]
        if not ready:  # cannot happen after _check_parents; never loop forever
            raise AuthorityImportError(_("The parent chains of the new authorities loop."))
        for authority in ready:
            if authority.catalogue_id in parent_of:
                authority.parent = everyone[parent_of[authority.catalogue_id]]
        created = Authority.objects.bulk_create(ready, batch_size=BATCH_SIZE)
        if any(authority.pk is None for authority in created):  # a backend that returns no ids
            cats = [authority.catalogue_id for authority in ready]
            created = list(Authority.objects.filter(catalogue_id__in=cats))
        for authority in created:
            everyone[authority.catalogue_id] = authority
            pending.pop(authority.catalogue_id, None)
    return everyone
