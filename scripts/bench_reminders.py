"""Benchmark the reminder sweep and delivery (figures printed, not asserted).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python scripts/bench_reminders.py

Options: --sizes 10000,100000 (open requests), --due 2000 (reminders due at the sweep),
--send 3000 (reminders delivered through the workers per run). The database named in DATABASE_URL
is created if missing and its reminder data is replaced: do not point it at real data.

1. For each size: that many open requests with one answer deadline each, due dates spread over a
   year, five reminders per deadline (past ones already sent), and a fixed number due now. The sweep
   must grow with the due reminders, not with all rows: its time is printed for each size, with the
   query plan of the due-reminder query.
2. Throughput end to end (sweep → Redis → worker → file e-mail backend): with one worker, then two;
   reminders per second, e-mails written and duplicates (Message-IDs seen more than once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--due", type=int, default=2000)
    parser.add_argument("--send", type=int, default=3000)
    parser.add_argument("--pool", default="threads", help="worker pool: threads or prefork")
    parser.add_argument("--concurrency", type=int, default=8, help="per worker")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL=postgres://… (a scratch database) and REDIS_URL=redis://…")
        return 2
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"PostgreSQL {url.rsplit('@', 1)[-1]}, Redis {os.environ['REDIS_URL']}")
    print(f"One durable commit on this machine: {commit_latency_ms():.2f} ms (WAL flush)")
    print(f"\n1. The sweep, with {args.due} reminders due")
    print(
        f"{'open requests':>14} {'reminder rows':>14} {'due query p50':>14} "
        f"{'sweep p50':>10} {'sweep/due':>10}"
    )
    for size in sizes:
        rows = build(size, due=args.due)
        query_ms, sweep_ms = time_sweep()
        print(
            f"{size:>14,} {rows:>14,} {query_ms:>11.1f} ms {sweep_ms:>7.1f} ms "
            f"{sweep_ms * 1000 / args.due:>7.1f} µs"
        )
    print("\nQuery plan of the due-reminder query (largest size):")
    print(explain())

    print(
        f"\n2. Delivery through real workers ({args.send} reminders, file e-mail backend, "
        f"{args.pool} pool × {args.concurrency} per worker)"
    )
    print(f"{'workers':>8} {'seconds':>8} {'reminders/s':>12} {'e-mails':>8} {'duplicates':>10}")
    for workers in (1, 2):
        build(sizes[-1], due=args.send)
        seconds, emails, duplicates = run_workers(
            workers, args.send, pool=args.pool, concurrency=args.concurrency
        )
        print(
            f"{workers:>8} {seconds:>8.2f} {args.send / seconds:>12.0f} {emails:>8} "
            f"{duplicates:>10}"
        )
    return 0


def build(size: int, *, due: int) -> int:
    """Replace the benchmark data: ``size`` open requests, five reminders each, ``due`` due now."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from foia.models import (
        Authority,
        Deadline,
        DeadlineKind,
        DeadlineState,
        Membership,
        Organization,
        Party,
        Request,
        RequestStatus,
        Role,
    )
    from foia.notifications.models import DEFAULT_LEAD_DAYS, Reminder, ReminderState
    from foia.notifications.services import send_time

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE notifications_delivery, notifications_notification, "
            "notifications_reminder, notifications_digestrun, foia_deadline, foia_event, "
            "foia_request_topics, foia_request RESTART IDENTITY CASCADE"
        )
    org, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench NGO"})
    user, created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"email": "bench@example.org"}
    )
    Membership.objects.get_or_create(organization=org, user=user, defaults={"role": Role.EDITOR})
    authorities = list(Authority.objects.filter(catalogue_id__startswith="bench-"))
    if not authorities:
        Authority.objects.bulk_create(
            Authority(name=f"Opština {i}", kind="municipality", catalogue_id=f"bench-{i}")
            for i in range(200)
        )
        authorities = list(Authority.objects.filter(catalogue_id__startswith="bench-"))

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        requests = Request.objects.bulk_create(
            (
                Request(
                    organization=org,
                    authority=authorities[i % len(authorities)],
                    assignee=user,
                    subject=f"Bench request {i}",
                    information_sought="…",
                    status=RequestStatus.AWAITING_ANSWER,
                    sent_on=today,
                )
                for i in range(size)
            ),
            batch_size=5000,
        )
        deadlines = Deadline.objects.bulk_create(
            (
                Deadline(
                    request=r,
                    kind=DeadlineKind.RESPONSE,
                    party=Party.AUTHORITY,
                    due_on=today + dt.timedelta(days=8 + (i * 7919) % 358),
                    legal_basis="ZSPIJZ Art. 16(1): 15 days from receipt of the request",
                    state=DeadlineState.OPEN,
                )
                for i, r in enumerate(requests)
            ),
            batch_size=5000,
        )
        reminders = []
        for i, d in enumerate(deadlines):
            for lead in DEFAULT_LEAD_DAYS:
                when = send_time(d, lead)
                is_due = i < due and lead == 7
                reminders.append(
                    Reminder(
                        deadline=d,
                        lead_days=lead,
                        send_at=now - dt.timedelta(minutes=1) if is_due else when,
                        state=ReminderState.PLANNED if is_due or when > now else ReminderState.SENT,
                    )
                )
        Reminder.objects.bulk_create(reminders, batch_size=10000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return len(reminders)


def time_sweep(repeat: int = 5) -> tuple[float, float]:
    from django.utils import timezone

    from foia.notifications.models import Reminder, ReminderState
    from foia.notifications.services import due_reminders, sweep

    query, full = [], []
    for _ in range(repeat):
        now = timezone.now()
        t = time.perf_counter()
        list(due_reminders(now).values_list("id", "deadline_id", "send_at"))
        query.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        result = sweep(now=now, dispatch=False)
        full.append((time.perf_counter() - t) * 1000)
        Reminder.objects.filter(pk__in=result.queued).update(
            state=ReminderState.PLANNED, queued_at=None
        )
    return statistics.median(query), statistics.median(full)


def explain() -> str:
    from django.utils import timezone

    from foia.notifications.services import due_reminders

    return due_reminders(timezone.now()).order_by("deadline_id", "-send_at").explain(analyze=True)


def commit_latency_ms(n: int = 100) -> float:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_commit (x int)")
        start = time.perf_counter()
        for i in range(n):
            cur.execute("INSERT INTO bench_commit VALUES (%s)", [i])
        elapsed = (time.perf_counter() - start) * 1000 / n
        cur.execute("DROP TABLE bench_commit")
    return elapsed


def run_workers(
    count: int, expected: int, *, pool: str, concurrency: int
) -> tuple[float, int, int]:
    from django.db import transaction

    from foia.notifications.models import Reminder, ReminderState
    from foia.notifications.services import sweep

    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "WARNING",
    }
    celery = str(Path(sys.executable).parent / "celery")
    procs = [
        subprocess.Popen(
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
                f"bench{i}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    time.sleep(6)  # workers up
    start = time.perf_counter()
    with transaction.atomic():
        sweep()
    sent = 0
    while time.perf_counter() - start < 600:
        sent = Reminder.objects.filter(state=ReminderState.SENT, sent_at__isnull=False).count()
        if sent >= expected:
            break
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(30)
    ids = Counter()
    for f in mail_dir.glob("*.log"):
        ids.update(line for line in f.read_text().splitlines() if line.startswith("Message-ID:"))
    return seconds, sum(ids.values()), sum(n - 1 for n in ids.values() if n > 1)


if __name__ == "__main__":
    sys.exit(main())
