"""The letters as PDF: a small writer for the documents' markup (see ``documents``).

The letters are one page or two of text in one typeface, which do not need a browser engine: the
writer lays the markup out itself (greedy line breaking, justified paragraphs, the right-hand
blocks, the boxes of the official form, page breaks) and writes the PDF directly. What makes it
fast enough for a campaign (a message a few milliseconds, where WeasyPrint took about 56) is that
the costly part, subsetting and compressing the fonts, is done once per process for each set of
characters and kept: letters of one campaign differ in the authority's name and address, so
almost all of them share the subset of ``BASE`` characters.

Fonts: DejaVu Serif and Serif Bold for the text (č ć š ž đ and Cyrillic), DejaVu Sans for the
boxes ☐ ☒ (the serif face has no such glyphs), embedded as CID fonts with a ToUnicode map, so the
text can be searched, copied and read back (the tests read it with pypdf). A character none of the
fonts has is drawn as the font's empty box and not lost from the text layer.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PT_PER_CM = 72 / 2.54
PAGE_WIDTH, PAGE_HEIGHT = 595.276, 841.89  # A4
MARGIN_X, MARGIN_Y = 2.2 * PT_PER_CM, 2.0 * PT_PER_CM
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
SIZE, HEADING_SIZE = 11.0, 12.0
LINE_HEIGHT = 1.45
PARAGRAPH_GAP = 0.7 * SIZE
HEADING_BEFORE, HEADING_AFTER = 0.9 * HEADING_SIZE, 0.3 * HEADING_SIZE
RIGHT_BLOCK = 0.55  # the addressee and the signature start at 55 % of the text width
SUB_INDENT = 1.6 * SIZE

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"  # vendored: see its README
REGULAR, BOLD, SYMBOLS = "regular", "bold", "symbols"
FONT_FILES = {
    REGULAR: "DejaVuSerif.ttf",
    BOLD: "DejaVuSerif-Bold.ttf",
    SYMBOLS: "DejaVuSans.ttf",
}
BOXES = {"[x]": "☒", "[ ]": "☐"}
# What every letter is likely to use: one subset of these serves a whole campaign.
BASE = frozenset(
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "čćšžđČĆŠŽĐ„“”‘’–—…§°«»"
    + "абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"
)


# --- fonts ------------------------------------------------------------------------------------


@functools.cache
def _font_bytes(style: str) -> bytes:
    return (FONT_DIR / FONT_FILES[style]).read_bytes()


@functools.cache
def _metrics(style: str) -> tuple[frozenset[str], dict[str, int]]:
    """The characters the face has, and their advance widths in thousandths of an em."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_bytes(style)), lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = {chr(cp): round(hmtx[name][0] * scale) for cp, name in font.getBestCmap().items()}
    return frozenset(widths), widths


@functools.lru_cache(maxsize=65536)  # words repeat from letter to letter
def width(style: str, text: str) -> float:
    """The text's advance in thousandths of an em (a missing glyph counts as the empty box's)."""
    widths = _metrics(style)[1]
    return sum(widths.get(ch, 600) for ch in text)


class _Hexes(dict):
    """Character → its glyph id as four hex digits, for ``str.translate``; the empty box for a
    character the subset lacks."""

    def __missing__(self, key: int) -> str:
        return "0000"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per cached subset
class Subset:
    """One face cut down to a set of characters, ready to embed."""

    name: str
    gids: dict[str, int]
    hexes: _Hexes
    widths: str  # the /W array
    descriptor: str  # the FontDescriptor's entries but /FontFile2
    font_file: bytes  # deflated TrueType
    font_length: int
    to_unicode: bytes  # deflated CMap


@functools.lru_cache(maxsize=64)
def _subset(style: str, chars: frozenset[str]) -> Subset:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_bytes(style)))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = [1, 2]
    options.glyph_names = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(ch) for ch in chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()

    scale = 1000 / font["head"].unitsPerEm
    gids = {chr(cp): font.getGlyphID(name) for cp, name in font.getBestCmap().items()}
    order = font.getGlyphOrder()
    advances = " ".join(str(round(font["hmtx"][name][0] * scale)) for name in order)
    tag = "".join(
        chr(65 + b % 26) for b in hashlib.sha1("".join(sorted(chars)).encode()).digest()[:6]
    )
    base_name = font["name"].getDebugName(1).replace(" ", "") + ("-Bold" if style == BOLD else "")
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    flags = 32 + (2 if style != SYMBOLS else 0)  # nonsymbolic, serif
    descriptor = (
        f"/Type /FontDescriptor /FontName /{tag}+{base_name} /Flags {flags} "
        f"/FontBBox [{round(head.xMin * scale)} {round(head.yMin * scale)} "
        f"{round(head.xMax * scale)} {round(head.yMax * scale)}] /ItalicAngle 0 "
        f"/Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)} "
        f"/CapHeight {round(getattr(os2, 'sCapHeight', hhea.ascent) * scale)} "
        f"/StemV {140 if style == BOLD else 80}"
    )
    return Subset(
        name=f"{tag}+{base_name}",
        gids=gids,
        hexes=_Hexes({ord(ch): f"{gid:04X}" for ch, gid in gids.items()}),
        widths=f"[0 [{advances}]]",
        descriptor=descriptor,
        font_file=zlib.compress(data, 6),
        font_length=len(data),
        to_unicode=zlib.compress(_cmap(gids), 6),
    )


