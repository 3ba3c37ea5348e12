"""The NGO workspace in real Chromium: an editor files a request to the Ministry of Interior,
marks it sent and received, records a refusal under Art. 9 item 3, downloads the appeal as a PDF,
records the Commissioner's order and the ministry's non-compliance; then a campaign to several
municipalities. Screenshots of each step go to test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from foia.models import Authority, AuthorityKind, Campaign, Request, RequestStatus
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123-xyz!"
MUNICIPALITIES = [
    ("Opština Čukarica", "Beograd"),
    ("Opština Inđija", "Inđija"),
    ("Opština Šabac", "Šabac"),
    ("Opština Žabalj", "Žabalj"),
]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workspace-story-{name}.png"), full_page=True)


def day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def record(page, request_url: str, label: str, fields: dict[str, str], selects=None, checks=()):
    page.goto(request_url)
    page.get_by_role("link", name="Record what came back").click()
    page.get_by_role("link", name=label, exact=True).click()
    for selector, value in fields.items():
        page.fill(selector, value)
    for selector, value in (selects or {}).items():
        page.select_option(selector, value)
    for selector in checks:
        page.check(selector)
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(request_url)


@pytest.fixture
def bodies(db):
    Authority.objects.create(
        name="Ministarstvo unutrašnjih poslova",
        short_name="MUP",
        kind=AuthorityKind.MINISTRY,
        place="Beograd",
        address="Kneza Miloša 103, 11000 Beograd",
    )
    Authority.objects.bulk_create(
        Authority(name=f"Javna ustanova {i}", kind=AuthorityKind.INSTITUTION, place="Niš")
        for i in range(2000)
    )
    for name, place in MUNICIPALITIES:
        Authority.objects.create(name=name, kind=AuthorityKind.MUNICIPALITY, place=place)


def test_an_editor_files_refuses_appeals_and_escalates_then_runs_a_campaign(
    live_server, page, colleague, org, bodies
):
    org.address = "Beograd"
    org.save()
    page.set_default_timeout(15000)

    # Log in as the editor: "My work" is the landing page.
    page.goto(live_server.url + "/app/")
    page.fill("#id_username", "colleague")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/app/")
    assert page.get_by_role("heading", name="My work", level=1).is_visible()

    # File the request: the authority found by typing, without diacritics.
    page.get_by_role("link", name="New request").first.click()
    page.wait_for_load_state()
    page.fill("#id_authority_q", "unutrasnjih")
    option = page.locator("#id_authority option", has_text="Ministarstvo unutrašnjih poslova")
    option.wait_for(state="attached")
    page.select_option("#id_authority", label="Ministarstvo unutrašnjih poslova — Beograd")
    page.fill("#id_subject", "Safe City: ugovor sa kompanijom Huawei")
    page.fill("#id_information_sought", "Ugovor o nabavci kamera „Safe City“ i lokacije kamera.")
    page.check("#id_want_notice")
    shot(page, "01-new-request")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/app/requests/*/")
    request_url = page.url
    r = Request.objects.get()
    assert r.status == RequestStatus.DRAFT and r.authority.short_name == "MUP"

    # Mark it sent by e-mail, with the proof, and received the same day.
    page.get_by_role("link", name="Mark as sent").click()
    page.fill("#id_occurred_on", day(30))
    page.select_option("#id_channel", "email")
    page.set_input_files(
        "#id_documents",
        files=[
            {
                "name": "poslat-mejl.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%%EOF\n",
            }
        ],
    )
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(request_url)
    page.get_by_role("link", name="Received by the authority").click()
    page.fill("#id_occurred_on", day(30))
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(request_url)
    r.refresh_from_db()
    assert r.status == RequestStatus.AWAITING_ANSWER and r.received_on

    # The refusal under Art. 9 item 3.
    record(
        page,
        request_url,
        "Refusal (decision)",
        {
            "#id_occurred_on": day(10),
            "#id_received_on": day(9),
            "#id_decision_number": "01-2345/26-3",
            "#id_decision_date": day(11),
        },
        selects={"#id_channel": "email"},
        checks=["input[name=grounds][value=art9_3]"],
    )
    assert page.get_by_text("Art. 9 item 3").first.is_visible()
    shot(page, "02-refused")

    # Generate the appeal: the PDF downloads and carries the decision number.
    page.get_by_role("link", name="Appeal against a decision").click()
    assert page.get_by_text("Filing deadline").is_visible()
    shot(page, "03-appeal")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"zalba-{r.pk}.pdf"
    with open(download.path(), "rb") as handle:
        content = handle.read()
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "01-2345/26-3" in text
    assert "Ministarstvo unutrašnjih poslova" in text

    # File the appeal, then the Commissioner orders access, and the ministry does not comply.
    record(
        page,
        request_url,
        "Appeal filed",
        {"#id_occurred_on": day(8), "#id_received_on": day(7)},
        selects={"#id_appeal_ground": "refusal", "#id_channel": "email"},
    )
    record(
        page,
        request_url,
        "Commissioner's decision",
        {
            "#id_occurred_on": day(3),
            "#id_received_on": day(2),
            "#id_decision_number": "071-01-4321/2026-03",
            "#id_decision_date": day(4),
            "#id_period_days": "5",
        },
        selects={"#id_commissioner_outcome": "ordered"},
    )
    r.refresh_from_db()
    assert r.status == RequestStatus.ORDERED
    record(
        page,
        request_url,
        "Compliance with the order",
        {"#id_occurred_on": day(0), "#id_text": "Ministarstvo nije dostavilo ugovor."},
        selects={"#id_compliance_result": "not"},
    )
    r.refresh_from_db()
    assert r.status == RequestStatus.NOT_COMPLIED
    assert page.get_by_text("Did not comply with the order").first.is_visible()
    shot(page, "04-not-complied")

    # A campaign to the municipalities: preview, create, send together.
    page.get_by_role("link", name="Campaigns").first.click()
    page.get_by_role("link", name="New campaign").first.click()
    page.fill("#id_title", "Kamere u opštinama")
    page.check("input[name=kinds][value=municipality]")
    page.fill("#id_subject", "Nabavka kamera za video nadzor")
    page.fill("#id_information_sought", "Ugovori o nabavci kamera od 2019. godine.")
    page.get_by_role("button", name="Show the matching authorities").click()
    # The preview lists the matching bodies, each with a box to leave it out (none ticked).
    assert page.locator("input[name=exclude]").count() == len(MUNICIPALITIES)
    assert page.locator("input[name=exclude]:checked").count() == 0
    page.get_by_role("button", name="Create the campaign with 4 draft requests").click()
    page.wait_for_url("**/app/campaigns/*/")
    campaign = Campaign.objects.get()
    assert campaign.requests.count() == len(MUNICIPALITIES)
    page.get_by_text("Mark the drafts on this page as sent").click()
    page.get_by_role("button", name="Mark as sent").click()
    page.wait_for_url(f"**/app/campaigns/{campaign.pk}/")
    assert set(campaign.requests.values_list("status", flat=True)) == {"awaiting_answer"}
    for name, _place in MUNICIPALITIES:
        assert page.get_by_role("link", name=name).is_visible()
    shot(page, "05-campaign")

    page.get_by_role("link", name="My work").first.click()
    shot(page, "06-board")
    assert page.console_errors == []


def test_the_board_and_request_page_fit_a_phone_screen(
    live_server, browser, colleague, bodies, make_request
):
    from foia.services.transitions import record_event

    r = make_request(created_by=colleague)
    record_event(
        request=r,
        kind="sent",
        occurred_on=timezone.localdate() - dt.timedelta(days=20),
        channel="email",
    )
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(live_server.url + "/app/accounts/login/")
        phone.fill("#id_username", "colleague")
        phone.fill("#id_password", PASSWORD)
        phone.get_by_role("button", name="Log in").click()
        phone.wait_for_url(live_server.url + "/app/")
        for url in ("/app/", f"/app/requests/{r.pk}/", "/app/requests/new/"):
            phone.goto(live_server.url + url)
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (url, overflow)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.goto(live_server.url + "/app/")
        phone.screenshot(path=str(ARTIFACTS / "workspace-phone-board.png"), full_page=True)
    finally:
        context.close()
