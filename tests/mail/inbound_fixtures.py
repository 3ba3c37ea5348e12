"""Fixtures for the inbound tests: the corpus's requests (fixed ids), what we sent, the corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection

from foia.mail.outbound.models import MessageKind, OutgoingMessage
from foia.models import Authority, AuthorityKind, Channel, Request
from foia.services.requests import request_mark_sent
from tests.mail.make_corpus import CORPUS, CORPUS_REQUESTS, CORPUS_SECRET, MAIL_DOMAIN, SENT_IDS

ROOT = Path(__file__).resolve().parents[2]


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


@pytest.fixture
def corpus_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MAIL_SECRET = CORPUS_SECRET
    settings.MAIL_DOMAIN = MAIL_DOMAIN
    settings.COMMISSIONER_EMAIL = "office@poverenik.rs"
    return settings


@pytest.fixture
def corpus_requests(corpus_settings, org, owner, colleague) -> dict[int, Request]:
    """The five requests the corpus answers, with their fixed ids, sent on 16 November 2026."""
    made = {}
    for pk, (name, email, reference) in CORPUS_REQUESTS.items():
        authority = Authority.objects.create(name=name, kind=AuthorityKind.CITY, email=email)
        request = Request.objects.create(
            pk=pk,
            organization=org,
            authority=authority,
            created_by=owner,
            assignee=colleague,
            subject=f"Kamere {pk}",
            information_sought="Broj kamera i ugovori.",
            our_reference=reference,
            requester_name="Ana Anić",
            requester_address="Ulica 1, Beograd",
            requester_phone="064 123 4567",
            requester_email="ana.private@example.net",
        )
        request_mark_sent(
            request=request, user=owner, sent_on=dt.date(2026, 11, 16), channel=Channel.EMAIL
        )
        made[pk] = request
    for pk, message_id in SENT_IDS.items():
        OutgoingMessage.objects.create(
            request=made[pk],
            kind=MessageKind.REQUEST,
            from_address="SHARE Foundation <noreply@foi.localhost>",
            reply_to=made[pk].reply_address,
            to=[made[pk].authority.email],
            subject="Zahtev za slobodan pristup informacijama",
            body="…",
            message_id=message_id,
            idempotency_key=f"corpus-{pk}",
            state="sent",
        )
    return made


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