def _cmap(gids: dict[str, int]) -> bytes:
    pairs = sorted((gid, ch) for ch, gid in gids.items() if gid)
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for gid, ch in chunk]
        lines.append("endbfchar")
    lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
    return "\n".join(lines).encode("ascii")


# --- layout -----------------------------------------------------------------------------------

Run = tuple[str, str]  # (style, text)
Word = tuple[Run, ...]


def _runs(text: str, style: str) -> Word:
    """The text cut where the face changes: a character the text face lacks but DejaVu Sans has
    (the boxes ☐ ☒, Greek, arrows, …) is set in the symbols face."""
    runs: list[Run] = []
    known, fallback = _metrics(style)[0], _metrics(SYMBOLS)[0]
    for ch in text:
        face = SYMBOLS if ch not in known and ch in fallback else style
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return tuple(runs)


def _words(text: str, style: str) -> list[Word]:
    """Words as runs; spaces separate words (several count as one)."""
    for mark, box in BOXES.items():
        text = text.replace(mark, box)
    return [_runs(piece, style) for piece in text.replace("\t", " ").split(" ") if piece]


def _split_long(word: Word, size: float, room: float) -> list[Word]:
    """A word wider than the line, cut by characters."""
    parts: list[list[Run]] = [[]]
    used = 0.0
    for style, text in word:
        for ch in text:
            w = width(style, ch) * size / 1000
            if parts[-1] and used + w > room:
                parts.append([])
                used = 0.0
            parts[-1].append((style, ch))
            used += w
    return [tuple(part) for part in parts]


def _word_width(word: Word, size: float) -> float:
    return sum(width(style, text) for style, text in word) * size / 1000


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    natural: float  # the words' width with one space between them
    x: float
    room: float
    style: str
    size: float
    justify: bool = False
    centre: bool = False


@functools.lru_cache(maxsize=8192)  # a campaign's letters share all but a few lines
def _wrap(
    text: str, *, style: str, size: float, x: float, room: float, justify: bool, centre: bool
) -> tuple[Line, ...]:
    """Greedy line breaking; every line but the last is justified if ``justify``."""
    space = width(style, " ") * size / 1000
    lines: list[Line] = []
    current: list[Word] = []
    used = 0.0
    for whole in _words(text, style):
        w = _word_width(whole, size)
        pieces = [(whole, w)]
        if w > room:
            pieces = [(p, _word_width(p, size)) for p in _split_long(whole, size, room)]
        for word, w in pieces:
            if current and used + space + w > room:
                lines.append(Line(tuple(current), used, x, room, style, size, justify, centre))
                current, used = [], 0.0
            used += (space if current else 0.0) + w
            current.append(word)
    lines.append(Line(tuple(current), used, x, room, style, size, False, centre))  # ragged
    return tuple(lines)


def _blocks_to_lines(blocks: Iterable[tuple[str, list[str]]]) -> Iterator[tuple[float, Line]]:
    """(space before, line) for every line of the document."""
    gap = 0.0
    first = True
    for kind, texts in blocks:
        if kind == "heading":
            before = 0.0 if first else max(gap, HEADING_BEFORE)
            for i, text in enumerate(texts):
                for j, line in enumerate(
                    _wrap(
                        text,
                        style=BOLD,
                        size=HEADING_SIZE,
                        x=MARGIN_X,
                        room=TEXT_WIDTH,
                        justify=False,
                        centre=True,
                    )
                ):
                    yield (before if i == j == 0 else 0.0), line
            gap = HEADING_AFTER
        else:
            right = kind == "right"
            x = MARGIN_X + (RIGHT_BLOCK * TEXT_WIDTH if right else 0.0)
            room = TEXT_WIDTH * ((1 - RIGHT_BLOCK) if right else 1)
            before = 0.0 if first else gap
            for i, text in enumerate(texts):
                indent = SUB_INDENT if text.startswith("  ") and not right else 0.0
                wrapped = _wrap(
                    text.strip(),
                    style=REGULAR,
                    size=SIZE,
                    x=x + indent,
                    room=room - indent,
                    justify=not right,
                    centre=False,
                )
                for j, line in enumerate(wrapped):
                    yield (before if i == j == 0 else 0.0), line
            gap = PARAGRAPH_GAP
        first = False


