"""The dashboard is computed once per version of the facts and never served stale: every write
of facts (a recorded step, a rename, a rebuild) moves the version on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from foia.services import fanout
from foia.stats import figures as stats
from foia.stats import rollups
from tests.public.conftest import TODAY, D, rec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The cache is used when every process shares it (Redis on CI); here whatever the backend."""
    settings.DASHBOARD_CACHE = True


def _computed(today=TODAY, **kwargs) -> tuple[stats.Dashboard, int]:
    with CaptureQueriesContext(connection) as queries:
        board = stats.cached_dashboard(today, **kwargs)
    return board, len(queries)


def test_a_second_reading_is_served_without_a_query_and_a_new_step_is_seen(story, sent, ministry):
    first, queries = _computed()
    assert queries > 0
    again, queries = _computed()
    assert queries == 0
    assert again.overall.requests == first.overall.requests
    late = sent(D(2026, 10, 1), authority=ministry, subject="Novi")
    rec(late, "answer", D(2026, 10, 5), answer_kind="full", channel="email")
    fresh, queries = _computed()
    assert queries > 0
    assert fresh.overall.requests == first.overall.requests + 1
    assert fresh.overall.requests == stats.dashboard(TODAY).overall.requests


def test_each_kind_day_and_language_has_its_own_entry(story):
    all_kinds, _ = _computed()
    cities, _ = _computed(kind="city")
    assert cities.kind == "city" and all_kinds.kind is None
    tomorrow, queries = _computed(today=D(2026, 11, 21))
    assert queries > 0 and tomorrow.today == D(2026, 11, 21)
    with translation.override("sr-latn"):
        serbian, queries = _computed()
    assert queries > 0
    assert [label for _c, label, _f in serbian.by_kind] != [
        label for _c, label, _f in all_kinds.by_kind
    ]


def test_a_renamed_authority_is_shown_by_its_new_name(story, settings):
    settings.PUBLIC_RANKING_MIN_REQUESTS = 1
    board, _ = _computed()
    ranked = [*board.best, *board.worst]
    assert ranked
    target_id = ranked[0].authority_id
    from foia.models import Authority

    Authority.objects.filter(pk=target_id).update(name="Preimenovani organ")
    fanout.authorities_changed([target_id])
    board, queries = _computed()
    assert queries > 0
    assert "Preimenovani organ" in [r.name for r in [*board.best, *board.worst]]


def test_without_a_cache_the_dashboard_is_computed(story, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def broken(*args, **kwargs):
                raise ConnectionError("cache down")

            return broken

    monkeypatch.setattr(rollups, "cache", Down())
    monkeypatch.setattr(stats, "cache", Down())
    board, queries = _computed()
    assert queries > 0 and board.overall.requests == stats.dashboard(TODAY).overall.requests
    rollups.facts_changed()  # a write still goes through


def test_the_page_and_the_api_serve_the_same_cached_numbers(client, story):
    page = client.get("/dashboard/")
    api = client.get("/api/v1/figures/")
    assert page.status_code == 200 and api.status_code == 200
    assert api.json()["overall"]["requests"] == page.context["board"].overall.requests


def test_a_per_process_cache_is_not_used_for_the_dashboard(story, settings):
    settings.DASHBOARD_CACHE = False
    _computed()
    _board, queries = _computed()
    assert queries > 0


def test_the_setting_follows_the_cache_backend():
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings as s; print(s.DASHBOARD_CACHE)"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"}
    local = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert local.stdout.strip() == "False", local.stderr
    shared = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "REDIS_URL": "redis://127.0.0.1:6379/15"},
        capture_output=True,
        text=True,
    )
    assert shared.stdout.strip() == "True", shared.stderr
