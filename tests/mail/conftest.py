"""Shared mail fixtures. For the receiving side (mailin) too:

``smtp_server`` — a real SMTP server (aiosmtpd) on a free port of 127.0.0.1, in a thread of the
test process (so a Celery worker subprocess reaches it over TCP as well). It collects what it
accepted in ``smtp_server.messages``: a list of ``Received(mail_from, rcpt_tos, raw)`` with the
exact bytes. Make it misbehave with ``smtp_server.fail_next(code_and_text, times=1)`` (e.g.
"451 4.3.0 try later" or "554 5.7.1 rejected", answered to DATA) and ``smtp_server.stall_seconds``
(a pause before it answers MAIL FROM: the window in which a test kills a worker), after the first
``smtp_server.stall_after`` transactions if set. ``smtp_server.fail_nth(n, response)`` answers the
n-th DATA from now with ``response``. ``smtp_server.connections`` counts the client connections
that began a transaction (distinct peers). ``smtp_server.wait_for(n)`` waits until n messages
arrived.

``smtp_settings`` — points Django's SMTP backend at ``smtp_server`` (no TLS, no login) and returns
the server. ``refused_port`` — a free port nobody listens on: the connection is refused.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import pytest


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    at: float = 0.0  # time.monotonic() when the server accepted it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.failures: list[str] = []
        self.stall_seconds = 0.0
        self.stall_after = 0
        self.mail_commands = 0
        self.data_commands = 0
        self.fail_at: dict[int, str] = {}
        self.peers: set = set()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_commands += 1
        self.peers.add(session.peer)
        if self.stall_seconds and self.mail_commands > self.stall_after:
            await asyncio.sleep(self.stall_seconds)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_commands += 1
            if self.data_commands in self.fail_at:
                return self.fail_at.pop(self.data_commands)
            if self.failures:
                return self.failures.pop(0)
            self.messages.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.original_content),
                    time.monotonic(),
                )
            )
        return "250 2.0.0 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.handler = CollectingHandler()
        self.port = free_port()
        self.host = "127.0.0.1"
        # decode_data=False keeps the bytes exactly; 8BITMIME/SMTPUTF8 as a modern MTA offers them.
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, enable_SMTPUTF8=True
        )

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    @property
    def stall_seconds(self) -> float:
        return self.handler.stall_seconds

    @stall_seconds.setter
    def stall_seconds(self, value: float) -> None:
        self.handler.stall_seconds = value

    @property
    def mail_commands(self) -> int:
        """How many transactions a client began (MAIL FROM), accepted or not."""
        return self.handler.mail_commands

    @property
    def stall_after(self) -> int:
        return self.handler.stall_after

    @stall_after.setter
    def stall_after(self, value: int) -> None:
        self.handler.stall_after = value

    @property
    def connections(self) -> int:
        """Client connections that began at least one transaction (MAIL FROM)."""
        return len(self.handler.peers)

    def fail_next(self, response: str, times: int = 1) -> None:
        self.handler.failures.extend([response] * times)

    def fail_nth(self, n: int, response: str) -> None:
        """Answer the n-th DATA from now (1 = the next) with ``response``."""
        with self.handler.lock:
            self.handler.fail_at[self.handler.data_commands + n] = response

    def wait_for(self, n: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= n:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {n} messages, the server has {len(self.messages)}")

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


@pytest.fixture
def refused_port() -> int:
    return free_port()
