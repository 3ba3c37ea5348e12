"""The privacy walk over the API: with the demo data, every public API endpoint (lists with every
filter, every page, every request, authority and campaign, the figures) is read anonymously and
none shows a requester's personal data, an internal note, a non-public event or document, or
anything of an unpublished request."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from foia.models import (
    Attachment,
    Authority,
    AuthorityKind,
    Campaign,
    Event,
    Request,
    RequestStatus,
    Topic,
)
from foia.stats.models import Outcome
from tests.public.conftest import seed_demo
from tests.public.test_privacy import forbidden_strings

pytestmark = pytest.mark.django_db


def walk(api, url: str, seen: list[str]) -> list[dict]:
    """GET url and every following page; returns the items."""
    items = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
        body = response.json()
        items += body["results"]
        url = body["next"]
    return items


def test_no_api_endpoint_shows_private_data_or_unpublished_requests(api, no_throttle):
    seed_demo()
    today = timezone.localdate()
    published = set(Request.objects.published(today).values_list("pk", flat=True))
    hidden = set(Request.objects.values_list("pk", flat=True)) - published
    assert hidden and published
    secrets = forbidden_strings()
    assert len(secrets) > 20
    bodies: list[str] = []

    filters = [{}]
    filters += [{"kind": k} for k in AuthorityKind.values]
    filters += [{"status": s} for s in RequestStatus.values if s != "draft"]
    filters += [{"outcome": o} for o in Outcome.values]
    filters += [{"topic": t} for t in Topic.objects.values_list("pk", flat=True)]
    filters += [
        {"campaign": c}
        for c in Campaign.objects.filter(is_public=True).values_list("pk", flat=True)
    ]
    filters += [{"appealed": "true"}, {"appealed": "false"}, {"overdue": "true"}]
    filters += [{"sort": s} for s in ("-sent", "sent", "-answered", "due")]
    filters += [{"q": q} for q in ("kamere", "Čačak", "Чачак", "Huawei", "beograd", "rešenje")]
    # Every page of the whole log, small pages; each filter in large pages.
    listed = {item["id"] for item in walk(api, "/api/v1/requests/?page_size=7", bodies)}
    assert listed == published
    for params in filters:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        items = walk(api, f"/api/v1/requests/?page_size=200&{query}", bodies)
        assert {item["id"] for item in items} <= published, params

    for pk in Request.objects.values_list("pk", flat=True):
        response = api.get(f"/api/v1/requests/{pk}/")
        assert response.status_code == (200 if pk in published else 404), pk
        if pk in published:
            bodies.append(response.content.decode())
            body = response.json()
            shown_events = {e["id"] for e in body["timeline"]}
            assert shown_events <= set(
                Event.objects.filter(request_id=pk, is_public=True).values_list("pk", flat=True)
            )
            shown_docs = {d["id"] for d in body["documents"]}
            shown_docs |= {d["id"] for e in body["timeline"] for d in e["documents"]}
            assert shown_docs <= set(
                Attachment.objects.filter(request_id=pk, is_public=True).values_list(
                    "pk", flat=True
                )
            )

    walk(api, "/api/v1/authorities/?page_size=50", bodies)
    for pk in Authority.objects.values_list("pk", flat=True):
        for url in (f"/api/v1/authorities/{pk}/", f"/api/v1/figures/authorities/{pk}/"):
            response = api.get(url)
            assert response.status_code == 200, url
            bodies.append(response.content.decode())
    campaigns = walk(api, "/api/v1/campaigns/", bodies)
    assert {c["id"] for c in campaigns} == set(
        Campaign.objects.filter(is_public=True).values_list("pk", flat=True)
    )
    for campaign in Campaign.objects.all():
        for url in (
            f"/api/v1/campaigns/{campaign.pk}/",
            f"/api/v1/figures/campaigns/{campaign.pk}/",
        ):
            response = api.get(url)
            assert response.status_code == (200 if campaign.is_public else 404), url
            if response.status_code == 200:
                bodies.append(response.content.decode())
                for row in response.json().get("requests", []):
                    assert row["request"] in published
    for scope in ["", *[f"?kind={k}" for k in AuthorityKind.values]]:
        bodies.append(api.get(f"/api/v1/figures/{scope}").content.decode())
    # The organisation's API is closed without a token.
    assert api.get("/api/v1/workspace/requests/").status_code == 401

    assert len(bodies) > 200
    for text in bodies:
        decoded = json.dumps(json.loads(text), ensure_ascii=False)
        for secret in secrets:
            assert secret not in decoded, secret
        for field in ("requester_name", "requester_email", "internal_notes", "requester_phone"):
            assert f'"{field}"' not in decoded
