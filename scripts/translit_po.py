"""Make the Serbian Cyrillic catalogue from the Serbian Latin one (`make messages` runs it).

Serbian is one language in two scripts with a one-to-one mapping, so only sr_Latn is translated by
hand; every msgstr is transliterated into locale/sr/LC_MESSAGES/django.po. Placeholders
(%(name)s, %s, {name}), HTML tags, entities and URLs are left as they are.
"""

from __future__ import annotations

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
# Left alone: placeholders, tags, entities, URLs and e-mail addresses, article references' Latin
# abbreviations that are conventionally kept (ZSPIJZ, ZUP, ZUS, RSD, CSV, PDF …) and words in caps.
PROTECTED = re.compile(
    r"%\([^)]+\)[sd]|%[sd]|\{[^}]*\}|<[^>]+>|&[a-z#0-9]+;|https?://\S+|\S+@\S+"
    r"|\b(?:ZSPIJZ|ZUP|ZUS|RSD|CSV|JSON|PDF|SVG|iCal|ICS|URL|SMTP|FOI|NGO|Atom|ID)\b"
)


def to_cyrillic(text: str) -> str:
    out, last = [], 0
    for match in PROTECTED.finditer(text):
        out.append(_plain(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_plain(text[last:]))
    return "".join(out)


def _plain(text: str) -> str:
    for latin, cyrillic in DIGRAPHS.items():
        text = text.replace(latin, cyrillic)
    return "".join(LETTERS.get(ch, ch) for ch in text)


def transliterate_po(source: str) -> str:
    """Transliterate every msgstr line (and msgstr[n]) and its continuation lines."""
    lines, in_msgstr, in_header = [], False, False
    for line in source.splitlines():
        if line == 'msgid ""' and not lines_have_entries(lines):
            in_header = True  # the catalogue's header: copied as it is (Plural-Forms spans lines)
        if in_header:
            in_header = line != ""
            lines.append(line)
            continue
        if line.startswith("msgstr"):
            in_msgstr = True
            key, _, rest = line.partition(" ")
            lines.append(f"{key} {_quoted(rest)}")
        elif in_msgstr and line.startswith('"'):
            lines.append(_quoted(line))
        else:
            in_msgstr = False
            lines.append(line)
    text = "\n".join(lines) + "\n"
    return text.replace('"Language: sr_Latn\\n"', '"Language: sr\\n"')


def lines_have_entries(lines: list[str]) -> bool:
    return any(line.startswith("msgid") for line in lines)


def _quoted(value: str) -> str:
    if not (value.startswith('"') and value.endswith('"')):
        return value
    inner = value[1:-1]
    if inner.startswith(
        (
            "Content-Type:",
            "Content-Transfer",
            "Plural-Forms:",
            "Language:",
            "MIME-Version",
            "Project-Id",
            "Report-Msgid",
            "POT-Creation",
            "PO-Revision",
            "Last-Translator",
            "Language-Team",
        )
    ):
        return value
    return '"' + to_cyrillic(inner).replace("\\н", "\\n").replace("\\т", "\\t") + '"'


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
