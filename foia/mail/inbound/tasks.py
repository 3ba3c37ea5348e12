"""Thin Celery tasks for incoming mail: the IMAP poll and the daily note of waiting mail."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def fetch_mail_task() -> int:
    from django.conf import settings

    from foia.mail.inbound.imap import fetch
    from foia.mail.inbound.services import process_stored

    process_stored()
    if not settings.IMAP_URL:
        return 0
    return fetch(settings.IMAP_URL, limit=settings.IMAP_BATCH).stored


@shared_task(acks_late=True, ignore_result=True)
def waiting_note_task() -> int:
    from foia.mail.inbound.services import send_waiting_note

    return send_waiting_note()
