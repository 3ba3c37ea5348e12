"""The dashboard's figures: right on a story told by hand, equal by both roads (rollups and a
live count), careful with small samples, and every chart with its table and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import pytest
import time_machine
from django.urls import reverse

from foia.models import Authority, AuthorityKind
from foia.stats import figures as stats
from foia.stats.figures import percentile, percentile_from_histogram, published_facts, wilson
from tests.public.conftest import TODAY, D, rec, seed_demo

pytestmark = pytest.mark.django_db


def same_figures(a: stats.Figures, b: stats.Figures) -> None:
    assert a.counts == b.counts
    assert (a.silent, a.commissioner_overdue) == (b.silent, b.commissioner_overdue)
    for name in ("median_days", "p90_days", "commissioner_median_days"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None and y is None) or math.isclose(x, y), name


def test_the_figures_of_a_story_told_by_hand(story):
    f = stats.dashboard(TODAY).overall
    assert f.requests == 4
    assert (f.on_time, f.late, f.silent, f.waiting) == (2, 0, 2, 0)
    assert f.on_time_rate == 0.5 and f.silence_rate == 0.5
    assert f.median_days == 8.5  # 9 days (refusal) and 8 days (answer), from receipt
    assert math.isclose(f.p90_days, 8.9)
    assert f.outcome_refused == 1 and f.outcome_full == 1
    assert f.ground_art9_3 == 1 and f.ground_art14 == 1
    assert (f.appealed, f.commissioner_decided, f.commissioner_ordered) == (1, 1, 1)
    assert f.commissioner_median_days == 37 and f.commissioner_in_time_rate == 1
    assert (f.orders, f.awaiting_compliance) == (1, 1)


def test_the_rollups_and_a_live_count_agree(story):
    facts = published_facts(TODAY)
    same_figures(stats.dashboard(TODAY).overall, stats.live_figures(facts, TODAY))
    board = stats.dashboard(TODAY, kind=AuthorityKind.CITY)
    same_figures(board.overall, stats.live_figures(facts.filter(authority_kind="city"), TODAY))


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC),  # the first of a month
        dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC),  # its last day
        dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC),  # months later
    ],
)
def test_the_demo_figures_agree_by_both_roads_whatever_the_day(moment):
    seed_demo()
    with time_machine.travel(moment, tick=False):
        today = moment.date()
        facts = published_facts(today)
        board = stats.dashboard(today)
        same_figures(board.overall, stats.live_figures(facts, today))
        for code, _label, figures in board.by_kind:
            same_figures(figures, stats.live_figures(facts.filter(authority_kind=code), today))
        assert board.trend == stats.live_trend(facts, today)


def test_wilson_intervals_match_the_textbook():
    low, high = wilson(8, 10)
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943
    assert wilson(0, 0) is None
    assert wilson(1, 1)[0] < wilson(20, 20)[0]  # one lucky answer ranks below twenty


def test_percentiles_interpolate_like_percentile_cont():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert math.isclose(percentile([10, 20], 0.9), 19.0)
    assert percentile([], 0.5) is None
    assert percentile_from_histogram([(1, 3), (5, 1)], 0.5) == 1
    assert percentile_from_histogram([(1, 2), (5, 2)], 0.5) == 3


@pytest.fixture
def three_bodies(frozen, sent, ministry):
    """A body always on time (6), one on time once (1), one always silent (6)."""
    punctual = Authority.objects.create(name="Grad Punktualni", kind=AuthorityKind.CITY)
    lucky = Authority.objects.create(name="Opština Srećna", kind=AuthorityKind.MUNICIPALITY)
    silent = Authority.objects.create(name="Grad Tihi", kind=AuthorityKind.CITY)
    for i in range(6):
        r = sent(D(2026, 9, 1 + i), authority=punctual)
        rec(r, "answer", D(2026, 9, 10 + i), answer_kind="full", channel="email")
        sent(D(2026, 9, 1 + i), authority=silent)
    r = sent(D(2026, 9, 1), authority=lucky)
    rec(r, "answer", D(2026, 9, 2), answer_kind="full", channel="email")
    return punctual, lucky, silent


def test_the_ranking_uses_the_lower_bound_and_skips_small_samples(three_bodies):
    punctual, lucky, silent = three_bodies
    board = stats.dashboard(TODAY, min_requests=2)
    assert [r.name for r in board.best] == ["Grad Punktualni", "Grad Tihi"]
    assert [r.name for r in board.worst] == []  # two ranked bodies: both shown once
    assert (board.ranked, board.unranked) == (2, 1)
    board = stats.dashboard(TODAY, min_requests=1, top=1)
    assert [r.name for r in board.best] == ["Grad Punktualni"]
    assert [r.name for r in board.worst] == ["Grad Tihi"]
    lucky_rank = stats.dashboard(TODAY, min_requests=1).best
    assert [r.name for r in lucky_rank] == ["Grad Punktualni", "Opština Srećna", "Grad Tihi"]
    assert lucky_rank[1].requests == 1 and lucky_rank[1].rate == 1.0


def test_the_dashboard_draws_each_chart_with_its_table_and_csv(client, story, settings):
    settings.PUBLIC_RANKING_MIN_REQUESTS = 1  # the story's bodies are ranked too
    response = client.get(reverse("public:dashboard"))
    html = response.content.decode()
    assert html.count("<svg") >= 8
    # Charts are SVG drawn on the server: no inline script (the site's one static file only).
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    for table in response.context["tables"]:
        assert f'id="{table.slug}"' in html
        assert reverse("public:dashboard_csv", args=[table.slug]) in html
    assert '<th scope="col">' in html and '<th scope="row">' in html


def test_a_dashboard_csv_holds_the_tables_numbers(client, story):
    response = client.get(reverse("public:dashboard_csv", args=["outcomes"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["First answer", "Requests", "Share of the answered"]
    assert ["Refused", "1", "0.5"] in rows
    response = client.get(reverse("public:dashboard_csv", args=["summary"]), {"kind": "city"})
    assert "dashboard-summary-kind-city.csv" in response["Content-Disposition"]
    rows = dict(csv.reader(io.StringIO(response.content.decode())))
    assert rows["Published requests"] == "1"


def test_the_dashboard_for_one_kind_one_authority_or_a_campaign(client, story, city):
    response = client.get(reverse("public:dashboard"), {"kind": "municipality"})
    assert response.context["figures"].requests == 1
    assert response.context["figures"].silent == 1
    response = client.get(reverse("public:dashboard"), {"authority": city.pk})
    assert response.context["figures"].on_time == 1
    response = client.get(reverse("public:dashboard"), {"campaign": story.refused.campaign_id})
    assert response.context["figures"].requests == 3
    response = client.get(reverse("public:dashboard_csv", args=["trend"]), {"authority": city.pk})
    assert "2026-10,1,1,0,0,0" in response.content.decode().replace("\r", "")


def test_with_a_high_threshold_nobody_is_ranked_but_everybody_is_counted(three_bodies):
    board = stats.dashboard(TODAY, min_requests=100)
    assert (board.best, board.worst, board.ranked, board.unranked) == ([], [], 0, 3)


def test_a_body_that_refuses_on_time_shows_no_access_granted_beside_its_on_time_share(
    frozen, sent, ministry, client, settings
):
    for day in (1, 2, 3):
        r = sent(D(2026, 9, day))
        rec(r, "refusal", D(2026, 9, 8), grounds=["art9_3"], channel="email")
    r = sent(D(2026, 9, 4), authority=Authority.objects.create(name="Grad Otvoreni", kind="city"))
    rec(r, "answer", D(2026, 9, 8), answer_kind="partial", channel="email")
    board = stats.dashboard(TODAY, min_requests=1)
    by_name = {r.name: r for r in board.best}
    assert by_name[ministry.name].rate == 1.0
    assert (by_name[ministry.name].answered, by_name[ministry.name].granted) == (3, 0)
    assert by_name[ministry.name].granted_rate == 0.0
    assert by_name["Grad Otvoreni"].granted_rate == 1.0
    settings.PUBLIC_RANKING_MIN_REQUESTS = 1
    page = client.get(reverse("public:dashboard")).content.decode()
    assert "Access granted, share" in page


def test_the_ranking_minimum_is_a_real_one_in_every_mode():
    from django.conf import settings

    assert settings.PUBLIC_RANKING_MIN_REQUESTS >= 10
