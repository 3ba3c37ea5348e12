"""Benchmark a campaign to the whole catalogue (figures printed, not asserted).

    make bench-campaign       # PostgreSQL + Redis + a real Celery worker

or DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_campaign_bench \\
   REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python scripts/bench_campaign.py

Options: --authorities 11500, --tracked 1500 (requests taken through sent / answered / refused /
appealed with record_event, so the page and report have figures to show), --samples 40 (requests
per page variant). The database named in DATABASE_URL is created if missing and FLUSHED: never
point it at real data.

1. Import: ``import_authorities`` on a generated catalogue file of that many rows (Serbian
   headers, kinds, places, parents), then the same file again (nothing changes), then a dry run.
2. Campaign creation on the worker: ``campaign_start`` with every active body; the time until the
   worker has created every draft; then a re-run of the build (it must create nothing).
3. The campaign page (paged, filtered) p50/p95 and its query count, through the test client.
4. The report: the CSV of every row, the PDF summary with charts, the letters ZIP.
5. Sending throughput and 6. reminders due at once: the e-mail and reminder work's own benchmarks
   (scripts/bench_mail_out.py, scripts/bench_reminder_batch.py), run here on their own scratch
   databases; "not measured" with the reason when one is missing or fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

KINDS = [
    ("opština", 145),
    ("grad", 29),
    ("javno preduzeće", 700),
    ("ustanova", 9000),
    ("sud", 160),
    ("tužilaštvo", 90),
    ("ministarstvo", 21),
]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def catalogue(path: Path, size: int) -> None:
    """A catalogue of ``size`` rows: ministries first, then institutions under them, the rest."""
    places = [f"Mesto {i:03d}" for i in range(170)]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(
            ["Šifra", "Naziv organa", "Vrsta", "Mesto", "Adresa", "E-pošta", "Nadređeni"]
        )
        n = 0
        plan = [(kind, count) for kind, count in KINDS]
        weights = sum(c for _k, c in plan)
        ministries = max(1, round(size * dict(plan)["ministarstvo"] / weights))
        for kind, count in sorted(plan, key=lambda kc: kc[0] != "ministarstvo"):
            share = max(1, round(size * count / weights))
            if kind == "ustanova":  # the largest kind takes what rounding left over
                share += size - sum(max(1, round(size * c / weights)) for _k, c in plan)
            for i in range(share):
                if n >= size:
                    break
                parent = f"M{(i % ministries):05d}" if kind == "ustanova" else ""
                cat = f"M{i:05d}" if kind == "ministarstvo" else f"A{n:06d}"
                writer.writerow(
                    [
                        cat,
                        f"{kind.capitalize()} {i:05d} — {places[n % len(places)]}",
                        kind,
                        places[n % len(places)],
                        f"Ulica {n % 300} br. {n % 97}",
                        f"info{n}@organ{n}.rs",
                        parent,
                    ]
                )
                n += 1


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def start_worker() -> subprocess.Popen:
    celery = str(Path(sys.executable).parent / "celery")
    return subprocess.Popen(
        [
            celery,
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            "benchcampaign@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def track(campaign, user, n: int) -> float:
    """Take ``n`` requests through the law's steps with record_event (the one write path):
    a quarter answered on time, a quarter refused (some appealed), a quarter silent, the rest
    waiting. Returns seconds."""
    import datetime as dt

    from foia.services.transitions import record_event

    today = dt.date.today()
    sent_long_ago = today - dt.timedelta(days=60)
    requests = list(campaign.requests.order_by("pk")[:n])
    start = time.perf_counter()
    for i, request in enumerate(requests):
        sent_on = sent_long_ago if i % 4 != 3 else today - dt.timedelta(days=3)
        record_event(
            request=request, kind="sent", occurred_on=sent_on, channel="email", today=today
        )
        if i % 4 == 0:
            record_event(
                request=request,
                kind="answer",
                occurred_on=sent_on + dt.timedelta(days=10),
                answer_kind="full",
                channel="email",
                today=today,
            )
        elif i % 4 == 1:
            on = sent_on + dt.timedelta(days=12)
            record_event(
                request=request,
                kind="refusal",
                occurred_on=on,
                received_on=on,
                channel="email",
                decision_number=f"{i}/26",
                decision_date=on,
                grounds=["art9_1" if i % 8 == 1 else "art14"],
                today=today,
            )
            if i % 8 == 1:
                record_event(
                    request=request,
                    kind="appeal_filed",
                    occurred_on=on + dt.timedelta(days=5),
                    appeal_ground="refusal",
                    channel="email",
                    today=today,
                )
    return time.perf_counter() - start


def page_times(client, url: str, samples: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authorities", type=int, default=11500)
    parser.add_argument("--tracked", type=int, default=1500)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument(
        "--no-others",
        dest="others",
        action="store_false",
        help="skip the sending and reminder benchmarks (scripts/bench_mail_out.py, "
        "scripts/bench_reminder_batch.py)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL=postgres://… (a scratch database) and REDIS_URL=redis://…")
        return 2
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    from foia.models import Authority, CampaignBuild, Membership, Organization, Role
    from foia.services import campaigns
    from foia.services.authorities import import_authorities

    print(f"PostgreSQL {url.rsplit('@', 1)[-1]}, Redis {os.environ['REDIS_URL']}")

    # 1. Import
    path = Path(tempfile.mkdtemp(prefix="bench-catalogue-")) / "katalog.csv"
    catalogue(path, args.authorities)
    seconds, report = timed(
        import_authorities, rows_or_file=path, dry_run=False, skip_bad_rows=False
    )
    print(f"\n1. Import of {args.authorities:,} rows")
    print(
        f"   first import   {seconds:6.2f} s  created {report.created:,}, "
        f"errors {len(report.errors)}"
    )
    seconds, report = timed(
        import_authorities, rows_or_file=path, dry_run=False, skip_bad_rows=False
    )
    print(f"   same file again {seconds:5.2f} s  unchanged {report.unchanged:,}")
    seconds, report = timed(
        import_authorities, rows_or_file=path, dry_run=True, skip_bad_rows=False
    )
    print(f"   dry run        {seconds:6.2f} s")

    # 2. Campaign creation on the worker
    user = get_user_model().objects.create_user("bench", password="bench-pass-2026")
    org = Organization.objects.create(name="Bench NGO", slug="bench-ngo", email="ngo@example.org")
    Membership.objects.create(organization=org, user=user, role=Role.EDITOR)
    ids = list(Authority.objects.filter(active=True).order_by("name").values_list("pk", flat=True))
    worker = start_worker()
    try:
        time.sleep(6)  # worker up
        # The web process's broker connection is opened once, not per campaign: open it first.
        from config.celery import app

        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=3)
        start = time.perf_counter()
        campaign, _created = campaigns.campaign_start(
            organization=org,
            user=user,
            title="Bench: the whole catalogue",
            authority_ids=Authority.objects.filter(active=True),  # as the form passes it
            request_fields={
                "subject": "Video nadzor",
                "information_sought": "Ugovori o nabavci kamera od 2019.",
                "want_copy": True,
                "copy_delivery": "email",
                "requester_name": "Bench NGO",
                "requester_email": "ngo@example.org",
            },
        )
        accepted = time.perf_counter() - start
        while time.perf_counter() - start < 900:
            campaign.refresh_from_db()
            if campaign.build_state in (CampaignBuild.DONE, CampaignBuild.FAILED):
                break
            time.sleep(0.2)
        built = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(30)
    n = campaign.requests.count()
    print(f"\n2. Campaign of {len(ids):,} requests on the worker")
    print(f"   the form's call returns in {accepted * 1000:.0f} ms (campaign saved, build queued)")
    print(
        f"   drafts created by the worker in {built:.2f} s ({n / built:,.0f} requests/s), "
        f"state {campaign.build_state}, {n:,} requests"
    )
    seconds, again = timed(campaigns.campaign_build, campaign_id=campaign.pk)
    print(
        f"   re-run of the build: {seconds * 1000:.0f} ms, "
        f"new requests {again.requests.count() - n} (target 0)"
    )
    print(f"   submitting the same form twice: {_double_submit(org, user, ids[:50])} campaign(s)")

    seconds = track(campaign, user, min(args.tracked, n))
    print(
        f"\n   (set-up: {min(args.tracked, n):,} requests taken through sent/answer/refusal/"
        f"appeal with record_event in {seconds:.1f} s)"
    )

    # Fresh bulk-loaded tables: let PostgreSQL's planner see them as autovacuum soon would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # 3. The campaign page
    client = Client()
    _login(client, user)
    base = f"/app/campaigns/{campaign.pk}/"
    print(f"\n3. The campaign page at {n:,} requests ({args.samples} samples each)")
    print(f"   {'variant':<28} {'p50':>8} {'p95':>8} {'queries':>8}")
    p95s = []
    for label, query in (
        ("first page", ""),
        ("page 200", "?page=200"),
        ("answered", "?show=answered"),
        ("silent", "?show=silent"),
        ("refused", "?show=refused"),
        ("refused on Art. 9(1)", "?ground=art9_1"),
        ("appealed", "?show=appealed"),
        ("drafts, page 50", "?show=draft&page=50"),
    ):
        p50, p95, queries = page_times(client, base + query, args.samples)
        p95s.append(p95)
        print(f"   {label:<28} {p50:6.1f} ms {p95:6.1f} ms {queries:>8}")
    print(f"   worst p95 {max(p95s):.1f} ms (target ≤ 300 ms)")
    p50, p95, queries = page_times(client, "/app/campaigns/choice.json?kinds=institution", 20)
    print(
        f"   choice counts (JSON, 9,000 matches): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries"
    )
    p50, p95, queries = page_times(client, "/app/campaigns/new/", 20)
    print(f"   new-campaign form: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")

    # 4. The report
    print("\n4. The report")
    start = time.perf_counter()
    response = client.get(base + "report.csv")
    body = b"".join(response.streaming_content)
    lines = body.count(b"\n") - 1
    print(
        f"   CSV of every row: {time.perf_counter() - start:.2f} s, {lines:,} rows, "
        f"{len(body) / 1e6:.1f} MB (target ≤ 10 s)"
    )
    seconds, response = timed(client.get, base + "report.pdf")
    print(f"   PDF summary with charts: {seconds:.2f} s, {len(response.content) / 1e3:.0f} kB")
    seconds, response = timed(client.get, base + "letters.zip")
    print(
        f"   letters of the drafts (ZIP, text above {campaigns_letters_max()} drafts): "
        f"{seconds:.2f} s, {len(response.content) / 1e6:.1f} MB"
    )
    print("\n5. Sending (the e-mail work's benchmark, one real worker, a real SMTP server)")
    _run_other(
        "bench_mail_out.py",
        ["--messages", "200", "--campaign-messages", str(args.authorities), "--pdf"],
        "foia_mailout_bench",
        args.others,
    )
    print("\n6. Reminders due at once (the reminder work's benchmark)")
    _run_other(
        "bench_reminder_batch.py",
        ["--due", str(args.authorities)],
        "foia_reminder_batch_bench",
        args.others,
    )
    return 0


def _run_other(script: str, extra: list[str], database: str, enabled: bool) -> None:
    """Run another part's benchmark on its own scratch database, its output shown as it is."""
    path = ROOT / "scripts" / script
    if not enabled:
        print(f"   not measured: --no-others was given ({script})")
        return
    if not path.exists():
        print(f"   not measured: scripts/{script} is not in the tree")
        return
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database
    sys.stdout.flush()
    result = subprocess.run(
        [sys.executable, str(path), *extra],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        timeout=3600,
        check=False,
    )
    if result.returncode:
        print(f"   not measured: scripts/{script} stopped with exit code {result.returncode}")


def _login(client, user) -> None:
    """A logged-in session for the test client, written directly (no login signals: they
    belong to the login page, not to what is measured here)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def campaigns_letters_max() -> int:
    from foia.workspace.campaign_reports import LETTERS_PDF_MAX

    return LETTERS_PDF_MAX


def _double_submit(org, user, ids) -> int:
    import uuid

    from foia.models import Campaign
    from foia.services import campaigns

    key = uuid.uuid4()
    for _ in range(2):
        campaigns.campaign_start(
            organization=org,
            user=user,
            title="Twice",
            authority_ids=ids,
            request_fields={"subject": "x", "information_sought": "y"},
            submission_key=key,
        )
    return Campaign.objects.filter(submission_key=key).count()


if __name__ == "__main__":
    sys.exit(main())
