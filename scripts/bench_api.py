#!/usr/bin/env python
"""Benchmark of the API next to the HTML pages it mirrors (PostgreSQL only).

Uses the data of scripts/bench_public.py (generated here, or reused with --keep), then times in
process, with Django's test client, each public page and its API twin and prints p50/p95 server
time side by side: the log's first page, a deep page (the HTML page number and the API cursor at
the same row), a search, a filtered log, a request with its timeline, an authority, the figures.

    .venv/bin/python scripts/bench_api.py                      # 1,000,000 requests
    .venv/bin/python scripts/bench_api.py --requests 100000    # smaller
    .venv/bin/python scripts/bench_api.py --keep               # time the data already generated

Targets (issue 12): list p95 <= 150 ms, detail p95 <= 50 ms on a 2-core machine.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_public  # noqa: E402 - the generator and the timing helpers are shared

TARGETS = {"list": 150.0, "detail": 50.0}


def measure(runs: int) -> None:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from foia.api.pagination import KeysetPagination
    from foia.models import Request
    from foia.stats.models import RequestFacts

    today = timezone.localdate()
    client = Client(HTTP_HOST="127.0.0.1")
    facts = RequestFacts.objects.filter(public_from__lte=today)
    total = facts.count()
    deep = min(2000, math.ceil(total / settings.PUBLIC_PAGE_SIZE))
    # The API cursor that starts at the same row as the HTML log's deep page.
    row = facts.order_by("-sent_on", "-request_id").values_list("sent_on", "request_id")[
        (deep - 1) * settings.PUBLIC_PAGE_SIZE - 1
    ]
    cursor = KeysetPagination()._encode("n", list(row))
    busiest = facts.values("authority_id").annotate(n=Count("pk")).order_by("-n").first()
    rich = list(
        facts.filter(appealed=True, commissioner_outcome="ordered")
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    rng = random.Random(7)
    bench_public.log(
        f"\nData: {Request.objects.count():,} requests ({total:,} published); timing {runs} runs "
        "after 3 warm-up runs, in-process (Django test client, DEBUG off, throttling off). "
        f"HTML pages show {settings.PUBLIC_PAGE_SIZE} rows, API pages {settings.API_PAGE_SIZE}.\n"
    )

    def get(url: str):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    def detail(prefix: str):
        def run():
            response = client.get(f"{prefix}{rng.choice(rich)}/")
            assert response.status_code == 200

        return run

    year = today.year - 1
    authority = busiest["authority_id"]
    cases = [
        ("list", "log, first page", "/requests/", "/api/v1/requests/"),
        (
            "list",
            f"log, deep (page {deep} / cursor)",
            f"/requests/?page={deep}",
            f"/api/v1/requests/?cursor={cursor}",
        ),
        ("list", "search ?q=kamere", "/requests/?q=kamere", "/api/v1/requests/?q=kamere"),
        (
            "list",
            f"filtered (city, refused, {year})",
            f"/requests/?kind=city&outcome=refused&year={year}",
            f"/api/v1/requests/?kind=city&outcome=refused&year={year}",
        ),
        (
            "list",
            "refused by the busiest authority",
            f"/requests/?authority={authority}&outcome=refused",
            f"/api/v1/requests/?authority={authority}&outcome=refused",
        ),
        ("list", "authorities", "/authorities/", "/api/v1/authorities/"),
        ("detail", "request (with appeal)", detail("/requests/"), detail("/api/v1/requests/")),
        (
            "detail",
            "authority (busiest)",
            f"/authorities/{authority}/",
            f"/api/v1/authorities/{authority}/",
        ),
        ("detail", "figures / dashboard", "/dashboard/", "/api/v1/figures/"),
    ]
    header = f"{'':38} {'HTML p50':>9} {'HTML p95':>9} {'API p50':>9} {'API p95':>9}  target"
    bench_public.log(header)
    bench_public.log("-" * len(header))
    misses = []
    for kind, label, html, api in cases:
        html_fn = get(html) if isinstance(html, str) else html
        api_fn = get(api) if isinstance(api, str) else api
        h = bench_public.time_call(html_fn, runs)
        a = bench_public.time_call(api_fn, runs)
        p95 = bench_public.percentile(a, 0.95)
        target = TARGETS[kind]
        ok = "ok" if p95 <= target else "MISSED"
        if p95 > target:
            misses.append(label)
        bench_public.log(
            f"{label:38} {bench_public.percentile(h, 0.5):9.1f} {bench_public.percentile(h, 0.95):9.1f} "
            f"{bench_public.percentile(a, 0.5):9.1f} {p95:9.1f}  {ok} (≤ {target:.0f} ms)"
        )
    # The figures are cached per version of the facts (with a shared cache): the first reading
    # after any write computes them. Timed here by moving the version on before each call.
    from django.conf import settings

    from foia.stats import rollups

    if settings.DASHBOARD_CACHE:

        def after_a_write(fn):
            def call():
                rollups.facts_changed()
                return fn()

            return call

        h = bench_public.time_call(after_a_write(get("/dashboard/")), runs)
        a = bench_public.time_call(after_a_write(get("/api/v1/figures/")), runs)
        bench_public.log(
            f"{'figures, first read after a write':38} {bench_public.percentile(h, 0.5):9.1f} "
            f"{bench_public.percentile(h, 0.95):9.1f} {bench_public.percentile(a, 0.5):9.1f} "
            f"{bench_public.percentile(a, 0.95):9.1f}  (computed: the cache was just invalidated)"
        )
    else:
        bench_public.log("(no shared cache: set REDIS_URL to time the cached figures)")
    bench_public.log(
        "\nAll API timings within target." if not misses else f"\nOver target: {', '.join(misses)}"
    )


def main() -> int:
    args = bench_public.parse_args()
    os.environ["API_THROTTLE_BURST"] = "1000000/min"
    os.environ["API_THROTTLE_SUSTAINED"] = "100000000/hour"
    appeals = args.appeals if args.appeals is not None else args.requests // 5
    if not args.keep:
        bench_public.log(f"Creating database {args.db} on {args.server} …")
        bench_public.recreate_database(args.server, args.db)
    bench_public.setup_django(args.server, args.db)
    from django.db import connection

    if connection.vendor != "postgresql":
        bench_public.log("The benchmark needs PostgreSQL.")
        return 2
    if not args.keep:
        bench_public.log(f"Generating {args.requests:,} requests …")
        started = time.perf_counter()
        bench_public.generate(args.requests, args.authorities, appeals)
        bench_public.log(f"Generated in {time.perf_counter() - started:.0f}s")
    measure(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
