"""A request page offers only what still applies: no "presumed receipt" warning once the actual
receipt is recorded, no appeal for silence once the authority answered or refused in time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workspace.conftest import D, rec

pytestmark = pytest.mark.django_db

PRESUMED = "The receipt date is presumed"


def page(client, r) -> str:
    response = client.get(reverse("workspace:request", args=[r.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_presumed_receipt_warning_goes_once_the_actual_date_is_recorded(
    make_request, editor_client, frozen
):
    r = make_request()
    rec(r, "sent", D(2026, 11, 2), channel="registered_post")
    assert PRESUMED in page(editor_client, r)
    rec(r, "delivered", D(2026, 11, 5))
    html = page(editor_client, r)
    assert PRESUMED not in html
    assert "05.11.2026" in html


def test_an_appeal_for_silence_is_offered_while_the_authority_is_silent(
    sent, editor_client, frozen
):
    silence = reverse("workspace:generate", args=[sent.pk, "silence-appeal"])
    assert silence in page(editor_client, sent)  # due 17.11, nothing came


def test_no_appeal_for_silence_is_offered_after_an_on_time_refusal(
    make_request, editor_client, frozen
):
    r = make_request()
    rec(r, "sent", D(2026, 11, 9), channel="email")
    rec(r, "refusal", D(2026, 11, 16), received_on=D(2026, 11, 16), grounds=["art9_3"])
    html = page(editor_client, r)
    assert reverse("workspace:generate", args=[r.pk, "silence-appeal"]) not in html
    assert reverse("workspace:generate", args=[r.pk, "appeal"]) in html
