"""The board in real Chromium: each request once, in its most urgent section, a long section
paged, sections folding — at desk width and on a phone, in Serbian (the default) and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from foia.models import Authority, AuthorityKind
from foia.services.transitions import record_event
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123-xyz!"


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def busy_board(make_request, colleague):
    """30 silent requests (overdue, also able to be appealed for silence), 3 refusals whose appeal
    is due later, 2 waiting for the answer and a draft."""
    city = Authority.objects.create(name="Grad Čačak", kind=AuthorityKind.CITY, place="Čačak")
    for i in range(30):
        r = make_request(subject=f"Tiha opština {i:02}", authority=city)
        record_event(request=r, kind="sent", occurred_on=ago(40), channel="email")
    for i in range(3):
        r = make_request(subject=f"Odbijeno {i}")
        record_event(request=r, kind="sent", occurred_on=ago(12), channel="email")
        record_event(
            request=r,
            kind="refusal",
            occurred_on=ago(2),
            received_on=ago(1),
            grounds=["art9_3"],
            channel="email",
        )
    for i in range(2):
        r = make_request(subject=f"Čeka odgovor {i}")
        record_event(request=r, kind="sent", occurred_on=ago(1), channel="email")
    make_request(subject="Nacrt zahteva")


def login(page, live_server, language: str):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/app/")
    page.fill("#id_username", "colleague")
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(live_server.url + "/app/")


@pytest.mark.parametrize(
    ("language", "overdue", "appeal", "next_label"),
    [
        ("sr-latn", "Prekoračen rok", "Potrebna žalba", "Sledeća"),
        ("en", "Overdue", "Needs an appeal", "Next"),
    ],
)
def test_each_request_appears_once_and_a_long_section_pages(
    live_server, page, busy_board, language, overdue, appeal, next_label
):
    page.set_default_timeout(15000)
    login(page, live_server, language)
    rows = page.locator("details.board-section tbody tr")
    subjects = [
        rows.nth(i).locator("td").first.locator("a").inner_text() for i in range(rows.count())
    ]
    # 25 of the 30 silent requests on the first page of "Overdue", each request once.
    assert len(subjects) == len(set(subjects))
    overdue_section = page.locator("details#overdue")
    assert overdue_section.locator("tbody tr").count() == 25
    assert overdue in overdue_section.locator("summary").inner_text()
    assert "30" in overdue_section.locator("summary .count").inner_text()
    assert page.locator("details#appeal tbody tr").count() == 3
    assert appeal in page.locator("details#appeal summary").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"board-{language}.png"), full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 9200, height  # it was 9,200 px for 66 requests, each twice

    overdue_section.get_by_role("link", name=next_label).click()
    page.wait_for_url("**overdue-page=2**")
    assert page.locator("details#overdue tbody tr").count() == 5
    assert not page.console_errors, page.console_errors


def test_the_board_reads_on_a_phone(live_server, browser, busy_board):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sr-RS")
    page = context.new_page()
    try:
        page.set_default_timeout(15000)
        login(page, live_server, "sr-latn")
        first = page.locator("details#overdue tbody tr").first
        box = first.bounding_box()
        assert box is not None and box["width"] <= 390
        page.screenshot(path=str(ARTIFACTS / "board-phone.png"), full_page=False)
    finally:
        context.close()
