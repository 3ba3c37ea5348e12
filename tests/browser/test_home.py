"""The home page renders in a real browser without console errors."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_renders_without_console_errors(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.is_visible()
    assert page.console_errors == []
