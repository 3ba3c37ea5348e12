"""Sending by e-mail against a real SMTP server (aiosmtpd, see conftest.py)."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
from email import policy

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from foia.mail.addresses import appeal_reply_address, parse_reply_address, reply_address
from foia.mail.outbound import services
from foia.mail.outbound.models import MessageKind, MessageState, OutgoingMessage
from foia.models import Attachment, Authority, AuthorityKind, Campaign, EventKind, RequestStatus
from foia.notifications.models import Notification
from foia.services.transitions import record_event

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DOMAIN = "foi.example.org"
    settings.MAIL_SEND_RATE = 1000


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def add_attachment(request, name="odluka.pdf", data=b"%PDF-1.4 scanned decision", event=None):
    attachment = Attachment(
        request=request,
        event=event,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def queue_request(request, user, key="form-1", **kwargs):
    fields = dict(
        request=request,
        user=user,
        kind=MessageKind.REQUEST,
        to=request.authority.email,
        subject=services.request_subject(request),
        body="Poštovani,\r\n\r\nu prilogu je zahtev.\r\n",
        idempotency_key=key,
        include_form_pdf=True,
        event_values={"kind": EventKind.SENT},
        dispatch=False,
    )
    fields.update(kwargs)
    return services.message_queue(**fields)


# --- reply addresses --------------------------------------------------------------------------


def test_a_reply_address_parses_back_to_its_request_in_any_case_and_with_a_tag(
    make_request, settings
):
    settings.MAIL_DOMAIN = "foi.example.org"
    request = make_request()
    address = request.reply_address
    assert address == reply_address(request)
    assert address.endswith("@foi.example.org") and address.startswith(f"r{request.pk}-")
    assert parse_reply_address(address) == (request.pk, "request")
    local, domain = address.split("@")
    assert parse_reply_address(f"{local.upper()}+urgent@{domain.upper()}") == (
        request.pk,
        "request",
    )
    assert parse_reply_address(f'"Ministarstvo" <{address}>') == (request.pk, "request")
    assert parse_reply_address(appeal_reply_address(request)) == (request.pk, "appeal")


def test_a_guessed_or_tampered_reply_address_is_not_ours(make_request, settings):
    settings.MAIL_DOMAIN = "foi.example.org"
    request = make_request()
    local, domain = request.reply_address.split("@")
    token = local.split("-")[1]
    forged = f"r{request.pk + 1}-{token}@{domain}"
    flipped = local[:-1] + ("a" if local[-1] != "a" else "b")
    for address in (
        forged,
        f"{flipped}@{domain}",
        f"{local}@other.example.org",
        f"r{request.pk}a-{token}@{domain}",  # the request's token does not open the appeal thread
        f"r99999999999999999999-{token}@{domain}",  # beyond 64 bits
        f"r0-{token}@{domain}",
        "r1-²²²²²²²²²²²²²²²²@foi.example.org",
        "\x00",
        "",
        "not an address",
    ):
        assert parse_reply_address(address) is None, address


def test_another_secret_gives_other_addresses(make_request, settings):
    request = make_request()
    before = request.reply_address
    settings.MAIL_SECRET = "a-different-secret"
    assert request.reply_address != before
    assert parse_reply_address(before) is None


# --- sending a request ------------------------------------------------------------------------


def test_a_draft_sent_by_email_reaches_the_server_with_reply_to_the_form_and_the_documents(
    make_request, owner, smtp_settings, travel
):
    request = make_request(subject="Камере „Сигуран град“: уговор")
    document = add_attachment(request, "прилог-уговор.pdf", b"%PDF-1.4 our own annex")
    message = queue_request(request, owner, attachments=[document])
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT  # queued is not sent

    assert services.deliver(message.pk) == "sent"

    (received,) = smtp_settings.messages
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert bytes(message.raw) == received.raw  # the proof is exactly what the server got
    assert message.raw_sha256 == hashlib.sha256(bytes(message.raw)).hexdigest()
    assert received.rcpt_tos == ["info@mup.gov.rs"]
    assert received.mail_from == "noreply@foi.example.org"

    mail = parsed(received.raw)
    assert mail["Subject"] == (
        "Zahtev za pristup informacijama od javnog značaja: Камере „Сигуран град“: уговор"
    )
    assert "=?utf-8?" in received.raw.split(b"\r\n\r\n")[0].decode("ascii").lower()
    assert mail["Reply-To"] == request.reply_address
    assert mail["From"].addresses[0].display_name == "SHARE Foundation"
    assert mail["From"].addresses[0].addr_spec == "noreply@foi.example.org"
    assert mail["Message-ID"] == message.message_id
    assert mail.get_body(("plain",)).get_content().startswith("Poštovani,")
    files = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(files) == {f"zahtev-{request.pk}.pdf", "прилог-уговор.pdf"}
    form = PdfReader(io.BytesIO(files[f"zahtev-{request.pk}.pdf"].get_content()))
    assert "ZAHTEV" in form.pages[0].extract_text().upper()
    assert files["прилог-уговор.pdf"].get_content() == b"%PDF-1.4 our own annex"

    # The send recorded the SENT event itself, with the server's acceptance time.
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_ANSWER
    event = request.events.get()
    assert event.kind == EventKind.SENT and event.channel == "email"
    assert event.occurred_at == message.accepted_at
    assert message.event == event
    assert event.occurred_on == timezone.localdate(message.accepted_at)
    document.refresh_from_db()
    assert document.event == event


def test_a_subject_with_line_breaks_stays_one_header(make_request, owner, smtp_settings, travel):
    request = make_request()
    message = queue_request(
        request, owner, subject="Zahtev\r\nBcc: spy@example.net\nX-Evil: 1", include_form_pdf=False
    )
    services.deliver(message.pk)
    (received,) = smtp_settings.messages
    mail = parsed(received.raw)
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail["Subject"] == "Zahtev Bcc: spy@example.net X-Evil: 1"
    assert received.rcpt_tos == ["info@mup.gov.rs"]


@pytest.mark.parametrize(
    "to",
    [
        "info@mup.gov.rs\nBcc: spy@example.net",
        "not-an-address",
        "²@mup.gov.rs",
        "ana@exa\x00mple.org",
        "",
        ", ;",
    ],
)
def test_a_bad_address_is_refused_with_a_message(make_request, owner, to):
    with pytest.raises(ValidationError) as caught:
        queue_request(make_request(), owner, to=to)
    assert "to" in caught.value.message_dict
    assert not OutgoingMessage.objects.exists()


def test_a_double_submit_queues_and_sends_one_message(make_request, owner, smtp_settings, travel):
    request = make_request()
    first = queue_request(request, owner, key="same-form")
    second = queue_request(request, owner, key="same-form")
    assert first.pk == second.pk
    with pytest.raises(ValidationError, match="already being sent"):
        queue_request(request, owner, key="another-tab")
    assert services.deliver(first.pk) == "sent"
    assert services.deliver(first.pk) == "skipped"  # a retried task
    assert len(smtp_settings.messages) == 1
    assert request.events.count() == 1


@pytest.mark.parametrize(
    "failure", ["451 4.3.0 Mailbox temporarily unavailable", "421 4.7.0 Too many connections"]
)
def test_a_temporary_failure_is_retried_later_and_the_request_is_not_marked_sent(
    make_request, owner, smtp_settings, travel, settings, failure
):
    settings.MAIL_RETRY_SECONDS = 60
    request = make_request()
    message = queue_request(request, owner)
    smtp_settings.fail_next(failure)

    assert services.deliver(message.pk) == "retrying"
    message.refresh_from_db()
    request.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert failure.split()[0] in message.last_error
    assert message.next_attempt_at >= timezone.now() + dt.timedelta(seconds=55)
    assert request.status == RequestStatus.DRAFT and not request.events.exists()
    first_raw = bytes(message.raw)

    assert services.deliver(message.pk) == "skipped"  # not due yet
    travel.shift(dt.timedelta(seconds=61))
    assert services.deliver(message.pk) == "sent"
    (received,) = smtp_settings.messages
    message.refresh_from_db()
    assert bytes(message.raw) == first_raw  # the same bytes, the same Message-ID
    assert message.attempts == 2
    assert parsed(received.raw)["Message-ID"] == message.message_id


def test_a_refused_connection_is_retried_with_a_doubling_delay(
    make_request, owner, settings, refused_port, travel
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refused_port
    settings.EMAIL_USE_TLS = False
    settings.MAIL_RETRY_SECONDS = 10
    message = queue_request(make_request(), owner)
    delays = []
    for _attempt in range(3):
        assert services.deliver(message.pk) == "retrying"
        message.refresh_from_db()
        # Both written with the same "now" when the attempt failed.
        delays.append(round((message.next_attempt_at - message.updated_at).total_seconds()))
        travel.shift(message.next_attempt_at - timezone.now() + dt.timedelta(seconds=1))
    assert delays == [10, 20, 40]
    assert "refused" in message.last_error


def test_a_permanent_failure_stops_until_a_member_retries(
    make_request, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    request = make_request()
    message = queue_request(request, owner)
    smtp_settings.fail_next("554 5.7.1 Relay access denied")
    assert services.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "554" in message.last_error
    travel.shift(dt.timedelta(days=1))
    assert services.deliver(message.pk) == "skipped"
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.message_retry(message=message, user=owner)
    assert len(callbacks) == 1
    assert services.deliver(message.pk) == "sent"
    assert len(smtp_settings.messages) == 1


def test_a_dead_workers_claim_is_taken_over_after_the_lease(
    make_request, owner, smtp_settings, travel, settings
):
    settings.MAIL_CLAIM_LEASE_SECONDS = 300
    message = queue_request(make_request(), owner)
    assert services.claim(message.pk, now=timezone.now())  # a worker took it and died
    assert services.deliver(message.pk) == "skipped"
    travel.shift(dt.timedelta(seconds=301))
    assert services.sweep(dispatch=False) == [message.pk]
    assert services.deliver(message.pk) == "sent"
    assert len(smtp_settings.messages) == 1


# --- appeal, free message ---------------------------------------------------------------------


def sent_request(make_request, owner, smtp_server, **fields):
    request = make_request(**fields)
    message = queue_request(request, owner, key=f"send-{request.pk}")
    assert services.deliver(message.pk) == "sent"
    return request, OutgoingMessage.objects.get(pk=message.pk)


def test_an_appeal_goes_to_the_commissioner_with_the_decision_and_files_the_appeal(
    make_request, owner, smtp_settings, settings, travel
):
    settings.COMMISSIONER_EMAIL = "office@poverenik.rs"
    request, _first = sent_request(make_request, owner, smtp_settings)
    travel.shift(dt.timedelta(days=10))
    refusal = record_event(
        request=request,
        kind=EventKind.REFUSAL,
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        received_on=timezone.localdate(),
        grounds=["art9_3"],
        decision_number="07-123/26",
    )
    decision = add_attachment(request, "rešenje.pdf", b"%PDF decision", event=refusal)
    appeal = services.message_queue(
        request=request,
        user=owner,
        kind=MessageKind.APPEAL,
        to=settings.COMMISSIONER_EMAIL,
        subject=services.appeal_subject(request),
        body="Žalba u prilogu.",
        idempotency_key="appeal-1",
        attachments=[decision],
        include_form_pdf=True,
        event_values={
            "kind": EventKind.APPEAL_FILED,
            "appeal_ground": "refusal",
            "related_event": refusal.pk,
        },
        dispatch=False,
    )
    assert services.deliver(appeal.pk) == "sent"
    received = smtp_settings.messages[-1]
    assert received.rcpt_tos == ["office@poverenik.rs"]
    mail = parsed(received.raw)
    assert mail["Reply-To"] == request.appeal_reply_address
    names = {p.get_filename() for p in mail.iter_attachments()}
    assert names == {f"zalba-{request.pk}.pdf", "rešenje.pdf"}
    appeal.refresh_from_db()
    assert appeal.event.kind == EventKind.APPEAL_FILED
    assert appeal.event.related_event == refusal
    request.refresh_from_db()
    assert request.status == RequestStatus.APPEALED


def test_an_appeal_the_timeline_would_refuse_is_refused_before_anything_is_sent(
    make_request, owner, smtp_settings, travel
):
    request, _first = sent_request(make_request, owner, smtp_settings)
    with pytest.raises(ValidationError):
        services.message_queue(
            request=request,
            user=owner,
            kind=MessageKind.APPEAL,
            to="office@poverenik.rs",
            subject="Žalba",
            body="Žalba.",
            idempotency_key="appeal-x",
            event_values={"kind": EventKind.APPEAL_FILED, "appeal_ground": "refusal"},
            dispatch=False,
        )
    assert OutgoingMessage.objects.filter(kind=MessageKind.APPEAL).count() == 0


def test_a_free_message_answers_the_thread_with_in_reply_to_and_references(
    make_request, owner, smtp_settings, travel
):
    request, first = sent_request(make_request, owner, smtp_settings)
    follow = services.message_queue(
        request=request,
        user=owner,
        kind=MessageKind.MESSAGE,
        to="info@mup.gov.rs",
        subject="Re: " + first.subject,
        body="Da li ste primili naš zahtev?",
        idempotency_key="free-1",
        in_reply_to=services.last_message(request),
        dispatch=False,
    )
    assert services.deliver(follow.pk) == "sent"
    mail = parsed(smtp_settings.messages[-1].raw)
    assert mail["In-Reply-To"] == first.message_id
    assert mail["References"] == first.message_id
    follow.refresh_from_db()
    assert follow.event is None
    assert request.events.count() == 1


def test_nothing_but_the_request_itself_can_go_before_it_is_sent(make_request, owner):
    with pytest.raises(ValidationError, match="first"):
        services.message_queue(
            request=make_request(),
            user=owner,
            kind=MessageKind.MESSAGE,
            to="info@mup.gov.rs",
            subject="Pitanje",
            body="Pitanje.",
            idempotency_key="early",
            dispatch=False,
        )


# --- campaigns --------------------------------------------------------------------------------


@pytest.fixture
def campaign(org, owner, ministry):
    campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
    authorities = [ministry] + [
        Authority.objects.create(
            name=f"Opština {i}", kind=AuthorityKind.MUNICIPALITY, email=f"opstina{i}@example.rs"
        )
        for i in range(3)
    ]
    authorities.append(Authority.objects.create(name="Bez adrese", kind=AuthorityKind.CITY))
    from foia.models import Request

    for authority in authorities:
        Request.objects.create(
            organization=org,
            authority=authority,
            campaign=campaign,
            created_by=owner,
            subject="Kamere",
            information_sought="Ugovori o kamerama.",
        )
    return campaign


def test_a_campaign_sends_every_draft_once_at_the_configured_rate_and_resumes(
    campaign, owner, smtp_settings, settings, travel, django_capture_on_commit_callbacks
):
    settings.MAIL_SEND_RATE = 0.5  # one message every 2 s; the sleep is recorded, not slept
    with django_capture_on_commit_callbacks(execute=False):
        result = services.campaign_send(campaign=campaign, user=owner)
    assert len(result.queued) == 4
    assert list(result.skipped.values()) == ["Bez adrese has no e-mail address."]

    # The worker is killed after two messages; the next run sends the rest, none twice.
    waits = []
    first_run = services.campaign_deliver(campaign.pk, budget_seconds=0.0001, sleep=waits.append)
    assert first_run == {"sent": 1}
    with django_capture_on_commit_callbacks(execute=False):
        again = services.campaign_send(campaign=campaign, user=owner)  # clicked again
    assert len(again.queued) == 3  # only the drafts left; the sent one is no longer a draft
    assert services.campaign_deliver(campaign.pk, sleep=waits.append) == {"sent": 3}
    assert services.campaign_next_run(campaign.pk) is None

    assert len(smtp_settings.messages) == 4
    assert sorted(r.rcpt_tos[0] for r in smtp_settings.messages) == sorted(
        ["info@mup.gov.rs", "opstina0@example.rs", "opstina1@example.rs", "opstina2@example.rs"]
    )
    assert len(waits) == 2 and all(1 < w <= 2 for w in waits)
    assert services.campaign_progress(campaign) == {
        "total": 4,
        "sent": 4,
        "pending": 0,
        "failed": 0,
        "undelivered": 0,
    }
    assert campaign.requests.filter(status=RequestStatus.AWAITING_ANSWER).count() == 4


# --- bounces ----------------------------------------------------------------------------------


def test_a_bounce_marks_the_message_undelivered_and_tells_the_assignee_once(
    make_request, owner, colleague, smtp_settings, travel
):
    request, message = sent_request(make_request, owner, smtp_settings, assignee=colleague)
    at = timezone.now()
    assert services.mark_undelivered(message=message, reason="550 5.1.1 User unknown", at=at)
    assert not services.mark_undelivered(message=message, reason="again", at=at)
    message.refresh_from_db()
    assert message.state == MessageState.UNDELIVERED
    assert message.bounced_at == at and "User unknown" in message.bounce_reason
    (note,) = Notification.objects.all()
    assert note.user == colleague
    assert "550 5.1.1 User unknown" in note.body

    # The authority never got it: the SENT step is taken back, so no answer deadline runs.
    assert "taken back" in note.body
    message.event.refresh_from_db()
    assert message.event.retracted_at is not None
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT
    assert not request.deadlines.filter(state="open").exists()
    # ... and it can be sent again, to a corrected address.
    again = queue_request(request, owner, key="resend", to="pisarnica@mup.gov.rs")
    assert services.deliver(again.pk) == "sent"
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_ANSWER


def test_a_bounce_after_the_authority_answered_leaves_the_step_and_says_why(
    make_request, owner, smtp_settings, travel
):
    request, message = sent_request(make_request, owner, smtp_settings)
    record_event(
        request=request,
        kind=EventKind.ANSWER,
        occurred_on=timezone.localdate(),
        answer_kind="full",
    )
    assert services.mark_undelivered(message=message, reason="550 no such user", at=timezone.now())
    message.refresh_from_db()
    assert message.state == MessageState.UNDELIVERED
    assert message.event.retracted_at is None
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED


def test_a_database_failure_after_acceptance_records_the_step_later_without_sending_again(
    make_request, owner, smtp_settings, travel, monkeypatch
):
    from django.db import OperationalError

    request = make_request()
    message = queue_request(request, owner)
    real = services.record_event

    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(OperationalError):
        services.deliver(message.pk)  # the task retries on DatabaseError
    message.refresh_from_db()
    assert message.state == MessageState.SENT and not message.recorded
    assert message.accepted_at is not None
    assert not request.events.exists()

    monkeypatch.setattr(services, "record_event", real)
    travel.shift(dt.timedelta(minutes=2))
    assert services.sweep(dispatch=False) == [message.pk]
    assert services.deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert message.recorded and message.event.occurred_at == message.accepted_at
    assert services.deliver(message.pk) == "skipped"
    assert len(smtp_settings.messages) == 1
    assert request.events.count() == 1


def test_a_message_that_cannot_be_composed_fails_with_its_reason(
    make_request, owner, smtp_settings, travel, monkeypatch
):
    message = queue_request(make_request(), owner)

    def broken(message):
        raise ValueError("the PDF renderer crashed")

    monkeypatch.setattr(services, "compose", broken)
    assert services.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert "the PDF renderer crashed" in message.last_error
    assert smtp_settings.messages == []


def test_a_campaign_run_finishes_a_message_accepted_but_not_yet_recorded(
    campaign, owner, smtp_settings, travel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.campaign_send(campaign=campaign, user=owner)
    first = OutgoingMessage.objects.filter(campaign=campaign).order_by("pk").first()
    # As if a worker was cut off right after the server's acceptance was committed.
    assert services.claim(first.pk, now=timezone.now())
    OutgoingMessage.objects.filter(pk=first.pk).update(
        state=MessageState.SENT, accepted_at=timezone.now(), claimed_until=None
    )
    assert services.campaign_next_run(campaign.pk) is not None
    services.campaign_deliver(campaign.pk, sleep=lambda s: None)
    first.refresh_from_db()
    assert first.recorded and first.event.kind == EventKind.SENT
    assert len(smtp_settings.messages) == 3  # the other three; the first is not sent again
    assert services.campaign_next_run(campaign.pk) is None


def test_a_task_cut_off_by_the_soft_time_limit_hands_the_work_on(monkeypatch, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    from foia.mail.outbound import tasks

    settings.MAIL_CLAIM_LEASE_SECONDS = 300
    scheduled = []

    def cut_off(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "campaign_deliver", cut_off)
    monkeypatch.setattr(services, "deliver", cut_off)
    monkeypatch.setattr(
        tasks.send_campaign_task, "apply_async", lambda *a, **k: scheduled.append(("c", a, k))
    )
    monkeypatch.setattr(
        tasks.send_message_task, "apply_async", lambda *a, **k: scheduled.append(("m", a, k))
    )
    assert tasks.send_campaign_task.run(7) == {"interrupted": 1}
    assert tasks.send_message_task.run(8) == "interrupted"
    assert scheduled == [("c", ((7,),), {}), ("m", ((8,),), {"countdown": 301})]


def test_two_sending_tasks_share_the_campaign_rate(
    campaign, owner, smtp_settings, settings, travel, django_capture_on_commit_callbacks
):
    # MAIL_CAMPAIGN_SENDERS tasks run at once; each keeps its share, so together they keep the
    # configured rate: at 0.5 messages/s, two senders wait 4 s between their own messages.
    settings.MAIL_SEND_RATE = 0.5
    settings.MAIL_CAMPAIGN_SENDERS = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.campaign_send(campaign=campaign, user=owner)
    assert len(callbacks) == 1  # the start of the sending: one callback, two tasks
    waits = []
    assert services.campaign_deliver(campaign.pk, sleep=waits.append) == {"sent": 4}
    assert len(waits) == 3 and all(3 < w <= 4 for w in waits)
    assert len(smtp_settings.messages) == 4
