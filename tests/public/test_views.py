"""The public pages: anonymous, stable URLs, only published requests, the whole story."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foia.models import Campaign
from tests.public.conftest import D

pytestmark = pytest.mark.django_db


def get(client, name, *args, **params):
    return client.get(reverse(f"public:{name}", args=args), params)


def subjects(response) -> set[str]:
    return {row.request.subject for row in response.context["rows"]}


def test_every_page_answers_anonymous_visitors(client, story):
    pages = [
        ("home", ()),
        ("requests", ()),
        ("request", (story.refused.pk,)),
        ("authorities", ()),
        ("authority", (story.refused.authority_id,)),
        ("campaign", (story.refused.campaign_id,)),
        ("dashboard", ()),
        ("data", ()),
        ("feed", ()),
        ("authority_feed", (story.refused.authority_id,)),
        ("export_csv", ()),
        ("export_json", ()),
    ]
    for name, args in pages:
        assert get(client, name, *args).status_code == 200, name


def test_the_log_lists_only_published_requests(client, story):
    response = get(client, "requests")
    assert subjects(response) == {r.subject for r in story.published}
    assert response.context["page"].paginator.count == 4


def test_unpublished_requests_are_not_found(client, story):
    for request in story.hidden:
        assert get(client, "request", request.pk).status_code == 404
    assert get(client, "request", story.embargo_over.pk).status_code == 200


def test_a_log_row_shows_authority_dates_status_and_days_early_or_late(client, story):
    response = get(client, "requests")
    rows = {row.request.subject: row for row in response.context["rows"]}
    answered = rows["Kamere na raskrsnicama"]
    assert answered.timing.css == "early" and answered.timing.days == 7
    assert rows["Budžet za javnu rasvetu"].timing.css == "silent"
    html = response.content.decode()
    assert "Grad Čačak" in html and "7 days early" in html
    assert "silent, 16 days past the deadline" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "city"}, {"Kamere na raskrsnicama"}),
        ({"status": "ordered"}, {"Sigurni grad: ugovor sa kompanijom Huawei"}),
        ({"outcome": "refused"}, {"Sigurni grad: ugovor sa kompanijom Huawei"}),
        (
            {"outcome": "none", "overdue": "on"},
            {"Budžet za javnu rasvetu", "Embargo istekao: nabavka dronova"},
        ),
        ({"appealed": "true"}, {"Sigurni grad: ugovor sa kompanijom Huawei"}),
        ({"year": "2026", "kind": "municipality"}, {"Budžet za javnu rasvetu"}),
        ({"year": "2019"}, set()),
    ],
)
def test_the_log_filters(client, story, params, expected):
    assert subjects(get(client, "requests", **params)) == expected


def test_the_log_filters_by_topic_campaign_and_authority(client, story, topic):
    assert subjects(get(client, "requests", topic=topic.pk)) == {story.refused.subject}
    campaign = story.refused.campaign
    assert subjects(get(client, "requests", campaign=campaign.pk)) == {
        story.refused.subject,
        story.answered.subject,
        story.silent.subject,
    }
    response = get(client, "requests", authority=story.answered.authority_id)
    assert subjects(response) == {story.answered.subject}
    assert response.context["authority"].name == "Grad Čačak"


def test_a_private_campaign_is_not_a_filter_choice(client, story, org):
    hidden = Campaign.objects.create(organization=org, title="Interna kampanja", is_public=False)
    response = get(client, "requests", campaign=hidden.pk)
    assert "campaign" in response.context["filterset"].form.errors
    assert "Interna kampanja" not in response.content.decode()


def test_the_log_sorts_and_pages(client, story, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    newest = get(client, "requests")
    assert [r.request_id for r in newest.context["rows"]] == [
        story.silent.pk,
        story.embargo_over.pk,
    ]
    oldest = get(client, "requests", sort="sent")
    assert [r.request_id for r in oldest.context["rows"]] == [story.refused.pk, story.answered.pk]
    assert get(client, "requests", page=2).status_code == 200
    assert get(client, "requests", page=3).status_code == 404
    assert get(client, "requests", page="x").status_code == 200


def test_a_filter_it_cannot_read_is_reported_and_ignored(client, story):
    response = get(client, "requests", status="nonsense", kind="city")
    assert response.status_code == 200
    assert "status" in response.context["filterset"].form.errors
    assert subjects(response) == {"Kamere na raskrsnicama"}


def test_the_request_page_tells_the_whole_story(client, story):
    html = get(client, "request", story.refused.pk).content.decode()
    for text in [
        "Refusal (decision)",
        "01-4512/2026-2",
        "Art. 9 item 3",
        "Art. 14 — privacy",
        "Appeal filed",
        "Ordered to grant access",
        "071-01-2381/2026-03",
        "ZSPIJZ Art. 16(1)",  # every deadline with its legal basis
        "ZSPIJZ Art. 24",
        "Met",
        "Appeal to the Commissioner",
        "The law, in plain words",
        "Informacije su označene stepenom tajnosti.",
    ]:
        assert text in html, text


def test_the_request_page_shows_a_missed_deadline(client, story):
    html = get(client, "request", story.silent.pk).content.decode()
    assert "Missed" in html
    assert "silent, 16 days past the deadline" in html


def test_non_public_events_stay_off_the_request_page(client, story):
    story.answer.is_public = False
    story.answer.save()
    html = get(client, "request", story.answered.pk).content.decode()
    assert "Dostavljamo ugovor za 24 kamere." not in html


def test_the_authority_page_shows_its_requests_figures_and_appeal_route(client, story, government):
    response = get(client, "authority", story.refused.authority_id)
    html = response.content.decode()
    assert story.refused.subject in html
    assert "Appeal to the Commissioner" in html
    assert response.context["figures"].requests == 2  # the refused one and the embargo that ended
    html = get(client, "authority", government.pk).content.decode()
    assert "Lawsuit at the Administrative Court (no appeal lies)" in html


def test_the_authority_directory_finds_names_without_diacritics(client, story):
    for query in ("Cacak", "čačak", "Чачак"):
        response = get(client, "authorities", q=query)
        assert [a.name for a, _n in response.context["rows"]] == ["Grad Čačak"], query
    response = get(client, "authorities", kind="municipality")
    assert [(a.name, n) for a, n in response.context["rows"]] == [("Opština Inđija", 1)]


def test_the_campaign_page_groups_who_answered_refused_and_is_silent(client, story):
    response = get(client, "campaign", story.refused.campaign_id)
    groups = response.context["groups"]
    assert [r.request_id for r in groups["answered"].rows] == [story.answered.pk]
    assert [r.request_id for r in groups["refused"].rows] == [story.refused.pk]
    assert [r.request_id for r in groups["silent"].rows] == [story.silent.pk]
    assert response.context["total"] == 3  # the embargoed one is not counted
    html = response.content.decode()
    assert "Art. 9 item 3" in html and "16 days past the deadline" in html


def test_a_private_campaign_is_not_found(client, org):
    hidden = Campaign.objects.create(organization=org, title="Interna", is_public=False)
    assert get(client, "campaign", hidden.pk).status_code == 404


def test_unknown_things_are_not_found(client, story):
    assert get(client, "request", 99999).status_code == 404
    assert get(client, "authority", 99999).status_code == 404
    assert get(client, "campaign", 99999).status_code == 404
    assert get(client, "authority_feed", 99999).status_code == 404
    assert get(client, "dashboard", authority="x").status_code == 404
    assert get(client, "dashboard_csv", "nonsense").status_code == 404


def test_the_pages_refuse_writes(client, story):
    assert client.post(reverse("public:requests")).status_code == 405


def test_the_home_page_shows_headline_numbers_and_latest_responses(client, story):
    response = get(client, "home")
    numbers = response.context["numbers"]
    assert numbers.figures.requests == 4
    assert numbers.authorities == 3
    assert numbers.figures.silent == 2  # the municipality, and the embargo that ended
    latest = [e.pk for e in response.context["latest"]]
    assert story.answer.pk in latest and story.refusal.pk in latest


def test_the_language_switch_serves_english_and_serbian(client, story):
    client.post(reverse("set_language"), {"language": "en", "next": "/requests/"})
    assert '<html lang="en">' in get(client, "requests").content.decode()
    client.post(reverse("set_language"), {"language": "sr-latn", "next": "/requests/"})
    assert '<html lang="sr-latn">' in get(client, "requests").content.decode()


def test_a_broad_search_is_counted_up_to_a_cap(client, story, monkeypatch):
    from foia.public import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 1)
    response = get(client, "requests", q="ugovor")
    paginator = response.context["page"].paginator
    assert paginator.capped and paginator.count == 1
    assert "More than 1 requests" in response.content.decode()
    assert not get(client, "requests").context["page"].paginator.capped


def test_a_large_public_campaign_is_shown_a_page_at_a_time_in_constant_queries(
    client, frozen, sent, campaign, city
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def silent_ones(n):
        for _ in range(n):
            sent(D(2026, 9, 1), campaign=campaign, authority=city)

    silent_ones(3)
    with CaptureQueriesContext(connection) as few:
        get(client, "campaign", campaign.pk)
    silent_ones(60)
    with CaptureQueriesContext(connection) as many:
        response = get(client, "campaign", campaign.pk)
    assert len(many) == len(few)
    silent = response.context["groups"]["silent"]
    assert silent.count == 63 and len(silent.rows) == 50
    assert "silent-page=2" in silent.next_query
    second = client.get(reverse("public:campaign", args=[campaign.pk]) + "?" + silent.next_query)
    assert len(second.context["groups"]["silent"].rows) == 13
