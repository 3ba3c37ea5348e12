"""Benchmark sending by e-mail through one real Celery worker against a real SMTP server (aiosmtpd).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_mailout_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python scripts/bench_mail_out.py

Options: --messages 200 (single messages, and the small campaign), --campaign-messages 2000 (the
large campaign; 0 skips it), --pdf (attach the official form as PDF, rendered on the worker).
The database named in DATABASE_URL is created if missing and its outgoing mail replaced: do not point
it at real data. Figures are printed, not asserted.

Runs, each with one fresh worker (concurrency 1, or --concurrency N with as many sending tasks
per campaign, MAIL_CAMPAIGN_SENDERS; the production task time limits):

* single messages: one task per message, as the "Send by e-mail" button enqueues them; messages per
  second from the first task to the last acceptance;
* campaigns of --messages and --campaign-messages drafts, sent as "Send all drafts by e-mail" sends
  them: the messages are queued (with --pdf by the worker's queueing task, as after a click, each
  with the form; without it in this process, without the form), then the sending task claims them
  in batches, one SMTP connection per batch (MAIL_SEND_RATE set high so the throttle does not bind).
  Printed: the queueing time, the sending's messages per second (from the end of the queueing to the
  last acceptance) and the whole (from the click to the last acceptance).

For each: the messages the server received and the duplicates (Message-IDs received more than once),
and the SMTP connections it saw.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "False"  # no query log kept in memory


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


PREFIXES = ("Opština", "Grad", "Gradska opština", "JKP Vodovod", "Dom zdravlja")
PLACES = ("Čačak", "Šabac", "Užice", "Niš", "Žabalj", "Kragujevac", "Novi Sad", "Vršac", "Đakovica")
INFORMATION = (
    "Molimo vas da nam dostavite kopije svih ugovora o nabavci kamera za video-nadzor javnih "
    "površina zaključenih od 2019. godine, sa aneksima, kao i spisak lokacija na kojima su "
    "kamere postavljene i podatak o tome da li sistem koristi softver za prepoznavanje lica."
)


def analyze() -> None:
    """What autovacuum does after a bulk load (on this machine it is off): the dead rows of the
    previous run cleared and the planner told the tables' new sizes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def build(n: int, *, pdf: bool, campaign: bool):
    """n draft requests; for single messages each with a queued message, for a campaign only the
    drafts (the queueing is part of what is measured)."""
    from foia.mail.outbound.models import OutgoingMessage
    from foia.mail.outbound.services import message_queue, request_subject
    from foia.models import Authority, AuthorityKind, Campaign, Organization, Request

    OutgoingMessage.objects.all().delete()
    org, _ = Organization.objects.get_or_create(slug="bench-mail", defaults={"name": "Bench NGO"})
    Request.objects.filter(organization=org).delete()
    Campaign.objects.filter(organization=org).delete()
    # One body per message, as in a campaign to the catalogue: each letter has its own addressee.
    have = set(
        Authority.objects.filter(catalogue_id__startswith="bench-mail-").values_list(
            "catalogue_id", flat=True
        )
    )
    Authority.objects.bulk_create(
        (
            Authority(
                catalogue_id=f"bench-mail-{i}",
                name=f"{PREFIXES[i % len(PREFIXES)]} {PLACES[i % len(PLACES)]} {i}",
                address=f"Trg slobode {i % 90 + 1}, {PLACES[i % len(PLACES)]}",
                kind=AuthorityKind.MUNICIPALITY,
                email=f"pisarnica{i}@bench.example.rs",
            )
            for i in range(n)
            if f"bench-mail-{i}" not in have
        ),
        batch_size=1000,
    )
    authorities = list(
        Authority.objects.filter(catalogue_id__startswith="bench-mail-").order_by("pk")[:n]
    )
    group = Campaign.objects.create(organization=org, title="Bench") if campaign else None
    requests = Request.objects.bulk_create(
        (
            Request(
                organization=org,
                authority=authority,
                campaign=group,
                subject=f"Kamere {i}",
                information_sought=INFORMATION,
            )
            for i, authority in enumerate(authorities)
        ),
        batch_size=1000,
    )
    analyze()
    if campaign:
        return group
    for request in requests:
        message_queue(
            request=request,
            user=None,
            kind="request",
            to=request.authority.email,
            subject=request_subject(request),
            body="Poštovani,\r\n\r\nu prilogu je zahtev za pristup informacijama.\r\n",
            idempotency_key=f"bench-{request.pk}",
            include_form_pdf=pdf,
            event_values={"kind": "sent"},
            dispatch=False,
        )
    return None


@dataclass
class Result:
    n: int
    seconds: float  # from the first task (the click) to the last acceptance
    received: int
    duplicates: int
    connections: int
    queueing: float | None = None  # campaign: the queueing task's time
    sending: float | None = None  # campaign: from the end of the queueing to the last acceptance


