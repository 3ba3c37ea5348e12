"""Every public page runs the same number of SQL queries whatever the size of the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foia.models import Authority, AuthorityKind
from tests.public.conftest import D, rec

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def pages(story, topic) -> list[tuple[str, dict]]:
    authority = story.refused.authority_id
    campaign = story.refused.campaign_id
    return [
        (reverse("public:home"), {}),
        (reverse("public:requests"), {}),
        (reverse("public:requests"), {"q": "kamere Čačak", "sort": "-answered"}),
        (
            reverse("public:requests"),
            {"kind": "city", "status": "answered", "outcome": "full", "year": "2026"},
        ),
        (
            reverse("public:requests"),
            {"topic": topic.pk, "campaign": campaign, "appealed": "true", "overdue": "on"},
        ),
        (reverse("public:requests"), {"authority": authority, "page": "1"}),
        (reverse("public:request", args=[story.refused.pk]), {}),
        (reverse("public:authorities"), {}),
        (reverse("public:authorities"), {"q": "grad", "kind": "city"}),
        (reverse("public:authority", args=[authority]), {}),
        (reverse("public:campaign", args=[campaign]), {}),
        (reverse("public:dashboard"), {}),
        (reverse("public:dashboard"), {"kind": "city"}),
        (reverse("public:dashboard"), {"authority": authority}),
        (reverse("public:dashboard_csv", args=["trend"]), {}),
        (reverse("public:feed"), {}),
        (reverse("public:authority_feed", args=[authority]), {}),
        (reverse("public:export_csv"), {"kind": "city"}),
        (reverse("public:export_json"), {}),
        (reverse("public:data"), {}),
    ]


def grow(sent, story, topic, n: int) -> None:
    """n more requests to new authorities, in the same campaign, with answers and refusals."""
    for i in range(n):
        authority = Authority.objects.create(
            name=f"Grad Broj {i}", kind=AuthorityKind.CITY if i % 2 else AuthorityKind.MUNICIPALITY
        )
        for j in range(2):
            request = sent(
                D(2026, 8 + j, 1 + i),
                authority=authority if j else story.refused.authority,
                subject=f"Kamere {i}-{j}",
                campaign=story.refused.campaign,
            )
            request.topics.add(topic)
            if i % 3 == 0:
                rec(
                    request,
                    "answer",
                    D(2026, 8 + j, 5 + i),
                    answer_kind="full",
                    channel="email",
                    text="Kamere",
                )
            elif i % 3 == 1:
                refusal = rec(
                    request,
                    "refusal",
                    D(2026, 8 + j, 6 + i),
                    grounds=["art9_3", "art14"],
                    channel="email",
                    received_on=D(2026, 8 + j, 6 + i),
                )
                rec(
                    request,
                    "appeal_filed",
                    D(2026, 8 + j, 10 + i),
                    appeal_ground="refusal",
                    related_event=refusal,
                    channel="email",
                    received_on=D(2026, 8 + j, 10 + i),
                )
    # And more events on the request whose page is measured.
    rec(story.refused, "compliance", D(2026, 11, 6), compliance_result="partly", text="Delimično.")


def test_every_public_page_runs_a_constant_number_of_queries(client, story, topic, sent):
    urls = pages(story, topic)
    before = [queries(client, url, **params) for url, params in urls]
    grow(sent, story, topic, 12)
    after = [queries(client, url, **params) for url, params in urls]
    report = [(url, params, b, a) for (url, params), b, a in zip(urls, before, after, strict=True)]
    assert before == after, "\n".join(f"{u} {p}: {b} → {a}" for u, p, b, a in report if b != a)
    # Small numbers too: no page is a query storm.
    assert max(after) <= 12, report


def test_a_long_timeline_costs_no_more_queries_than_a_short_one(client, story):
    short = queries(client, reverse("public:request", args=[story.silent.pk]))
    long = queries(client, reverse("public:request", args=[story.refused.pk]))
    assert short == long
