"""Benchmark sending by e-mail through one real Celery worker against a real SMTP server (aiosmtpd).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_mailout_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python scripts/bench_mail_out.py

Options: --messages 200 (per run), --pdf (attach the official form, rendered by WeasyPrint on the
worker). The database named in DATABASE_URL is created if missing and its outgoing mail replaced: do
not point it at real data. Figures are printed, not asserted.

Two runs, each with one worker (concurrency 1): single messages (one task per message, as the
"Send by e-mail" button enqueues them) and a campaign (one task sending its drafts in a loop, with
MAIL_SEND_RATE set high so the throttle does not bind). For each: messages per second from the first
task to the last acceptance, messages the server received, and duplicates (Message-IDs received
more than once).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
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


def build(n: int, *, pdf: bool, campaign: bool):
    """n draft requests (in one campaign if asked), each with a queued message."""
    from foia.mail.outbound.models import OutgoingMessage
    from foia.mail.outbound.services import message_queue, request_subject
    from foia.models import Authority, AuthorityKind, Campaign, Organization, Request

    OutgoingMessage.objects.all().delete()
    org, _ = Organization.objects.get_or_create(slug="bench-mail", defaults={"name": "Bench NGO"})
    Request.objects.filter(organization=org).delete()
    Campaign.objects.filter(organization=org).delete()
    authority, _ = Authority.objects.get_or_create(
        catalogue_id="bench-mail",
        defaults={"name": "Opština Bench", "kind": AuthorityKind.MUNICIPALITY},
    )
    authority.email = "pisarnica@bench.example.rs"
    authority.save()
    group = Campaign.objects.create(organization=org, title="Bench") if campaign else None
    requests = Request.objects.bulk_create(
        Request(
            organization=org,
            authority=authority,
            campaign=group,
            subject=f"Kamere {i}",
            information_sought="Ugovori o nabavci kamera i lokacije.",
        )
        for i in range(n)
    )
    for request in requests:
        message_queue(
            request=request,
            user=None,
            kind="request",
            to=authority.email,
            subject=request_subject(request),
            body="Poštovani,\r\n\r\nu prilogu je zahtev za pristup informacijama.\r\n",
            idempotency_key=f"bench-{request.pk}",
            include_form_pdf=pdf,
            event_values={"kind": "sent"},
            campaign=group,
            dispatch=False,
        )
    return group


def run(n: int, *, pdf: bool, campaign: bool, server) -> tuple[float, int, int]:
    from foia.mail.outbound.models import MessageState, OutgoingMessage
    from foia.mail.outbound.tasks import send_campaign_task, send_message_task

    group = build(n, pdf=pdf, campaign=campaign)
    server.handler.messages.clear()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": server.host,
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "False",
        "MAIL_SEND_RATE": "100000",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_SOFT_TIME_LIMIT": "600",
        "CELERY_TASK_TIME_LIMIT": "900",
    }
    celery = str(Path(sys.executable).parent / "celery")
    log = open(Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / "bench-mail-worker.log", "a")  # noqa: SIM115
    proc = subprocess.Popen(
        [celery, "-A", "config", "worker", "--concurrency", "1", "--loglevel", "INFO"]
        + ["--without-mingle", "--without-gossip", "--hostname", "benchmail@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    time.sleep(6)  # worker up
    start = time.perf_counter()
    if campaign:
        send_campaign_task.delay(group.pk)
    else:
        for pk in OutgoingMessage.objects.values_list("pk", flat=True):
            send_message_task.delay(pk)
    while time.perf_counter() - start < 900:
        if OutgoingMessage.objects.filter(state=MessageState.SENT).count() >= n:
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    proc.terminate()
    proc.wait(30)
    ids = Counter(message_from_bytes(m.raw)["Message-ID"] for m in server.messages)
    return seconds, sum(ids.values()), sum(c - 1 for c in ids.values() if c > 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--pdf", action="store_true", help="attach the official form as PDF")
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
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    server = SMTPServer()
    server.start()
    try:
        print(
            f"{args.messages} messages, one worker (concurrency 1), aiosmtpd on 127.0.0.1, "
            f"{'with' if args.pdf else 'without'} the PDF form"
        )
        print(f"{'run':<18} {'seconds':>8} {'msg/s':>7} {'received':>9} {'duplicates':>10}")
        for label, campaign in (("single messages", False), ("campaign", True)):
            seconds, received, dupes = run(
                args.messages, pdf=args.pdf, campaign=campaign, server=server
            )
            print(
                f"{label:<18} {seconds:>8.1f} {args.messages / seconds:>7.1f} "
                f"{received:>9} {dupes:>10}"
            )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
