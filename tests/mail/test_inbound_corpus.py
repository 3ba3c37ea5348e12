"""Every message of the corpus is stored, read, matched or held as expected, and shown."""

# ruff: noqa: F811 - pytest fixtures imported from tests.mail.inbound_fixtures

from __future__ import annotations

import hashlib

import pytest

from foia.mail.inbound.models import InboundMessage, Kind, MatchMethod, State
from foia.mail.inbound.parse import decode_bytes, html_to_text, parse, split_quoted
from foia.mail.inbound.services import message_receive
from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.models import Event
from tests.mail.inbound_fixtures import (  # noqa: F401 - fixtures
    corpus_files,
    corpus_requests,
    corpus_settings,
)
from tests.mail.make_corpus import EXPECTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(corpus_requests):
    outcomes = {}
    for path in corpus_files():
        outcomes[path.name[:2]] = (path, message_receive(raw=path.read_bytes(), source="pipe"))
    return outcomes


def test_the_corpus_has_at_least_forty_messages_and_an_expectation_for_each():
    names = [p.name[:2] for p in corpus_files()]
    assert len(names) >= 40
    assert sorted(names) == sorted(EXPECTED)


def test_every_corpus_message_is_matched_held_or_a_duplicate_as_expected(received):
    for number, (path, outcome) in received.items():
        verdict, request_id, kind = EXPECTED[number]
        assert outcome.verdict == verdict, path.name
        assert outcome.message.request_id == request_id, path.name
        assert outcome.message.kind == kind, path.name


def test_nothing_is_lost_every_distinct_message_is_stored_once_with_its_exact_bytes(received):
    distinct = {o.message.pk for _, o in received.values()}
    assert InboundMessage.objects.count() == len(distinct) == len(received) - 2
    for path, outcome in received.values():
        if outcome.verdict == "duplicate":
            continue
        stored = InboundMessage.objects.get(pk=outcome.message.pk)
        assert bytes(stored.raw) == path.read_bytes()
        assert stored.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not InboundMessage.objects.filter(state=State.STORED).exists()


def test_cyrillic_and_latin_in_every_charset_read_without_garbling(received):
    for number in ("05", "06", "09", "11", "14", "16"):
        text = received[number][1].message.text
        assert "Поштовани" in text or "Одговор" in text or "министарство" in text, number
    assert "Поштовани" in received["07"][1].message.text  # KOI8-R (Russian letters only)
    for number in ("01", "08", "10", "12"):
        text = received[number][1].message.text
        assert "Poštovani" in text and "Ã" not in text and "è" not in text, number
    assert "đ" in received["08"][1].message.text.lower()


def test_a_mislabelled_charset_is_detected_and_noted(received):
    message = received["10"][1].message
    assert "Đorđe Čolić" in message.text
    assert any("cp1250" in note for note in message.notes)
    assert (
        "ne poseduje" in received["11"][1].message.text
        or "не поседује" in received["11"][1].message.text
    )


def test_rfc_2047_and_2231_names_and_subjects_are_decoded(received):
    assert received["14"][1].message.subject == "Одговор на захтев за приступ информацијама"
    assert received["14"][1].message.from_name == "Služba za odnose sa javnošću"
    names = [a.original_name for a in received["13"][1].message.attachments.all()]
    assert names == ["Решење о одбијању № 12.pdf"]
    assert [a.original_name for a in received["44"][1].message.attachments.all()] == [
        "Скен одговора.jpg"
    ]
    assert received["01"][1].message.subject == "Rešenje po zahtevu SHARE-2026-101"


def test_attachments_keep_their_names_for_display_and_get_a_safe_storage_key(received):
    attachment = received["01"][1].message.attachments.get()
    assert attachment.original_name == "Rešenje 037-12-2026.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.storage_key.isascii() and " " not in attachment.storage_key
    assert "Re" not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_winmail_dat_is_unpacked_and_a_corrupt_one_kept_and_listed(received):
    unpacked = received["02"][1].message.attachments.all()
    assert [(a.original_name, a.origin) for a in unpacked] == [
        ("Odgovor_104.pdf", "tnef"),
        ("Skenirano.jpg", "tnef"),
    ]
    assert all(not a.rejected for a in unpacked)
    corrupt = received["45"][1].message.attachments.get()
    assert corrupt.original_name == "winmail.dat" and corrupt.rejected and not corrupt.file


def test_a_forwarded_message_is_kept_as_an_eml_file(received):
    item = received["30"][1].message.attachments.get()
    assert item.original_name == "Podaci o kamerama.eml" and item.origin == "rfc822"
    assert item.file.name.endswith(".eml")
    with item.file.open("rb") as handle:
        assert b"Dostavljamo podatke o kamerama" in handle.read()


def test_attachments_that_fail_the_upload_checks_are_listed_not_stored(received):
    items = {a.original_name: a for a in received["39"][1].message.attachments.all()}
    assert items["odgovor.pdf.exe"].rejected and not items["odgovor.pdf.exe"].file
    assert items["prazno.pdf"].rejected
    assert b"odgovor.pdf.exe" in bytes(received["39"][1].message.raw)  # still in the raw message


def test_html_only_mail_becomes_safe_text(received):
    message = received["15"][1].message
    assert message.from_html
    assert "<" not in message.text and "alert" not in message.text
    assert "Centar 24" in message.text


def test_quoted_history_is_folded_away(received):
    message = received["41"][1].message
    assert message.text == "Poštovani,\n\nGrad ne poseduje tražene informacije."
    assert message.quoted.startswith("Od: SHARE Foundation")


