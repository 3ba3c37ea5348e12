"""Many reminders at once: one readable message per person, each reminder still moved once.

A campaign to thousands of authorities puts thousands of deadlines on the same morning. Sending
each as its own task and e-mail (foia.notifications.services.deliver) floods the same few people
and runs at tens a second. Here one task takes all of an organisation's reminders of a sweep:

1. Claim in batches: one ``UPDATE … RETURNING`` per batch of ids, with the single path's
   conditions and lease (planned/queued, retrying whose backoff is over, sending whose lease
   ran out) and one claim token for the whole task. What another worker holds is not returned.
2. Deliveries and in-app notifications in bulk, in one transaction: the recipients are chosen at
   send time exactly as for one reminder (services.choose_deliveries); in-app rows are written
   together with their notifications, so they are done exactly once. Titles and step texts are
   rendered once per (deadline kind, due day, state, language) and reused.
3. One e-mail per person listing their reminders, grouped by campaign and by day with the legal
   step of each group, over one SMTP connection. Each person's deliveries are marked in the
   commit right after the server accepted that person's message (the single path's guarantee:
   only a worker killed inside that millisecond window repeats one message, with the same
   Message-ID).
4. The reminders' final states in a few bulk UPDATEs filtered by the claim token: sent, retrying
   (a refused message: its deliveries wait for their backoff), failed (after the retry window),
   undelivered (nobody could receive it), cancelled (the deadline no longer wants reminders).

A worker killed anywhere leaves its reminders "sending"; after the lease the sweep hands them out
again and only what is still pending is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from foia.models import DeadlineKind
from foia.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    Notification,
    Reminder,
    ReminderMessage,
    ReminderState,
)
from foia.notifications.services import (
    OUTBOUND,
    UNREACHED,
    _backoff,
    choose_channels,
    editors_of,
    header_text,
    mail_domain,
    reminder_title,
    request_url,
    user_prefs,
    wants_reminders,
)
from foia.services.next_steps import next_step

log = logging.getLogger(__name__)

CLAIM_BATCH = 1000
WRITE_BATCH = 2000
# A person's message lists at most this many requests per campaign and day, then links the rest.
LISTED_PER_GROUP = 25


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- 1. the claim --------------------------------------------------------------------------------


def claim_many(ids: Iterable[int], *, token: str, now: dt.datetime) -> list[int]:
    """Claim the due reminders among ``ids``: one UPDATE … RETURNING per batch. Returns the ids
    claimed under ``token``; the others are not due, already final, or held by another worker."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return []
    ops = connection.ops
    table = connection.ops.quote_name(Reminder._meta.db_table)
    at = ops.adapt_datetimefield_value(now)
    lease = ops.adapt_datetimefield_value(
        now - dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    )
    claimed: list[int] = []
    for chunk in _chunks(ids, CLAIM_BATCH):
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            f"UPDATE {table} SET state = %s, claimed_at = %s, claim_token = %s, "
            f"attempts = attempts + 1 WHERE id IN ({marks}) AND send_at <= %s AND ("
            f"state IN (%s, %s) OR (state = %s AND next_attempt_at <= %s) "
            f"OR (state = %s AND claimed_at < %s)) RETURNING id"
        )
        params = [
            ReminderState.SENDING,
            at,
            token,
            *chunk,
            at,
            ReminderState.PLANNED,
            ReminderState.QUEUED,
            ReminderState.RETRYING,
            at,
            ReminderState.SENDING,
            lease,
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed += [row[0] for row in cursor.fetchall()]
    return claimed


# --- the task's entry point ----------------------------------------------------------------------


def deliver_batch(reminder_ids: Iterable[int], *, now: dt.datetime | None = None) -> Counter:
    """Claim and deliver many reminders; one message per person. Returns the outcomes counted
    ("sent", "retrying", "failed", "undelivered", "cancelled", "not-claimed")."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(int(pk) for pk in reminder_ids))
    token = uuid.uuid4().hex
    claimed = claim_many(ids, token=token, now=now)
    outcomes: Counter = Counter({"not-claimed": len(ids) - len(claimed)} if ids else {})
    if not claimed:
        return +outcomes
    try:
        outcomes.update(_deliver_claimed(claimed, token=token, now=now))
    except Exception:
        # Give the claims back for the task's retry or the next sweep; what was delivered is
        # recorded on its Delivery rows and is not sent again.
        try:
            for chunk in _chunks(claimed, WRITE_BATCH):
                Reminder.objects.filter(
                    pk__in=chunk, claim_token=token, state=ReminderState.SENDING
                ).update(state=ReminderState.QUEUED, claimed_at=None, queued_at=now)
        except Exception:
            log.exception("could not release the claims of a reminder batch")
        raise
    return +outcomes


# --- 2. deliveries and in-app notifications ------------------------------------------------------


@dataclass(slots=True)
class Item:
    """One delivery in the batch: a light record instead of a model instance (thousands of them
    are built and read per batch)."""

    pk: int
    reminder_id: int
    user_id: int
    channel: str
    state: str
    attempts: int = 0
    first_attempt_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    last_error: str = ""
    sent_at: dt.datetime | None = None


ITEM_FIELDS = [
    "pk",
    "reminder_id",
    "user_id",
    "channel",
    "state",
    "attempts",
    "first_attempt_at",
    "next_attempt_at",
    "last_error",
    "sent_at",
]


def insert_rows(
    model, columns: list[str], rows: list[tuple], *, returning: str = ""
) -> list[tuple]:
    """``INSERT … ON CONFLICT DO NOTHING [RETURNING …]`` of many rows without a model instance
    per row (Django's bulk_create spends most of a large batch preparing each field of each
    object). PostgreSQL gets one array per column through ``unnest`` — a handful of parameters
    however many rows; SQLite (3.35+) multi-row VALUES within its parameter limit."""
    if not rows:
        return []
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    cols = ", ".join(ops.quote_name(c) for c in columns)
    tail = " ON CONFLICT DO NOTHING" + (f" RETURNING {returning}" if returning else "")
    out: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = [model._meta.get_field(c.removesuffix("_id")) for c in columns]
            types = [_array_type(f, c) for f, c in zip(fields, columns, strict=True)]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            for chunk in _chunks(rows, 20000):
                sql = f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({arrays}){tail}"
                cursor.execute(sql, [list(col) for col in zip(*chunk, strict=True)])
                if returning:
                    out += cursor.fetchall()
            return out
        mark = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for chunk in _chunks(rows, max(1, 999 // len(columns))):
            sql = f"INSERT INTO {table} ({cols}) VALUES {', '.join([mark] * len(chunk))}{tail}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if returning:
                out += cursor.fetchall()
    return out


def _array_type(field, column: str) -> str:
    if field.is_relation:
        field = field.target_field
    internal = field.get_internal_type()
    return {
        "AutoField": "integer",
        "BigAutoField": "bigint",
        "IntegerField": "integer",
        "BigIntegerField": "bigint",
        "PositiveSmallIntegerField": "smallint",
        "SmallIntegerField": "smallint",
        "DateTimeField": "timestamptz",
    }.get(internal, "text")


class Renderer:
    """Titles, step texts, in-app bodies and links, computed once per (what they depend on,
    language): a campaign's thousands of deadlines share a handful of kinds, days and states."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.inapp = get_template("notifications/inapp.txt")
        self.steps: dict[tuple, object] = {}
        self.no_appeal: dict[int, bool] = {}
        self.keys: dict[int, tuple] = {}
        self.labels: dict[tuple, str] = {}
        self.texts: dict[tuple, tuple[str, str]] = {}
        # The request page's address: reversed once, then filled in for each request.
        self.url_pattern = request_url_pattern()

    def authority_no_appeal(self, authority) -> bool:
        if authority.pk not in self.no_appeal:
            self.no_appeal[authority.pk] = authority.no_appeal
        return self.no_appeal[authority.pk]

    def step(self, deadline, language: str):
        no_appeal = self.authority_no_appeal(deadline.request.authority)
        key = (deadline.kind, deadline.due_on, deadline.state, deadline.met_on, no_appeal, language)
        if key not in self.steps:
            with translation.override(language):
                self.steps[key] = next_step(deadline, today=self.today, no_appeal=no_appeal)
        return self.steps[key]

    def url(self, request) -> str:
        return self.url_pattern.replace(URL_SENTINEL, str(request.pk))

    def group_key(self, reminder: Reminder) -> tuple:
        if reminder.pk not in self.keys:
            deadline = reminder.deadline
            campaign = deadline.request.campaign
            self.keys[reminder.pk] = (
                campaign is None,  # campaigns first, then the requests outside any
                campaign.title if campaign else "",
                campaign.pk if campaign else 0,
                deadline.due_on,
                deadline.kind,
                deadline.state,
                self.authority_no_appeal(deadline.request.authority),  # another legal step
            )
        return self.keys[reminder.pk]

    def context(self, reminder: Reminder, language: str) -> dict:
        deadline = reminder.deadline
        request = deadline.request
        return {
            "reminder": reminder,
            "deadline": deadline,
            "request": request,
            "authority": request.authority,
            "days_left": (deadline.due_on - self.today).days,
            "due": date_format(deadline.due_on, "d.m.Y"),
            "due_at": deadline.due_at,
            "missed": deadline.due_on < self.today,
            "step": self.step(deadline, language),
            "url": self.url(request),
            "late": reminder.late,
            "clock": self.kind_label(deadline.kind, language),
        }

    def inapp_text(self, reminder: Reminder, language: str) -> tuple[str, str, str]:
        """(title, body, link) of a reminder's in-app notification. The title and the body are
        rendered once per (deadline kind, day, state, legal basis, lateness, language) with
        markers where the request's subject and authority go, then filled in per request."""
        deadline = reminder.deadline
        request = deadline.request
        authority = request.authority
        key = (
            deadline.kind,
            deadline.due_on,
            deadline.due_at,
            deadline.state,
            deadline.met_on,
            deadline.legal_basis,
            self.authority_no_appeal(authority),
            reminder.late,
            language,
        )
        if key not in self.texts:
            stand_in = _StandIn(reminder)
            with translation.override(language):
                ctx = self.context(stand_in, language)
                self.texts[key] = (
                    reminder_title(ctx),
                    self.inapp.render(ctx).strip(),
                )
        title, body = self.texts[key]
        name = authority.name
        short = authority.short_name or authority.name
        title = title.replace(_SUBJECT, request.subject).replace(_SHORT, short)[:300]
        body = body.replace(_NAME, name).replace(_SUBJECT, request.subject)
        return title, body, self.url(request)

    def kind_label(self, kind: str, language: str) -> str:
        key = (kind, language)
        if key not in self.labels:
            with translation.override(language):
                self.labels[key] = str(DeadlineKind(kind).label)
        return self.labels[key]


URL_SENTINEL = "987654321"
# Markers rendered in place of one request's own words (control characters: never in a subject or
# a name, which refuse them), then replaced per request.
_SUBJECT, _NAME, _SHORT = "\x01subject\x01", "\x01name\x01", "\x01short\x01"


class _StandIn:
    """A reminder whose request and authority show the markers, for rendering once per kind."""

    def __init__(self, reminder: Reminder):
        deadline = reminder.deadline
        request = deadline.request
        authority = request.authority
        self.pk = reminder.pk
        self.late = reminder.late
        self.lead_days = reminder.lead_days
        self.deadline = _Proxy(
            deadline,
            request=_Proxy(
                request,
                subject=_SUBJECT,
                authority=_Proxy(authority, name=_NAME, short_name=_SHORT),
            ),
        )


class _Proxy:
    """An object like ``wrapped`` with some attributes replaced."""

    def __init__(self, wrapped, **replaced):
        self.__dict__.update(replaced)
        self._wrapped = wrapped

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def request_url_pattern() -> str:
    """services.request_url for a sentinel request id (replaced by each request's id)."""

    class _Stub:
        pk = int(URL_SENTINEL)

    return request_url(_Stub())


# What the batch reads of a reminder's deadline, request, authority and campaign (the requests'
# long texts and private fields stay in the database). A field used but missing here would cost
# a query per reminder: tests/notifications/test_batch.py counts them.
LOAD_FIELDS = [
    "id",
    "lead_days",
    "late",
    "send_at",
    "deadline__id",
    "deadline__kind",
    "deadline__due_on",
    "deadline__due_at",
    "deadline__state",
    "deadline__met_on",
    "deadline__met_by_event_id",
    "deadline__legal_basis",
    "deadline__presumed",
    "deadline__opens_on",
    "deadline__source_key",
    "deadline__request__id",
    "deadline__request__organization_id",
    "deadline__request__assignee_id",
    "deadline__request__subject",
    "deadline__request__our_reference",
    "deadline__request__campaign__id",
    "deadline__request__campaign__title",
    "deadline__request__authority__id",
    "deadline__request__authority__name",
    "deadline__request__authority__short_name",
    "deadline__request__authority__appeal_route_override",
]


def _load(claimed: list[int]) -> list[Reminder]:
    reminders = []
    for chunk in _chunks(claimed, WRITE_BATCH):
        reminders += (
            Reminder.objects.filter(pk__in=chunk)
            .select_related("deadline__request__authority", "deadline__request__campaign")
            .only(*LOAD_FIELDS)
        )
    return reminders


def _items_of(ids: list[int]) -> dict[int, list[Item]]:
    found: dict[int, list[Item]] = defaultdict(list)
    for chunk in _chunks(ids, WRITE_BATCH):
        for row in Delivery.objects.filter(reminder_id__in=chunk).values_list(*ITEM_FIELDS):
            item = Item(*row)
            found[item.reminder_id].append(item)
    return found


def _needs_choice(existing: list[Item]) -> bool:
    """The single path's rule (services._ensure_deliveries): choose recipients when there are no
    deliveries yet, only digest items carried ahead, or nobody reachable last time."""
    ahead = all(d.channel == Channel.DIGEST and d.state == DeliveryState.SENT for d in existing)
    return ahead or not any(d.channel in OUTBOUND for d in existing)


def _deliver_claimed(claimed: list[int], *, token: str, now: dt.datetime) -> Counter:
    outcomes: Counter = Counter()
    renderer = Renderer(now)
    mine = Reminder.objects.filter(claim_token=token)
    with transaction.atomic():
        reminders = _load(claimed)
        cancelled = [r.pk for r in reminders if not wants_reminders(r.deadline)]
        for chunk in _chunks(cancelled, WRITE_BATCH):
            mine.filter(pk__in=chunk).update(state=ReminderState.CANCELLED)
        outcomes["cancelled"] = len(cancelled)
        live = [r for r in reminders if wants_reminders(r.deadline)]
        if not live:
            return outcomes
        items, users, inapp = _ensure_items(live)
        settle_sent_messages(items)
        langs = {pk: language for pk, (_mode, language) in user_prefs(users.values(), "").items()}
        _notify_in_app(inapp, langs, renderer, now=now)
        emit_webhooks(live)

    # 3. e-mail: one message per person, one SMTP connection for the batch.
    emails: dict[int, list[Item]] = defaultdict(list)
    for reminder in live:
        for d in items[reminder.pk]:
            if (
                d.channel == Channel.EMAIL
                and d.state == DeliveryState.PENDING
                and (d.next_attempt_at is None or d.next_attempt_at <= now)
            ):
                emails[d.user_id].append(d)
    by_pk = {r.pk: r for r in live}
    if emails:
        mail_connection = get_connection()
        try:
            mail_connection.open()
        except Exception as exc:  # the server is down: every message waits for its retry
            log.warning("reminder batch: SMTP connection failed (%s)", exc)
        try:
            for user_id, person_items in emails.items():
                _send_person(
                    person_items,
                    users[user_id],
                    by_pk,
                    langs[user_id],
                    renderer,
                    mail_connection,
                    now=now,
                )
        finally:
            try:
                mail_connection.close()
            except Exception:
                log.warning("reminder batch: closing the SMTP connection failed", exc_info=True)

    # 4. final states, in a few bulk updates under the claim token.
    with transaction.atomic():
        outcomes.update(_finish(live, items, mine, now=now))
    return outcomes


def _ensure_items(live: list[Reminder]) -> tuple[dict[int, list[Item]], dict, list]:
    """The batch's deliveries (created on the first claim, as in the single path), their users,
    and the (reminder, user) pairs to notify in the app now. In the batch the in-app notification
    row is itself the record of that delivery (unique per reminder and user), inserted in the same
    transaction as the other deliveries: no separate in-app Delivery row to write and update."""
    ids = [r.pk for r in live]
    items = _items_of(ids)
    todo = [r for r in live if _needs_choice(items.get(r.pk, []))]
    users: dict = {}
    inapp: list[tuple[Reminder, int]] = []
    if todo:
        editors = editors_of({r.deadline.request.organization_id for r in todo})
        users = {u.pk: u for members in editors.values() for u in members}
        prefs_by_kind: dict[str, dict] = {}
        chosen: dict[tuple, list[tuple[int, str]]] = {}
        rows = []
        for reminder in todo:
            kind = reminder.deadline.kind
            request = reminder.deadline.request
            key = (request.organization_id, request.assignee_id, kind)
            if key not in chosen:  # the same for every request of the organisation alike
                if kind not in prefs_by_kind:
                    prefs_by_kind[kind] = user_prefs(users.values(), kind)
                chosen[key] = [
                    (user.pk, channel)
                    for user, channel in choose_channels(
                        request, editors[request.organization_id], prefs_by_kind[kind]
                    )
                ]
            for user_id, channel in chosen[key]:
                if channel == Channel.INAPP:
                    inapp.append((reminder, user_id))
                else:
                    rows.append((reminder.pk, user_id, channel, DeliveryState.PENDING, 0, ""))
        created = insert_rows(
            Delivery,
            ["reminder_id", "user_id", "channel", "state", "attempts", "last_error"],
            rows,
            returning="id, reminder_id, user_id, channel, state, attempts",
        )
        if len(created) != len(rows):  # someone else's rows were there: read them all back
            items = _items_of(ids)
        else:
            for row in created:
                item = Item(*row)
                items[item.reminder_id].append(item)
    missing = {d.user_id for group in items.values() for d in group} - set(users)
    missing |= {user_id for _r, user_id in inapp} - set(users)
    if missing:
        users.update({u.pk: u for u in get_user_model().objects.filter(pk__in=missing)})
    return items, users, inapp


def _notify_in_app(inapp, langs, renderer: Renderer, *, now) -> None:
    """In-app notifications, exactly once under the (reminder, user) unique constraint."""
    at = connection.ops.adapt_datetimefield_value(now)
    rows = []
    for reminder, user_id in inapp:
        title, body, url = renderer.inapp_text(reminder, langs[user_id])
        rows.append((user_id, reminder.pk, title, body, url, at))
    insert_rows(
        Notification, ["user_id", "reminder_id", "title", "body", "url", "created_at"], rows
    )


def emit_webhooks(live: list[Reminder]) -> None:
    """``deadline.approaching`` / ``deadline.missed`` once per reminder (keyed by it), for the
    organisations that have an endpoint at all (one query instead of one per reminder)."""
    try:
        from foia.webhooks.models import WebhookEndpoint
        from foia.webhooks.services import emit
    except ImportError:  # the webhooks app is optional in this layout
        return
    orgs = {r.deadline.request.organization_id for r in live}
    listening = set(
        WebhookEndpoint.objects.filter(organization_id__in=orgs, is_active=True).values_list(
            "organization_id", flat=True
        )
    )
    for reminder in live:
        request = reminder.deadline.request
        if request.organization_id in listening:
            emit_for(reminder, emit)


def emit_for(reminder: Reminder, emit) -> None:
    deadline = reminder.deadline
    kind = "deadline.missed" if reminder.lead_days < 0 else "deadline.approaching"
    emit(
        organization_id=deadline.request.organization_id,
        kind=kind,
        data={
            "request": deadline.request_id,
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_on": deadline.due_on.isoformat(),
            "days_before": reminder.lead_days,
        },
        key=f"{kind}:{reminder.pk}",
    )


# --- 3. one message per person -------------------------------------------------------------------


def _send_person(items, user, by_pk, language, renderer, mail_connection, *, now) -> None:
    """Send one person their message and record it: the message row is marked sent in a one-row
    commit right after the server accepted it, then its deliveries (see ReminderMessage)."""
    reminders = [by_pk[d.reminder_id] for d in items]
    for d in items:
        d.first_attempt_at = d.first_attempt_at or now
        d.attempts += 1
    record = None
    try:
        message = render_batch_email(reminders, user, language, renderer)
        message.connection = mail_connection
        record = ReminderMessage.objects.create(
            user=user,
            message_id=message.extra_headers["Message-ID"],
            delivery_ids=[d.pk for d in items],
        )
        message.send()
    except Exception as exc:  # refused, timed out, no server: retry later, never drop
        if record is not None:
            ReminderMessage.objects.filter(pk=record.pk).delete()
        give_up = now - min(d.first_attempt_at for d in items) >= dt.timedelta(
            hours=settings.REMINDER_RETRY_WINDOW_HOURS
        )
        values = {
            "state": DeliveryState.FAILED if give_up else DeliveryState.PENDING,
            "last_error": f"{type(exc).__name__}: {exc}",
        }
        log.warning("reminder batch: message to user %s failed (%s)", user.pk, exc)
    else:
        ReminderMessage.objects.filter(pk=record.pk).update(sent_at=now)  # the one-row commit
        values = {"state": DeliveryState.SENT, "sent_at": now, "last_error": ""}
    # One attempt count for the whole message: retries keep the items of a person together.
    attempts = max(d.attempts for d in items)
    if values["state"] == DeliveryState.PENDING:
        values["next_attempt_at"] = now + _backoff(attempts)
    else:
        values["next_attempt_at"] = None
    for d in items:
        for name, value in values.items():
            setattr(d, name, value)
    # Plain UPDATEs by primary key (bulk_update's CASE per row costs seconds for thousands).
    with transaction.atomic():
        for chunk in _chunks([d.pk for d in items], WRITE_BATCH):
            Delivery.objects.filter(pk__in=chunk).update(
                attempts=F("attempts") + 1,
                first_attempt_at=Coalesce("first_attempt_at", Value(now)),
                **values,
            )
        if record is not None and values["state"] == DeliveryState.SENT:
            ReminderMessage.objects.filter(pk=record.pk).update(settled=True)


def settle_sent_messages(items: dict[int, list[Item]]) -> int:
    """Deliveries still pending although the message that carried them was accepted (a worker
    killed after the acceptance, before it recorded them): marked sent, not sent again."""
    pending = {
        d.pk: d
        for group in items.values()
        for d in group
        if d.channel == Channel.EMAIL and d.state == DeliveryState.PENDING
    }
    if not pending:
        return 0
    users = {d.user_id for d in pending.values()}
    settled = 0
    messages = ReminderMessage.objects.filter(
        user_id__in=users, settled=False, sent_at__isnull=False
    )
    for record in messages:
        ids = [pk for pk in record.delivery_ids if pk in pending]
        for chunk in _chunks(ids, WRITE_BATCH):
            Delivery.objects.filter(pk__in=chunk, state=DeliveryState.PENDING).update(
                state=DeliveryState.SENT,
                sent_at=record.sent_at,
                attempts=F("attempts") + 1,
                next_attempt_at=None,
                last_error="",
            )
        for pk in ids:
            d = pending[pk]
            d.state, d.sent_at, d.next_attempt_at, d.last_error = (
                DeliveryState.SENT,
                record.sent_at,
                None,
                "",
            )
        ReminderMessage.objects.filter(pk=record.pk).update(settled=True)
        settled += len(ids)
    return settled


def render_batch_email(
    reminders: list[Reminder], user, language: str, renderer: Renderer
) -> EmailMultiAlternatives:
    """One message listing ``reminders``: by campaign, then by last day and kind of deadline, with
    the legal step of each group; a long group lists its first requests and links the rest. A
    single reminder keeps the single reminder's message."""
    if len(reminders) == 1:
        from foia.notifications.services import render_reminder_email

        return render_reminder_email(reminders[0], user, language, now=renderer.now)
    with translation.override(language):
        groups = []
        ordered = sorted(reminders, key=lambda r: (renderer.group_key(r), r.deadline.request_id))
        current = None
        for reminder in ordered:
            key = renderer.group_key(reminder)
            if current is None or current["key"] != key:
                deadline = reminder.deadline
                ctx = renderer.context(reminder, language)
                campaign = deadline.request.campaign
                current = {
                    "key": key,
                    "campaign": campaign,
                    "campaign_url": _campaign_url(campaign),
                    "kind": DeadlineKind(deadline.kind).label,
                    "due": ctx["due"],
                    "missed": ctx["missed"],
                    "days_left": ctx["days_left"],
                    "step": ctx["step"],
                    "items": [],
                    "more": 0,
                }
                groups.append(current)
            if len(current["items"]) < LISTED_PER_GROUP:
                request = reminder.deadline.request
                current["items"].append(
                    {
                        "subject": request.subject,
                        "authority": request.authority.short_name or request.authority.name,
                        "url": renderer.url(request),
                        "late": reminder.late,
                    }
                )
            else:
                current["more"] += 1
        n = len(reminders)
        first_due = min(r.deadline.due_on for r in reminders)
        subject = ngettext(
            "%(n)d deadline to watch, the first on %(due)s",
            "%(n)d deadlines to watch, the first on %(due)s",
            n,
        ) % {"n": n, "due": date_format(first_due, "d.m.Y")}
        ctx = {"user": user, "groups": groups, "count": n, "subject": subject}
        text = get_template("notifications/email/batch.txt").render(ctx)
        html = get_template("notifications/email/batch.html").render(ctx)
    digest = hashlib.sha1(
        ",".join(str(r.pk) for r in sorted(reminders, key=lambda r: r.pk)).encode()
    ).hexdigest()[:16]
    message = EmailMultiAlternatives(
        subject=header_text(f"[FOI] {subject}"),
        body=text,
        to=[user.email],
        headers={
            "Message-ID": f"<reminders-{user.pk}-{digest}@{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _campaign_url(campaign) -> str:
    if campaign is None:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("workspace:campaign", args=[campaign.pk])
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


# --- 4. final states -----------------------------------------------------------------------------


def _finish(live, deliveries, mine, *, now) -> Counter:
    """Each reminder's state from its deliveries (in memory, as just saved), in bulk updates."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for reminder in live:
        ds = deliveries[reminder.pk]
        if not any(d.channel in OUTBOUND for d in ds):
            groups[("undelivered", None, UNREACHED)].append(reminder.pk)
            continue
        current = [d for d in ds if d.channel != Channel.DIGEST]
        failed = [d for d in current if d.state == DeliveryState.FAILED]
        waiting = [
            d.next_attempt_at
            for d in current
            if d.state == DeliveryState.PENDING and d.next_attempt_at
        ]
        if failed:
            groups[("failed", None, failed[0].last_error)].append(reminder.pk)
        elif waiting:
            groups[("retrying", min(waiting), "")].append(reminder.pk)
        else:
            groups[("sent", None, "")].append(reminder.pk)
    outcomes: Counter = Counter()
    for (outcome, retry_at, error), ids in groups.items():
        values = {
            "sent": {"state": ReminderState.SENT, "sent_at": now, "last_error": ""},
            "failed": {"state": ReminderState.FAILED, "last_error": error},
            "retrying": {"state": ReminderState.RETRYING, "next_attempt_at": retry_at},
            "undelivered": {"state": ReminderState.UNDELIVERED, "last_error": error},
        }[outcome]
        for chunk in _chunks(ids, WRITE_BATCH):
            mine.filter(pk__in=chunk).update(**values)
        outcomes[outcome] += len(ids)
    return outcomes


# --- the sweep's hand-out ------------------------------------------------------------------------


def partition(ids: Iterable[int]) -> list[list[int]]:
    """The sweep's reminders split by organisation (its people get one message for all of
    them); an organisation with one reminder keeps the single path."""
    ids = list(ids)
    by_org: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids, WRITE_BATCH):
        rows = Reminder.objects.filter(pk__in=chunk).values_list(
            "id", "deadline__request__organization_id"
        )
        for pk, org in rows:
            by_org[org].append(pk)
    return [sorted(group) for _org, group in sorted(by_org.items())]
