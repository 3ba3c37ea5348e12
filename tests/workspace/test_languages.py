"""The workspace in every language: the legal basis and notes of each deadline are stored as
English msgids and shown in the reader's language on the request page, the document page and in
the iCal feed."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from foia.notifications.models import NotificationSettings
from foia.workspace.models import CalendarFeed

pytestmark = pytest.mark.django_db


def translated(msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def read_as(client, settings, language: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_the_request_page_shows_each_legal_basis_in_the_readers_language(
    editor_client, settings, refused, language
):
    page = read_as(
        editor_client, settings, language, reverse("workspace:request", args=[refused.pk])
    )
    for deadline in refused.deadlines.exclude(state="void"):
        assert translated(deadline.legal_basis, language) in page
        if language != "en":
            assert deadline.legal_basis not in page


@pytest.mark.parametrize("language", ["sr-latn", "en"])
def test_the_appeal_document_page_shows_its_filing_basis_in_the_readers_language(
    editor_client, settings, refused, language
):
    url = reverse("workspace:generate", args=[refused.pk, "appeal"])
    page = read_as(editor_client, settings, language, url)
    basis = refused.deadlines.get(kind="appeal").legal_basis
    assert translated(basis, language) in page
    assert (basis in page) == (language == "en")


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_the_calendar_feed_speaks_the_language_the_user_chose(
    editor_client, colleague, refused, client, language
):
    NotificationSettings.objects.create(user=colleague, language=language)
    editor_client.post(reverse("workspace:calendar_regenerate"))
    token = CalendarFeed.objects.get(user=colleague).token
    # A calendar app sends no cookie and no Accept-Language the user chose.
    text = client.get(reverse("workspace:calendar_feed", args=[token])).content.decode()
    text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
    basis = refused.deadlines.get(kind="appeal").legal_basis
    assert translated(basis, language) in text
    assert (basis in text) == (language == "en")


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
def test_no_english_interface_word_is_left_on_the_main_workspace_pages(
    owner_client, settings, refused, org, language
):
    from tests.public.test_languages import ENGLISH_ONLY, visible_text

    words = [*ENGLISH_ONLY, "My work", "Calendar", "Members", "Record", "Edit", "Log out"]
    for url in [
        reverse("workspace:board"),
        reverse("workspace:request", args=[refused.pk]),
        reverse("workspace:organization", args=[org.slug]),
        reverse("workspace:calendar"),
    ]:
        text = visible_text(read_as(owner_client, settings, language, url))
        left = [w for w in words if re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w/.-])", text)]
        assert left == [], url


@pytest.mark.parametrize("language", ["sr-latn", "en"])
def test_the_organisations_export_gives_the_legal_basis_in_the_readers_language(
    owner_client, settings, refused, org, language
):
    url = reverse("workspace:organization_export", args=[org.slug, "csv"]) + "?table=deadlines"
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = owner_client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    basis = refused.deadlines.get(kind="appeal").legal_basis
    assert translated(basis, language) in body
    assert (basis in body) == (language == "en")
