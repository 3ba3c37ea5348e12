"""The public pages in every language: the legal basis and notes stored as English msgids are
shown in the reader's language, and no English UI string is left on a Serbian page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from foia.services.timeline import BASIS

pytestmark = pytest.mark.django_db

LANGUAGES = ["sr-latn", "sr", "en"]


def read_as(client, settings, language: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def translated(msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_legal_basis_of_each_deadline_reads_in_the_pages_language(
    client, settings, story, language
):
    page = read_as(client, settings, language, reverse("public:request", args=[story.refused.pk]))
    deadlines = list(story.refused.deadlines.exclude(state="void"))
    assert deadlines
    for deadline in deadlines:
        shown = translated(deadline.legal_basis, language)
        assert shown in page.replace("&#x27;", "'")
        if language != "en":
            assert shown != deadline.legal_basis
            assert deadline.legal_basis not in page


def test_the_cyrillic_page_shows_the_appeal_basis_in_cyrillic(client, settings, story):
    page = read_as(client, settings, "sr", reverse("public:request", args=[story.refused.pk]))
    assert "чл. 22 ст. 1: 15 дана од достављања" in page
    with translation.override("en"):
        assert str(BASIS["appeal"]) not in page


# Words of the interface that exist only in English: none may be left on a Serbian page.
ENGLISH_ONLY = [
    "Request",
    "Requests",
    "Authority",
    "Authorities",
    "Deadline",
    "Deadlines",
    "Search",
    "Answer",
    "Refusal",
    "Appeal",
    "Overdue",
    "Legal basis",
    "Submitted",
    "Download",
    "Days late",
    "Next",
    "Previous",
    "Sign in",
    "Log in",
    "Open data",
    "Dashboard",
    "Campaign",
    "received",
    "missed",
    "days",
]


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"<[^>]+>", " ", html)
    return html


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
@pytest.mark.parametrize(
    "page",
    ["public:home", "public:requests", "public:authorities", "public:dashboard", "public:data"],
)
def test_no_english_interface_word_is_left_on_a_serbian_page(
    client, settings, story, language, page
):
    text = visible_text(read_as(client, settings, language, reverse(page)))
    left = [w for w in ENGLISH_ONLY if re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w/.-])", text)]
    assert left == []


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
def test_no_english_interface_word_is_left_on_a_serbian_request_page(
    client, settings, story, language
):
    url = reverse("public:request", args=[story.refused.pk])
    text = visible_text(read_as(client, settings, language, url))
    left = [w for w in ENGLISH_ONLY if re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w/.-])", text)]
    assert left == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_written_day_first_in_every_language(client, settings, story, language):
    """One format per language, and the same in all three: 10.09.2026, never 09/10/2026 (the
    English pages used to mix MM/DD/YYYY on public pages with DD.MM.YYYY in the workspace)."""
    for page in (reverse("public:requests"), reverse("public:request", args=[story.refused.pk])):
        text = visible_text(read_as(client, settings, language, page))
        assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text), page
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text), page
        assert not re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\.", text), page  # Django's "j.m.Y."
    text = read_as(client, settings, language, reverse("public:request", args=[story.refused.pk]))
    assert "10.09.2026" in text  # the refusal
