"""Links follow SITE_URL, and `make run` sets it from the host and port it serves on."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from scripts.dev import site_url


def test_make_run_sets_site_url_from_its_host_and_port():
    assert site_url("127.0.0.1", "8123") == "http://127.0.0.1:8123"
    assert site_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"  # a browser cannot open 0.0.0.0
    assert site_url("::1", "8000") == "http://[::1]:8000"


@pytest.mark.django_db
def test_the_seed_output_points_at_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Open http://127.0.0.1:8123/ and log in" in text
    assert "(admin: http://127.0.0.1:8123/admin/)" in text
    assert ":8000" not in text


@pytest.mark.django_db
def test_the_calendar_feed_links_point_at_site_url(settings, colleague, make_request):
    from foia.services.transitions import record_event
    from foia.workspace.models import CalendarFeed

    settings.SITE_URL = "http://127.0.0.1:8123"
    request = make_request()
    record_event(
        request=request, kind="sent", occurred_on=request.created_at.date(), channel="email"
    )
    feed = CalendarFeed.objects.create(user=colleague)
    from django.test import Client

    text = Client().get(reverse("workspace:calendar_feed", args=[feed.token])).content.decode()
    text = text.replace("\r\n ", "")
    assert f"URL:http://127.0.0.1:8123/app/requests/{request.pk}/" in text
