"""The workspace's forms answer hostile values with a form error, never a server error (issue 10,
item 16): "²" and 70-bit numbers in the authority, forwarded-to and campaign fields, NUL bytes in
the picker's search, 99999 days, the year 1, line breaks in a subject."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from foia.models import Event, EventKind, Request

pytestmark = pytest.mark.django_db

BAD = ["²", str(2**70), "a\x00b", "-1", "99999", "0001-01-01", "1\r\n2", "١"]
NAME = re.compile(r'name="([^"]+)"')


def _fields(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(set(NAME.findall(response.content.decode())) - {"csrfmiddlewaretoken"})


def _post_each(client, url: str, base: dict | None = None) -> None:
    names = _fields(client, url)
    for value in BAD:
        for name in names:
            body = {**(base or {}), name: value}
            response = client.post(url, body)
            assert response.status_code < 500, (url, name, value)
        response = client.post(url, {**(base or {}), **dict.fromkeys(names, value)})
        assert response.status_code < 500, (url, "all", value)


def test_the_request_forms_refuse_bad_values_without_a_server_error(editor_client, sent, frozen):
    _post_each(editor_client, reverse("workspace:request_create"))
    draft = Request.objects.filter(sent_on=None).first() or sent
    _post_each(editor_client, reverse("workspace:request_edit", args=[draft.pk]))
    assert (
        editor_client.get(reverse("workspace:request_create"), {"authority": "²"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "kind",
    [EventKind.ANSWER, EventKind.INCOMPLETE_NOTICE, EventKind.DELIVERED, EventKind.EXTENSION],
)
def test_the_event_forms_refuse_bad_values_without_a_server_error(
    editor_client, sent, frozen, kind
):
    url = reverse("workspace:record_event", args=[sent.pk, kind])
    _post_each(editor_client, url, {"occurred_on": "2026-11-10", "channel": "email"})


def test_ninety_nine_thousand_days_and_the_year_one_are_form_errors(editor_client, sent, frozen):
    before = Event.objects.count()
    url = reverse("workspace:record_event", args=[sent.pk, EventKind.INCOMPLETE_NOTICE])
    response = editor_client.post(
        url, {"occurred_on": "2026-11-10", "channel": "email", "period_days": "99999"}
    )
    assert response.status_code == 200
    assert "period_days" in response.context["form"].errors
    url = reverse("workspace:record_event", args=[sent.pk, EventKind.DELIVERED])
    response = editor_client.post(
        url, {"occurred_on": "0001-01-01", "occurred_at": "0001-01-01T00:00"}
    )
    assert response.status_code == 200
    assert Event.objects.count() == before


def test_a_subject_with_a_line_break_is_refused(editor_client, make_request, frozen):
    draft = make_request(subject="Nacrt")
    url = reverse("workspace:request_edit", args=[draft.pk])
    body = {
        "authority": draft.authority_id,
        "subject": "Prvi red\r\nBcc: napadac@example.org",
        "information_sought": "Podaci.",
    }
    response = editor_client.post(url, body)
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.subject == "Nacrt"
