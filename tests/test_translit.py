"""The Cyrillic catalogue is the Latin one, transliterated; placeholders and markup untouched."""

from pathlib import Path

from scripts.translit_po import (
    entries,
    kept_words,
    protected_tokens,
    to_cyrillic,
    transliterate_po,
)


def test_latin_serbian_becomes_cyrillic_with_digraphs():
    assert to_cyrillic("Ljubljana, Njegoš, džemper, Đorđe, Čačak, Ćuprija, Šabac, Žabalj") == (
        "Љубљана, Његош, џемпер, Ђорђе, Чачак, Ћуприја, Шабац, Жабаљ"
    )


def test_placeholders_markup_and_acronyms_are_left_alone():
    text = 'Rok je %(due)s, vidi <a href="https://poverenik.rs">sajt</a> (ZSPIJZ čl. 16) {n}'
    assert to_cyrillic(text) == (
        'Рок је %(due)s, види <a href="https://poverenik.rs">сајт</a> (ZSPIJZ чл. 16) {n}'
    )


def test_a_po_file_keeps_its_header_and_escapes():
    po = (
        'msgid ""\nmsgstr ""\n"Language: sr_Latn\\n"\n"Plural-Forms: nplurals=3;\\n"\n\n'
        'msgid "Deadline"\nmsgstr "Rok"\n\nmsgid "a\\nb"\nmsgstr "jedan\\ndva"\n'
    )
    out = transliterate_po(po)
    assert '"Language: sr\\n"' in out and '"Plural-Forms: nplurals=3;\\n"' in out
    assert 'msgstr "Рок"' in out
    assert 'msgstr "један\\nдва"' in out


# --- The Cyrillic catalogue leaves code, URLs, formats, standards and names alone ----------------

ROOT = Path(__file__).resolve().parent.parent


def catalogue(code: str) -> dict[str, dict[str, str]]:
    text = (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return {entry["msgid"]: entry for entry in entries(text)}


def forms(entry: dict[str, str]) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_what_a_program_reads_is_never_transliterated():
    assert to_cyrillic("stranica /requests/<id>/ i /authorities/&lt;id&gt;/feed/") == (
        "страница /requests/<id>/ и /authorities/&lt;id&gt;/feed/"
    )
    assert to_cyrillic(
        "Datumi YYYY-MM-DD; true/false, yes/no; UTF-8 (Wilson), --skip-bad-rows"
    ) == ("Датуми YYYY-MM-DD; true/false, yes/no; UTF-8 (Wilson), --skip-bad-rows")
    assert to_cyrillic("vrednosti art9_1, not_held i <code>kind</code>") == (
        "вредности art9_1, not_held и <code>kind</code>"
    )
    assert to_cyrillic("Atom fid, iCal, CSV i JSON") == "Atom фид, iCal, CSV и JSON"


def test_code_words_stay_only_where_the_translation_lists_them():
    listed = "outcome (ishod), year (godina), status"
    msgid = "outcome, year, status"
    assert (
        to_cyrillic(listed, kept_words(msgid, listed)) == "outcome (исход), year (година), status"
    )
    assert to_cyrillic("status", kept_words("status", "status")) == "статус"


def test_the_cyrillic_catalogue_keeps_every_protected_token_of_every_msgid():
    """Each placeholder, tag, path, identifier, format, standard, name and code word of a msgid
    that the Latin translation kept comes out of the Cyrillic catalogue unchanged."""
    latin, cyrillic = catalogue("sr_Latn"), catalogue("sr")
    changed = []
    for msgid, entry in latin.items():
        if not msgid or "fuzzy" in entry.get("flags", ""):
            continue
        tokens = set(protected_tokens(msgid))
        if "msgid_plural" in entry:
            tokens &= set(protected_tokens(entry["msgid_plural"]))
        for latin_form, cyrillic_form in zip(forms(entry), forms(cyrillic[msgid]), strict=True):
            expected = {t for t in tokens if t in latin_form}
            expected |= kept_words(msgid + " " + entry.get("msgid_plural", ""), latin_form)
            missing = [t for t in sorted(expected) if t not in cyrillic_form]
            if missing:
                changed.append((msgid, missing, cyrillic_form))
    assert changed == []


def test_the_open_data_page_prints_the_feed_path_with_its_placeholder(client, settings, db):
    from django.urls import reverse

    for language in ("en", "sr-latn", "sr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("public:data")).content.decode()
        assert "/authorities/&lt;id&gt;/feed/" in page
        assert "/authorities//feed/" not in page