# --- writing ----------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _line_ops(line: Line, y: float, faces: tuple[tuple[str, str, Subset], ...]) -> str:
    x = line.x
    if line.centre:
        x += max(line.room - line.natural, 0) / 2
    return f"BT {_number(x)} {_number(y)} Td\n{_line_text(line, faces)}\nET"


@functools.lru_cache(maxsize=8192)
def _line_text(line: Line, faces: tuple[tuple[str, str, Subset], ...]) -> str:
    """The line's text operators (font, glyphs, the justification's extra space after each
    space), for ``faces``: (style, resource name, subset) of the document."""
    fonts = {style: (name, sub) for style, name, sub in faces}
    size = line.size
    extra = 0.0
    if line.justify and len(line.words) > 1:
        extra = max(line.room - line.natural, 0) / (len(line.words) - 1)
    ops: list[str] = []
    current = None
    chunks: list[str] = []
    for i, word in enumerate(line.words):
        runs = ((line.style, " "), *word) if i else word
        for k, (style, text) in enumerate(runs):
            if style != current:
                if chunks:
                    ops.append(f"[{''.join(chunks)}] TJ")
                    chunks.clear()
                ops.append(f"/{fonts[style][0]} {_number(size)} Tf")
                current = style
            chunks.append(f"<{text.translate(fonts[style][1].hexes)}>")
            if i and k == 0 and extra:
                chunks.append(_number(-extra * 1000 / size))
    if chunks:
        ops.append(f"[{''.join(chunks)}] TJ")
    return "\n".join(ops)


def _pdf_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def render(blocks: list[tuple[str, list[str]]], *, title: str, lang: str = "sr-Latn") -> bytes:
    """The PDF of the markup's blocks (``documents.blocks``)."""
    placed = list(_blocks_to_lines(blocks))

    # The characters of each face decide its subset (BASE for the text face: one subset a campaign).
    used: dict[str, set[str]] = {}
    for _before, line in placed:
        for word in line.words:
            for style, text in word:
                used.setdefault(style, set()).update(text)
        if len(line.words) > 1:
            used.setdefault(line.style, set()).add(" ")
    subsets: dict[str, Subset] = {}
    for style, chars in used.items():
        known = _metrics(style)[0]
        wanted = (set(BASE) if style == REGULAR else set()) | chars
        subsets[style] = _subset(style, frozenset(wanted & known))
    names = {style: f"F{i + 1}" for i, style in enumerate(sorted(subsets))}
    faces = tuple((style, names[style], subsets[style]) for style in sorted(subsets))

    pages: list[list[str]] = [[]]
    top = PAGE_HEIGHT - MARGIN_Y
    y = top
    for before, line in placed:
        leading = line.size * LINE_HEIGHT
        if y - before - leading < MARGIN_Y and y < top:
            pages.append([])
            y, before = top, 0.0
        y -= before
        # The baseline sits in the line box as CSS puts it: half the leading above the ascent.
        ascent, descent = 0.928 * line.size, 0.236 * line.size
        baseline = y - (leading - ascent - descent) / 2 - ascent
        if line.words:
            pages[-1].append(_line_ops(line, baseline, faces))
        y -= leading

    objects: list[bytes] = []

    def add(body: bytes | str) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        head = f"<< /Length {len(data)} /Filter /FlateDecode{extra} >>\nstream\n"
        return head.encode("ascii") + data + b"\nendstream"

    catalog = add("")  # filled in below, once the pages' number is known
    pages_ref = add("")
    info = add(f"<< /Title {_pdf_string(title)} /Producer (FOI tracker) >>")
    font_refs = {}
    for style, sub in subsets.items():
        file_ref = add(stream(sub.font_file, f" /Length1 {sub.font_length}"))
        desc_ref = add(f"<< {sub.descriptor} /FontFile2 {file_ref} 0 R >>")
        cid_ref = add(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{sub.name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {desc_ref} 0 R /W {sub.widths} /CIDToGIDMap /Identity >>"
        )
        cmap_ref = add(stream(sub.to_unicode))
        font_refs[style] = add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{sub.name} /Encoding /Identity-H "
            f"/DescendantFonts [{cid_ref} 0 R] /ToUnicode {cmap_ref} 0 R >>"
        )
    fonts = " ".join(f"/{names[s]} {ref} 0 R" for s, ref in font_refs.items())
    kids = []
    for ops in pages:
        content = add(stream(zlib.compress("\n".join(ops).encode("ascii"), 6)))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_ref} 0 R "
                f"/MediaBox [0 0 {_number(PAGE_WIDTH)} {_number(PAGE_HEIGHT)}] "
                f"/Resources << /Font << {fonts} >> >> /Contents {content} 0 R >>"
            )
        )
    objects[catalog - 1] = (
        f"<< /Type /Catalog /Pages {pages_ref} 0 R /Lang {_pdf_string(lang)} >>"
    ).encode("ascii")
    objects[pages_ref - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode("ascii")

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)
