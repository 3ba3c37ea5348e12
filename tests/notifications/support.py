"""Helpers for the real-worker tests (imported by the worker process too)."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    """Writes e-mail files like the file backend, after a pause: the window in which the tests
    kill the worker, after it claimed a reminder and before the e-mail left."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "60")))
        return super().send_messages(email_messages)


class SlowAfterFirstFileBackend(EmailBackend):
    """Writes the first message of the process at once and pauses before each later one: the
    window in which the batch test kills the worker, one person's message out, the next not."""

    sent = 0

    def send_messages(self, email_messages):
        if SlowAfterFirstFileBackend.sent:
            time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "60")))
        SlowAfterFirstFileBackend.sent += len(email_messages)
        return super().send_messages(email_messages)
