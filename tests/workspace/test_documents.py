"""Generated documents: the request letter and the two appeals, pre-filled from the record with
what the official forms require, the filing deadline and the attachments to include; as a PDF
(Serbian letters intact) and as editable text."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from foia.workspace import documents
from tests.workspace.conftest import TODAY, D, rec

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # lines wrap where the page ends them


def download(client, r, slug, fmt):
    response = client.get(reverse("workspace:generate_download", args=[r.pk, slug, fmt]))
    assert response.status_code == 200
    return response


def test_the_appeal_pdf_names_the_decision_and_keeps_the_serbian_letters(
    editor_client, refused, frozen
):
    response = download(editor_client, refused, "appeal", "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="zalba-{refused.pk}.pdf"'
    text = pdf_text(response.content)
    assert "01-123/26" in text
    assert "Ministarstvo unutrašnjih poslova" in text
    assert "Povereniku za informacije od javnog značaja i zaštitu podataka o ličnosti" in text
    assert "član 9. tačka 3)" in text
    assert "ŽALBU" in text


def test_the_appeal_holds_everything_the_official_form_asks_for(refused):
    doc = documents.build("appeal", refused, today=TODAY, options=documents.Options())
    text = documents.to_text(doc)
    for required in (
        "Povereniku za informacije od javnog značaja",  # to the Commissioner
        "Žalilac: Ana Anić, Kneza Miloša 1, Beograd",  # the appellant
        "Ministarstvo unutrašnjih poslova",  # the issuing authority
        "broj 01-123/26 od 06.11.2026.",  # number and date of the decision
        "podnet 20.10.2026.",  # the request's date
        "u celosti",  # challenged in full or in part
        "poništi rešenje",  # proposal to annul
        "omogući pristup",  # ... and grant access
        "u roku iz člana 22. stav 1.",  # filed within the deadline
        "Mesto: Beograd",
        "Datum: 20.11.2026.",
        "(potpis)",
        "kopija zahteva od 20.10.2026.",  # attachments: the request,
        "dokaz o predaji zahteva",  # proof of its submission,
        "rešenje broj 01-123/26",  # and the decision
    ):
        assert required in text, required
    assert doc.filing_deadline.due_on == D(2026, 11, 25)
    assert "\r\n" in text


def test_the_appeal_may_challenge_in_part_with_our_own_reasons(editor_client, refused, frozen):
    url = reverse("workspace:generate", args=[refused.pk, "appeal"])
    reasons = "Naši razlozi: " + "organ nije obrazložio štetu. " * 200  # too long for a URL
    preview = editor_client.post(url, {"scope": "part", "reasons": reasons, "place": "Niš"})
    assert preview.status_code == 200 and "Naši razlozi" in preview.content.decode()
    response = editor_client.post(
        url, {"scope": "part", "reasons": reasons, "place": "Niš", "fmt": "txt"}
    )
    assert response["Content-Disposition"] == f'attachment; filename="zalba-{refused.pk}.txt"'
    text = response.content.decode()
    assert "delimično" in text and "Naši razlozi: organ nije" in text
    assert "u celosti" not in text
    assert "Mesto: Niš" in text


def test_the_appeal_page_shows_the_filing_deadline_and_what_to_attach(
    editor_client, refused, frozen
):
    body = editor_client.get(
        reverse("workspace:generate", args=[refused.pk, "appeal"])
    ).content.decode()
    assert "Filing deadline" in body and "25.11.2026" in body
    assert "Attach when filing" in body
    assert "01-123/26" in body


def test_the_silence_appeal_says_the_authority_did_not_act_and_when_the_deadline_passed(
    editor_client, sent, frozen
):
    text = download(editor_client, sent, "silence-appeal", "txt").content.decode()
    assert "[x] nije postupio\r\n" in text
    assert "[ ] nije postupio u celosti" in text
    assert "podnet tom organu 02.11.2026." in text
    assert "istekao je 17.11.2026." in text
    assert sent.information_sought in text
    assert "kopija zahteva" in text and "dokaz o predaji" in text
    assert "odštampana poruka elektronske pošte" in text
    page = editor_client.get(reverse("workspace:generate", args=[sent.pk, "silence-appeal"]))
    assert "18.11.2026" in page.content.decode()  # opens the day after the deadline


def test_a_silence_appeal_before_the_deadline_passed_is_flagged_premature(make_request, frozen):
    r = make_request()
    rec(r, "sent", D(2026, 11, 16), channel="email")
    doc = documents.build("silence-appeal", r, today=TODAY, options=documents.Options())
    assert any("premature" in w for w in doc.warnings)


def test_a_silence_appeal_after_a_partial_answer_says_not_in_full_and_attaches_it(sent):
    rec(sent, "answer", D(2026, 11, 18), answer_kind="partial")
    text = documents.to_text(
        documents.build("silence-appeal", sent, today=TODAY, options=documents.Options())
    )
    assert "[x] nije postupio u celosti" in text
    assert "odgovor organa vlasti od 18.11.2026." in text


def test_the_request_letter_follows_the_official_form(editor_client, make_request, frozen):
    r = make_request(want_notice=True, copy_delivery="post", urgent=True, urgent_reason="Život.")
    text = download(editor_client, r, "request", "txt").content.decode()
    for required in (
        "Ministarstvo unutrašnjih poslova",
        "Na osnovu člana 15. st. 1. Zakona o slobodnom pristupu informacijama od javnog značaja",
        "[x] obaveštenje da li poseduje traženu informaciju",
        "[ ] uvid u dokument",
        "[x] kopiju dokumenta",
        "[x] poštom",
        "[ ] elektronskom poštom",
        r.information_sought,
        "člana 16. stav 2.",
        "Mesto: Beograd",
        "Ana Anić",
        "Kneza Miloša 1, Beograd",
        "+381 60 123 4567",
        "(potpis)",
    ):
        assert required in text, required
    assert "Call the ministry" not in text  # internal notes stay inside


def test_the_request_letter_pdf_renders_diacritics(editor_client, make_request, frozen):
    r = make_request(information_sought="Podaci o kamerama: čćšžđ ČĆŠŽĐ.")
    text = pdf_text(download(editor_client, r, "request", "pdf").content)
    assert "čćšžđ ČĆŠŽĐ" in text
    assert "ZAHTEV" in text


def test_markup_is_escaped_in_the_preview(make_request):
    r = make_request(information_sought="<script>alert(1)</script>")
    html = documents.to_html(
        documents.build("request", r, today=TODAY, options=documents.Options())
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_unknown_document_or_format_is_404(editor_client, refused, frozen):
    assert (
        editor_client.get(reverse("workspace:generate", args=[refused.pk, "nope"])).status_code
        == 404
    )
    url = reverse("workspace:generate_download", args=[refused.pk, "appeal", "exe"])
    assert editor_client.get(url).status_code == 404
