"""Filing a request: the official form's fields as a draft, the authority picked by search (with
and without JavaScript), marking it sent with proof and received (presumed for post), editing,
assignment, and the history of every change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from foia.models import Authority, AuthorityKind, Channel, EventKind, Request, RequestStatus
from foia.services import requests as services
from foia.workspace.models import AuditAction, AuditEntry
from tests.workspace.conftest import D, pdf

pytestmark = pytest.mark.django_db


def form_data(picked, **overrides):
    data = {
        "authority": picked.pk,
        "subject": "Kamere Safe City",
        "information_sought": "Ugovor sa kompanijom Huawei o nabavci kamera.",
        "want_copy": "on",
        "copy_delivery": "email",
        "requester_name": "SHARE Fondacija",
        "requester_address": "Kneza Miloša 1, Beograd",
        "requester_email": "office@example.org",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_editor_files_a_draft_with_the_official_forms_fields(
    editor_client, ministry, colleague, frozen
):
    response = editor_client.post(
        reverse("workspace:request_create"),
        form_data(ministry, want_notice="on", urgent="on", urgent_reason="Zdravlje građana."),
    )
    r = Request.objects.get()
    assert response["Location"] == reverse("workspace:request", args=[r.pk])
    assert r.status == RequestStatus.DRAFT
    assert (r.want_notice, r.want_inspection, r.want_copy) == (True, False, True)
    assert r.urgent and r.urgent_reason == "Zdravlje građana."
    assert r.created_by == colleague and r.organization.slug == "share"
    entry = AuditEntry.objects.get(request=r)
    assert (entry.action, entry.actor) == (AuditAction.REQUEST_CREATED, colleague)


def test_the_new_request_form_proposes_the_organization_as_requester(editor_client, org):
    org.address = "Kneza Miloša 1, Beograd"
    org.save()
    body = editor_client.get(reverse("workspace:request_create")).content.decode()
    assert 'value="SHARE Foundation"' in body
    assert 'value="Kneza Miloša 1, Beograd"' in body


def test_an_invalid_request_shows_the_errors_next_to_the_fields_and_keeps_the_input(
    editor_client, ministry
):
    response = editor_client.post(
        reverse("workspace:request_create"),
        form_data(ministry, want_copy=None, urgent="on", urgent_reason=""),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "want_copy" in form.errors
    assert "urgent_reason" in form.errors
    body = response.content.decode()
    assert "Ugovor sa kompanijom Huawei o nabavci kamera." in body
    assert 'value="Kamere Safe City"' in body
    assert f'<option value="{ministry.pk}" selected>' in body
    assert not Request.objects.exists()


def test_the_copy_delivered_another_way_must_say_how(editor_client, ministry):
    response = editor_client.post(
        reverse("workspace:request_create"), form_data(ministry, copy_delivery="other")
    )
    assert "copy_delivery_other" in response.context["form"].errors


def test_without_javascript_find_lists_the_matching_authorities_and_keeps_the_input(
    editor_client, ministry, municipalities
):
    response = editor_client.post(
        reverse("workspace:request_create"),
        form_data(ministry, authority="", authority_q="unutrasnjih", authority_find="1"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ministarstvo unutrašnjih poslova" in body
    assert "Grad Niš" not in body
    assert "Ugovor sa kompanijom Huawei" in body
    assert "errorlist" not in body  # a search is not a failed save
    assert not Request.objects.exists()


def test_the_search_endpoint_matches_without_diacritics_and_by_place(
    editor_client, ministry, municipalities
):
    url = reverse("workspace:authority_search")
    names = lambda q: [r["name"] for r in editor_client.get(url, {"q": q}).json()["results"]]  # noqa: E731
    assert names("unutrasnjih") == ["Ministarstvo unutrašnjih poslova"]
    assert names("nis") == ["Grad Niš"]
    assert names("cukarica") == ["Opština Čukarica"]
    assert names("indjija") == names("inđ") == ["Opština Inđija"]
    assert names("ministarstvo unutra") == ["Ministarstvo unutrašnjih poslova"]
    assert names("tarstvo") == []  # words match from their start
    assert names("grad novi") == ["Grad Novi Sad"]
    assert names("MUP") == ["Ministarstvo unutrašnjih poslova"]
    assert names("x") == []


def test_the_search_over_thousands_of_bodies_returns_twenty_names_first_matches_first(
    editor_client, ministry
):
    Authority.objects.bulk_create(
        Authority(name=f"Osnovna škola {i}", kind=AuthorityKind.INSTITUTION, place="Niš")
        for i in range(3000)
    )
    Authority.objects.create(name="Škola za dizajn", kind=AuthorityKind.INSTITUTION)
    results = editor_client.get(reverse("workspace:authority_search"), {"q": "skola"}).json()[
        "results"
    ]
    assert len(results) == 20
    assert results[0]["name"] == "Škola za dizajn"


def test_the_search_endpoint_needs_a_login(client, ministry):
    assert client.get(reverse("workspace:authority_search"), {"q": "mini"}).status_code == 302


def test_marking_as_sent_records_the_date_channel_and_proof(editor_client, make_request, frozen):
    r = make_request()
    response = editor_client.post(
        reverse("workspace:request_sent", args=[r.pk]),
        {
            "occurred_on": "2026-11-16",
            "channel": "email",
            "documents": [pdf("poslato.pdf")],
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.sent_on, r.sent_via) == (
        RequestStatus.AWAITING_ANSWER,
        D(2026, 11, 16),
        Channel.EMAIL,
    )
    sent = r.events.get(kind=EventKind.SENT)
    assert [a.original_name for a in sent.attachments.all()] == ["poslato.pdf"]
    assert r.deadlines.filter(kind="response", due_on=D(2026, 12, 1)).exists()


def test_marking_as_sent_without_a_channel_is_refused_by_the_law_check(
    editor_client, make_request, frozen
):
    r = make_request()
    response = editor_client.post(
        reverse("workspace:request_sent", args=[r.pk]), {"occurred_on": "2026-11-16"}
    )
    assert response.status_code == 200
    assert "Say how the request was sent." in response.context["form"].errors["channel"]
    assert 'value="2026-11-16"' in response.content.decode()
    assert not r.events.exists()


def test_for_ordinary_post_the_7th_day_is_proposed_and_recorded_as_presumed(
    editor_client, make_request, frozen
):
    r = make_request()
    services.request_mark_sent(
        request=r, user=r.created_by, sent_on=D(2026, 11, 9), channel=Channel.ORDINARY_POST
    )
    url = reverse("workspace:request_received", args=[r.pk])
    response = editor_client.get(url)
    form = response.context["form"]
    assert form.initial["occurred_on"] == D(2026, 11, 16)
    assert form.initial["presumed"] is True
    assert "16.11.2026" in response.content.decode()
    editor_client.post(url, {"occurred_on": "2026-11-16", "presumed": "on"})
    r.refresh_from_db()
    assert r.received_on == D(2026, 11, 16) and r.received_presumed
    assert r.events.get(kind=EventKind.DELIVERED).presumed


def test_a_receipt_date_from_the_return_receipt_is_not_presumed(
    editor_client, make_request, frozen
):
    r = make_request()
    services.request_mark_sent(
        request=r, user=r.created_by, sent_on=D(2026, 11, 9), channel=Channel.REGISTERED_POST
    )
    editor_client.post(
        reverse("workspace:request_received", args=[r.pk]), {"occurred_on": "2026-11-11"}
    )
    r.refresh_from_db()
    assert r.received_on == D(2026, 11, 11) and not r.received_presumed


def test_once_sent_the_letter_cannot_change_but_notes_and_references_can(sent, owner):
    with pytest.raises(ValidationError) as exc:
        services.request_update(request=sent, user=owner, information_sought="Nešto drugo.")
    assert "information_sought" in exc.value.message_dict
    changes = services.request_update(request=sent, user=owner, their_reference="07-1/26")
    assert changes == [{"field": "their_reference", "old": "", "new": "07-1/26"}]


def test_the_edit_page_keeps_the_letter_read_only_after_sending(editor_client, sent, frozen):
    url = reverse("workspace:request_edit", args=[sent.pk])
    form = editor_client.get(url).context["form"]
    assert form.fields["information_sought"].disabled and form.fields["authority"].disabled
    response = editor_client.post(
        url,
        {
            "information_sought": "Changed!",
            "subject": "Changed!",
            "internal_notes": "Zvati ponovo.",
            "our_reference": "SH-1",
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.information_sought.startswith("The contract")
    assert (sent.internal_notes, sent.our_reference) == ("Zvati ponovo.", "SH-1")


def test_a_draft_may_change_its_authority(editor_client, make_request, government, frozen):
    r = make_request()
    response = editor_client.post(
        reverse("workspace:request_edit", args=[r.pk]),
        form_data(government, subject=r.subject, information_sought=r.information_sought),
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.authority == government
    change = AuditEntry.objects.get(request=r, action=AuditAction.REQUEST_EDITED).changes
    assert {
        "field": "authority",
        "old": "Ministarstvo unutrašnjih poslova",
        "new": "Vlada Republike Srbije",
    } in change


def test_assigning_a_colleague_is_noted_in_the_history(editor_client, sent, colleague, frozen):
    editor_client.post(
        reverse("workspace:request_assign", args=[sent.pk]), {"assignee": colleague.pk}
    )
    sent.refresh_from_db()
    assert sent.assignee == colleague
    body = editor_client.get(reverse("workspace:request", args=[sent.pk])).content.decode()
    assert "Assignee changed" in body
    assert "colleague" in body


def test_only_members_can_be_assigned(editor_client, sent, outsider, frozen):
    editor_client.post(
        reverse("workspace:request_assign", args=[sent.pk]), {"assignee": outsider.pk}
    )
    sent.refresh_from_db()
    assert sent.assignee is None
    with pytest.raises(ValidationError):
        services.request_assign(request=sent, user=sent.created_by, assignee=outsider)


def test_the_history_shows_who_changed_what_and_when(editor_client, sent, colleague, frozen):
    services.request_update(request=sent, user=colleague, internal_notes="Pozvati MUP.")
    body = editor_client.get(reverse("workspace:request", args=[sent.pk])).content.decode()
    assert "Request edited" in body
    assert "internal notes" in body
    assert "Pozvati MUP." in body
    assert "Event recorded" in body  # the sending, recorded outside the workspace


@pytest.mark.parametrize("typed", ["МУП", "unutrasnjih poslova"])
def test_a_single_authority_matching_what_was_typed_is_the_choice_when_saving(
    editor_client, ministry, municipalities, typed
):
    response = editor_client.post(
        reverse("workspace:request_create"), form_data(ministry, authority="", authority_q=typed)
    )
    r = Request.objects.get()
    assert response["Location"] == reverse("workspace:request", args=[r.pk])
    assert r.authority == ministry


def test_an_ambiguous_typed_name_asks_for_a_choice_and_keeps_the_input(
    editor_client, ministry, municipalities
):
    response = editor_client.post(
        reverse("workspace:request_create"),
        form_data(ministry, authority="", authority_q="opština"),
    )
    assert response.status_code == 200
    assert not Request.objects.exists()
    body = response.content.decode()
    assert "errorlist" in body and "Ugovor sa kompanijom Huawei" in body
