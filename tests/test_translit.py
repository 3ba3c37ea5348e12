"""The Cyrillic catalogue is the Latin one, transliterated; placeholders and markup untouched."""

from scripts.translit_po import to_cyrillic, transliterate_po


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
