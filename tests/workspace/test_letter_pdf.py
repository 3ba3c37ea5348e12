"""The letters' PDF writer (foia/workspace/letter_pdf.py): what it writes is a PDF any reader
opens, with the text as typed (Serbian Latin, Cyrillic, the form's boxes) and the layout of the
preview — whatever the text."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from foia.workspace import letter_pdf
from foia.workspace.documents import Document, to_pdf


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def letter(markup: str) -> bytes:
    return to_pdf(Document("request", "Zahtev", "zahtev-1", markup))


def test_the_letter_keeps_serbian_cyrillic_and_the_boxes_of_the_form():
    pdf = letter(
        "> Градска управа града Чачка\n> Župana Stracimira 2, Čačak\n\n# ZAHTEV\n\n"
        "[x] obaveštenje da li poseduje traženu informaciju;\n[ ] uvid u dokument;\n"
        "      [x] elektronskom poštom (šđčćž@example.rs)\n\nΣ → „navodnici“ — crta"
    )
    reader, text = read(pdf)
    assert "Градска управа града Чачка" in text
    assert "Župana Stracimira 2, Čačak" in text
    assert "☒ obaveštenje da li poseduje traženu informaciju;" in text
    assert "☐ uvid u dokument;" in text
    assert "☒ elektronskom poštom (šđčćž@example.rs)" in text
    assert "Σ → „navodnici“ — crta" in text  # Greek and the arrow from DejaVu Sans
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSans"}
    assert reader.metadata.title == "Zahtev"


def test_a_long_letter_goes_on_to_further_pages_and_keeps_every_word_in_order():
    words = [f"reč{i}" for i in range(1500)]
    markup = "# ŽALBA\n\n" + "\n\n".join(
        " ".join(words[i : i + 100]) for i in range(0, len(words), 100)
    )
    reader, text = read(letter(markup))
    assert len(reader.pages) >= 3
    assert re.findall(r"reč\d+", text) == words


def test_a_word_wider_than_the_line_is_cut_not_lost():
    long_word = "x" * 400 + "đ"
    _reader, text = read(letter(f"Adresa: {long_word} kraj"))
    assert text.replace(" ", "") == f"Adresa:{long_word}kraj"
    for line in letter_pdf._wrap(
        long_word, style="regular", size=11.0, x=0.0, room=200.0, justify=True, centre=False
    ):
        assert line.natural <= 200.0


def test_the_same_letter_gives_the_same_bytes():
    # A retried e-mail carries the stored bytes anyway; equal input, equal PDF still helps the
    # letters' ZIP and a reader comparing two downloads.
    markup = "> Opština Žabalj\n\n# ZAHTEV\n\nTekst zahteva."
    assert letter(markup) == letter(markup)


def test_justified_lines_fill_the_width_and_the_last_line_does_not():
    text = " ".join(["informacija"] * 60)
    lines = letter_pdf._wrap(
        text, style="regular", size=11.0, x=0.0, room=300.0, justify=True, centre=False
    )
    assert len(lines) > 3
    assert all(line.justify for line in lines[:-1]) and not lines[-1].justify
    assert all(250 < line.natural <= 300.0 for line in lines[:-1])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates
            max_size=120,
        ),
        max_size=12,
    )
)
def test_any_text_gives_a_pdf_a_reader_opens(lines):
    # Control characters, NUL, "²", emoji and characters no face has: drawn as the empty box
    # or left out, never an error; the markup's lines become blocks as on the preview.
    markup = "\n".join(lines)
    pdf = to_pdf(Document("request", "Naslov\x00²", "zahtev-1", markup))
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) >= 1
    for page in reader.pages:
        page.extract_text()
