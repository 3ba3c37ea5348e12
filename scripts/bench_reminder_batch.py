"""Benchmark reminders due all at once after a campaign to the whole catalogue (figures printed).

    make bench-reminder-batch      (also run by make bench-campaign)

or DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_reminder_batch_bench \\
   .venv/bin/python scripts/bench_reminder_batch.py [--due 11500] [--people 3]

PostgreSQL (DATABASE_URL, a scratch database: created if missing, its request and reminder rows
are replaced), a redis-server started by this script on a free port (the broker; nobody else's
data is touched), one real Celery worker process (prefork, concurrency 1) and a local SMTP server
(aiosmtpd, in this process) that counts what it accepted.

1. Throughput: ``--due`` requests of one campaign, each with its 7-day reminder due now, the
   organisation's ``--people`` owners/editors reminded (nobody assigned). One sweep; the time until
   every reminder is in a final state; reminders/s; e-mails per person.
2. Kill mid-batch: the same again, the worker killed (SIGKILL) after the first person's message
   was accepted while the next one waits at the SMTP server; a new worker, the lease runs out, the
   next sweep. Duplicates (a person given the same reminders twice), e-mails per person, states.
3. Single-reminder latency beside it: one reminder due in another organisation, from the sweep to
   "sent" through the worker (the single path: its own task and message), p50 and max of 10.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
LEASE_SECONDS = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """aiosmtpd handler: keeps (recipient, Message-ID) of every accepted message; can stall
    before answering MAIL FROM of every message after the first ``stall_after`` ones."""

    def __init__(self):
        self.accepted: list[tuple[str, str]] = []
        self.stall_after: int | None = None
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        import asyncio

        if self.stall_after is not None and len(self.accepted) >= self.stall_after:
            await asyncio.sleep(3600)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        msg = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.accepted.append((rcpt, msg.get("Message-ID", "")))
        return "250 Message accepted"


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every process in a process group (the worker and its pool)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--due", type=int, default=11500)
    parser.add_argument("--people", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL=postgres://… (a scratch database)")
        return 2
    ensure_database(url)
    tmp = Path(tempfile.mkdtemp(prefix="bench-rem-batch-"))
    redis, redis_url = start_redis(tmp)
    os.environ["REDIS_URL"] = redis_url
    os.environ["REMINDER_CLAIM_LEASE_SECONDS"] = str(LEASE_SECONDS)

    import logging

    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    collector = Collector()
    smtp = Controller(collector, hostname="127.0.0.1", port=free_port())
    smtp.start()
    bench = Bench(args, redis_url, smtp.port, tmp, collector)
    try:
        bench.run()
    finally:
        bench.stop_workers()
        smtp.stop()
        redis.terminate()
        redis.wait(10)
    return 0


class Bench:
    def __init__(self, args, redis_url: str, smtp_port: int, tmp: Path, collector: Collector):
        self.args = args
        self.collector = collector
        self.redis_url = redis_url
        self.smtp_port = smtp_port
        self.tmp = tmp
        self.workers: list[subprocess.Popen] = []

    # --- processes --------------------------------------------------------------------------

    def start_worker(self) -> subprocess.Popen:
        env = {
            **os.environ,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "CELERY_VISIBILITY_TIMEOUT": "30",
        }
        log = self.tmp / f"worker-{len(self.workers)}.log"
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"bench{len(self.workers)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(proc)
        for _ in range(300):
            if "ready" in log.read_text():
                return proc
            time.sleep(0.1)
        raise SystemExit(f"the worker did not start, see {log}")

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        self.workers = []

    # --- data -------------------------------------------------------------------------------

    def build(self) -> None:
        """``--due`` requests of one campaign with one answer deadline each (in 7 days), its
        7-day reminder due a minute ago and the other leads planned; and one lone request in a
        second organisation for the latency runs."""
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction
        from django.utils import timezone

        from foia.models import (
            Authority,
            Campaign,
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
                "foia_request RESTART IDENTITY CASCADE"
            )
        User = get_user_model()
        org, _ = Organization.objects.get_or_create(slug="bench-batch", defaults={"name": "NGO"})
        for i in range(self.args.people):
            user, _ = User.objects.get_or_create(
                username=f"bench-batch-{i}", defaults={"email": f"person{i}@bench.example"}
            )
            Membership.objects.get_or_create(
                organization=org,
                user=user,
                defaults={"role": Role.OWNER if i == 0 else Role.EDITOR},
            )
        lone_org, _ = Organization.objects.get_or_create(slug="bench-lone", defaults={"name": "L"})
        lone_user, _ = User.objects.get_or_create(
            username="bench-lone", defaults={"email": "lone@bench.example"}
        )
        Membership.objects.get_or_create(
            organization=lone_org, user=lone_user, defaults={"role": Role.OWNER}
        )
        campaign, _ = Campaign.objects.get_or_create(
            organization=org, title="Video surveillance: every body in the catalogue"
        )
        have = Authority.objects.filter(catalogue_id__startswith="benchrb-").count()
        if have < self.args.due:
            Authority.objects.bulk_create(
                (
                    Authority(name=f"Organ {i}", kind="municipality", catalogue_id=f"benchrb-{i}")
                    for i in range(have, self.args.due)
                ),
                batch_size=5000,
            )
        authorities = list(Authority.objects.filter(catalogue_id__startswith="benchrb-"))
        now = timezone.now()
        today = timezone.localdate()
        with transaction.atomic():
            requests = Request.objects.bulk_create(
                [
                    Request(
                        organization=org,
                        authority=authorities[i % len(authorities)],
                        campaign=campaign,
                        subject=f"Video surveillance cameras ({i})",
                        information_sought="…",
                        status=RequestStatus.AWAITING_ANSWER,
                        sent_on=today - dt.timedelta(days=8),
                    )
                    for i in range(self.args.due)
                ]
                + [
                    Request(
                        organization=lone_org,
                        authority=authorities[0],
                        subject="A lone request",
                        information_sought="…",
                        status=RequestStatus.AWAITING_ANSWER,
                        sent_on=today - dt.timedelta(days=8),
                    )
                ],
                batch_size=5000,
            )
            deadlines = Deadline.objects.bulk_create(
                (
                    Deadline(
                        request=r,
                        kind=DeadlineKind.RESPONSE,
                        party=Party.AUTHORITY,
                        due_on=today + dt.timedelta(days=7),
                        legal_basis="ZSPIJZ Art. 16(1): 15 days from receipt of the request",
                        state=DeadlineState.OPEN,
                    )
                    for r in requests
                ),
                batch_size=5000,
            )
            rows = []
            for d in deadlines[:-1]:
                for lead in DEFAULT_LEAD_DAYS:
                    due = lead == 7
                    rows.append(
                        Reminder(
                            deadline=d,
                            lead_days=lead,
                            send_at=now - dt.timedelta(minutes=1) if due else send_time(d, lead),
                            state=ReminderState.PLANNED,
                        )
                    )
            Reminder.objects.bulk_create(rows, batch_size=10000)
            self.lone_deadline = deadlines[-1]
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    def lone_reminder(self, i: int):
        from django.utils import timezone

        from foia.notifications.models import Reminder

        return Reminder.objects.create(
            deadline=self.lone_deadline,
            lead_days=100 + i,  # a lead of its own each run (one row per lead and time)
            send_at=timezone.now() - dt.timedelta(seconds=1),
        )

    # --- measuring --------------------------------------------------------------------------

    def batch_states(self) -> Counter:
        from foia.notifications.models import Reminder

        return Counter(
            Reminder.objects.filter(
                lead_days=7, deadline__request__organization__slug="bench-batch"
            ).values_list("state", flat=True)
        )

    def wait_final(self, timeout: float = 900) -> float:
        from foia.notifications.models import ReminderState

        final = {
            ReminderState.SENT,
            ReminderState.FAILED,
            ReminderState.UNDELIVERED,
            ReminderState.CANCELLED,
            ReminderState.SUPERSEDED,
        }
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            states = self.batch_states()
            if sum(n for s, n in states.items() if s in final) >= self.args.due:
                return time.perf_counter() - start
            time.sleep(0.1)
        raise SystemExit(f"not final after {timeout} s: {dict(self.batch_states())}")

    def sweep(self) -> None:
        from django.db import transaction

        from foia.notifications.services import sweep

        with transaction.atomic():
            sweep()

    def run(self) -> None:
        from django.db import connection

        collector = self.collector
        print(
            f"PostgreSQL {connection.settings_dict['NAME']}, redis-server {self.redis_url}, "
            f"1 Celery worker (prefork × 1), aiosmtpd on 127.0.0.1:{self.smtp_port}"
        )
        print(f"{self.args.due:,} reminders due at once, {self.args.people} people reminded\n")

        # 1. throughput
        self.build()
        worker = self.start_worker()
        collector.accepted.clear()
        cpu_before = group_cpu_seconds(worker.pid)
        start = time.perf_counter()
        self.sweep()
        self.wait_final()
        seconds = time.perf_counter() - start  # the sweep and its commit included
        cpu = group_cpu_seconds(worker.pid) - cpu_before
        states = self.batch_states()
        per_person = Counter(rcpt for rcpt, _mid in collector.accepted)
        print("1. Throughput (sweep → Redis → worker → SMTP)")
        print(f"   all final after        {seconds:8.2f} s   states {dict(states)}")
        print(f"   reminders/s            {self.args.due / seconds:8.0f}      (target ≥ 1,000)")
        print(
            f"   e-mails per person     {sorted(per_person.values())}  (target 1 each; "
            f"{len(collector.accepted)} in all)"
        )
        print(
            f"   worker CPU             {cpu:8.2f} s   = {self.args.due / max(cpu, 0.01):.0f} "
            f"reminders per worker CPU-second; load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores"
        )

        # 3. single-reminder latency (the same worker, now idle)
        latencies = []
        from foia.notifications.models import Reminder, ReminderState

        for i in range(10):
            reminder = self.lone_reminder(i)
            t = time.perf_counter()
            self.sweep()
            while Reminder.objects.filter(pk=reminder.pk, state=ReminderState.SENT).count() == 0:
                if time.perf_counter() - t > 60:
                    raise SystemExit("the lone reminder was not sent within 60 s")
                time.sleep(0.005)
            latencies.append((time.perf_counter() - t) * 1000)
        print(
            f"\n3. Single reminder, sweep → sent: p50 {statistics.median(latencies):.0f} ms, "
            f"max {max(latencies):.0f} ms (10 runs, its own task and message)"
        )
        self.stop_workers()

        # 2. kill mid-batch
        self.build()
        collector.accepted.clear()
        collector.stall_after = 1
        first = self.start_worker()
        self.sweep()
        t = time.perf_counter()
        while not collector.accepted:
            if time.perf_counter() - t > 600:
                raise SystemExit("no message within 600 s")
            time.sleep(0.05)
        time.sleep(1)  # the first person's deliveries are committed; the second waits at MAIL
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        killed_states = self.batch_states()
        from foia.notifications.models import Channel, Delivery

        mailed = Counter(
            Delivery.objects.filter(channel=Channel.EMAIL).values_list("state", flat=True)
        )
        collector.stall_after = None
        restart = time.perf_counter()
        self.start_worker()
        time.sleep(LEASE_SECONDS + 1)  # the lease runs out; beat's next sweep would come now
        self.sweep()
        self.wait_final()
        recovered = time.perf_counter() - restart
        per_person = Counter(rcpt for rcpt, _mid in collector.accepted)
        duplicates = sum(n - 1 for n in Counter(collector.accepted).values() if n > 1)
        print("\n2. Worker killed (SIGKILL) mid-batch, restarted")
        print(f"   states when killed     {dict(killed_states)}, e-mail items {dict(mailed)}")
        print(f"   states after restart   {dict(self.batch_states())} ({recovered:.1f} s)")
        print(f"   e-mails per person     {sorted(per_person.values())}")
        print(f"   duplicates             {duplicates}   (target 0: the same message twice)")
        self.stop_workers()


if __name__ == "__main__":
    sys.exit(main())
