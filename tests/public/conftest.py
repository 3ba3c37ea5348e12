"""Fixtures for the public site: a frozen clock, a small cast of authorities and a story helper
that records events through the one service that writes them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from foia.models import Authority, AuthorityKind, Campaign, Request, Topic, Visibility
from foia.services.transitions import record_event

TODAY = dt.date(2026, 11, 20)  # a Friday
D = dt.date


@pytest.fixture
def client(client, settings):
    """The test client reads the pages in English: assertions name the source strings, which
    stay true whatever Serbian translations are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def rec(request: Request, kind: str, on: dt.date, **values):
    return record_event(request=request, kind=kind, occurred_on=on, today=TODAY, **values)


@pytest.fixture
def city(db) -> Authority:
    return Authority.objects.create(
        name="Grad Čačak", short_name="Čačak", kind=AuthorityKind.CITY, place="Čačak"
    )


@pytest.fixture
def municipality(db) -> Authority:
    return Authority.objects.create(
        name="Opština Inđija", kind=AuthorityKind.MUNICIPALITY, place="Inđija"
    )


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(name="Video nadzor", slug="video-nadzor")


@pytest.fixture
def campaign(org) -> Campaign:
    return Campaign.objects.create(organization=org, title="Kamere u gradovima", is_public=True)


@pytest.fixture
def public_request(make_request):
    """A published request factory (make_request's requests are private by default)."""

    def make(**fields) -> Request:
        fields.setdefault("visibility", Visibility.PUBLIC)
        return make_request(**fields)

    return make


@pytest.fixture
def sent(public_request):
    """A published request sent by e-mail (received the same day)."""

    def make(on: dt.date | None = None, **fields) -> Request:
        on = on or D(2026, 9, 1)
        request = public_request(**fields)
        rec(request, "sent", on, channel="email", received_on=on)
        request.refresh_from_db()
        return request

    return make


def seed_demo() -> None:
    call_command("seed_demo", stdout=io.StringIO())


class Story:
    """Requests in the states the public pages must tell apart (the clock: TODAY)."""


@pytest.fixture
def story(
    frozen, sent, public_request, make_request, ministry, city, municipality, topic, campaign
):
    s = Story()
    s.refused = sent(
        D(2026, 9, 1),
        subject="Sigurni grad: ugovor sa kompanijom Huawei",
        information_sought="Ugovor o nabavci kamera sa prepoznavanjem lica.",
        campaign=campaign,
    )
    s.refused.topics.add(topic)
    s.refusal = rec(
        s.refused,
        "refusal",
        D(2026, 9, 10),
        grounds=["art9_3", "art14"],
        decision_number="01-4512/2026-2",
        decision_date=D(2026, 9, 10),
        channel="email",
        received_on=D(2026, 9, 11),
        text="Informacije su označene stepenom tajnosti.",
    )
    rec(
        s.refused,
        "appeal_filed",
        D(2026, 9, 20),
        appeal_ground="refusal",
        related_event=s.refusal,
        channel="email",
        received_on=D(2026, 9, 21),
    )
    rec(
        s.refused,
        "commissioner_decision",
        D(2026, 10, 30),
        decision_date=D(2026, 10, 28),
        commissioner_outcome="ordered",
        period_days=5,
        decision_number="071-01-2381/2026-03",
        channel="email",
        received_on=D(2026, 10, 30),
        text="Nalaže se ministarstvu da dostavi ugovor.",
    )
    s.answered = sent(
        D(2026, 10, 1),
        authority=city,
        subject="Kamere na raskrsnicama",
        information_sought="Broj kamera i lokacije.",
        campaign=campaign,
    )
    s.answer = rec(
        s.answered,
        "answer",
        D(2026, 10, 9),
        answer_kind="full",
        channel="email",
        received_on=D(2026, 10, 9),
        text="Dostavljamo ugovor za 24 kamere.",
    )
    s.silent = sent(
        D(2026, 10, 20),
        authority=municipality,
        subject="Budžet za javnu rasvetu",
        campaign=campaign,
    )
    s.private = make_request(subject="Tajni zahtev o prisluškivanju", visibility="private")
    rec(s.private, "sent", D(2026, 10, 2), channel="email", received_on=D(2026, 10, 2))
    s.embargoed = make_request(
        subject="Embargo do objave istraživanja",
        visibility="embargoed",
        embargo_until=D(2026, 12, 31),
        campaign=campaign,
    )
    rec(s.embargoed, "sent", D(2026, 10, 3), channel="email", received_on=D(2026, 10, 3))
    s.embargo_over = make_request(
        subject="Embargo istekao: nabavka dronova",
        visibility="embargoed",
        embargo_until=D(2026, 11, 1),
    )
    rec(s.embargo_over, "sent", D(2026, 10, 5), channel="email", received_on=D(2026, 10, 5))
    s.draft = public_request(subject="Nacrt zahteva koji nije poslat")
    s.published = [s.refused, s.answered, s.silent, s.embargo_over]
    s.hidden = [s.private, s.embargoed, s.draft]
    for request in [*s.published, *s.hidden]:
        request.refresh_from_db()
    return s


@pytest.fixture
def reader(client, settings, reader_language):
    from tests.conftest import Reader

    return Reader(client, reader_language, settings.LANGUAGE_COOKIE_NAME)
