"""The privacy walk: with the demo data, every public URL is visited and none shows a requester's
personal data, an internal note, a non-public event, or anything of an unpublished request."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from foia.models import (
    Authority,
    AuthorityKind,
    Campaign,
    Event,
    Request,
    RequestStatus,
    Topic,
    Visibility,
)
from foia.stats.models import Outcome
from tests.public.conftest import seed_demo

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = (
    "requester_name",
    "requester_address",
    "requester_phone",
    "requester_email",
    "internal_notes",
)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def public_urls(client) -> list[str]:
    """Every public page, list with filters, request, authority, campaign, feed, export and CSV."""
    today = timezone.localdate()
    log = reverse("public:requests")
    urls = [reverse("public:home"), log, reverse("public:data"), reverse("public:authorities")]
    filters = [{"kind": k} for k in AuthorityKind.values]
    filters += [{"status": s} for s in RequestStatus.values]
    filters += [{"outcome": o} for o in Outcome.values]
    filters += [{"topic": t} for t in Topic.objects.values_list("pk", flat=True)]
    filters += [{"campaign": c} for c in Campaign.objects.values_list("pk", flat=True)]
    filters += [{"appealed": "true"}, {"appealed": "false"}, {"overdue": "on"}]
    filters += [{"year": str(today.year)}, {"year": str(today.year - 1)}]
    filters += [{"sort": s} for s in ("-sent", "sent", "-answered", "due")]
    filters += [{"q": q} for q in ("kamere", "Čačak", "Чачак", "Huawei", "beograd", "rešenje")]
    for params in filters:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        urls += [f"{log}?{query}", f"{reverse('public:export_csv')}?{query}"]
        urls.append(f"{reverse('public:export_json')}?{query}")
    pages = client.get(log).context["page"].paginator.num_pages
    urls += [f"{log}?page={n}" for n in range(1, pages + 1)]
    urls += [reverse("public:export_csv"), reverse("public:export_json")]
    urls += [
        reverse("public:request", args=[pk]) for pk in Request.objects.values_list("pk", flat=True)
    ]
    for pk in Authority.objects.values_list("pk", flat=True):
        urls += [
            reverse("public:authority", args=[pk]),
            reverse("public:authority_feed", args=[pk]),
            f"{reverse('public:dashboard')}?authority={pk}",
            f"{log}?authority={pk}",
        ]
    urls += [
        reverse("public:campaign", args=[pk])
        for pk in Campaign.objects.values_list("pk", flat=True)
    ]
    urls += [
        f"{reverse('public:dashboard')}?campaign={pk}"
        for pk in Campaign.objects.filter(is_public=True).values_list("pk", flat=True)
    ]
    urls += [reverse("public:feed"), reverse("public:dashboard")]
    scopes = [""] + [f"?kind={k}" for k in AuthorityKind.values]
    urls += [f"{reverse('public:dashboard')}{scope}" for scope in scopes]
    tables = [t.slug for t in client.get(reverse("public:dashboard")).context["tables"]]
    for scope in scopes:
        urls += [reverse("public:dashboard_csv", args=[slug]) + scope for slug in tables]
    for letter in "abcdgkmnoprsvz":
        urls.append(f"{reverse('public:authorities')}?q={letter}")
    return urls


def forbidden_strings() -> set[str]:
    secrets = set()
    for request in Request.objects.all():
        for name in PRIVATE_FIELDS:
            value = getattr(request, name).strip()
            if value:
                secrets.add(value)
    # Texts of events that are not public (unless the same words were also published).
    public_texts = set(Event.objects.filter(is_public=True).values_list("text", flat=True))
    for text in (
        Event.objects.filter(is_public=False).exclude(text="").values_list("text", flat=True)
    ):
        if text not in public_texts:
            secrets.add(text)
    return secrets


def test_no_public_url_shows_private_data_or_unpublished_requests(client):
    seed_demo()
    today = timezone.localdate()
    published = set(Request.objects.published(today).values_list("pk", flat=True))
    hidden = set(Request.objects.values_list("pk", flat=True)) - published
    # The demo has every kind of hidden request: private, future embargo, and a draft-like case.
    assert Request.objects.filter(pk__in=hidden, visibility=Visibility.PRIVATE).exists()
    assert Request.objects.filter(
        pk__in=hidden, visibility=Visibility.EMBARGOED, embargo_until__gt=today
    ).exists()
    secrets = forbidden_strings()
    assert len(secrets) > 20
    alternatives = "|".join(str(pk) for pk in sorted(hidden))
    hidden_links = re.compile(rf"/requests/({alternatives})/")

    urls = public_urls(client)
    assert len(urls) > 400
    for url in urls:
        response = client.get(url)
        if url.startswith("/requests/") and url.rstrip("/").split("/")[-1].isdigit():
            pk = int(url.rstrip("/").split("/")[-1])
            assert response.status_code == (200 if pk in published else 404), url
            if pk not in published:
                continue
        else:
            # A filter value the public log does not offer (status=draft) is refused with 400.
            assert response.status_code == 200 or ("?" in url and response.status_code == 400), url
        text = body(response)
        for secret in secrets:
            assert secret not in text and html.escape(secret) not in text, (url, secret)
        assert not hidden_links.search(text), (url, hidden_links.search(text).group(0))
        if "export.json" in url and response.status_code == 200:
            ids = {row["id"] for row in json.loads(text)["requests"]}
            assert ids <= published, url


def test_the_counts_count_only_published_requests(client):
    seed_demo()
    today = timezone.localdate()
    published = Request.objects.published(today)
    total = published.count()
    assert client.get(reverse("public:requests")).context["page"].paginator.count == total
    assert client.get(reverse("public:dashboard")).context["figures"].requests == total
    assert client.get(reverse("public:home")).context["numbers"].figures.requests == total
    exported = json.loads(body(client.get(reverse("public:export_json"))))["requests"]
    assert len(exported) == total
    campaign = Campaign.objects.get(is_public=True)
    response = client.get(reverse("public:campaign", args=[campaign.pk]))
    assert response.context["total"] == published.filter(campaign=campaign).count()
    assert published.filter(campaign=campaign).count() < campaign.requests.count()


def test_unpublished_requests_are_in_no_list_feed_or_export(client):
    seed_demo()
    today = timezone.localdate()
    hidden = Request.objects.exclude(pk__in=Request.objects.published(today))
    feed = body(client.get(reverse("public:feed")))
    exported = body(client.get(reverse("public:export_csv")))
    listed = set()
    log = reverse("public:requests")
    pages = client.get(log).context["page"].paginator.num_pages
    for n in range(1, pages + 1):
        listed |= {row.request_id for row in client.get(log, {"page": n}).context["rows"]}
    for request in hidden:
        assert request.pk not in listed
        assert f"/requests/{request.pk}/" not in feed
        assert f"/requests/{request.pk}/," not in exported
