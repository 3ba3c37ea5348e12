"""Make the Serbian Cyrillic catalogue from the Serbian Latin one (`make messages` runs it).

Serbian is one language in two scripts with a one-to-one mapping, so only sr_Latn is translated by
hand; every msgstr is transliterated into locale/sr/LC_MESSAGES/django.po. What a program, a URL
or another language owns is never transliterated: placeholders (%(name)s, %s, {name}), HTML tags,
entities, ``<code>`` spans, URLs, paths, parameter and column names, format strings (YYYY-MM-DD),
standards (UTF-8, CSV, Atom, iCal …), English literals (true/false) and foreign names (Wilson).
``protected_tokens(msgid)`` lists them; tests/test_translit.py checks that every one of them in
every msgid comes out of the Cyrillic catalogue unchanged.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "locale" / "sr_Latn" / "LC_MESSAGES" / "django.po"
TARGET = ROOT / "locale" / "sr" / "LC_MESSAGES" / "django.po"

DIGRAPHS = {
    "Lj": "Љ",
    "LJ": "Љ",
    "lj": "љ",
    "Nj": "Њ",
    "NJ": "Њ",
    "nj": "њ",
    "Dž": "Џ",
    "DŽ": "Џ",
    "dž": "џ",
}
LETTERS = dict(
    zip(
        "ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠabvgdđežzijklmnoprstćufhcčš",
        "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШабвгдђежзијклмнопрстћуфхцчш",
        strict=True,
    )
)

# Standards, formats and products, and the legal abbreviations conventionally kept in Latin.
STANDARDS = (
    "ZSPIJZ ZUP ZUS RSD CSV JSON XLSX PDF SVG PNG HTML XML iCal ICS URL API SMTP HTTP HTTPS FOI "
    "NGO Atom RSS ID UTC ISO UTF-8 UTF-16 Celery Redis PostgreSQL SQLite"
)
# Foreign names (people, products) that keep their own spelling in either script.
NAMES = "Wilson Google Outlook Huawei Android iPhone Apple Microsoft Word Excel LibreOffice"
# Values a program reads, written in English on purpose (the open data's booleans).
LITERALS = "true false yes/no null"

_WORDS = "|".join(re.escape(w) for w in (STANDARDS + " " + NAMES + " " + LITERALS).split())
PROTECTED = re.compile(
    r"\\[\\\"nt]"  # escapes of the .po file itself
    r"|<code>.*?</code>"  # code spans as a whole
    r"|%\([^)]+\)[sd]|%[sd%]|\{[^}]*\}"  # placeholders
    r"|<[^>]+>|&[a-z#0-9]+;"  # tags, entities
    r"|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # URLs, e-mail addresses
    r"|(?<![\w/])/[\w<>&;.\-/]*/[\w.\-]*"  # paths: /requests/<id>/, /authorities/&lt;id&gt;/feed/
    r"|\b\w*_\w+\b"  # identifiers: art9_3, not_held, already_published
    r"|(?<![\w-])[YMDHhms]{1,4}(?:[-./:][YMDHhms]{1,4})+\b"  # format strings: YYYY-MM-DD, DD.MM.YYYY
    rf"|(?<![\w-])(?:{_WORDS})(?![\w])"
)
# Options and sort keys ("--skip-bad-rows", "-sent"): a dash glued to an English identifier.
_OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z_-]*(?![\w-])")


def protected_tokens(text: str, keep: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """What in ``text`` no transliteration may change, in order of appearance."""
    tokens = [text[a:b] for a, b in _protected_spans(text, keep)]
    return [t for t in tokens if t.strip() and not re.fullmatch(r"\\.", t)]


def _is_option(text: str, match: re.Match) -> bool:
    # A real option or sort key, not a hyphenated word broken across a line ("comma-separated").
    before = text[: match.start()]
    return before == "" or before[-1] in " (,"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def to_cyrillic(text: str, keep: frozenset[str] | set[str] = frozenset()) -> str:
    """``text`` in Cyrillic, its protected tokens and the whole words in ``keep`` left as they are."""
    return "".join(_cyrillic_segments(text, [(0, len(text))], keep))


def _protected_spans(text: str, keep: frozenset[str] | set[str]) -> list[tuple[int, int]]:
    spans = [m.span() for m in PROTECTED.finditer(text)]
    spans += [m.span() for m in _OPTION.finditer(text) if _is_option(text, m)]
    for word in keep:
        spans += [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w])", text)]
    return _merge(spans)


def _cyrillic_segments(
    text: str, segments: list[tuple[int, int]], keep: frozenset[str] | set[str]
) -> list[str]:
    """Transliterate ``text`` with its protection worked out on the whole, and return it cut at
    the same ``segments`` (the lines of a .po entry), so the file keeps its line breaks."""
    protected = [False] * len(text)
    for start, end in _protected_spans(text, keep):
        protected[start:end] = [True] * (end - start)
    out = []
    for start, end in segments:
        pieces, run_start = [], start
        for i in range(start, end + 1):
            if i == end or (i > run_start and protected[i] != protected[run_start]):
                run = text[run_start:i]
                pieces.append(run if run and protected[run_start] else _plain(run))
                run_start = i
        out.append("".join(pieces))
    return out


def _plain(text: str) -> str:
    for latin, cyrillic in DIGRAPHS.items():
        text = text.replace(latin, cyrillic)
    return "".join(LETTERS.get(ch, ch) for ch in text)


def transliterate_po(source: str) -> str:
    """Transliterate every msgstr (and msgstr[n]) as a whole, its continuation lines joined, so a
    protected token broken across two lines of the file is still recognised."""
    lines: list[str] = []
    pending: tuple[str, list[str]] | None = None  # (key, quoted lines) of the msgstr being read
    in_header = False

    def flush() -> None:
        nonlocal pending
        if pending is None:
            return
        key, parts = pending
        pending = None
        if in_header_entry[0]:
            lines.extend([f"{key} {parts[0]}", *parts[1:]])
            return
        inner = [part[1:-1] for part in parts]
        joined = "".join(inner)
        bounds, at = [], 0
        for piece in inner:
            bounds.append((at, at + len(piece)))
            at += len(piece)
        keep = kept_words(msgids[0], joined)
        cut = _cyrillic_segments(joined, bounds, keep)
        lines.append(f'{key} "{cut[0]}"')
        lines.extend(f'"{piece}"' for piece in cut[1:])

    in_header_entry = [False]
    msgids = [""]  # the current entry's msgid and msgid_plural, joined
    field = ""
    for line in source.splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if line.startswith("msgid "):
                msgids[0] = ""
            field = "msgid"
            msgids[0] += " " + line.partition(" ")[2][1:-1]
        elif field == "msgid" and line.startswith('"'):
            msgids[0] += line[1:-1]
        else:
            field = ""
        if line == 'msgid ""' and not any(x.startswith("msgid") for x in lines):
            in_header = True
        if line.startswith("msgstr"):
            flush()
            key, _, rest = line.partition(" ")
            in_header_entry[0] = in_header
            pending = (key, [rest])
            continue
        if pending is not None and line.startswith('"'):
            pending[1].append(line)
            continue
        flush()
        if in_header and line == "":
            in_header = False
        lines.append(line)
    flush()
    text = "\n".join(lines) + "\n"
    return text.replace('"Language: sr_Latn\\n"', '"Language: sr\\n"')


def entries(source: str) -> list[dict[str, str]]:
    """The catalogue's entries as {"msgid": …, "msgid_plural": …, "msgstr": …, "msgstr[0]": …,
    "flags": …}, the strings unquoted but still .po-escaped."""
    out: list[dict[str, str]] = []
    current: dict[str, str] = {}
    field = ""
    for line in [*source.splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                out.append(current)
            current, field = {}, ""
            continue
        if line.startswith("#,"):
            current["flags"] = current.get("flags", "") + line[2:]
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            current[field] = match.group(2)
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
    return out


@functools.cache
def code_words() -> frozenset[str]:
    """Words a program reads, which a translator keeps in English inside Serbian text: the values
    of every choice field, the open data's column names and the public log's filter parameters."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    django.setup()
    from foia.public.exports import COLUMN_NAMES
    from foia.public.filters import SORTS, RequestLogFilter

    words = set(COLUMN_NAMES) | set(RequestLogFilter.base_filters) | {"q", "sort", "on"}
    words |= {key.lstrip("-") for key in SORTS}
    for model in apps.get_models():
        if not model.__module__.startswith("foia."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]+", value):
                    words.add(value)
    return frozenset(words)


def kept_words(msgid: str, msgstr: str) -> set[str]:
    """The code words of ``msgid`` that the translator kept as they are in ``msgstr``, when the
    text lists values (two or more of them): a lone word ("status", a field's label) is Serbian."""
    words = set(re.findall(r"[a-z][a-z0-9_]+", msgid)) & code_words()
    kept = {w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w])", msgstr)}
    return kept if len(kept) >= 2 else set()


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: run makemessages for sr_Latn first")
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(transliterate_po(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