def test_matching_reads_cc_received_delivered_to_and_x_original_to(received):
    for number in ("23", "24", "25", "26"):
        assert received[number][1].message.match_method == MatchMethod.REPLY_ADDRESS, number
    assert received["27"][1].message.match_method == MatchMethod.THREAD
    assert received["28"][1].message.match_method == MatchMethod.REFERENCE


def test_a_sender_who_is_not_the_authority_is_accepted_but_marked(received):
    assert received["29"][1].message.sender_unknown
    assert not received["23"][1].message.sender_unknown
    assert not received["42"][1].message.sender_unknown  # the Commissioner on the appeal thread


def test_unmatched_ambiguous_forged_and_unreadable_mail_is_held_with_a_reason(received, org):
    for number in ("35", "36", "37", "38"):
        message = received[number][1].message
        assert message.state == State.HELD and message.hold_reason, number
    assert received["36"][1].message.organization_id == org.pk  # its editors review it
    assert {g["request"] for g in received["36"][1].message.guesses} == {9101, 9102}
    assert received["37"][1].message.organization_id is None  # staff review it
    assert [g["request"] for g in received["35"][1].message.guesses] == [9101]


def test_auto_replies_are_marked_and_never_count_as_an_answer(received, corpus_requests):
    for number in ("20", "21", "22"):
        assert received[number][1].message.kind == Kind.AUTO_REPLY
    events = Event.objects.filter(request__in=corpus_requests.values()).values_list(
        "kind", flat=True
    )
    assert set(events) == {"sent"}  # mail alone records no legal event


def test_a_bounce_is_tied_to_the_message_we_sent_and_marks_it_undelivered(received):
    bounce = received["17"][1].message
    assert bounce.kind == Kind.BOUNCE
    assert bounce.bounced_message.message_id == "<req-9104.1@foi.localhost>"
    sent = OutgoingMessage.objects.get(message_id="<req-9104.1@foi.localhost>")
    assert sent.state == MessageState.UNDELIVERED and sent.bounced_at
    assert received["19"][1].message.bounced_message.request_id == 9105


def test_a_bounce_notifies_the_assignee_in_the_app(received, colleague):
    titles = list(colleague.notifications.values_list("title", flat=True))
    assert any(t.startswith("Not delivered: #9104") for t in titles)
    assert any(t.startswith("Reply received: #9101") for t in titles)


def test_control_characters_are_removed_and_a_missing_date_is_none(received):
    message = received["43"][1].message
    assert "\x00" not in message.subject and "\x07" not in message.subject
    assert "\x00" not in message.text and message.sent_at is None


def test_a_message_the_parser_cannot_read_is_still_stored_and_held(corpus_requests, monkeypatch):
    def broken(raw):
        raise ValueError("boom")

    monkeypatch.setattr("foia.mail.inbound.services.parse", broken)
    outcome = message_receive(raw=b"Subject: x\n\nbody", source="pipe")
    assert outcome.verdict == "held"
    stored = InboundMessage.objects.get(pk=outcome.message.pk)
    assert stored.parse_error == "ValueError: boom" and bytes(stored.raw) == b"Subject: x\n\nbody"


def test_a_message_stored_by_a_run_that_died_is_read_when_it_arrives_again(corpus_requests):
    raw = corpus_files()[0].read_bytes()
    from foia.mail.inbound.services import message_store

    message, created = message_store(raw=raw, source="imap")
    assert created and message.state == State.STORED
    outcome = message_receive(raw=raw, source="pipe")
    assert outcome.verdict == "matched" and outcome.message.pk == message.pk


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("Čačak".encode("cp1250"), "iso-8859-1", "Čačak"),
        ("Чачак и Ниш".encode("cp1251"), None, "Чачак и Ниш"),
        ("Šabac".encode("iso8859_2"), "iso-8859-2", "Šabac"),
        ("Ужице".encode("koi8_r" if False else "iso8859_5"), "iso-8859-5", "Ужице"),
        ("Ниш".encode("utf-7"), "utf-7", "Ниш"),
        (b"plain", "x-unknown", "plain"),
    ],
)
def test_decoding_uses_the_declared_charset_or_detects_it(data, declared, expected):
    assert decode_bytes(data, declared, []) == expected


def test_html_to_text_drops_scripts_and_keeps_entities():
    assert html_to_text("<p>A&amp;B</p><script>x()</script><p>Đ</p>") == "A&B\n\nĐ"


def test_split_quoted_keeps_a_message_that_is_only_a_quote():
    assert split_quoted("> all quoted") == ("> all quoted", "")


def test_parse_never_raises_on_garbage():
    parsed = parse(b"\x00\xff" * 100)
    assert parsed.from_address == "" and parsed.attachments == []


def test_a_message_already_filed_by_another_process_is_not_filed_twice(corpus_requests):
    from foia.mail.inbound.models import InboundAttachment
    from foia.mail.inbound.services import message_process, message_store

    raw = corpus_files()[0].read_bytes()
    message, _ = message_store(raw=raw, source="imap")
    stale = InboundMessage.objects.get(pk=message.pk)  # a second reader's copy, still STORED
    message_process(message=message)
    message_process(message=stale)
    assert InboundAttachment.objects.filter(message=message).count() == 1
    assert stale.state == State.MATCHED


def test_format_flowed_lines_are_joined(received):
    assert received["44"][1].message.text == "Poštovani, u prilogu je sken odgovora."


def test_unflow_keeps_quotes_and_the_signature_separator():
    from foia.mail.inbound.parse import unflow

    assert unflow("a \nb\n> q \n> r\n-- \nsig") == "a b\n> q \n> r\n-- \nsig"
    assert unflow("ab \ncd", delsp=True) == "abcd"
