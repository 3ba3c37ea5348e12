"""Every list endpoint of the API runs the same number of SQL queries whatever the data size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.public.test_query_counts import grow

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


def urls(story, topic) -> list[str]:
    authority = story.refused.authority_id
    campaign = story.refused.campaign_id
    return [
        "/api/v1/requests/",
        "/api/v1/requests/?q=kamere&sort=-answered",
        "/api/v1/requests/?kind=city&status=answered&outcome=full&year=2026",
        f"/api/v1/requests/?topic={topic.pk}&campaign={campaign}&appealed=true&overdue=true",
        f"/api/v1/requests/?authority={authority}&sort=due",
        f"/api/v1/requests/{story.refused.pk}/",
        "/api/v1/authorities/",
        "/api/v1/authorities/?q=grad&kind=city",
        f"/api/v1/authorities/{authority}/",
        "/api/v1/campaigns/",
        f"/api/v1/campaigns/{campaign}/",
        "/api/v1/figures/",
        "/api/v1/figures/?kind=city",
        f"/api/v1/figures/authorities/{authority}/",
        f"/api/v1/figures/campaigns/{campaign}/",
    ]


def token_urls() -> list[str]:
    return [
        "/api/v1/workspace/requests/",
        "/api/v1/workspace/requests/?status=answered",
        "/api/v1/workspace/deadlines/?within=60",
    ]


def test_every_api_list_runs_a_constant_number_of_queries(
    api, story, topic, sent, owner, make_token, no_throttle
):
    public = urls(story, topic)
    raw = make_token(owner)
    before = [queries(api, url) for url in public]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.get("/api/v1/workspace/requests/")  # the first use of a token records it (one UPDATE)
    before_token = [queries(api, url) for url in token_urls()]
    api.credentials()
    grow(sent, story, topic, 12)
    after = [queries(api, url) for url in public]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    after_token = [queries(api, url) for url in token_urls()]
    report = list(
        zip(public + token_urls(), before + before_token, after + after_token, strict=True)
    )
    assert before + before_token == after + after_token, [r for r in report if r[1] != r[2]]
    assert max(after + after_token) <= 14, report


def test_the_organisations_request_detail_costs_the_same_for_a_long_timeline(
    api, story, owner, make_token
):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(owner)}")
    api.get("/api/v1/workspace/requests/")  # the first use of a token records it (one UPDATE)
    short = queries(api, f"/api/v1/workspace/requests/{story.silent.pk}/")
    long = queries(api, f"/api/v1/workspace/requests/{story.refused.pk}/")
    assert short == long
