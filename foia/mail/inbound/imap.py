"""Reading an IMAP mailbox (``IMAP_URL``) into the tracker.

Store first, then mark: a message is flagged ``$FoiStored`` (and \\Seen) only after
``message_receive`` has committed its raw bytes. A fetch killed between the two leaves the message
unflagged; the next fetch reads it again, the de-duplication key recognises it, and it is flagged
then — nothing lost, nothing stored twice. Messages are read with BODY.PEEK, so a human looking at
the same mailbox still sees what the tracker has not stored yet as unread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from imapclient import IMAPClient

from foia.mail.inbound.models import Source
from foia.mail.inbound.services import message_receive

PROCESSED = b"$FoiStored"
FETCH_CHUNK = 25


@dataclass
class ImapConfig:
    host: str
    port: int
    ssl: bool
    username: str
    password: str
    folder: str


@dataclass
class FetchResult:
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    lines: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(
        default_factory=lambda: {
            "fetch": 0.0,
            "store": 0.0,
            "parse": 0.0,
            "match": 0.0,
            "flag": 0.0,
        }
    )


def parse_url(url: str) -> ImapConfig:
    """``imap://user:password@host:143/INBOX`` or ``imaps://…:993/…`` (user and password
    percent-encoded; the folder defaults to INBOX)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ImproperlyConfigured("IMAP_URL must look like imaps://user:password@host/INBOX")
    ssl = parts.scheme == "imaps"
    return ImapConfig(
        host=parts.hostname,
        port=parts.port or (993 if ssl else 143),
        ssl=ssl,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def fetch(url: str, *, limit: int = 200, timeout: float = 60) -> FetchResult:
    """Store every message of the mailbox not yet flagged as stored (at most ``limit``)."""
    config = parse_url(url)
    result = FetchResult()
    with IMAPClient(config.host, port=config.port, ssl=config.ssl, timeout=timeout) as client:
        client.login(config.username, config.password)
        client.select_folder(config.folder)
        uids = sorted(client.search(["NOT", "KEYWORD", PROCESSED.decode(), "NOT", "DELETED"]))
        uids = uids[:limit]
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            began = time.perf_counter()
            bodies = client.fetch(chunk, ["BODY.PEEK[]"])
            result.timings["fetch"] += time.perf_counter() - began
            for uid in chunk:
                data = bodies.get(uid, {})
                raw = data.get(b"BODY[]")
                if raw is None:
                    continue  # expunged meanwhile
                result.seen += 1
                outcome = message_receive(raw=raw, source=Source.IMAP)
                for step, seconds in outcome.timings.items():
                    result.timings[step] = result.timings.get(step, 0.0) + seconds
                if outcome.verdict == "duplicate":
                    result.duplicates += 1
                else:
                    result.stored += 1
                result.lines.append(outcome.line())
                began = time.perf_counter()
                client.add_flags([uid], [PROCESSED, b"\\Seen"])
                result.timings["flag"] += time.perf_counter() - began
    return result  # leaving the block logs out
