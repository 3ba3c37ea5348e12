"""'My work': live deadlines sorted into sections, each with days left and the next legal step,
filtered by assignee, authority and campaign, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foia.models import Campaign, Request
from foia.workspace.selectors import SECTIONS
from tests.workspace.conftest import D, rec

pytestmark = pytest.mark.django_db
SECTION_KEYS = {key for key, _title, _help in SECTIONS}


def sections(client, **params):
    response = client.get(reverse("workspace:board"), params)
    assert response.status_code == 200
    board = response.context["board"]
    return {s.key: [item.request.subject for item in s.items] for s in board.sections}, response


@pytest.fixture
def stages(make_request, ministry, government, colleague, org, owner):
    """One request at each stage, on Friday 20 November 2026."""
    made = {}

    def new(key, **fields):
        made[key] = make_request(subject=key, **fields)
        return made[key]

    rec(new("waiting"), "sent", D(2026, 11, 16), channel="email")  # due 1 Dec
    rec(new("due-today"), "sent", D(2026, 11, 5), channel="email")  # due 20 Nov
    rec(new("this-week"), "sent", D(2026, 11, 9), channel="email")  # due 24 Nov
    rec(new("silent"), "sent", D(2026, 11, 2), channel="email")  # due 17 Nov: missed
    r = new("refused", assignee=colleague)
    rec(r, "sent", D(2026, 10, 20), channel="email")
    rec(
        r,
        "refusal",
        D(2026, 11, 9),
        received_on=D(2026, 11, 10),
        decision_number="1/26",
        grounds=["art9_3"],
    )  # appeal by 25 Nov
    r = new("appealed")
    rec(r, "sent", D(2026, 9, 1), channel="email")
    rec(r, "refusal", D(2026, 9, 20), received_on=D(2026, 9, 20), grounds=["art9_5"])
    rec(r, "appeal_filed", D(2026, 10, 1), appeal_ground="refusal", received_on=D(2026, 10, 1))
    r = new("ordered")
    rec(r, "sent", D(2026, 6, 1), channel="email")
    rec(r, "refusal", D(2026, 6, 10), received_on=D(2026, 6, 10), grounds=["art9_3"])
    rec(r, "appeal_filed", D(2026, 6, 15), appeal_ground="refusal", received_on=D(2026, 6, 16))
    rec(
        r,
        "commissioner_decision",
        D(2026, 11, 16),
        received_on=D(2026, 11, 17),
        commissioner_outcome="ordered",
        period_days=5,
    )
    r = new("in-court", authority=government)
    rec(r, "sent", D(2026, 5, 4), channel="email")
    rec(r, "refusal", D(2026, 5, 11), received_on=D(2026, 5, 11), grounds=["art8"])
    rec(r, "lawsuit_filed", D(2026, 5, 20))
    new("draft")
    campaign = Campaign.objects.create(organization=org, title="Kamere", created_by=owner)
    Request.objects.filter(pk=made["this-week"].pk).update(campaign=campaign)
    made["this-week"].campaign = campaign
    return made


def test_each_request_shows_once_in_its_most_urgent_section(stages, editor_client, frozen):
    found, _ = sections(editor_client)
    assert found == {
        "overdue": ["silent"],
        "today": ["due-today"],
        "week": ["ordered", "this-week", "refused"],  # by due date
        "waiting": ["waiting"],
        "correction": [],
        "appeal": [],
        "commissioner": ["appealed"],
        "compliance": [],
        "court": ["in-court"],
        "drafts": ["draft"],
    } | {k: v for k, v in found.items() if k not in SECTION_KEYS}
    shown = [subject for items in found.values() for subject in items]
    assert len(shown) == len(set(shown)) == len(stages)


def test_an_appeal_not_due_this_week_is_under_needs_an_appeal(make_request, editor_client, frozen):
    r = make_request(subject="refused-lately")
    rec(r, "sent", D(2026, 11, 2), channel="email")
    rec(r, "refusal", D(2026, 11, 18), received_on=D(2026, 11, 19), grounds=["art9_3"])
    found, _ = sections(editor_client)
    placed = [key for key, items in found.items() if "refused-lately" in items]
    assert placed == ["appeal"], found


def test_a_long_section_comes_in_pages_that_keep_the_filters(
    make_request, editor_client, colleague, frozen
):
    for i in range(30):
        r = make_request(subject=f"silent-{i:02}", assignee=colleague)
        rec(r, "sent", D(2026, 10, 1), channel="email")
    found, response = sections(editor_client, assignee=colleague.pk)
    overdue = next(s for s in response.context["board"].sections if s.key == "overdue")
    assert len(overdue.items) == 30 and len(overdue.shown) == 25
    assert f"assignee={colleague.pk}" in overdue.next_query
    assert "overdue-page=2" in overdue.next_query
    second = editor_client.get(reverse("workspace:board") + "?" + overdue.next_query)
    overdue = next(s for s in second.context["board"].sections if s.key == "overdue")
    assert len(overdue.shown) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_each_item_has_its_deadline_days_left_and_next_legal_step(stages, editor_client, frozen):
    response = editor_client.get(reverse("workspace:board"))
    board = {s.key: s for s in response.context["board"].sections}
    refused = next(i for i in board["week"].items if i.request.subject == "refused")
    assert refused.deadline.due_on == D(2026, 11, 25)
    assert refused.days_left == 5
    assert refused.step.action == "appeal_decision"
    silent = next(i for i in board["overdue"].items if i.request.subject == "silent")
    assert silent.days_left == -3
    assert silent.step.action in ("appeal_silence", "lawsuit")
    body = response.content.decode()
    assert "5 days left" in body
    assert "3 days overdue" in body


def test_the_board_filters_by_assignee_authority_and_campaign(
    stages, editor_client, colleague, government, frozen
):
    found, _ = sections(editor_client, assignee=colleague.pk)
    assert {s for items in found.values() for s in items} == {"refused"}
    found, _ = sections(editor_client, authority=government.pk)
    assert {s for items in found.values() for s in items} == {"in-court"}
    campaign = stages["this-week"].campaign
    found, _ = sections(editor_client, campaign=campaign.pk)
    assert {s for items in found.values() for s in items} == {"this-week"}


def test_the_board_runs_a_constant_number_of_queries(stages, make_request, editor_client, frozen):
    editor_client.get(reverse("workspace:board"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        editor_client.get(reverse("workspace:board"))
    for i in range(12):
        r = make_request(subject=f"more-{i}")
        rec(r, "sent", D(2026, 11, 2 + i % 5), channel="email")
        if i % 3 == 0:
            rec(r, "refusal", D(2026, 11, 12), received_on=D(2026, 11, 12), grounds=["art9_3"])
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(reverse("workspace:board"))
    assert response.context["board"].total > 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 12


def test_deadlines_met_long_ago_stay_off_the_board(make_request, editor_client, frozen):
    r = make_request(subject="answered")
    rec(r, "sent", D(2026, 10, 1), channel="email")
    rec(r, "answer", D(2026, 10, 10), answer_kind="full")
    found, _ = sections(editor_client)
    assert not any("answered" in items for items in found.values())


def test_a_silent_authority_leaves_the_overdue_list_once_we_appealed(sent, editor_client, frozen):
    rec(sent, "appeal_filed", D(2026, 11, 19), appeal_ground="silence")
    found, _ = sections(editor_client)
    assert sent.subject not in found["overdue"]
    assert found["commissioner"] == [sent.subject]


def test_the_board_is_empty_for_an_outsider(stages, outsider_client, frozen):
    found, _ = sections(outsider_client)
    assert all(items == [] for items in found.values())


def test_non_compliance_recorded_early_asks_for_enforcement_without_being_overdue(
    refused, editor_client, frozen
):
    rec(refused, "appeal_filed", D(2026, 11, 12), appeal_ground="refusal")
    rec(
        refused,
        "commissioner_decision",
        D(2026, 11, 18),
        received_on=D(2026, 11, 19),
        commissioner_outcome="ordered",
        period_days=8,
    )
    rec(refused, "compliance", D(2026, 11, 20), compliance_result="not")
    response = editor_client.get(reverse("workspace:board"))
    board = {s.key: s for s in response.context["board"].sections}
    assert board["overdue"].items == []
    (item,) = board["compliance"].items
    assert item.days_left is None
    assert item.step.action == "enforcement"
