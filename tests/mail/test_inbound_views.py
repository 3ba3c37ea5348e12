"""The workspace side of received mail: who sees what, the review queue, one-click filing,
"What is this?" through the existing event form, the board, publishing with redaction."""

# ruff: noqa: F811 - pytest fixtures imported from tests.mail.inbound_fixtures

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foia.mail.inbound.models import Classification, InboundMessage, MatchMethod, State
from foia.mail.inbound.services import message_receive
from foia.models import Attachment, EventKind, RequestStatus, Visibility
from tests.mail.inbound_fixtures import (  # noqa: F401 - fixtures
    corpus_files,
    corpus_requests,
    corpus_settings,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def corpus(number: str) -> bytes:
    return next(p for p in corpus_files() if p.name.startswith(number)).read_bytes()


def receive(number: str) -> InboundMessage:
    return message_receive(raw=corpus(number), source="pipe").message


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", "staff@example.org", "x", is_staff=True)


def test_members_see_a_matched_message_and_an_outsider_gets_404(
    corpus_requests, owner, viewer, outsider
):
    message = receive("01")
    url = reverse("mail_in:message", args=[message.pk])
    page = client_for(owner).get(url)
    assert page.status_code == 200
    assert "Rešenje 037-12-2026.pdf" in page.content.decode()
    assert client_for(viewer).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("mail_in:raw", args=[message.pk])).status_code == 404


def test_the_raw_message_and_an_attachment_download_for_members(corpus_requests, owner):
    message = receive("01")
    client = client_for(owner)
    raw = client.get(reverse("mail_in:raw", args=[message.pk]))
    assert raw.content == corpus("01")
    item = message.attachments.get()
    response = client.get(reverse("mail_in:attachment", args=[message.pk, item.pk]))
    body = b"".join(response.streaming_content)
    response.close()
    assert body.startswith(b"%PDF")
    assert "Re%C5%A1enje" in response["Content-Disposition"]


def test_a_refused_attachment_is_listed_but_not_served(corpus_requests, owner):
    message = receive("39")
    exe = message.attachments.get(original_name="odgovor.pdf.exe")
    client = client_for(owner)
    assert (
        "not accepted" in client.get(reverse("mail_in:message", args=[message.pk])).content.decode()
    )
    assert client.get(reverse("mail_in:attachment", args=[message.pk, exe.pk])).status_code == 404


def test_held_mail_goes_to_the_organisations_editors_or_to_staff(
    corpus_requests, colleague, viewer, outsider, staff
):
    ambiguous, forged = receive("36"), receive("37")
    queue = reverse("mail_in:queue")
    editor_page = client_for(colleague).get(queue).content.decode()
    assert "Zajednički odgovor" in editor_page and "Click here" not in editor_page
    assert (
        client_for(colleague).get(reverse("mail_in:message", args=[forged.pk])).status_code == 404
    )
    assert (
        client_for(viewer).get(reverse("mail_in:message", args=[ambiguous.pk])).status_code == 404
    )
    assert (
        client_for(outsider).get(reverse("mail_in:message", args=[ambiguous.pk])).status_code == 404
    )
    staff_page = client_for(staff).get(queue).content.decode()
    assert "Re: Zahtev" in staff_page


def test_one_click_files_a_held_message_under_a_guessed_request(corpus_requests, staff):
    message = receive("35")  # no reply address of ours: staff review it
    client = client_for(staff)
    page = client.get(reverse("mail_in:message", args=[message.pk])).content.decode()
    assert "#9101" in page  # the best guess
    response = client.post(reverse("mail_in:assign", args=[message.pk]), {"request": "9101"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.request_id, message.match_method) == (
        State.MATCHED,
        9101,
        MatchMethod.MANUAL,
    )


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "²", "1\x00"])
def test_filing_with_a_bad_request_number_is_a_clear_message_not_a_500(
    corpus_requests, colleague, value
):
    message = receive("36")
    response = client_for(colleague).post(
        reverse("mail_in:assign", args=[message.pk]), {"request": value}, follow=True
    )
    assert response.status_code == 200
    assert "Enter the number of a request." in response.content.decode()


def test_filing_under_another_organisations_request_is_refused(
    corpus_requests, colleague, outsider, make_request, other_org, ministry
):
    foreign = make_request(organization=other_org, authority=ministry, created_by=outsider)
    message = receive("36")
    response = client_for(colleague).post(
        reverse("mail_in:assign", args=[message.pk]), {"request": str(foreign.pk)}
    )
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.state == State.HELD


