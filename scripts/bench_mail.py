"""Benchmark receiving e-mail (figures printed, not asserted): ``make bench-mail``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foia_mail_bench .venv/bin/python scripts/bench_mail.py

Options: --messages 1000 (per run), --kill 600 (messages in the kill-mid-batch run). The database
named in DATABASE_URL is created if missing and its received mail is deleted: not real data.

1. In process: ``message_receive`` on N distinct messages (the corpus's, renamed), with the time
   split into storing (raw bytes committed), parsing and matching (attachments stored included).
2. ``manage.py receive_mail FILE…`` as a subprocess, batches of 100 files: wall-clock messages/s.
3. IMAP: N messages appended to a real Dovecot (tests/mail/dovecot.py), one ``fetch``.
4. Kill mid-batch: ``manage.py fetch_mail`` killed with SIGKILL after some messages are stored,
   then run again; prints how many were lost and how many stored twice (both must be 0).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tests.mail.make_corpus import (  # noqa: E402
    CORPUS,
    CORPUS_REQUESTS,
    CORPUS_SECRET,
    MAIL_DOMAIN,
    SENT_IDS,
)

os.environ["MAIL_SECRET"] = CORPUS_SECRET
os.environ["MAIL_DOMAIN"] = MAIL_DOMAIN


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def variants(count: int, tag: str) -> list[bytes]:
    sources = [
        p.read_bytes()
        for p in sorted(CORPUS.glob("*.eml"))
        if re.search(rb"(?im)^message-id:", p.read_bytes())
    ]
    return [
        re.sub(
            rb"(?im)^(message-id:\s*<)",
            b"\\g<1>" + f"{tag}{i}-".encode(),
            sources[i % len(sources)],
            count=1,
        )
        for i in range(count)
    ]


def setup_requests() -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model

    from foia.mail.outbound.models import OutgoingMessage
    from foia.models import Authority, AuthorityKind, Channel, Membership, Organization, Request
    from foia.services.requests import request_mark_sent

    org, _ = Organization.objects.get_or_create(slug="bench-mail", defaults={"name": "Bench"})
    user, _ = get_user_model().objects.get_or_create(username="bench-mail")
    Membership.objects.get_or_create(organization=org, user=user, defaults={"role": "owner"})
    for pk, (name, email, reference) in CORPUS_REQUESTS.items():
        if Request.objects.filter(pk=pk).exists():
            continue
        authority = Authority.objects.create(name=name, kind=AuthorityKind.CITY, email=email)
        request = Request.objects.create(
            pk=pk,
            organization=org,
            authority=authority,
            created_by=user,
            subject=f"Bench {pk}",
            information_sought="Bench",
            our_reference=reference,
        )
        request_mark_sent(
            request=request, user=user, sent_on=dt.date(2026, 11, 16), channel=Channel.EMAIL
        )
    for pk, message_id in SENT_IDS.items():
        OutgoingMessage.objects.get_or_create(
            message_id=message_id,
            defaults=dict(
                request_id=pk,
                kind="request",
                from_address="noreply@" + MAIL_DOMAIN,
                reply_to="",
                to=[],
                subject="Bench",
                body="",
                idempotency_key=f"bench-{pk}",
                state="sent",
            ),
        )


def reset() -> None:
    from foia.mail.inbound.models import InboundMessage

    InboundMessage.objects.all().delete()


def report(title: str, count: int, seconds: float, split: dict[str, float] | None = None) -> None:
    line = f"{title}: {count} messages in {seconds:.2f} s = {count / seconds:.0f} messages/s"
    if split:
        total = sum(split.values()) or 1
        parts = ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f} %)" for k, v in split.items() if v)
        line += f"\n    split: {parts}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kill", type=int, default=600)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    media = tempfile.mkdtemp(prefix="bench-mail-media-")
    os.environ["MEDIA_ROOT"] = media

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    setup_requests()
    from foia.mail.inbound import imap
    from foia.mail.inbound.models import InboundMessage
    from foia.mail.inbound.services import message_receive
    from tests.mail import dovecot as harness

    print(f"database: {connection.vendor}; {os.cpu_count()} cores", flush=True)

    # 1. In process.
    reset()
    split = {"store": 0.0, "parse": 0.0, "match": 0.0}
    started, cpu = time.perf_counter(), time.process_time()
    for raw in variants(args.messages, "inproc"):
        outcome = message_receive(raw=raw, source="pipe")
        for key in split:
            split[key] += outcome.timings.get(key, 0.0)
    report("receive (in process)", args.messages, time.perf_counter() - started, split)
    cpu = time.process_time() - cpu
    # CPU of this process only (the database's own work is not in it): messages per core-second.
    print(f"    CPU {cpu:.2f} s = {args.messages / cpu:.0f} messages/s per core", flush=True)
    print(f"    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

    # 2. receive_mail as a subprocess, 100 files per run.
    reset()
    env = {**os.environ}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, raw in enumerate(variants(args.messages, "pipe")):
            path = Path(tmp) / f"{i:06d}.eml"
            path.write_bytes(raw)
            files.append(str(path))
        started = time.perf_counter()
        for start in range(0, len(files), 100):
            subprocess.run(
                [sys.executable, "manage.py", "receive_mail", *files[start : start + 100]],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        report(
            "receive_mail (subprocess, 100 files a run)", len(files), time.perf_counter() - started
        )
        started = time.perf_counter()
        for path in files[:10]:
            with open(path, "rb") as handle:
                subprocess.run(
                    [sys.executable, "manage.py", "receive_mail"],
                    cwd=ROOT,
                    env=env,
                    stdin=handle,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        report(
            "receive_mail (one process per message, as an MTA pipes)",
            10,
            time.perf_counter() - started,
        )

    if not harness.available():
        print("Dovecot is not installed: IMAP runs skipped (make dovecot)")
        return

    # 3. IMAP.
    reset()
    with harness.Dovecot() as server:
        server.append(variants(args.messages, "imap"))
        started = time.perf_counter()
        result = imap.fetch(server.url, limit=args.messages + 10)
        report("IMAP fetch", result.seen, time.perf_counter() - started, result.timings)

    # 4. Kill mid-batch.
    reset()
    with harness.Dovecot() as server:
        server.append(variants(args.kill, "kill"))
        command = [
            sys.executable,
            "manage.py",
            "fetch_mail",
            "--url",
            server.url,
            "--limit",
            "100000",
        ]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        while InboundMessage.objects.count() < args.kill // 3 and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        at_kill = InboundMessage.objects.count()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        stored = InboundMessage.objects.count()
        distinct = InboundMessage.objects.values("dedupe_key").distinct().count()
        client = server.client()
        flagged = len(client.search(["KEYWORD", imap.PROCESSED.decode()]))
        client.logout()
        print(
            f"kill mid-batch: killed after {at_kill} of {args.kill} stored; after the rerun "
            f"{stored} stored, {flagged} flagged: {args.kill - distinct} lost, "
            f"{stored - distinct} duplicated",
            flush=True,
        )
    reset()


if __name__ == "__main__":
    main()
