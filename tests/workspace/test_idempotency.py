"""One action, one row (issue 10, item 7): every creating form of the workspace carries an
idempotency key; a double click, a retried POST and a back-button resubmit of the same rendering
create one row and land on it."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from foia.models import Attachment, Campaign, Event, EventKind, Request
from foia.workspace.idempotency import FIELD, PENDING
from tests.workspace.conftest import pdf
from tests.workspace.test_campaigns import campaign_data
from tests.workspace.test_requests import form_data

pytestmark = pytest.mark.django_db
KEY = re.compile(rf'name="{FIELD}" value="([0-9a-f]{{32}})"')


def key_from(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    keys = KEY.findall(response.content.decode())
    assert keys, f"no idempotency key on {url}"
    return keys[-1]


def submit_twice(client, url: str, form_url: str, body: dict) -> tuple:
    key = key_from(client, form_url)
    first = client.post(url, {**body, FIELD: key})
    second = client.post(url, {**body, FIELD: key})  # the back button, then submit again
    return first, second


def test_a_new_request_submitted_twice_creates_one(editor_client, ministry):
    url = reverse("workspace:request_create")
    first, second = submit_twice(editor_client, url, url, form_data(ministry))
    assert Request.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_an_answer_submitted_twice_records_one_event(editor_client, sent, frozen):
    url = reverse("workspace:record_event", args=[sent.pk, EventKind.ANSWER])
    body = {
        "occurred_on": "2026-11-16",
        "received_on": "2026-11-16",
        "channel": "email",
        "answer_kind": "full",
        "text": "Dostavljamo.",
    }
    first, second = submit_twice(editor_client, url, url, body)
    assert sent.events.filter(kind=EventKind.ANSWER).count() == 1
    assert second["Location"] == first["Location"]


def test_an_extension_submitted_twice_records_one(editor_client, sent, frozen):
    url = reverse("workspace:record_event", args=[sent.pk, EventKind.EXTENSION])
    body = {
        "occurred_on": "2026-11-10",
        "received_on": "2026-11-10",
        "channel": "email",
        "new_due_on": "2026-12-10",
        "reason": "Obim.",
    }
    first, second = submit_twice(editor_client, url, url, body)
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    assert sent.events.filter(kind=EventKind.EXTENSION).count() == 1


def test_a_campaign_submitted_twice_creates_one(editor_client, municipalities):
    url = reverse("workspace:campaign_create")
    body = campaign_data(kinds=["city"], action="create")
    first, second = submit_twice(editor_client, url, url, body)
    assert Campaign.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_a_document_submitted_twice_is_stored_once(editor_client, sent):
    url = reverse("workspace:document_add", args=[sent.pk])
    key = key_from(editor_client, reverse("workspace:request", args=[sent.pk]))
    editor_client.post(url, {"file": pdf(), FIELD: key})
    editor_client.post(url, {"file": pdf(), FIELD: key})
    assert Attachment.objects.filter(request=sent).count() == 1


def test_a_second_click_while_the_first_is_saving_waits_and_shows_its_result(
    editor_client, ministry
):
    url = reverse("workspace:request_create")
    key = key_from(editor_client, url)
    user_id = (
        Request._meta.get_field("created_by").related_model.objects.get(username="colleague").pk
    )
    cache_key = f"idempotency:{user_id}:{url}:{key}"
    cache.set(cache_key, PENDING)  # the first click is being saved right now

    def first_finishes():
        time.sleep(0.3)
        cache.set(cache_key, "/app/requests/4242/")

    threading.Thread(target=first_finishes).start()
    response = editor_client.post(url, {**form_data(ministry), FIELD: key})
    assert response.status_code == 302
    assert response["Location"] == "/app/requests/4242/"
    assert not Request.objects.exists()


def test_a_form_with_errors_gives_its_key_back_so_the_corrected_form_is_saved(
    editor_client, ministry
):
    url = reverse("workspace:request_create")
    key = key_from(editor_client, url)
    bad = editor_client.post(url, {**form_data(ministry), "information_sought": "", FIELD: key})
    assert bad.status_code == 200
    good = editor_client.post(url, {**form_data(ministry), FIELD: key})
    assert good.status_code == 302
    assert Request.objects.count() == 1


def test_two_renderings_of_a_form_are_two_submits(editor_client, ministry):
    url = reverse("workspace:request_create")
    for _ in range(2):
        editor_client.post(url, {**form_data(ministry), FIELD: key_from(editor_client, url)})
    assert Request.objects.count() == 2
    assert Event.objects.count() == 0
