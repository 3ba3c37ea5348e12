"""The private iCal feed: a secret, revocable address with every deadline of the user's
organizations, as RFC 5545 text, current with each recorded step."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from foia.workspace import ical
from foia.workspace.models import CalendarFeed
from tests.workspace.conftest import D, rec

pytestmark = pytest.mark.django_db


def feed_for(client, user):
    client.post(reverse("workspace:calendar_regenerate"))
    return CalendarFeed.objects.get(user=user)


def fetch(client, token):
    return client.get(reverse("workspace:calendar_feed", args=[token]))


def test_the_feed_lists_every_deadline_as_an_all_day_event(editor_client, colleague, sent, client):
    feed = feed_for(editor_client, colleague)
    response = fetch(client, feed.token)  # no login: the secret address is the key
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    response_deadline = sent.deadlines.get(kind="response")
    assert f"UID:deadline-{response_deadline.pk}@" in unfolded
    assert "DTSTART;VALUE=DATE:20261117\r\n" in unfolded
    assert "DTEND;VALUE=DATE:20261118\r\n" in unfolded
    assert "Safe City cameras" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == unfolded.count("END:VEVENT") == 2
    assert reverse("workspace:request", args=[sent.pk]) in unfolded


ODD_SUBJECTS = [
    "Zahtev; čćšžđ, \\ zarez, tačka-zarez; " * 6,
    "Dva reda\nu naslovu\r\ni treći",
    "Word-ov meki prelom\x0bi\x0c strana\x1b kraj",
    "Ćirilica: Захтев за приступ информацијама 🙂 <b>&amp;</b>",
]


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


@pytest.mark.parametrize("subject", ODD_SUBJECTS)
def test_the_feed_parses_back_with_odd_subjects(editor_client, colleague, sent, client, subject):
    type(sent).objects.filter(pk=sent.pk).update(subject=subject)
    feed = feed_for(editor_client, colleague)
    body = fetch(client, feed.token).content
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
    cal = parse(body)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    summary = str(events[0]["SUMMARY"])
    expected = ical.clean_text(subject)
    assert expected in summary
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in summary)
    assert events[0]["DTSTART"].dt in {d.due_on for d in sent.deadlines.all()}


@pytest.mark.parametrize("token", ["a\x00b", "x" * 500, "²", "../../etc"])
def test_a_malformed_feed_address_is_not_found(client, token, db):
    assert client.get(f"/app/calendar/{token}.ics").status_code == 404


def test_the_demo_feeds_parse_back_with_icalendar(client, db):
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from foia.services.organizations import calendar_feed_regenerate

    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects.filter(memberships__isnull=False).distinct()
    assert users
    for user in users:
        feed = calendar_feed_regenerate(user=user)
        body = fetch(client, feed.token).content
        cal = parse(body)
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert uids and len(uids) == len(set(uids))


def test_the_feed_follows_the_timeline(editor_client, colleague, sent, client):
    feed = feed_for(editor_client, colleague)
    rec(sent, "refusal", D(2026, 11, 16), received_on=D(2026, 11, 17), grounds=["art9_3"])
    text = fetch(client, feed.token).content.decode().replace("\r\n ", "")
    appeal = sent.deadlines.get(kind="appeal")
    assert f"UID:deadline-{appeal.pk}@" in text
    assert "DTSTART;VALUE=DATE:20261202" in text


def test_the_feed_shows_only_the_users_organizations(
    editor_client, colleague, sent, client, outsider
):
    from django.test import Client

    other = Client()
    other.force_login(outsider)
    other_feed = feed_for(other, outsider)
    text = fetch(client, other_feed.token).content.decode()
    assert "BEGIN:VEVENT" not in text


def test_a_new_address_revokes_the_old_and_revoking_ends_it(editor_client, colleague, client):
    old = feed_for(editor_client, colleague).token
    new = feed_for(editor_client, colleague).token
    assert old != new
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    editor_client.post(reverse("workspace:calendar_revoke"))
    assert fetch(client, new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_shows_the_address_and_the_coming_deadlines(
    editor_client, colleague, sent, frozen
):
    feed = feed_for(editor_client, colleague)
    rec(sent, "refusal", D(2026, 11, 16), received_on=D(2026, 11, 17), grounds=["art9_3"])
    body = editor_client.get(reverse("workspace:calendar")).content.decode()
    assert feed.token in body
    assert "02.12.2026" in body


def test_an_unknown_token_is_404(client, db):
    assert fetch(client, "not-a-token").status_code == 404