def run(n: int, *, pdf: bool, campaign: bool, server, concurrency: int = 1) -> Result:
    from django.db.models import Max
    from django.utils import timezone

    from foia.mail.outbound.models import CampaignSending, MessageState, OutgoingMessage
    from foia.mail.outbound.services import campaign_send, campaign_send_later
    from foia.mail.outbound.tasks import send_message_task

    group = build(n, pdf=pdf, campaign=campaign)
    server.handler.messages.clear()
    server.handler.peers.clear()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": server.host,
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "False",
        "MAIL_SEND_RATE": "100000",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "False",  # as in production: no query log kept in memory
        "MAIL_CAMPAIGN_SENDERS": str(concurrency),
    }
    if pdf:  # one WeasyPrint rendering per single-message task can outlast the default limits
        env.update(CELERY_TASK_SOFT_TIME_LIMIT="600", CELERY_TASK_TIME_LIMIT="900")
    celery = str(Path(sys.executable).parent / "celery")
    log = open(Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / "bench-mail-worker.log", "a")  # noqa: SIM115
    proc = subprocess.Popen(
        [celery, "-A", "config", "worker", "--concurrency", str(concurrency), "--loglevel", "INFO"]
        + ["--without-mingle", "--without-gossip", "--hostname", "benchmail@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    time.sleep(6)  # worker up
    queueing = None
    start_wall = timezone.now()
    start = time.perf_counter()
    done = None
    if campaign and pdf:
        # What the "Send all drafts by e-mail" view does: its queueing task is published after
        # the commit, then the worker queues the messages (with the form) and starts the sending.
        campaign_send_later(campaign=group, user=None)
    elif campaign:
        # Without the form the queueing runs here (the worker's task always attaches it); the
        # sending task it enqueues runs on the worker as after a click.
        campaign_send(campaign=group, user=None, include_form_pdf=False)
        done = timezone.now()
    else:
        for pk in OutgoingMessage.objects.values_list("pk", flat=True):
            send_message_task.delay(pk)
    while time.perf_counter() - start < 1800:
        # Once a second: the count scans the table, and the database is the one the worker uses
        # (the figures come from the acceptance times, not from when this loop notices).
        if OutgoingMessage.objects.filter(state=MessageState.SENT, recorded=True).count() >= n:
            break
        time.sleep(1.0)
    seconds = time.perf_counter() - start
    proc.terminate()
    proc.wait(30)
    last = OutgoingMessage.objects.aggregate(last=Max("accepted_at"))["last"]
    if last is not None:
        seconds = (last - start_wall).total_seconds()
    sending = None
    if campaign:
        if done is None:
            done = CampaignSending.objects.get(campaign=group).finished_at
        if done is not None and last is not None:
            queueing = (done - start_wall).total_seconds()
            sending = (last - done).total_seconds()
    ids = Counter(message_from_bytes(m.raw)["Message-ID"] for m in server.messages)
    return Result(
        n=n,
        seconds=seconds,
        received=sum(ids.values()),
        duplicates=sum(c - 1 for c in ids.values() if c > 1),
        connections=server.connections,
        queueing=queueing,
        sending=sending,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--campaign-messages", type=int, default=2000)
    parser.add_argument("--pdf", action="store_true", help="attach the official form as PDF")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="the worker's processes, and as many sending tasks per campaign",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL=postgres://… (a scratch database) and REDIS_URL=redis://…")
        return 2
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from tests.mail.conftest import SMTPServer

    call_command("migrate", verbosity=0)
    from config.celery import app

    app.control.purge()  # tasks an interrupted run left in the bench's queue
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    server = SMTPServer()
    server.start()
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"one worker (concurrency {args.concurrency}), aiosmtpd on 127.0.0.1, "
            f"{'with' if args.pdf else 'without'} the PDF form; load average {load}"
        )
        print(
            f"{'run':<22} {'msgs':>6} {'seconds':>8} {'msg/s':>7} {'queueing':>9} "
            f"{'sending/s':>10} {'received':>9} {'dupes':>6} {'conns':>6}"
        )
        runs = [("single messages", args.messages, False), ("campaign", args.messages, True)]
        if args.campaign_messages:
            runs.append(("campaign", args.campaign_messages, True))
        for label, n, campaign in runs:
            r = run(n, pdf=args.pdf, campaign=campaign, server=server, concurrency=args.concurrency)
            queueing = f"{r.queueing:8.1f}s" if r.queueing is not None else f"{'–':>9}"
            sending = f"{n / r.sending:10.1f}" if r.sending else f"{'–':>10}"
            print(
                f"{label:<22} {n:>6} {r.seconds:>8.1f} {n / r.seconds:>7.1f} {queueing} "
                f"{sending} {r.received:>9} {r.duplicates:>6} {r.connections:>6}",
                flush=True,
            )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average after the runs {load}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
