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


def locked(response) -> bool:
    return response.status_code == 429 and "Too many failed attempts" in response.content.decode()


def test_five_failures_block_the_login_even_with_the_right_password(client, colleague):
    for _ in range(4):
        assert login(client, "colleague", "wrong").status_code == 200
    assert locked(login(client, "colleague", "wrong"))
    assert locked(login(client, "colleague", PASSWORD))
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_username_and_address(client, colleague, owner):
    for _ in range(5):
        login(client, "colleague", "wrong", address="10.0.0.1")
    assert login(client, "colleague", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert login(client, "owner", PASSWORD, address="10.0.0.1").status_code == 302


def test_a_guess_spread_over_many_addresses_meets_the_per_user_ceiling(client, colleague, settings):
    settings.LOGIN_FAILURE_USER_LIMIT = 12
    for i in range(12):
        login(client, "colleague", "wrong", address=f"10.0.1.{i}")
    assert locked(login(client, "colleague", PASSWORD, address="10.0.2.1"))


def test_the_block_lifts_when_the_window_has_passed(client, colleague):
    import datetime as dt

    import time_machine

    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "colleague", "wrong")
        assert locked(login(client, "colleague", PASSWORD))
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert login(client, "colleague", PASSWORD).status_code == 302


def test_the_count_is_shared_by_every_process_not_kept_in_its_memory(client, colleague):
    from django.core.cache import cache

    for _ in range(5):
        login(client, "colleague", "wrong")
    cache.clear()  # another gunicorn worker: its own memory, the same database
    assert locked(login(client, "colleague", PASSWORD))


def test_a_successful_login_clears_the_count(client, colleague):
    for _ in range(4):
        login(client, "colleague", "wrong")
    assert login(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "colleague", "wrong")
    assert login(client, "colleague", PASSWORD).status_code == 302


def test_the_admin_login_is_limited_too(client, db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", "correct-horse-9")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(
        url, {"username": "root", "password": "correct-horse-9"}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked(response)
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_are_limited(client, colleague):
    for _ in range(10):
        client.post(
            reverse("workspace:password_reset"),
            {"email": "colleague@example.org"},
            REMOTE_ADDR="10.0.0.3",
        )
    assert len(mail.outbox) == 5


def test_behind_a_trusted_proxy_each_client_has_its_own_count(client, colleague, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    def via_proxy(password, forwarded):
        return client.post(
            reverse("workspace:login"),
            {"username": "colleague", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(5):
        via_proxy("wrong", "203.0.113.7")
    assert locked(via_proxy(PASSWORD, "203.0.113.7"))
    # Another client behind the same proxy is not locked out by the first one.
    assert via_proxy(PASSWORD, "198.51.100.2").status_code == 302


def test_an_untrusted_client_cannot_choose_its_address(client, colleague, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(5):
        client.post(
            reverse("workspace:login"),
            {"username": "colleague", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    assert locked(login(client, "colleague", PASSWORD, address="10.0.0.5"))


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


def test_guessing_invitation_links_is_limited(client, db):
    for i in range(5):
        response = client.get(
            reverse("workspace:invitation", args=[f"guess-{i}"]), REMOTE_ADDR="10.0.0.8"
        )
        assert response.status_code in (404, 429)
    response = client.get(reverse("workspace:invitation", args=["guess-x"]), REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 429


def test_a_malformed_invitation_link_is_not_found_without_a_query(client, db):
    response = client.get(reverse("workspace:invitation", args=["a\x00b"]))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/app/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize(
    "username",
    ["x" * 300, "ad\x00min", "é" * 256, "a\r\nb" * 100],
    ids=["long", "nul", "é", "crlf"],
)
def test_a_failed_login_with_an_odd_username_is_counted_not_a_500(client, path, username):
    response = client.post(
        path,
        {"username": username, "password": "wrong"},
        HTTP_USER_AGENT="u" * 600,
    )
    assert response.status_code == 200  # the form again, with its message
    from axes.models import AccessAttempt

    # A NUL byte is refused by the form before any authentication; the rest are counted.
    for attempt in AccessAttempt.objects.all():
        assert len(attempt.username) <= 255 and "\x00" not in attempt.username
        assert len(attempt.user_agent) <= 255
    assert AccessAttempt.objects.count() == (0 if "\x00" in username else 1)
