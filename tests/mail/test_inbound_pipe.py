"""``manage.py receive_mail`` as an MTA runs it: a subprocess, files or standard input."""

# ruff: noqa: F811 - pytest fixtures imported from tests.mail.inbound_fixtures

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from foia.mail.inbound.models import InboundMessage, State
from tests.mail.inbound_fixtures import (  # noqa: F401 - fixtures
    ROOT,
    corpus_files,
    corpus_requests,
    corpus_settings,
    database_url,
)
from tests.mail.make_corpus import CORPUS_SECRET, EXPECTED, MAIL_DOMAIN

pytestmark = pytest.mark.django_db(transaction=True)


def receive_mail(*args: str, stdin: bytes | None = None, **env: str):
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MAIL_SECRET": CORPUS_SECRET,
        "MAIL_DOMAIN": MAIL_DOMAIN,
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "receive_mail", *args],
        cwd=ROOT,
        env=full_env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_receive_mail_stores_the_whole_corpus_and_prints_one_line_per_message(
    corpus_requests, tmp_path
):
    files = corpus_files()
    done = receive_mail(*map(str, files), MEDIA_ROOT=str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        verdict, _request, _kind = EXPECTED[path.name[:2]]
        assert line.split()[0] == verdict, (path.name, line)
    assert InboundMessage.objects.count() == len(files) - 2
    assert not InboundMessage.objects.filter(state=State.STORED).exists()


def test_receive_mail_reads_one_message_from_standard_input(corpus_requests, tmp_path):
    raw = corpus_files()[2].read_bytes()
    done = receive_mail(stdin=raw, MEDIA_ROOT=str(tmp_path))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("matched ")
    assert "request #9103" in done.stdout.decode()
    again = receive_mail(stdin=raw, MEDIA_ROOT=str(tmp_path))
    assert again.returncode == 0 and again.stdout.decode().startswith("duplicate ")
    assert InboundMessage.objects.count() == 1


def test_receive_mail_exits_75_when_it_cannot_store_so_the_mta_retries(tmp_path):
    raw = corpus_files()[2].read_bytes()
    done = receive_mail(stdin=raw, DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    assert done.returncode == 75
    assert b"not stored" in done.stderr


def test_receive_mail_exits_75_for_a_missing_file_and_still_stores_the_others(
    corpus_requests, tmp_path
):
    done = receive_mail(
        str(tmp_path / "nope.eml"), str(corpus_files()[2]), MEDIA_ROOT=str(tmp_path)
    )
    assert done.returncode == 75
    assert done.stdout.decode().startswith("matched ")
    assert InboundMessage.objects.count() == 1
