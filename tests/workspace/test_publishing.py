"""Publishing: choose what is public — the request (private, public, or after an embargo), each
step and each document — and preview what the public would see, never personal data or notes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foia.models import Attachment, Visibility
from foia.workspace.models import AuditAction, AuditEntry
from tests.workspace.conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_document(refused):
    attachment = Attachment(
        request=refused,
        event=refused.events.get(kind="refusal"),
        original_name="resenje.pdf",
        content_type="application/pdf",
        size=100,
    )
    attachment.file.save("resenje.pdf", pdf(), save=False)
    attachment.save()
    return refused


def test_publishing_with_an_embargo_needs_its_date(editor_client, with_document, frozen):
    url = reverse("workspace:request_publishing", args=[with_document.pk])
    response = editor_client.post(url, {"visibility": "embargoed"})
    assert "embargo_until" in response.context["form"].errors
    with_document.refresh_from_db()
    assert with_document.visibility == Visibility.PRIVATE


def test_the_request_each_step_and_each_document_are_published_separately(
    editor_client, with_document, colleague, frozen
):
    r = with_document
    refusal = r.events.get(kind="refusal")
    document = r.attachments.get()
    response = editor_client.post(
        reverse("workspace:request_publishing", args=[r.pk]),
        {
            "visibility": "embargoed",
            "embargo_until": "2026-12-31",
            "events": [refusal.pk],
            "attachments": [document.pk],
        },
    )
    assert response["Location"] == reverse("workspace:request_preview", args=[r.pk])
    r.refresh_from_db()
    assert (r.visibility, str(r.embargo_until)) == ("embargoed", "2026-12-31")
    assert list(r.events.filter(is_public=True)) == [refusal]
    assert r.attachments.get().is_public
    entry = AuditEntry.objects.get(request=r, action=AuditAction.PUBLISHING)
    assert entry.actor == colleague
    fields = [c["field"] for c in entry.changes]
    assert "visibility" in fields and "embargo_until" in fields and "is_public" in fields


def test_the_preview_shows_what_the_public_sees_and_nothing_private(
    editor_client, with_document, frozen
):
    r = with_document
    r.visibility = Visibility.PUBLIC
    r.save(update_fields=["visibility"])
    r.attachments.update(is_public=True)
    body = editor_client.get(reverse("workspace:request_preview", args=[r.pk])).content.decode()
    assert r.subject in body and "01-123/26" in body and "resenje.pdf" in body
    assert "The request is public now." in body
    for private in (
        "Ana Anić",
        "Kneza Miloša",
        "+381 60 123 4567",
        "ana.private@example.net",
        "Call the ministry",
    ):
        assert private not in body, private


def test_the_preview_leaves_out_private_steps_and_says_when_it_will_be_public(
    editor_client, with_document, frozen
):
    r = with_document
    r.events.filter(kind="refusal").update(is_public=False)
    body = editor_client.get(reverse("workspace:request_preview", args=[r.pk])).content.decode()
    assert "01-123/26" not in body
    assert "private: today the public sees nothing" in body
