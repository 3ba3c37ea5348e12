"""The authority picker in real Chromium: typing a name that matches one body and pressing Enter
(or leaving the field) chooses it, so saving does not fail with "This field is required"."""

from __future__ import annotations

import pytest

from foia.models import Authority, AuthorityKind, Request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bodies(db):
    Authority.objects.create(
        name="Ministarstvo unutrašnjih poslova", short_name="MUP", kind=AuthorityKind.MINISTRY
    )
    Authority.objects.create(name="Grad Čačak", kind=AuthorityKind.CITY, place="Čačak")
    Authority.objects.create(name="Grad Novi Sad", kind=AuthorityKind.CITY, place="Novi Sad")


def login(page, live_server):
    page.goto(live_server.url + "/app/")
    page.fill("#id_username", "colleague")
    page.fill("#id_password", "pw-123-xyz!")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(live_server.url + "/app/")


@pytest.mark.parametrize(("typed", "expected"), [("МУП", "Ministarstvo"), ("Чачак", "Grad Čačak")])
def test_enter_on_a_single_match_chooses_it_and_the_draft_saves(
    live_server, page, colleague, bodies, typed, expected
):
    page.set_default_timeout(15000)
    login(page, live_server)
    page.goto(live_server.url + "/app/requests/new/")
    page.fill("#id_authority_q", typed)
    page.locator("#id_authority option", has_text=expected).wait_for(state="attached")
    page.locator("#id_authority_q").press("Enter")
    assert page.locator("#id_authority").input_value() != ""
    page.fill("#id_subject", "Kamere")
    page.fill("#id_information_sought", "Ugovor o nabavci kamera.")
    page.locator("form button[type=submit]", has_text="Save draft").click()
    page.wait_for_url("**/app/requests/*/")
    assert Request.objects.get().authority.name.startswith(expected)
    assert not page.console_errors, page.console_errors
