"""`make run`: migrate, seed the demo, then serve with a Celery worker and beat beside the web server.

Redis is used when REDIS_URL is set or a Redis answers on 127.0.0.1:6379; otherwise Celery runs on
the embedded filesystem broker under var/celery/, which still runs the scheduled work. Ctrl-C stops
all three processes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST, PORT = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), 1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def site_url(host: str, port: str) -> str:
    """The address the links should carry: where this server answers (a wildcard bind address
    is not one a browser can open, so links then name this machine's loopback)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    env = os.environ
    # Links in e-mails, the iCal feed and the seed output follow SITE_URL: the address served here.
    env.setdefault("SITE_URL", site_url(HOST, PORT))
    if env.get("REDIS_URL"):
        broker = f"Redis at {env['REDIS_URL']} (from REDIS_URL)"
    elif redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        broker = "Redis at redis://127.0.0.1:6379/0 (found on localhost)"
    else:
        broker = "embedded filesystem broker under var/celery/ (no Redis found)"
    (ROOT / "var" / "celery" / "queue").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "mail").mkdir(parents=True, exist_ok=True)

    manage("migrate", "--noinput")
    manage("seed_demo")

    celery = str(BIN / "celery")
    procs = [
        subprocess.Popen(
            [celery, "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen([celery, "-A", "config", "beat", "--loglevel", "INFO"], cwd=ROOT, env=env),
    ]
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
    )
    procs.append(web)
    # Beat's first interval is 10 minutes away: hand one sweep to the worker now, so that the
    # demo's due reminders arrive in var/mail/ and in the app at once.
    subprocess.run(
        [celery, "-A", "config", "call", "foia.notifications.tasks.sweep_reminders_task"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=60,
    )
    time.sleep(2)
    print(
        "\n"
        f"  Serving   http://{HOST}:{PORT}/   (admin: http://{HOST}:{PORT}/admin/)\n"
        f"  Celery    worker and beat on the {broker}\n"
        "  E-mail    written to var/mail/\n"
        "  Logins    see the seed_demo output above (admin / demo-editor / demo-owner / "
        "demo-viewer)\n"
        "  Stop      Ctrl-C\n",
        flush=True,
    )

    def stop(*_args) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for proc in procs:
            if proc.poll() is not None:
                print(f"A process stopped ({proc.args[:4]}); stopping the rest.", flush=True)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
