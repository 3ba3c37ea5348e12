"""IMAP against a real Dovecot: fetch the corpus, dedupe against the pipe, kill mid-batch."""

# ruff: noqa: F811 - pytest fixtures imported from tests.mail.inbound_fixtures

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from foia.mail.inbound import imap
from foia.mail.inbound.models import InboundMessage, Source, State
from foia.mail.inbound.services import message_receive
from tests.mail import dovecot as dovecot_harness
from tests.mail.inbound_fixtures import (  # noqa: F401 - fixtures
    ROOT,
    corpus_files,
    corpus_requests,
    corpus_settings,
    database_url,
)
from tests.mail.make_corpus import CORPUS_SECRET, MAIL_DOMAIN

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dovecot():
    if not dovecot_harness.available():
        message = "Dovecot is not installed (make dovecot: apt-get install dovecot-imapd)"
        if os.environ.get("CI") or os.environ.get("REQUIRE_DOVECOT"):
            pytest.fail(message)
        pytest.skip(message)
    with dovecot_harness.Dovecot() as server:
        yield server


def flagged(server) -> tuple[int, int]:
    client = server.client()
    total = len(client.search(["ALL"]))
    done = len(client.search(["KEYWORD", imap.PROCESSED.decode()]))
    client.logout()
    return total, done


def variants(count: int) -> list[bytes]:
    """``count`` distinct messages: the corpus's messages with a Message-ID, each renamed."""
    sources = [
        p.read_bytes() for p in corpus_files() if re.search(rb"(?im)^message-id:", p.read_bytes())
    ]
    out = []
    for i in range(count):
        raw = sources[i % len(sources)]
        out.append(re.sub(rb"(?im)^(message-id:\s*<)", rb"\g<1>v%d-" % i, raw, count=1))
    return out


def test_fetch_stores_the_corpus_flags_each_message_and_reads_nothing_twice(
    corpus_requests, dovecot
):
    files = corpus_files()
    dovecot.append([p.read_bytes() for p in files])
    result = imap.fetch(dovecot.url)
    assert result.seen == len(files)
    assert result.duplicates == 2  # the MTA retry and the copy without a Message-ID
    assert InboundMessage.objects.count() == len(files) - 2
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {Source.IMAP}
    assert flagged(dovecot) == (len(files), len(files))
    again = imap.fetch(dovecot.url)
    assert again.seen == 0


def test_a_message_received_by_pipe_and_by_imap_is_stored_once(corpus_requests, dovecot):
    raw = corpus_files()[0].read_bytes()
    message_receive(raw=raw, source=Source.PIPE)
    dovecot.append([raw])
    result = imap.fetch(dovecot.url)
    assert (result.seen, result.duplicates) == (1, 1)
    assert InboundMessage.objects.count() == 1
    assert flagged(dovecot) == (1, 1)


def test_fetch_mail_command_reads_imap_url(corpus_requests, dovecot, settings):
    settings.IMAP_URL = dovecot.url
    dovecot.append([corpus_files()[2].read_bytes()])
    call_command("fetch_mail")
    assert InboundMessage.objects.get().request_id == 9103


def test_a_fetch_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    corpus_requests, dovecot, tmp_path
):
    count = 300
    dovecot.append(variants(count))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MAIL_SECRET": CORPUS_SECRET,
        "MAIL_DOMAIN": MAIL_DOMAIN,
        "MEDIA_ROOT": str(tmp_path),
    }
    command = [sys.executable, "manage.py", "fetch_mail", "--url", dovecot.url, "--limit", "1000"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while InboundMessage.objects.count() < 20 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process.stderr.close()
    stored_when_killed = InboundMessage.objects.count()
    assert 0 < stored_when_killed < count  # killed mid-batch
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert InboundMessage.objects.count() == count  # 0 lost, 0 duplicated
    assert InboundMessage.objects.values("dedupe_key").distinct().count() == count
    assert not InboundMessage.objects.filter(state=State.STORED).exists()
    assert flagged(dovecot) == (count, count)
