"""Reminders through a real Celery worker process and a real Redis server (not eager mode).

Each test starts its own `redis-server` on a free port (so restarting it disturbs nothing else)
and `celery worker` processes that use the test database and write e-mail to files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from foia.notifications.models import Notification, Reminder, ReminderState
from foia.services.transitions import record_event

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, tmp: Path):
        self.port = _free_port()
        self.tmp = tmp
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _ping(self.port), "redis to answer")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, what: str, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_server(tmp_path):
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        if os.environ.get("REDIS_URL"):
            pytest.fail("REDIS_URL is set but there is no redis-server binary to start")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def start_worker(redis_server, mail_dir, tmp_path):
    workers = []

    def start(**env) -> subprocess.Popen:
        full = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_server.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "REMINDER_CLAIM_LEASE_SECONDS": "3",
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "LANGUAGE_CODE": "en",
            **env,
        }
        log = open(tmp_path / f"worker-{len(workers)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"w{len(workers)}@test",
            ],
            cwd=ROOT,
            env=full,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append((proc, log))
        wait_for(
            lambda: "ready" in (tmp_path / f"worker-{len(workers) - 1}.log").read_text(),
            "the worker to be ready",
        )
        return proc

    yield start
    for proc, log in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def celery_call(redis_server, task: str, *args) -> None:
    env = {**os.environ, "REDIS_URL": redis_server.url, "DATABASE_URL": database_url()}
    cmd = [CELERY, "-A", "config", "call", task]
    if args:
        cmd += ["--args", repr(list(args)).replace("'", '"')]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)


def sent_emails(mail_dir: Path) -> list[str]:
    ids = []
    for f in mail_dir.glob("*.log"):
        ids += [line for line in f.read_text().splitlines() if line.startswith("Message-ID:")]
    return ids


@pytest.fixture
def due_reminder(make_request, colleague):
    """A request assigned to one editor, with its 7-days-before reminder due a minute ago."""
    today = timezone.localdate()
    request = make_request(assignee=colleague)
    record_event(
        request=request, kind="sent", occurred_on=today - dt.timedelta(days=1), channel="email"
    )
    reminder = Reminder.objects.filter(deadline__request=request).order_by("send_at").first()
    Reminder.objects.filter(deadline__request=request).exclude(pk=reminder.pk).update(
        state=ReminderState.CANCELLED
    )
    Reminder.objects.filter(pk=reminder.pk).update(send_at=timezone.now() - dt.timedelta(minutes=1))
    return reminder


def state_of(reminder) -> str:
    return Reminder.objects.values_list("state", flat=True).get(pk=reminder.pk)


def test_a_due_reminder_is_delivered_once_through_the_worker(
    redis_server, start_worker, mail_dir, due_reminder, colleague
):
    start_worker()
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: state_of(due_reminder) == ReminderState.SENT, "the reminder to be sent")
    assert len(sent_emails(mail_dir)) == 1
    assert Notification.objects.filter(user=colleague).count() == 1

    # A duplicated sweep, a second beat and duplicated tasks: still one e-mail.
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    celery_call(redis_server, "foia.notifications.tasks.send_reminder_task", due_reminder.pk)
    celery_call(redis_server, "foia.notifications.tasks.send_reminder_task", due_reminder.pk)
    time.sleep(4)
    assert len(sent_emails(mail_dir)) == 1
    assert Notification.objects.filter(user=colleague).count() == 1


def test_a_worker_killed_mid_task_leaves_the_reminder_delivered_once_after_restart(
    redis_server, start_worker, mail_dir, due_reminder, colleague
):
    first = start_worker(
        EMAIL_BACKEND="tests.notifications.support.SlowFileBackend", SLOW_EMAIL_SECONDS="60"
    )
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: state_of(due_reminder) == ReminderState.SENDING, "the worker to claim it")
    wait_for(
        lambda: Notification.objects.filter(user=colleague).exists(),
        "the in-app notification (sent before the e-mail)",
    )
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 while the e-mail is being sent
    first.wait(10)
    assert sent_emails(mail_dir) == []
    assert state_of(due_reminder) == ReminderState.SENDING

    start_worker()
    time.sleep(4)  # the 3-second lease runs out; the next sweep (beat) hands it out again
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(lambda: state_of(due_reminder) == ReminderState.SENT, "the reminder to be sent")
    time.sleep(6)  # long enough for the broker to redeliver the killed worker's message too
    assert len(sent_emails(mail_dir)) == 1
    assert Notification.objects.filter(user=colleague).count() == 1


def test_delivery_resumes_after_redis_restarts(redis_server, start_worker, mail_dir, due_reminder):
    start_worker()
    redis_server.stop()
    time.sleep(2)
    redis_server.start()
    celery_call(redis_server, "foia.notifications.tasks.sweep_reminders_task")
    wait_for(
        lambda: state_of(due_reminder) == ReminderState.SENT,
        "delivery after the restart",
        timeout=60,
    )
    assert len(sent_emails(mail_dir)) == 1
