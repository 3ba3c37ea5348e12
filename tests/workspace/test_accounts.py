"""Accounts: logging in lands on "My work", failed attempts are limited, logout, and the password
reset by e-mail works end to end."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123-xyz!"  # tests/conftest.py gives every member this password


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("workspace:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_logging_in_lands_on_my_work(client, colleague):
    response = login(client, "colleague", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:board")
    assert client.get(reverse("workspace:board")).status_code == 200


def test_a_wrong_password_is_refused_and_the_username_kept(client, colleague):
    response = login(client, "colleague", "wrong")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="colleague"' in body
    assert "_auth_user_id" not in client.session


def test_five_failures_block_the_login_even_with_the_right_password(client, colleague):
    for _ in range(5):
        assert login(client, "colleague", "wrong").status_code == 200
    response = login(client, "colleague", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_username_and_address(client, colleague, owner):
    for _ in range(5):
        login(client, "colleague", "wrong", address="10.0.0.1")
    assert login(client, "colleague", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert login(client, "owner", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_block_lifts_when_the_window_has_passed(client, colleague, settings):
    settings.LOGIN_FAILURE_WINDOW = 1
    for _ in range(5):
        login(client, "colleague", "wrong")
    from django.core.cache import cache

    cache.clear()  # what the expiry of the window does
    assert login(client, "colleague", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, colleague):
    for _ in range(4):
        login(client, "colleague", "wrong")
    assert login(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "colleague", "wrong")
    assert login(client, "colleague", PASSWORD).status_code == 302


def test_logging_out_takes_a_post_and_ends_the_session(client, colleague):
    client.force_login(colleague)
    response = client.post(reverse("workspace:logout"))
    assert response.status_code == 200
    assert "logged out" in response.content.decode()
    assert client.get(reverse("workspace:board")).status_code == 302


def test_the_navigation_shows_the_workspace_when_logged_in_and_log_in_otherwise(client, colleague):
    body = client.get(reverse("workspace:login")).content.decode()
    assert reverse("workspace:login") in body
    client.force_login(colleague)
    body = client.get(reverse("workspace:board")).content.decode()
    for name in (
        "workspace:board",
        "workspace:request_create",
        "workspace:campaigns",
        "workspace:calendar",
        "workspace:logout",
    ):
        assert reverse(name) in body, name


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, colleague):
    response = client.post(reverse("workspace:password_reset"), {"email": "colleague@example.org"})
    assert response["Location"] == reverse("workspace:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase-42", "new_password2": "a-new-long-passphrase-42"},
    )
    assert response["Location"] == reverse("workspace:password_reset_complete")
    client.logout()
    assert login(client, "colleague", "a-new-long-passphrase-42").status_code == 302


def test_a_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("workspace:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("workspace:password_reset_done")
    assert mail.outbox == []
