"""Error pages inside the site's layout: a refused action says why and offers a way back; a
viewer is never offered an action they may not take; /favicon.ico answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    def make(user, language="en") -> Client:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = language
        return client

    return make


def test_a_viewer_is_not_offered_a_new_request(as_user, viewer, colleague):
    assert "New request" not in as_user(viewer).get(reverse("workspace:board")).content.decode()
    assert "New request" in as_user(colleague).get(reverse("workspace:board")).content.decode()


def test_a_refused_action_shows_a_styled_page_with_the_reason_and_a_way_back(as_user, viewer):
    client = as_user(viewer)
    response = client.get(
        reverse("workspace:request_create"),
        HTTP_REFERER="http://testserver" + reverse("workspace:requests"),
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role is read-only: you cannot file requests." in page
    assert 'href="http://testserver/app/requests/"' in page  # back where they came from
    assert 'class="site"' in page and "site.css" in page  # the site's layout and navigation
    assert "Log out (viewer)" in page


def test_the_way_back_never_leads_off_the_site(as_user, viewer):
    page = as_user(viewer).get(
        reverse("workspace:request_create"), HTTP_REFERER="https://evil.example/phish"
    )
    assert "evil.example" not in page.content.decode()
    assert f'href="{reverse("workspace:board")}"' in page.content.decode()


def test_the_refusal_reads_in_serbian(as_user, viewer):
    page = as_user(viewer, "sr-latn").get(reverse("workspace:request_create")).content.decode()
    assert "You may not do this" not in page
    assert 'lang="sr-latn"' in page


def test_a_missing_page_is_styled_and_says_what_to_do(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "site.css" in page and reverse("public:requests") in page


def test_a_server_error_page_renders_without_the_database(rf):
    from foia.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "site.css" in response.content.decode()


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("favicon.ico")
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.ico")
