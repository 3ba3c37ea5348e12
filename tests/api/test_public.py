"""The public API: the log, one request, authorities, campaigns and figures, anonymously."""

from __future__ import annotations

import re

import pytest

from foia.models import AppealRoute, Authority, AuthorityKind
from foia.public import selectors
from foia.stats import figures as stats

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_the_request_list_shows_exactly_the_published_requests(api, story):
    response = api.get("/api/v1/requests/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert sorted(ids(response)) == sorted(r.pk for r in story.published)


def test_refused_requests_of_one_authority_use_the_public_logs_filters(api, story, ministry):
    response = api.get(f"/api/v1/requests/?authority={ministry.pk}&outcome=refused")
    assert ids(response) == [story.refused.pk]
    item = response.json()["results"][0]
    assert item["authority"] == {"id": ministry.pk, "name": ministry.name}
    assert item["outcome"] == "refused"
    assert item["sent_on"] == "2026-09-01"


def test_search_folds_scripts_like_the_public_log(api, story):
    latin = ids(api.get("/api/v1/requests/?q=kamere"))
    cyrillic = ids(api.get("/api/v1/requests/?q=камере"))
    assert story.answered.pk in latin
    assert latin == cyrillic


def test_an_invalid_filter_is_a_400_naming_the_field(api, story):
    response = api.get("/api/v1/requests/?status=eaten&authority=²")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert "authority" in error["fields"]


def test_a_huge_id_is_not_found_rather_than_an_error(api, story):
    assert api.get(f"/api/v1/requests/{2**70}/").status_code == 404
    assert api.get(f"/api/v1/authorities/{2**64}/").status_code == 404
    response = api.get(f"/api/v1/requests/?authority={2**64}")
    assert response.status_code == 400


def test_a_path_with_a_line_break_is_a_json_404(api):
    response = api.post("/api/v1/workspace/requests/a%0Ab/events/1/retract/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["status"] == 404


def test_cursor_pages_walk_forward_and_back_without_gaps(api, story):
    first = api.get("/api/v1/requests/?page_size=1&sort=-sent").json()
    seen = [first["results"][0]["id"]]
    page = first
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]
    assert len(seen) == len(set(seen)) == len(story.published)
    back = api.get(page["previous"]).json()
    assert back["results"][0]["id"] == seen[-2]
    assert api.get("/api/v1/requests/?cursor=bm9wZQ").status_code == 400


def test_one_request_with_timeline_deadlines_and_legal_basis_in_both_languages(api, story):
    response = api.get(f"/api/v1/requests/{story.refused.pk}/")
    assert response.status_code == 200
    body = response.json()
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == ["sent", "refusal", "appeal_filed", "commissioner_decision"]
    refusal = body["timeline"][1]
    assert refusal["grounds"] == ["art9_3", "art14"]
    assert {d["state"] for d in body["deadlines"]} <= {"open", "met", "missed"}
    basis = body["deadlines"][0]["legal_basis"]
    assert set(basis) == {"en", "sr_latn", "sr"}
    assert basis["en"].startswith("ZSPIJZ") or "Art" in basis["en"]
    assert basis["sr_latn"] != basis["en"]  # translated, not echoed
    assert body["campaign"]["id"] == story.refused.campaign_id
    assert response["ETag"]
    assert response["Last-Modified"]


def test_an_unpublished_request_is_not_found(api, story):
    for request in story.hidden:
        assert api.get(f"/api/v1/requests/{request.pk}/").status_code == 404


def test_a_client_with_the_current_etag_gets_304(api, story):
    url = f"/api/v1/requests/{story.answered.pk}/"
    first = api.get(url)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    stale = api.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_authorities_with_their_appeal_route_and_figures(api, story, ministry, city):
    government = Authority.objects.create(
        name="Vlada Republike Srbije", kind=AuthorityKind.GOVERNMENT
    )
    listed = api.get("/api/v1/authorities/?q=cacak").json()["results"]
    assert [a["id"] for a in listed] == [city.pk]
    assert listed[0]["published_requests"] == 1
    body = api.get(f"/api/v1/authorities/{government.pk}/").json()
    assert body["appeal_route"] == AppealRoute.ADMINISTRATIVE_COURT
    assert body["no_appeal"] is True
    body = api.get(f"/api/v1/authorities/{ministry.pk}/").json()
    assert body["appeal_route"] == AppealRoute.COMMISSIONER
    assert body["published_requests"] == 2  # the refused one and the one whose embargo ended
    assert body["figures"]["requests"] == 2
    assert body["figures"]["counts"]["appealed"] == 1


def test_a_public_campaign_with_each_authoritys_state(api, story, campaign):
    assert ids(api.get("/api/v1/campaigns/")) == [campaign.pk]
    body = api.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    states = {row["request"]: row for row in body["requests"]}
    assert set(states) == {story.refused.pk, story.answered.pk, story.silent.pk}
    assert states[story.answered.pk]["outcome"] == "full"
    assert states[story.silent.pk]["silent"] is True  # due 5 November, no answer
    assert body["figures"]["requests"] == 3


def test_a_private_campaign_is_not_found(api, org):
    from foia.models import Campaign

    hidden = Campaign.objects.create(organization=org, title="Interna", is_public=False)
    assert api.get(f"/api/v1/campaigns/{hidden.pk}/").status_code == 404
    assert ids(api.get("/api/v1/campaigns/")) == []


def test_the_figures_are_the_dashboards_numbers(api, story):
    body = api.get("/api/v1/figures/").json()
    board = stats.dashboard(selectors.today())
    assert body["overall"]["counts"] == board.overall.counts
    assert body["overall"]["silent"] == board.overall.silent
    assert body["overall"]["requests"] == board.overall.requests == len(story.published)
    by_kind = api.get("/api/v1/figures/?kind=city").json()
    assert by_kind["overall"]["requests"] == 1
    assert api.get("/api/v1/figures/?kind=nope").status_code == 400


def test_figures_of_an_authority_and_a_campaign(api, story, ministry, campaign):
    body = api.get(f"/api/v1/figures/authorities/{ministry.pk}/").json()
    assert body["scope"] == "authority" and body["figures"]["requests"] == 2
    body = api.get(f"/api/v1/figures/campaigns/{campaign.pk}/").json()
    assert body["scope"] == "campaign" and body["figures"]["requests"] == 3


def test_bursts_get_429_with_retry_after(api, story, monkeypatch):
    from foia.api import throttling

    monkeypatch.setattr(throttling.ClientBurstThrottle, "rate", "3/min", raising=False)
    monkeypatch.setattr(
        throttling.ClientBurstThrottle,
        "THROTTLE_RATES",
        {"burst": "3/min", "sustained": "1000/hour"},
    )
    codes = [api.get("/api/v1/authorities/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    response = api.get("/api/v1/authorities/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_the_reference_page_is_served_from_our_static_files(api, client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn." not in html and "unpkg" not in html


def test_the_reference_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(client):
    assert client.get("/api/v1/redoc/")["Location"] == "/api/v1/docs/"
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://" not in html and "http://" not in html  # no CDN, no web fonts
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # every script is a file
    directives = dict(
        part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_the_swagger_start_up_script_is_served_by_the_view(client):
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
