"""The main public pages in Serbian Latin (the default) and in English: the same facts, each in
the reader's language (``reader`` runs every test in both)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"public:{name}", args=args)


def test_every_page_answers_in_the_readers_language(reader, story):
    for name, args in [
        ("home", ()),
        ("requests", ()),
        ("request", (story.refused.pk,)),
        ("authorities", ()),
        ("authority", (story.refused.authority_id,)),
        ("campaign", (story.refused.campaign_id,)),
        ("dashboard", ()),
        ("data", ()),
    ]:
        page = reader.page(url(name, *args))
        assert f'<html lang="{reader.language}">' in page, name


def test_a_log_row_shows_days_early_and_days_of_silence(reader, story):
    page = reader.page(url("requests"))
    assert "Grad Čačak" in page
    assert reader.n("%(n)d day early", "%(n)d days early", 7) in page
    assert (
        reader.n("silent, %(n)d day past the deadline", "silent, %(n)d days past the deadline", 16)
        in page
    )


def test_the_request_page_tells_the_whole_story(reader, story):
    page = reader.page(url("request", story.refused.pk))
    for msgid in [
        "Refusal (decision)",
        "Art. 14 — privacy",
        "Appeal filed",
        "Ordered to grant access",
        "Met",
        "Appeal to the Commissioner",
        "The law, in plain words",
        "ZSPIJZ Art. 16(1): 15 days from receipt of the request",
    ]:
        assert reader.t(msgid) in page, msgid
    for fact in [
        "01-4512/2026-2",
        "071-01-2381/2026-03",
        "Informacije su označene stepenom tajnosti.",
    ]:
        assert fact in page


def test_the_request_page_shows_a_missed_deadline(reader, story):
    page = reader.page(url("request", story.silent.pk))
    assert reader.t("Missed") in page


def test_the_authority_page_shows_its_appeal_route(reader, story):
    page = reader.page(url("authority", story.refused.authority_id))
    assert story.refused.subject in page
    assert reader.t("Appeal to the Commissioner") in page
