"""The workspace's "Send by e-mail" pages: prefilled, validated, members only, state shown."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from foia.mail.outbound import services
from foia.mail.outbound.models import MessageState, OutgoingMessage
from foia.models import Authority, AuthorityKind, Campaign, Request, RequestStatus, Visibility

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_DOMAIN = "foi.example.org"
    settings.MAIL_SEND_RATE = 1000
    with time_machine.travel(NOW, tick=True):
        yield


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_send(client, request, capture, **data):
    url = reverse("workspace:mail_send", args=[request.pk])
    page = client.get(url)
    form = page.context["form"]
    fields = {
        "to": form.initial["to"],
        "subject": form.initial["subject"],
        "body": form.initial["body"],
        "key": form.initial["key"],
        **data,
    }
    with capture(execute=False):
        return client.post(url, fields), fields


def test_the_send_page_is_prefilled_with_the_authority_the_letter_and_the_subject(
    make_request, owner
):
    request = make_request()
    page = as_user(owner).get(reverse("workspace:mail_send", args=[request.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["to"] == "info@mup.gov.rs"
    assert request.subject in form.initial["subject"]
    assert "ZAHTEV" in form.initial["body"].upper()
    assert request.information_sought in form.initial["body"]


def test_sending_from_the_page_queues_once_and_shows_the_proof_when_accepted(
    make_request, owner, smtp_settings, django_capture_on_commit_callbacks
):
    request = make_request()
    client = as_user(owner)
    response, fields = post_send(client, request, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=False):
        again = client.post(reverse("workspace:mail_send", args=[request.pk]), fields)
    assert again.status_code == 302  # the double click lands on the request page
    message = OutgoingMessage.objects.get()
    detail = client.get(reverse("workspace:request", args=[request.pk]))
    assert "Being sent" in detail.content.decode()

    services.deliver(message.pk)
    detail = client.get(reverse("workspace:request", args=[request.pk])).content.decode()
    assert "accepted by the mail server" in detail
    assert request.reply_address in detail
    eml = client.get(reverse("workspace:mail_eml", args=[message.pk]))
    assert eml["Content-Type"] == "message/rfc822"
    assert eml.content == smtp_settings.messages[0].raw
    mail = email.message_from_bytes(eml.content, policy=policy.default)
    assert mail["Reply-To"] == request.reply_address
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_ANSWER


def test_a_bad_address_comes_back_as_a_form_error(
    make_request, owner, django_capture_on_commit_callbacks
):
    request = make_request()
    response, _fields = post_send(
        as_user(owner),
        request,
        django_capture_on_commit_callbacks,
        to="info@mup.gov.rs\r\nBcc: x@y.z",
    )
    assert response.status_code == 200
    assert "not a valid e-mail address" in response.content.decode()
    assert not OutgoingMessage.objects.exists()


def test_a_temporary_failure_is_shown_as_not_sent_yet(
    make_request, owner, smtp_settings, django_capture_on_commit_callbacks
):
    request = make_request()
    client = as_user(owner)
    post_send(client, request, django_capture_on_commit_callbacks)
    smtp_settings.fail_next("451 4.3.0 Mailbox busy")
    services.deliver(OutgoingMessage.objects.get().pk)
    detail = client.get(reverse("workspace:request", args=[request.pk])).content.decode()
    assert "Not sent yet: 451 4.3.0 Mailbox busy" in detail
    assert "Draft" in detail


def test_outsiders_see_nothing_and_viewers_cannot_send(
    make_request, owner, viewer, outsider, smtp_settings, django_capture_on_commit_callbacks
):
    request = make_request()
    post_send(as_user(owner), request, django_capture_on_commit_callbacks)
    message = OutgoingMessage.objects.get()
    services.deliver(message.pk)
    outsider_client = as_user(outsider)
    for name, args in [
        ("workspace:mail_send", [request.pk]),
        ("workspace:mail_appeal", [request.pk]),
        ("workspace:mail_message", [request.pk, "message"]),
        ("workspace:mail_eml", [message.pk]),
    ]:
        assert outsider_client.get(reverse(name, args=args)).status_code == 404, name
    assert (
        outsider_client.post(reverse("workspace:mail_retry", args=[message.pk])).status_code == 404
    )
    viewer_client = as_user(viewer)
    assert (
        viewer_client.get(
            reverse("workspace:mail_message", args=[request.pk, "message"])
        ).status_code
        == 403
    )
    assert viewer_client.get(reverse("workspace:mail_eml", args=[message.pk])).status_code == 200


def test_the_public_page_shows_no_reply_address_and_no_raw_message(
    make_request, owner, client, smtp_settings, django_capture_on_commit_callbacks
):
    request = make_request(visibility=Visibility.PUBLIC)
    post_send(as_user(owner), request, django_capture_on_commit_callbacks)
    message = OutgoingMessage.objects.get()
    services.deliver(message.pk)
    page = client.get(reverse("public:request", args=[request.pk])).content.decode()
    assert request.subject in page
    assert request.reply_address not in page
    assert message.message_id.strip("<>") not in page
    assert client.get(reverse("workspace:mail_eml", args=[message.pk])).status_code == 302


def test_the_request_page_reads_its_mail_in_a_constant_number_of_queries(
    make_request, owner, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    request = make_request(status=RequestStatus.AWAITING_ANSWER)
    client = as_user(owner)

    def add(n):
        for i in range(n):
            OutgoingMessage.objects.create(
                request=request,
                kind="message",
                from_address="x@foi.example.org",
                reply_to=request.reply_address,
                to=["info@mup.gov.rs"],
                subject="s",
                body="b",
                message_id=f"<m{OutgoingMessage.objects.count()}-{i}@foi.example.org>",
                idempotency_key=f"k{OutgoingMessage.objects.count()}-{i}",
                state=MessageState.FAILED,
                last_error="554 no",
            )

    add(1)
    url = reverse("workspace:request", args=[request.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(20)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.content.decode().count("Not sent: 554 no") == 21
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_campaign_is_sent_from_its_page_with_progress(
    org, owner, ministry, smtp_settings, django_capture_on_commit_callbacks
):
    campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
    other = Authority.objects.create(
        name="Grad Niš", kind=AuthorityKind.CITY, email="pisarnica@ni.rs"
    )
    nowhere = Authority.objects.create(name="Opština Bez Adrese", kind=AuthorityKind.MUNICIPALITY)
    for authority in (ministry, other, nowhere):
        Request.objects.create(
            organization=org,
            authority=authority,
            campaign=campaign,
            created_by=owner,
            subject="Kamere",
            information_sought="Ugovori.",
        )
    client = as_user(owner)
    page = client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "Send all drafts by e-mail</button>" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("workspace:mail_campaign", args=[campaign.pk]))
    # The request only stores the wish; the worker's task queues the messages.
    assert response.status_code == 302 and len(callbacks) == 1
    assert not OutgoingMessage.objects.exists()
    page = client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "The drafts are being queued" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.campaign_prepare(campaign.pk)  # what queue_campaign_task runs
    assert len(callbacks) == 1  # the sending starts
    page = client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "0 of 2 sent · 2 waiting" in page
    assert "The drafts are being queued" not in page
    assert "Drafts not queued (1):" in page and "Opština Bez Adrese has no e-mail address." in page
    services.campaign_deliver(campaign.pk, sleep=lambda s: None)
    page = client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    assert "2 of 2 sent · 0 waiting" in page
    assert len(smtp_settings.messages) == 2


def test_send_all_with_no_draft_left_says_so_and_queues_nothing(
    org, owner, django_capture_on_commit_callbacks
):
    campaign = Campaign.objects.create(organization=org, title="Prazna", created_by=owner)
    client = as_user(owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("workspace:mail_campaign", args=[campaign.pk]), follow=True)
    assert response.status_code == 200 and callbacks == []
    assert "There are no drafts left to send by e-mail." in response.content.decode()
    # The page says so in the sending section too, instead of offering the button.
    page = client.get(reverse("workspace:campaign", args=[campaign.pk])).content.decode()
    section = page.split('id="campaign-mail"', 1)[1].split("</section>", 1)[0]
    assert "There are no drafts left to send by e-mail." in section
    assert "Send all drafts by e-mail" not in section
