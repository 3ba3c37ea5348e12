"""The main workspace pages in Serbian Latin (the default) and in English (``reader`` runs every
test in both): the same facts, each in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_board_reads_in_the_readers_language(reader, sent, frozen):
    page = reader.page(reverse("workspace:board"))
    assert f'<html lang="{reader.language}">' in page
    assert reader.t("My work") in page and reader.t("New request") in page
    assert sent.subject in page


def test_the_request_page_reads_in_the_readers_language(reader, refused, frozen):
    page = reader.page(reverse("workspace:request", args=[refused.pk]))
    for msgid in [
        "Deadlines",
        "Record what came back",
        "Refusal (decision)",
        "ZSPIJZ Art. 22(1): 15 days from delivery of the decision",
    ]:
        assert reader.t(msgid) in page, msgid
    assert "01-123/26" in page


def test_the_organization_page_reads_in_the_readers_language(reader, org, owner):
    page = reader.page(reverse("workspace:organization", args=[org.slug]))
    assert reader.t("Members") in page and "owner" in page


def test_the_calendar_page_reads_in_the_readers_language(reader):
    page = reader.page(reverse("workspace:calendar"))
    assert reader.t("Your private calendar feed") in page
