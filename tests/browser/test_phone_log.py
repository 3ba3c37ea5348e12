"""The public log and the logged-in menu on a 390 px phone screen (Debian's Chromium): the results
come first with status and days early or late in view; the filters and the menu fold away."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_on_a_phone_the_logs_results_come_first_with_status_and_days_late(demo, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="en-US")
    phone = context.new_page()
    errors = []
    phone.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        phone.goto(demo + "/requests/")
        first = "table.log tbody tr"
        assert top(phone, first) < PHONE["height"] / 2, "the first result is on the first screen"
        row = phone.locator(first).first
        for cell in ("td.status-cell", "td.timing-cell"):
            box = row.locator(cell).bounding_box()
            assert box and box["x"] + box["width"] <= PHONE["width"], cell
            assert box["y"] + box["height"] <= PHONE["height"], cell
            assert row.locator(cell).inner_text().strip()
        assert not phone.locator("#id_kind").is_visible()  # folded away …
        phone.click("details.filter-box > summary")  # … one tap opens them, no script
        assert phone.locator("#id_kind").is_visible()
        phone.select_option("#id_kind", "city")
        phone.click("form.filters button[type=submit]")
        phone.wait_for_url("**kind=city*")
        assert top(phone, first) < PHONE["height"] / 2
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "phone-log.png"))
        assert errors == []
    finally:
        context.close()


def test_on_a_phone_the_logged_in_menu_takes_one_line(demo, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="en-US")
    phone = context.new_page()
    try:
        phone.goto(demo + "/app/accounts/login/")
        phone.fill("#id_username", "demo-editor")
        phone.fill("#id_password", "demo-pass-2026")
        phone.get_by_role("button", name="Log in").click()
        phone.wait_for_url(demo + "/app/")
        header = phone.locator("header.site").bounding_box()
        assert header["height"] < PHONE["height"] * 0.2, header  # it took 40 % before
        assert not phone.get_by_role("link", name="Calendar").is_visible()
        phone.click("details.user-menu > summary")
        assert phone.get_by_role("link", name="Calendar").is_visible()
        phone.screenshot(path=str(ARTIFACTS / "phone-menu-open.png"))
        phone.set_viewport_size({"width": 1280, "height": 900})
        phone.goto(demo + "/app/")
        assert phone.get_by_role(
            "link", name="Calendar"
        ).is_visible()  # a plain row on a wide screen
        assert not phone.locator("details.user-menu > summary").is_visible()
    finally:
        context.close()
