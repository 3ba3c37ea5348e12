"""Recording what came back: a form for every kind of event, checked by the transitions service
— errors next to the fields with the input kept, questionable facts saved and shown as warnings —
and documents that are checked by content and served only to members, with safe headers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from foia.models import Attachment, EventKind, RequestStatus
from foia.workspace.forms.events import KIND_FIELDS, KIND_GROUPS
from foia.workspace.models import AuditAction, AuditEntry
from tests.workspace.conftest import D, drain, pdf, png

pytestmark = pytest.mark.django_db


def record_url(r, kind):
    return reverse("workspace:record_event", args=[r.pk, kind])


def test_there_is_a_form_for_every_kind_of_event():
    assert set(KIND_FIELDS) == set(EventKind.values)
    offered = {kind for _title, kinds in KIND_GROUPS for kind in kinds}
    assert offered == set(EventKind.values)


@pytest.mark.parametrize("kind", EventKind.values)
def test_every_event_form_renders_with_labels_for_its_fields(kind, editor_client, sent, frozen):
    response = editor_client.get(record_url(sent, kind))
    assert response.status_code == 200
    form = response.context["form"]
    body = response.content.decode()
    for field in form.visible_fields():
        assert f'for="{field.auto_id}"' in body or f'id="{field.auto_id}"' in body
    assert 'enctype="multipart/form-data"' in body


def test_a_refusal_is_recorded_with_its_number_date_grounds_and_decision(
    editor_client, sent, colleague, frozen
):
    response = editor_client.post(
        record_url(sent, "refusal"),
        {
            "occurred_on": "2026-11-16",
            "received_on": "2026-11-17",
            "channel": "email",
            "decision_number": "01-9876/26",
            "decision_date": "2026-11-13",
            "grounds": ["art9_3", "art9_5"],
            "is_public": "on",
            "documents": [pdf("resenje.pdf")],
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == RequestStatus.REFUSED
    event = sent.events.get(kind=EventKind.REFUSAL)
    assert event.decision_number == "01-9876/26"
    assert sorted(event.ground_codes) == ["art9_3", "art9_5"]
    assert event.recorded_by == colleague
    assert [a.original_name for a in event.attachments.all()] == ["resenje.pdf"]
    assert sent.deadlines.get(kind="appeal").due_on == D(2026, 12, 2)
    entry = AuditEntry.objects.get(request=sent, action=AuditAction.EVENT_RECORDED)
    assert entry.event == event and entry.note == "resenje.pdf"


def test_an_impossible_date_is_shown_next_to_the_field_and_the_input_kept(
    editor_client, sent, frozen
):
    response = editor_client.post(
        record_url(sent, "answer"),
        {"occurred_on": "2026-10-01", "answer_kind": "full", "text": "Odgovor stigao poštom."},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "before the request was sent" in errors["occurred_on"][0]
    body = response.content.decode()
    assert 'value="2026-10-01"' in body
    assert "Odgovor stigao poštom." in body
    assert not sent.events.filter(kind="answer").exists()


def test_a_step_out_of_order_is_explained_above_the_form(editor_client, sent, frozen):
    response = editor_client.post(
        record_url(sent, "compliance"), {"occurred_on": "2026-11-19", "compliance_result": "not"}
    )
    assert response.status_code == 200
    assert "No Commissioner order has been recorded." in response.context["form"].non_field_errors()


def test_a_missing_required_fact_lands_on_its_field(editor_client, sent, frozen):
    response = editor_client.post(record_url(sent, "answer"), {"occurred_on": "2026-11-16"})
    assert "Say what kind of answer this is." in response.context["form"].errors["answer_kind"]


def test_a_lawful_but_questionable_fact_is_saved_and_shown_as_a_warning(
    editor_client, sent, frozen
):
    response = editor_client.post(
        record_url(sent, "refusal"),
        {"occurred_on": "2026-11-18", "grounds": ["art9_3"], "channel": "email"},
        follow=True,
    )
    assert sent.events.filter(kind="refusal").exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "No decision number was recorded: a refusal must be a written, numbered decision (Art. 16)."
    ]
    assert "⚠" in response.content.decode()  # and it stays on the timeline


def test_the_commissioners_order_and_then_non_compliance_are_recorded(
    editor_client, refused, frozen
):
    editor_client.post(
        record_url(refused, "appeal_filed"),
        {"occurred_on": "2026-11-12", "appeal_ground": "refusal", "received_on": "2026-11-13"},
    )
    editor_client.post(
        record_url(refused, "commissioner_decision"),
        {
            "occurred_on": "2026-11-16",
            "received_on": "2026-11-17",
            "decision_number": "071-01-1234/2026-03",
            "decision_date": "2026-11-14",
            "commissioner_outcome": "ordered",
            "period_days": "5",
        },
    )
    refused.refresh_from_db()
    assert refused.status == RequestStatus.ORDERED
    editor_client.post(
        record_url(refused, "compliance"), {"occurred_on": "2026-11-20", "compliance_result": "not"}
    )
    refused.refresh_from_db()
    assert refused.status == RequestStatus.NOT_COMPLIED


def test_forwarded_to_is_picked_like_the_authority(editor_client, sent, government, frozen):
    response = editor_client.post(
        record_url(sent, "answer"),
        {
            "occurred_on": "2026-11-16",
            "answer_kind": "not_held",
            "forwarded_to_q": "vlada",
            "forwarded_to_find": "1",
        },
    )
    assert response.status_code == 200
    assert "Vlada Republike Srbije" in response.content.decode()
    editor_client.post(
        record_url(sent, "answer"),
        {"occurred_on": "2026-11-16", "answer_kind": "not_held", "forwarded_to": government.pk},
    )
    assert sent.events.get(kind="answer").forwarded_to == government


def test_a_file_that_is_not_what_its_name_says_is_refused(editor_client, sent, frozen):
    fake = SimpleUploadedFile("odgovor.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf")
    response = editor_client.post(
        record_url(sent, "answer"),
        {"occurred_on": "2026-11-16", "answer_kind": "full", "documents": [fake]},
    )
    assert response.status_code == 200
    error = response.context["form"].errors["documents"][0]
    assert "odgovor.pdf" in error and "content" in error
    assert not sent.events.filter(kind="answer").exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(editor_client, sent, settings, frozen):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = editor_client.post(
        record_url(sent, "answer"),
        {"occurred_on": "2026-11-16", "answer_kind": "full", "documents": [pdf()]},
    )
    assert "at most 100" in response.context["form"].errors["documents"][0]


def test_images_office_documents_and_text_are_accepted(editor_client, sent, frozen):
    editor_client.post(
        record_url(sent, "answer"),
        {
            "occurred_on": "2026-11-16",
            "answer_kind": "partial",
            "documents": [
                png("sken.png"),
                SimpleUploadedFile("beleška.txt", "Odgovor: čćšžđ".encode(), "text/plain"),
            ],
        },
    )
    types = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert types == ["image/png", "text/plain"]


def test_a_document_is_served_to_members_as_a_download_with_safe_headers(
    editor_client, outsider_client, sent, frozen
):
    editor_client.post(
        reverse("workspace:document_add", args=[sent.pk]), {"file": pdf("dopis.pdf")}
    )
    attachment = Attachment.objects.get()
    assert attachment.file.path.startswith(str(attachment.file.storage.location))
    url = reverse("workspace:attachment", args=[attachment.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "dopis.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert drain(response).startswith(b"%PDF")
    assert outsider_client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DOCUMENT_ADDED, note="dopis.pdf").exists()


def test_documents_are_not_under_the_static_or_public_url(settings):
    assert not settings.MEDIA_URL.startswith(settings.STATIC_URL)
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "attachments/1/x.pdf")
