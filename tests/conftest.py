"""Shared fixtures: a named cast (owner, colleague, outsider), authorities and a request factory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from foia.models import Authority, AuthorityKind, Membership, Organization, Request, Role


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(name="SHARE Foundation", slug="share")


@pytest.fixture
def other_org(db) -> Organization:
    return Organization.objects.create(name="Other Watchdog", slug="other")


def _member(org: Organization, username: str, role: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-123-xyz!")
    Membership.objects.create(organization=org, user=user, role=role)
    return user


@pytest.fixture
def owner(org):
    return _member(org, "owner", Role.OWNER)


@pytest.fixture
def colleague(org):
    return _member(org, "colleague", Role.EDITOR)


@pytest.fixture
def viewer(org):
    return _member(org, "viewer", Role.VIEWER)


@pytest.fixture
def outsider(other_org):
    return _member(other_org, "outsider", Role.OWNER)


@pytest.fixture
def ministry(db) -> Authority:
    return Authority.objects.create(
        name="Ministarstvo unutrašnjih poslova",
        short_name="MUP",
        kind=AuthorityKind.MINISTRY,
        place="Beograd",
        email="info@mup.gov.rs",
    )


@pytest.fixture
def government(db) -> Authority:
    return Authority.objects.create(name="Vlada Republike Srbije", kind=AuthorityKind.GOVERNMENT)


@pytest.fixture
def make_request(org, ministry, owner):
    def make(**fields) -> Request:
        defaults = dict(
            organization=org,
            authority=ministry,
            created_by=owner,
            subject="Safe City cameras: procurement documents",
            information_sought="The contract with Huawei for the Safe City cameras.",
            requester_name="Ana Anić",
            requester_address="Kneza Miloša 1, Beograd",
            requester_phone="+381 60 123 4567",
            requester_email="ana.private@example.net",
            internal_notes="Call the ministry's press office on Monday.",
        )
        defaults.update(fields)
        return Request.objects.create(**defaults)

    return make


D = dt.date


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_cache(settings):
    # PBKDF2 costs ~0.3 s a user; tests only need a hasher, not a slow one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Assertions read English; tests of the Serbian pages switch language explicitly.
    settings.LANGUAGE_CODE = "en"
    settings.REMINDER_SEND_HOUR = 8  # as in production
    from django.core.cache import cache

    cache.clear()


class Reader:
    """A client that reads the pages in one language, and the texts those pages must show:
    ``t("msgid")`` and ``n("singular", "plural", count)`` translate the source strings the way
    the page does, so one assertion holds in Serbian Latin and in English."""

    def __init__(self, client, language: str, cookie_name: str) -> None:
        self.client, self.language = client, language
        client.cookies[cookie_name] = language

    def t(self, msgid: str, **params) -> str:
        from django.utils import translation

        with translation.override(self.language):
            text = translation.gettext(msgid)
        return text % params if params else text

    def n(self, singular: str, plural: str, count: int, **params) -> str:
        from django.utils import translation

        with translation.override(self.language):
            text = translation.ngettext(singular, plural, count)
        return text % {"n": count, **params}

    def page(self, url: str, **params) -> str:
        import html

        response = self.client.get(url, params)
        assert response.status_code == 200, url
        return html.unescape(response.content.decode())


@pytest.fixture(params=["sr-latn", "en"])
def reader_language(request) -> str:
    """Page tests run in Serbian Latin (the default language) and in English."""
    return request.param


@pytest.fixture(autouse=True, scope="session")
def _streaming_responses_read_whole():
    """The test client reads a streaming response to its end, as a browser would, so that the
    export's server-side cursor closes inside the test that opened it. Left unread, the stream
    would be closed whenever Python collects it — inside a later test's transaction on
    PostgreSQL, aborting that one."""
    from django.test.client import Client

    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = [b"".join(response.streaming_content)]
        return response

    Client.request = request
    yield
    Client.request = original
