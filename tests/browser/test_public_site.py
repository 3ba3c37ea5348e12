"""The public site in a real browser (Debian's Chromium): filter and search the log, open a
request, the dashboard's charts, the language switch, a phone-sized screen."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


def test_a_visitor_filters_and_searches_the_log_then_opens_a_request(demo, page):
    page.goto(demo + "/requests/")
    total = page.locator("table.log tbody tr").count()
    assert total > 10

    page.select_option("#id_kind", "city")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/requests/?*kind=city*")
    authorities = page.locator("table.log tbody tr td:nth-child(2)").all_inner_texts()
    assert authorities and all(name.startswith("Grad ") for name in authorities)

    page.fill("#id_q", "Чачак")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=*")
    assert page.locator("table.log tbody tr").count() == 1
    assert "Grad Čačak" in page.locator("table.log").inner_text()

    page.click("table.log tbody tr >> nth=0 >> a >> nth=0")
    page.wait_for_url("**/requests/*/")
    assert page.locator("h1").is_visible()
    assert page.locator("ol.timeline li").count() >= 1
    assert page.locator("table.deadlines").is_visible()
    assert "The law, in plain words" in page.content()
    assert page.console_errors == []


def test_a_search_for_kamere_finds_the_camera_requests(demo, page):
    page.goto(demo + "/")
    page.fill("#home-q", "kamere")
    page.click("form.search button")
    page.wait_for_url("**/requests/?q=kamere")
    subjects = page.locator("table.log tbody tr td:first-child").all_inner_texts()
    # "kamere" finds both forms (and requests that mention cameras only in their text).
    assert any("Kamere" in s for s in subjects) and any("kamera" in s for s in subjects)
    assert page.locator("p.result-count").inner_text().split()[0].isdigit()
    assert page.console_errors == []


def test_the_dashboard_draws_its_charts_without_console_errors(demo, page, settings):
    settings.PUBLIC_RANKING_MIN_REQUESTS = 1  # the demo's bodies are ranked too: every chart
    page.goto(demo + "/dashboard/")
    charts = page.locator("svg.chart")
    assert charts.count() >= 8
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 10
    assert page.locator("section.figure table caption").count() >= 8
    assert page.locator("a[href*='/dashboard/'][href$='.csv'], a[href*='.csv?']").count() >= 8
    page.select_option("#dashboard-kind", "city")
    page.click("form.scope button")
    page.wait_for_url("**/dashboard/?kind=city")
    assert page.locator("svg.chart").count() >= 8
    assert page.console_errors == []


def test_the_language_switch_goes_to_english_and_back_to_serbian(demo, page):
    page.goto(demo + "/requests/?kind=city")
    page.select_option("#language", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "kind=city" in page.url  # the switch returns to the same page
    page.select_option("#language", "sr-latn")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sr-latn"
    assert page.console_errors == []


def test_the_pages_fit_a_phone_screen(demo, page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/requests/", "/dashboard/", "/authorities/"):
        page.goto(demo + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)
    page.goto(demo + "/")
    page.click("ul.campaigns a >> nth=0")
    page.wait_for_url("**/campaigns/*/")
    assert page.locator("#silent-h").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, ("campaign", overflow)
    assert page.console_errors == []
