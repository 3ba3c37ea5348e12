"""With a personal token: the organisation's requests, drafts, sending, events and documents —
through the same services and validation as the forms; outsiders get 404, read tokens 403."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foia.api.models import ApiToken, Scope, hash_token
from foia.models import Event, Request, RequestStatus
from foia.workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def test_a_token_is_stored_hashed_and_only_shown_once(owner, make_token):
    raw = make_token(owner)
    token = ApiToken.objects.get()
    assert raw.startswith("foia_")
    assert token.token_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.values().get())


def test_without_a_token_the_organisation_api_answers_401(api):
    response = api.get("/api/v1/workspace/requests/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


@pytest.mark.parametrize("header", ["Bearer foia_wrong", "Bearer", "Bearer a b", "Token ²"])
def test_a_wrong_token_answers_401(api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get("/api/v1/workspace/requests/").status_code == 401


def test_revoked_and_expired_tokens_answer_401(owner, make_token, as_token, clock):
    raw = make_token(owner)
    client = as_token(raw)
    assert client.get("/api/v1/workspace/requests/").status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/workspace/requests/").status_code == 401
    ApiToken.objects.update(revoked_at=None, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/workspace/requests/").status_code == 401


def test_last_use_is_recorded(owner, make_token, as_token, clock):
    raw = make_token(owner)
    as_token(raw).get("/api/v1/workspace/requests/")
    assert ApiToken.objects.get().last_used_at == timezone.now()


def test_the_organisations_requests_include_private_ones_with_their_private_fields(
    owner, make_token, as_token, make_request, other_org, ministry
):
    mine = make_request()
    theirs = Request.objects.create(
        organization=other_org, authority=ministry, subject="Theirs", information_sought="x"
    )
    client = as_token(make_token(owner, scope=Scope.READ))
    body = client.get("/api/v1/workspace/requests/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["requester_email"] == "ana.private@example.net"
    assert client.get(f"/api/v1/workspace/requests/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/workspace/requests/{theirs.pk}/").status_code == 404
    assert client.post(
        f"/api/v1/workspace/requests/{theirs.pk}/events/", {}, format="json"
    ).status_code in (403, 404)


def test_another_organisations_request_is_404_even_for_a_write_token(
    owner, make_token, as_token, other_org, ministry
):
    theirs = Request.objects.create(
        organization=other_org, authority=ministry, subject="Theirs", information_sought="x"
    )
    client = as_token(make_token(owner))
    response = client.post(
        f"/api/v1/workspace/requests/{theirs.pk}/send/",
        {"sent_on": "2026-11-19", "channel": "email"},
        format="json",
    )
    assert response.status_code == 404
    assert not theirs.events.exists()


def test_a_read_token_cannot_write(owner, make_token, as_token, ministry):
    client = as_token(make_token(owner, scope=Scope.READ))
    response = client.post(
        "/api/v1/workspace/requests/",
        {"authority": ministry.pk, "subject": "S", "information_sought": "I"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert not Request.objects.exists()


def test_a_viewers_token_cannot_write_even_if_its_role_changed_after(
    owner, viewer, make_token, as_token, ministry
):
    from foia.models import Membership, Role

    Membership.objects.filter(user=viewer).update(role=Role.EDITOR)
    raw = make_token(viewer, scope=Scope.READ_WRITE)
    Membership.objects.filter(user=viewer).update(role=Role.VIEWER)
    response = as_token(raw).post(
        "/api/v1/workspace/requests/",
        {"authority": ministry.pk, "subject": "S", "information_sought": "I"},
        format="json",
    )
    assert response.status_code == 403


def test_a_viewer_may_only_create_a_read_token(viewer, make_token):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(viewer, scope=Scope.READ_WRITE)
    assert make_token(viewer, scope=Scope.READ)


def test_file_a_request_send_it_and_record_a_refusal(owner, make_token, as_token, ministry, clock):
    client = as_token(make_token(owner))
    response = client.post(
        "/api/v1/workspace/requests/",
        {
            "authority": ministry.pk,
            "subject": "Kamere: ugovor",
            "information_sought": "Ugovor o nabavci kamera.",
            "requester_name": "Ana Anić",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == RequestStatus.DRAFT
    assert AuditEntry.objects.filter(request_id=pk).exists()

    response = client.post(
        f"/api/v1/workspace/requests/{pk}/send/",
        {"sent_on": "2026-11-02", "channel": "email", "received_on": "2026-11-02"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["event"]["kind"] == "sent"

    response = client.post(
        f"/api/v1/workspace/requests/{pk}/events/",
        {
            "kind": "refusal",
            "occurred_on": "2026-11-10",
            "received_on": "2026-11-11",
            "channel": "email",
            "decision_number": "01-123/2026",
            "decision_date": "2026-11-10",
            "grounds": ["art9_3", "art14"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event"]["grounds"] == ["art9_3", "art14"]
    assert body["warnings"] == []
    detail = client.get(f"/api/v1/workspace/requests/{pk}/").json()
    assert detail["status"] == RequestStatus.REFUSED
    assert any(d["kind"] == "appeal" and d["state"] == "open" for d in detail["deadlines"])


def test_an_impossible_event_is_a_400_with_a_message_per_field(
    owner, make_token, as_token, make_request, clock
):
    request = make_request()
    client = as_token(make_token(owner))
    response = client.post(
        f"/api/v1/workspace/requests/{request.pk}/events/",
        {"kind": "answer", "occurred_on": "2026-11-10", "answer_kind": "full"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]  # the answer before any sending, named by field
    assert not Event.objects.filter(request=request).exists()


def test_a_questionable_event_is_accepted_with_its_warnings(
    owner, make_token, as_token, make_request, clock
):
    request = make_request()
    client = as_token(make_token(owner))
    client.post(
        f"/api/v1/workspace/requests/{request.pk}/send/",
        {"sent_on": "2026-09-01", "channel": "email", "received_on": "2026-09-01"},
        format="json",
    )
    response = client.post(
        f"/api/v1/workspace/requests/{request.pk}/events/",
        {
            "kind": "refusal",
            "occurred_on": "2026-09-10",
            "received_on": "2026-09-11",
            "grounds": ["art14"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    warnings = response.json()["warnings"]
    assert len(warnings) == 1 and "number" in warnings[0]  # a decision without its number


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "answer", "occurred_on": "2026-13-40"},
        {"kind": "answer", "occurred_on": "9999-12-31"},
        {"kind": "eaten", "occurred_on": "2026-11-10"},
        {"kind": "answer", "occurred_on": "2026-11-10", "period_days": 2**70},
        {"kind": "answer", "occurred_on": "2026-11-10", "decision_number": "a\nb"},
        {"kind": "answer", "occurred_on": "2026-11-10", "text": "nul \x00 byte"},
        {"kind": "answer", "occurred_on": "2026-11-10", "forwarded_to": 2**64},
        {"kind": "answer", "occurred_on": "2026-11-10", "forwarded_to": "²"},
    ],
)
def test_bad_input_is_a_clear_400(owner, make_token, as_token, make_request, clock, payload):
    request = make_request()
    response = as_token(make_token(owner)).post(
        f"/api/v1/workspace/requests/{request.pk}/events/", payload, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_upload_a_document_with_the_forms_checks(owner, make_token, as_token, make_request):
    request = make_request()
    client = as_token(make_token(owner))
    pdf = SimpleUploadedFile("odgovor.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    response = client.post(
        f"/api/v1/workspace/requests/{request.pk}/attachments/", {"file": pdf}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    document = response.json()["document"]
    assert document["content_type"] == "application/pdf"
    download = client.get(document["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    from rest_framework.test import APIClient

    assert APIClient().get(document["download_url"]).status_code == 401
    exe = SimpleUploadedFile("odgovor.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
    response = client.post(
        f"/api/v1/workspace/requests/{request.pk}/attachments/", {"file": exe}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert request.attachments.count() == 1


def test_deadlines_due_within_n_days(owner, make_token, as_token, make_request, clock):
    request = make_request()
    client = as_token(make_token(owner))
    client.post(
        f"/api/v1/workspace/requests/{request.pk}/send/",
        {"sent_on": "2026-11-10", "channel": "email", "received_on": "2026-11-10"},
        format="json",
    )
    soon = client.get("/api/v1/workspace/deadlines/?within=3").json()["results"]
    later = client.get("/api/v1/workspace/deadlines/?within=30").json()["results"]
    assert soon == []
    assert [d["kind"] for d in later] == ["response"]
    assert later[0]["request"]["id"] == request.pk
    assert later[0]["due_on"] == "2026-11-25"
    assert client.get("/api/v1/workspace/deadlines/?within=-1").status_code == 400


def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(client, owner, org):
    client.force_login(owner)
    response = client.post(
        "/app/api-tokens/",
        {
            "create_token": "1",
            "token-organization": org.pk,
            "token-name": "Newsroom",
            "token-scope": "read",
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["shown_token"]
    assert token.token_hash == hash_token(raw)
    assert raw in response.content.decode()
    again = client.get("/app/api-tokens/")
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()
    client.post(f"/app/api-tokens/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_tokens_page_registers_a_webhook_and_shows_its_secret_once(
    client, owner, org, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(owner)
    refused = client.post(
        "/app/api-tokens/",
        {
            "create_webhook": "1",
            "hook-organization": org.pk,
            "hook-url": "http://127.0.0.1:8000/hook",
            "hook-kinds": ["event.recorded"],
        },
    )
    assert "private network" in refused.content.decode()
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    response = client.post(
        "/app/api-tokens/",
        {
            "create_webhook": "1",
            "hook-organization": org.pk,
            "hook-url": "http://127.0.0.1:8000/hook",
            "hook-kinds": ["event.recorded"],
        },
    )
    endpoint = org.webhook_endpoints.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get("/app/api-tokens/").content.decode()
    assert client.get(f"/app/api-tokens/webhooks/{endpoint.pk}/").status_code == 200


def test_an_outsider_cannot_see_another_organisations_webhook(
    client, outsider, org, owner, settings
):
    from foia.webhooks.services import endpoint_create

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = endpoint_create(
        organization=org, user=owner, url="http://127.0.0.1:9/x", kinds=["event.recorded"]
    )
    client.force_login(outsider)
    assert client.get(f"/app/api-tokens/webhooks/{endpoint.pk}/").status_code == 404
    assert endpoint.url not in client.get("/app/api-tokens/").content.decode()


def _sent_with_refusal(client, make_request):
    request = make_request()
    client.post(
        f"/api/v1/workspace/requests/{request.pk}/send/",
        {"sent_on": "2026-11-02", "channel": "email", "received_on": "2026-11-02"},
        format="json",
    )
    refusal = client.post(
        f"/api/v1/workspace/requests/{request.pk}/events/",
        {
            "kind": "refusal",
            "occurred_on": "2026-11-10",
            "received_on": "2026-11-11",
            "decision_number": "01-1/2026",
            "grounds": ["art14"],
        },
        format="json",
    ).json()["event"]
    return request, refusal


def test_correct_a_recorded_step_through_the_transitions(
    owner, make_token, as_token, make_request, clock
):
    client = as_token(make_token(owner))
    request, refusal = _sent_with_refusal(client, make_request)
    url = f"/api/v1/workspace/requests/{request.pk}/events/{refusal['id']}/correct/"
    response = client.post(url, {"decision_number": "01-2/2026", "why": "mistyped"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["event"]["id"] == refusal["id"]
    assert response.json()["event"]["decision_number"] == "01-2/2026"
    impossible = client.post(url, {"occurred_on": "2026-10-01"}, format="json")
    assert impossible.status_code == 400  # before the request was sent
    assert impossible.json()["error"]["fields"]


def test_retract_a_step_with_a_reason(owner, make_token, as_token, make_request, clock):
    client = as_token(make_token(owner))
    request, refusal = _sent_with_refusal(client, make_request)
    url = f"/api/v1/workspace/requests/{request.pk}/events/{refusal['id']}/retract/"
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    response = client.post(url, {"reason": "Recorded twice."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["event"]["retracted"] is True
    detail = client.get(f"/api/v1/workspace/requests/{request.pk}/").json()
    assert detail["status"] == RequestStatus.AWAITING_ANSWER


def test_a_viewer_cannot_correct_and_an_outsider_gets_404(
    owner, viewer, outsider, other_org, make_token, as_token, make_request, clock
):
    client = as_token(make_token(owner))
    request, refusal = _sent_with_refusal(client, make_request)
    url = f"/api/v1/workspace/requests/{request.pk}/events/{refusal['id']}/retract/"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(viewer, scope=Scope.READ)}")
    assert client.post(url, {"reason": "x"}, format="json").status_code == 403
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(outsider, organization=other_org)}")
    assert client.post(url, {"reason": "x"}, format="json").status_code == 404


def test_incoming_messages_of_a_request(owner, make_token, as_token, make_request, outsider):
    from foia.mail.inbound.models import InboundMessage, Source

    request = make_request()
    InboundMessage.objects.create(
        raw=b"",
        dedupe_key="m1",
        source=Source.PIPE,
        received_at=timezone.now(),
        request=request,
        organization=request.organization,
        from_address="info@mup.gov.rs",
        subject="Re: Safe City",
        text="Odgovor u prilogu.",
    )
    client = as_token(make_token(owner, scope=Scope.READ))
    body = client.get(f"/api/v1/workspace/requests/{request.pk}/messages/").json()
    assert [m["subject"] for m in body["results"]] == ["Re: Safe City"]
    assert body["next"] is None


def test_send_a_draft_by_email_once_per_key(owner, make_token, as_token, make_request, viewer):
    from foia.mail.outbound.models import OutgoingMessage

    request = make_request()
    client = as_token(make_token(owner))
    url = f"/api/v1/workspace/requests/{request.pk}/send-email/"
    first = client.post(url, {"key": "newsroom-17"}, format="json")
    assert first.status_code == 202, first.json()
    assert first.json()["to"] == ["info@mup.gov.rs"]
    again = client.post(url, {"key": "newsroom-17"}, format="json")
    assert again.json()["id"] == first.json()["id"]
    message = OutgoingMessage.objects.get()
    assert message.include_form_pdf and request.authority.name in message.body  # the letter
    assert (
        client.post(url, {"key": "x", "to": ["not-an-address"]}, format="json").status_code == 400
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(viewer, scope=Scope.READ)}")
    assert client.post(url, {"key": "y"}, format="json").status_code == 403
