"""Folding and text analysis: one definition of how names and texts are compared.

`fold` is the one way two spellings of a name are made comparable (case, diacritics, Latin and
Cyrillic); the search terms below are built on it. Text analysis for the public full-text search, applied identically to documents and queries.

Why not PostgreSQL's own dictionaries: a Serbian Snowball stemmer ships only with PostgreSQL 15+
(and keeps diacritics, so ``Čačak`` and ``Cacak`` stem differently), and SQLite has none. So the
analysis happens here, in Python, the same way for the stored document and for the query:

1. fold: lower-case, Cyrillic to Latin, diacritics dropped (``fold`` below), so
   ``Čačak``, ``Cacak`` and ``Чачак`` are all ``cacak``;
2. split into ASCII words, drop one-letter words and common Serbian/English function words;
3. stem lightly: strip one common inflectional ending (``kamere``, ``kamera``, ``kamerama`` →
   ``kamer``) while keeping at least three letters; words with digits are kept whole.

The stored document is those stems separated by spaces. PostgreSQL indexes it with the ``simple``
configuration (no further stemming) and a query matches every stem as a prefix (``kamer:*``), so a
stem the light stemmer misses still finds longer forms. The SQLite fallback looks each stem up as
the start of a word in the same text.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "dj",
            "e",
            "z",
            "z",
            "i",
            "j",
            "k",
            "l",
            "lj",
            "m",
            "n",
            "nj",
            "o",
            "p",
            "r",
            "s",
            "t",
            "c",
            "u",
            "f",
            "h",
            "c",
            "c",
            "dz",
            "s",
        ],
        strict=True,
    )
)


def fold(text: str) -> str:
    """Lower-case ASCII form of a Serbian or English name: 'Čačak' and 'Чачак' both give 'cacak'."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())
    text = text.replace("đ", "dj")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# Function words (folded) that would match nearly everything.
_STOPWORDS = (
    "a ali bi da do iz ili je jer kao ko koja koje koji li na ne nije o od ova ove ovi ovo pa "
    "po pri sa se si su sve sto ta te ti to u uz za zbog "
    "an and are as at be by for from in is it of on or that the this to with"
)
STOPWORDS = frozenset(_STOPWORDS.split())

# Longest first; one ending is stripped. Nouns and adjectives in their common cases.
SUFFIXES = (
    "ovima",
    "evima",
    "ama",
    "ima",
    "ovi",
    "ova",
    "ove",
    "evi",
    "eva",
    "eve",
    "oga",
    "omu",
    "ega",
    "emu",
    "ih",
    "og",
    "om",
    "em",
    "oj",
    "im",
    "a",
    "e",
    "i",
    "o",
    "u",
)
MIN_STEM = 3
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Strip one inflectional ending from a folded word, keeping at least MIN_STEM letters."""
    if any(ch.isdigit() for ch in word):
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def terms(*texts: str | None) -> list[str]:
    """The search terms of some texts: folded, function words dropped, stemmed, in order."""
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for word in _WORD.findall(fold(text)):
            if len(word) < 2 or word in STOPWORDS:
                continue
            out.append(stem(word))
    return out


def document(*texts: str | None) -> str:
    """The stored form of some texts: their terms, space-separated (duplicates dropped)."""
    return " ".join(dict.fromkeys(terms(*texts)))


def query_terms(query: str) -> list[str]:
    """The distinct terms of a visitor's query (at most 12, to bound the SQL)."""
    return list(dict.fromkeys(terms(query)))[:12]


def tsquery(query_terms: list[str]) -> str:
    """A PostgreSQL tsquery matching every term as a prefix: ``kamer:* & cacak:*``.

    Terms are [a-z0-9]+ only (see ``terms``), so nothing in them is tsquery syntax.
    """
    return " & ".join(f"{term}:*" for term in query_terms)


# --- authority names: the one matcher ------------------------------------------------------------
# Every surface that finds an authority by what someone typed (the public directory, the
# workspace picker, the campaign selection, the API) matches it against this key, so "Чачак",
# "Cacak" and "Čačak" find the same body, a word's start finds the word, and "MUP" finds the
# Ministarstvo unutrašnjih poslova.

_NAME_SUFFIXES = ("republike srbije", "of the republic of serbia", "of serbia", "srbije")
_NAME_FILLERS = frozenset({"i", "za", "u", "na", "od", "the", "of", "and", "for", "o", "sa", "s"})
NAME_QUERY_WORDS = 6


def _initials(folded_name: str) -> str:
    core = folded_name
    for suffix in _NAME_SUFFIXES:
        if core.endswith(" " + suffix):
            core = core[: -len(suffix) - 1]
    words = [w for w in core.split() if w not in _NAME_FILLERS and not w.isdigit()]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def name_key(*names: str | None) -> str:
    """The stored search key of an authority: its names folded, each word preceded by a space
    (so a query word matches the start of a word), and the initials of its name (MUP)."""
    words: list[str] = []
    for name in names:
        if name:
            words.extend(fold(name).split())
    initials = _initials(fold(names[0] or "")) if names else ""
    if initials:
        words.append(initials)
    return " " + " ".join(dict.fromkeys(words)) + " "


def name_query(query: str) -> list[str]:
    """The folded words of what someone typed, each to be found at the start of a word."""
    return fold(query or "").split()[:NAME_QUERY_WORDS]