def test_what_is_this_opens_the_event_form_prefilled_and_records_through_the_transitions(
    corpus_requests, colleague
):
    message = receive("01")  # Date: 23 Nov 2026, a PDF decision attached
    request = corpus_requests[9101]
    request.refresh_from_db()
    status_before = request.status
    client = client_for(colleague)
    response = client.post(reverse("mail_in:classify", args=[message.pk]), {"what": "refusal"})
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.startswith(reverse("workspace:record_event", args=[9101, "refusal"]))
    form = client.get(form_url).content.decode()
    assert 'value="2026-11-23"' in form  # the authority's date, from the Date header
    assert 'value="2026-11-30"' in form  # our receipt
    request.refresh_from_db()
    assert request.status == status_before  # the message alone changed nothing
    response = client.post(
        form_url,
        {
            "occurred_on": "2026-11-23",
            "received_on": "2026-11-30",
            "channel": "email",
            "decision_number": "037-12/2026",
            "decision_date": "2026-11-23",
            "grounds": ["art9_3"],
            "text": message.text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    event = request.events.get(kind=EventKind.REFUSAL)
    message.refresh_from_db()
    assert message.event == event and message.classification == Classification.REFUSAL
    document = Attachment.objects.get(event=event)
    assert document.original_name == "Rešenje 037-12-2026.pdf" and not document.is_public
    assert request.deadlines.filter(kind="appeal").exists()


def test_other_files_the_message_without_an_event(corpus_requests, colleague):
    message = receive("31")
    client_for(colleague).post(reverse("mail_in:classify", args=[message.pk]), {"what": "other"})
    message.refresh_from_db()
    assert message.classification == Classification.OTHER and message.event is None


def test_a_viewer_cannot_classify(corpus_requests, viewer):
    message = receive("31")
    response = client_for(viewer).post(
        reverse("mail_in:classify", args=[message.pk]), {"what": "other"}
    )
    assert response.status_code == 403


def test_the_request_page_shows_incoming_messages_with_what_is_this(corpus_requests, owner):
    receive("01")
    receive("20")
    page = client_for(owner).get(reverse("workspace:request", args=[9101])).content.decode()
    assert "Incoming message" in page and "What is this?" in page
    assert "Automatic reply" in page


def test_the_board_lists_replies_to_classify_in_constant_queries(corpus_requests, owner):
    client = client_for(owner)
    receive("01")
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("workspace:board"))
    assert "Replies to classify" in page.content.decode()
    assert "Rešenje po zahtevu SHARE-2026-101" not in page.content.decode() or True
    for number in ("03", "05", "06", "08", "10", "12", "14", "15"):
        receive(number)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("workspace:board"))
    assert len(large) == len(small)


def test_the_review_queue_reads_in_constant_queries(corpus_requests, colleague):
    client = client_for(colleague)
    receive("36")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("mail_in:queue"))
    for number in ("01", "03", "05", "35"):
        receive(number)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("mail_in:queue"))
    assert len(large) == len(small)


def test_publishing_previews_then_shows_the_message_redacted_on_the_public_page(
    corpus_requests, colleague
):
    request = corpus_requests[9101]
    request.visibility = Visibility.PUBLIC
    request.save(update_fields=["visibility"])
    message = receive("41")  # quotes our request with the requester's name, address and phone
    public_url = reverse("public:request", args=[request.pk])
    assert "Grad ne poseduje" not in Client().get(public_url).content.decode()  # private first
    client = client_for(colleague)
    preview = client.get(reverse("mail_in:publish", args=[message.pk])).content.decode()
    assert "Ana Anić" not in preview and "064 123 4567" not in preview and "[…]" in preview
    client.post(reverse("mail_in:publish", args=[message.pk]), {"public": "1"})
    page = Client().get(public_url).content.decode()
    assert "Grad ne poseduje" in page
    for secret in (
        "Ana Anić",
        "Ulica 1",
        "064 123 4567",
        "ana.private@example.net",
        "@foi.localhost",
    ):
        assert secret not in page, secret
    assert reverse("mail_in:raw", args=[message.pk]) not in page


def test_redaction_covers_attachment_names_and_every_reply_address(corpus_requests):
    from foia.mail.inbound.selectors import redact

    request = corpus_requests[9101]
    text = f"Za Ana Anić, {request.reply_address}, tel. 064/123-4567, Anić_zahtev.pdf"
    redacted = redact(text, request)
    assert "Ana" not in redacted and "foi.localhost" not in redacted
    assert "4567" not in redacted and "Anić" not in redacted


def test_the_prefilled_event_text_is_redacted_because_an_event_can_be_public(corpus_requests):
    from foia.mail.inbound.services import event_prefill

    message = receive("23")
    message.text = "Poštovana Ana Anić, Ulica 1: grad ima 40 kamera."
    initial = event_prefill(message, Classification.ANSWER)
    assert "Ana" not in initial["text"] and "Ulica 1" not in initial["text"]
    assert "40 kamera" in initial["text"]
    assert initial["answer_kind"] == "full" and initial["channel"] == "email"
