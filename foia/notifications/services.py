"""Reminders: planned from the Deadline rows, swept on a schedule, delivered exactly once.

The life of a reminder (one row per deadline and lead time, unique):

    planned ──sweep──▶ queued ──task claims──▶ sending ──▶ sent
       │                  ▲                       │ └────▶ retrying ──(backoff)──▶ sending …
       │                  └── lost message ───────┤        └── after 24 h ──▶ failed
       ├──▶ superseded (a later lead of the same deadline is due at the same sweep)
       └──▶ cancelled  (the deadline was met, voided, or moved so that this lead is gone)

Exactly once, and where it is only "at least once":
1. The claim is one conditional UPDATE (state, send time, lease) committed before anything is
   sent; a duplicated task, a second beat or a concurrent sweep finds nothing to claim.
2. Each recipient and channel is a Delivery row (unique). In-app notifications are inserted under
   a unique constraint: exactly once. An e-mail is marked sent in its own commit right after the
   SMTP server accepted it.
3. A worker killed between the claim and the sending leaves the reminder "sending"; after the
   lease (REMINDER_CLAIM_LEASE_SECONDS) the redelivered task or the next sweep claims it again and
   sends what is still pending: delivered once.
4. The one window left is between the SMTP server's acceptance and that commit (milliseconds):
   a worker killed exactly there sends that e-mail again. Its Message-ID is the same both times
   (reminder, recipient), so mail systems can recognise the repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
import uuid
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from foia.models import Deadline, DeadlineState, Membership, Request, Role
from foia.notifications.models import (
    DEFAULT_LEAD_DAYS,
    MISSED,
    Channel,
    Delivery,
    DeliveryState,
    DigestRun,
    KindPreference,
    Mode,
    Notification,
    NotificationSettings,
    Reminder,
    ReminderPolicy,
    ReminderState,
)
from foia.services.next_steps import next_step

log = logging.getLogger(__name__)

PENDING_STATES = (ReminderState.PLANNED, ReminderState.QUEUED, ReminderState.RETRYING)
BATCH = 500


# --- planning ------------------------------------------------------------------------------------


def lead_days_for(organization_id: int) -> list[int]:
    policy = ReminderPolicy.objects.filter(organization_id=organization_id).first()
    leads = policy.lead_days if policy else DEFAULT_LEAD_DAYS
    return sorted({int(x) for x in leads}, reverse=True)


def send_time(deadline: Deadline, lead: int) -> dt.datetime:
    """When the reminder ``lead`` days before ``deadline`` goes out (local morning hour).

    -1 means "when missed": the morning after the last day. A 48-hour deadline (due_at) is
    reminded relative to its exact mark: 12 hours before it on the day, a minute after it when missed.
    """
    if deadline.due_at is not None:
        if lead == MISSED:
            return deadline.due_at + dt.timedelta(minutes=1)
        if lead == 0:
            return deadline.due_at - dt.timedelta(hours=12)
        return deadline.due_at - dt.timedelta(days=lead)
    day = (
        deadline.due_on + dt.timedelta(days=1)
        if lead == MISSED
        else (deadline.due_on - dt.timedelta(days=lead))
    )
    naive = dt.datetime.combine(day, dt.time(settings.REMINDER_SEND_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def wants_reminders(deadline: Deadline) -> bool:
    """Open deadlines, and missed ones nobody acted on (silence, a lapsed period) and whose
    outcome is not on the record yet (non-compliance recorded closes the compliance clock)."""
    return deadline.is_unresolved


def plan_request(request: Request, *, now: dt.datetime | None = None) -> None:
    """Create, move or cancel the request's reminders to match its deadline rows."""
    plan_requests([request], now=now)


def plan_requests(requests, *, now: dt.datetime | None = None) -> None:
    """Plan the reminders of many requests in a fixed number of queries (the bulk fan-out).

    For each deadline and lead time the wanted send time is computed from the deadline row:
    1. A row already at that time keeps its state — sent stays sent — except a cancelled one,
       which is planned again (lead times changed and restored, a met deadline reopened).
    2. Otherwise a pending row (planned or queued) of that lead is moved to the new time.
    3. Otherwise a new row is created: the deadline moved, so the lead is planned again whatever
       was sent for the old date. A lead whose time was before today when it is first planned is
       not created (a refusal recorded late should not trigger last week's reminders); one
       already planned whose time has come stays, and the sweep sends it.
    4. Pending rows at other times, of leads no longer wanted or no longer in the policy, are
       cancelled (a retrying one only when its lead is no longer wanted).
    """
    requests = list(requests)
    if len(requests) > BATCH:  # a bounded number of queries per batch of requests
        for chunk in _chunks(requests):
            plan_requests(chunk, now=now)
        return
    if not requests:
        return
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    org_ids = {r.organization_id for r in requests}
    policies = dict(
        ReminderPolicy.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "lead_days"
        )
    )
    leads_of = {
        org: sorted({int(x) for x in policies.get(org, DEFAULT_LEAD_DAYS)}, reverse=True)
        for org in org_ids
    }
    org_of = {r.pk: r.organization_id for r in requests}
    request_ids = list(org_of)
    deadlines = list(Deadline.objects.filter(request_id__in=request_ids))
    rows: dict[tuple[int, int], list[Reminder]] = {}
    planned_leads: dict[int, set[int]] = {}
    # By the deadlines' ids, not a join on their requests: the planner's choice for the join
    # turned to a scan of every reminder once the tables were analysed at campaign size.
    for reminder in Reminder.objects.filter(deadline_id__in=[d.pk for d in deadlines]):
        rows.setdefault((reminder.deadline_id, reminder.lead_days), []).append(reminder)
        planned_leads.setdefault(reminder.deadline_id, set()).add(reminder.lead_days)
    to_create, to_update = [], {}

    def change(reminder: Reminder, **values) -> None:
        for name, value in values.items():
            setattr(reminder, name, value)
        # Only a moved reminder needs its time written: cancellations group by state alone.
        moved = "send_at" in values or getattr(reminder, "_moved", False)
        reminder._moved = moved
        to_update[reminder.pk] = reminder

    for deadline in deadlines:
        leads = leads_of[org_of[deadline.request_id]]
        wanted = set(leads) if wants_reminders(deadline) else set()
        for lead in sorted(wanted | planned_leads.get(deadline.pk, set())):
            group = rows.pop((deadline.pk, lead), [])
            if lead not in wanted:
                for reminder in group:
                    if reminder.state in PENDING_STATES:
                        change(reminder, state=ReminderState.CANCELLED)
                continue
            when = send_time(deadline, lead)
            match = next((r for r in group if r.send_at == when), None)
            movable = [
                r
                for r in group
                if r is not match and r.state in (ReminderState.PLANNED, ReminderState.QUEUED)
            ]
            if match is None and movable:
                match = movable.pop(0)
                change(match, send_at=when, state=ReminderState.PLANNED)
            elif match is None:
                if when >= start_of_today:
                    to_create.append(Reminder(deadline=deadline, lead_days=lead, send_at=when))
            elif match.state == ReminderState.CANCELLED and when >= start_of_today:
                change(match, state=ReminderState.PLANNED)
            for reminder in movable:
                change(reminder, state=ReminderState.CANCELLED)
    for group in rows.values():  # deadlines gone from the request
        for reminder in group:
            if reminder.state in PENDING_STATES:
                change(reminder, state=ReminderState.CANCELLED)
    if to_create:
        Reminder.objects.bulk_create(to_create, ignore_conflicts=True, batch_size=BATCH)
    # Plain UPDATEs grouped by their new values (bulk_update's CASE per row is slow at scale).
    by_values: dict[tuple, list[int]] = {}
    for reminder in to_update.values():
        when = reminder.send_at if reminder._moved else None
        by_values.setdefault((reminder.state, when), []).append(reminder.pk)
    for (state, when), ids in by_values.items():
        values = {"state": state} if when is None else {"state": state, "send_at": when}
        for chunk in _chunks(ids):
            Reminder.objects.filter(pk__in=chunk).update(**values)


def replan_organization(organization_id: int, *, now: dt.datetime | None = None) -> int:
    """After the lead times changed: plan again every request that has a live deadline."""
    ids = (
        Deadline.objects.filter(request__organization_id=organization_id)
        .filter(Q(state=DeadlineState.OPEN) | Q(state=DeadlineState.MISSED, met_on__isnull=True))
        .values_list("request_id", flat=True)
        .distinct()
    )
    ids = list(ids)
    for chunk in _chunks(ids):
        plan_requests(Request.objects.filter(pk__in=chunk), now=now)
    return len(ids)


# --- the sweep -----------------------------------------------------------------------------------


@dataclass
class SweepResult:
    queued: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)

    @property
    def to_send(self) -> list[int]:
        return [*self.queued, *self.recovered]


def _chunks(ids: list[int]):
    for i in range(0, len(ids), BATCH):
        yield ids[i : i + BATCH]


def due_reminders(now: dt.datetime):
    """Planned reminders whose time has come, via the (state, send_at) index."""
    return Reminder.objects.filter(state=ReminderState.PLANNED, send_at__lte=now)


def sweep(*, now: dt.datetime | None = None, dispatch: bool = True) -> SweepResult:
    """Find the reminders that are due and hand each to one task.

    1. Due planned reminders are grouped by deadline; only the latest lead of each deadline is
       sent, the earlier ones are superseded (after downtime: one reminder, not a flood).
    2. Each kept reminder moves planned → queued in a conditional UPDATE; a concurrent sweep moves
       nothing twice. Those more than REMINDER_LATE_AFTER_MINUTES behind are marked late — when
       they were planned before their time (the sweep was not running), not when they were only
       planned after it (a deadline recorded today whose reminder of the day is already due).
    3. Recovery: queued ones whose message was lost, sending ones whose worker died (lease
       expired) and retrying ones whose backoff is over are handed out again.
    4. Tasks are enqueued after the commit.
    """
    now = now or timezone.now()
    result = SweepResult()
    late_cutoff = now - dt.timedelta(minutes=settings.REMINDER_LATE_AFTER_MINUTES)
    with transaction.atomic():
        rows = due_reminders(now).order_by("deadline_id", "-send_at", "-id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        rows = list(rows.values_list("id", "deadline_id", "send_at", "created_at"))
        keep = []
        for _deadline, group in groupby(rows, key=lambda row: row[1]):
            first, *rest = list(group)
            keep.append(first)
            result.superseded += [row[0] for row in rest]
        for chunk in _chunks(result.superseded):
            Reminder.objects.filter(pk__in=chunk, state=ReminderState.PLANNED).update(
                state=ReminderState.SUPERSEDED
            )
        keep_ids = [row[0] for row in keep]
        result.late = [row[0] for row in keep if row[3] <= row[2] < late_cutoff]
        for chunk in _chunks(keep_ids):
            Reminder.objects.filter(pk__in=chunk, state=ReminderState.PLANNED).update(
                state=ReminderState.QUEUED,
                queued_at=now,
                late=Case(
                    When(send_at__lt=late_cutoff, created_at__lte=F("send_at"), then=Value(True)),
                    default=Value(False),
                ),
            )
        result.queued = keep_ids
        result.recovered = _recover(now)
    if dispatch and result.to_send:
        transaction.on_commit(lambda ids=list(result.to_send): dispatch_reminders(ids))
    return result


def dispatch_reminders(ids: list[int]) -> None:
    """Hand reminders to the workers: an organisation's reminders of one sweep go to one batch
    task (one message per person, foia.notifications.batch); a lone reminder keeps its own task."""
    from foia.notifications.batch import partition
    from foia.notifications.tasks import send_reminder_batch_task, send_reminder_task

    for group in partition(ids):
        if len(group) == 1:
            send_reminder_task.delay(group[0])
        else:
            send_reminder_batch_task.delay(group)


def _recover(now: dt.datetime) -> list[int]:
    lease = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    requeue = now - dt.timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS)
    stale = Reminder.objects.filter(
        Q(state=ReminderState.QUEUED, queued_at__lt=requeue)
        | Q(state=ReminderState.SENDING, claimed_at__lt=lease)
        | Q(state=ReminderState.RETRYING, next_attempt_at__lte=now)
    )
    ids = list(stale.values_list("id", flat=True))
    for chunk in _chunks(ids):
        Reminder.objects.filter(pk__in=chunk, state=ReminderState.QUEUED).update(queued_at=now)
    return ids


# --- delivery ------------------------------------------------------------------------------------


def claim(reminder_id: int, *, now: dt.datetime) -> str | None:
    """Claim a due reminder for sending; the token, or None when there is nothing to claim."""
    token = uuid.uuid4().hex
    lease = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    claimed = (
        Reminder.objects.filter(pk=reminder_id, send_at__lte=now)
        .filter(
            Q(state__in=[ReminderState.PLANNED, ReminderState.QUEUED])
            | Q(state=ReminderState.RETRYING, next_attempt_at__lte=now)
            | Q(state=ReminderState.SENDING, claimed_at__lt=lease)
        )
        .update(
            state=ReminderState.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    )
    return token if claimed else None


def editors_of(organization_ids) -> dict[int, list]:
    """{organisation id: its active owners and editors}, in one query, read at send time."""
    editors: dict[int, list] = {pk: [] for pk in organization_ids}
    members = Membership.objects.filter(
        organization_id__in=list(editors),
        role__in=[Role.OWNER, Role.EDITOR],
        user__is_active=True,
    ).select_related("user")
    for m in members.order_by("role", "user_id"):
        editors[m.organization_id].append(m.user)
    return editors


def recipients(request: Request, editors: list | None = None) -> list:
    """The assignee while still an owner or editor of the organisation; otherwise the
    organisation's owners and editors. Resolved when the reminder is sent, not when planned."""
    if editors is None:
        editors = editors_of([request.organization_id])[request.organization_id]
    assigned = [u for u in editors if u.pk == request.assignee_id]
    return assigned or editors


def user_prefs(users, deadline_kind: str) -> dict[int, tuple[str, str]]:
    """{user id: (mode, language)} for a kind of deadline, in two queries for all the users."""
    ids = [u.pk for u in users]
    base = {
        row.user_id: (row.mode, row.language)
        for row in NotificationSettings.objects.filter(user_id__in=ids)
    }
    overrides = dict(
        KindPreference.objects.filter(user_id__in=ids, deadline_kind=deadline_kind).values_list(
            "user_id", "mode"
        )
    )
    prefs = {}
    for pk in ids:
        mode, language = base.get(pk, (Mode.IMMEDIATE, settings.LANGUAGE_CODE))
        prefs[pk] = (overrides.get(pk, mode), language)
    return prefs


def user_mode(user, deadline_kind: str) -> tuple[str, str]:
    """(mode, language) for one user and a kind of deadline."""
    return user_prefs([user], deadline_kind)[user.pk]


OUTBOUND = (Channel.EMAIL, Channel.DIGEST)
# Stored in last_error (shown on the notifications page and in the admin; English like the
# SMTP errors beside it — the page explains it in the reader's language).
UNREACHED = "No owner or editor receives this reminder by e-mail or in a digest."


def channels_for(users: list, prefs: dict) -> list[tuple]:
    """(user, channel) pairs for ``users`` given their (mode, language) preferences."""
    rows = []
    for user in users:
        mode, _language = prefs[user.pk]
        if mode == Mode.OFF:
            continue
        rows.append((user, Channel.INAPP))
        if mode == Mode.DIGEST:
            rows.append((user, Channel.DIGEST))
        elif user.email:
            rows.append((user, Channel.EMAIL))
    return rows


def choose_channels(request: Request, editors: list, prefs: dict) -> list[tuple]:
    """Who gets a reminder about ``request`` and how: the recipients' channels; when none of them
    leaves the app (the assignee switched this kind off or has no e-mail address), the
    organisation's other owners and editors as well."""
    primary = recipients(request, editors)
    rows = channels_for(primary, prefs)
    if not any(channel in OUTBOUND for _user, channel in rows):
        rows += channels_for([u for u in editors if u not in primary], prefs)
    return rows


def choose_deliveries(reminder: Reminder, editors: list, prefs: dict) -> list[Delivery]:
    return [
        Delivery(reminder=reminder, user=user, channel=channel)
        for user, channel in choose_channels(reminder.deadline.request, editors, prefs)
    ]


def _ensure_deliveries(reminder: Reminder) -> tuple[list[Delivery], dict]:
    """The reminder's deliveries (created on the first claim) and their users' preferences.

    Runs under the claim, so nobody else creates them meanwhile; the unique constraint stays the
    guard if that assumption is ever broken."""
    existing = list(reminder.deliveries.select_related("user"))
    planned_ahead = all(
        d.channel == Channel.DIGEST and d.state == DeliveryState.SENT for d in existing
    )
    if any(d.channel in OUTBOUND for d in existing) and not planned_ahead:
        return existing, user_prefs({d.user for d in existing}, reminder.deadline.kind)
    # None yet; only digest items the morning digest carried ahead of the send time; or nobody
    # was reachable last time (an undelivered reminder retried from the admin): choose now.
    request = reminder.deadline.request
    editors = editors_of([request.organization_id])[request.organization_id]
    prefs = user_prefs(editors, reminder.deadline.kind)
    rows = choose_deliveries(reminder, editors, prefs)
    if rows:
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    deliveries = list(reminder.deliveries.select_related("user"))
    return deliveries, user_prefs({d.user for d in deliveries}, reminder.deadline.kind)


def request_url(request: Request) -> str:
    try:
        path = reverse("workspace:request", args=[request.pk])
    except NoReverseMatch:
        path = reverse("admin:foia_request_change", args=[request.pk])
    return settings.SITE_URL.rstrip("/") + path


def reminder_context(reminder: Reminder, *, now: dt.datetime) -> dict:
    deadline = reminder.deadline
    request = deadline.request
    today = timezone.localdate(now)
    step = next_step(deadline, today=today)
    return {
        "reminder": reminder,
        "deadline": deadline,
        "request": request,
        "authority": request.authority,
        "days_left": (deadline.due_on - today).days,
        "due": date_format(deadline.due_on, "d.m.Y"),
        "due_at": deadline.due_at,
        "missed": deadline.due_on < today,
        "step": step,
        "url": request_url(request),
        "late": reminder.late,
    }


def reminder_title(ctx: dict) -> str:
    deadline, request = ctx["deadline"], ctx["request"]
    if ctx["missed"]:
        template = _("Missed on %(due)s: %(clock)s — %(subject)s (%(authority)s)")
    elif ctx["days_left"] == 0:
        template = _("Due today %(due)s: %(clock)s — %(subject)s (%(authority)s)")
    else:
        template = _("Due %(due)s: %(clock)s — %(subject)s (%(authority)s)")
    return template % {
        "due": ctx["due"],
        "clock": ctx.get("clock") or deadline.get_kind_display(),
        "subject": request.subject,
        "authority": request.authority.short_name or request.authority.name,
    }


def header_text(value: str) -> str:
    """One line for a mail header: line breaks, tabs and other control characters become
    single spaces (a subject typed with a line break must not fail every e-mail with
    BadHeaderError)."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value)
    return " ".join(cleaned.split())


def mail_domain() -> str:
    return settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "localhost"


def render_reminder_email(
    reminder: Reminder, user, language: str, *, now
) -> EmailMultiAlternatives:
    with translation.override(language):
        ctx = {**reminder_context(reminder, now=now), "user": user}
        subject = reminder_title(ctx)
        text = render_to_string("notifications/email/reminder.txt", ctx)
        html = render_to_string("notifications/email/reminder.html", ctx)
    message = EmailMultiAlternatives(
        subject=header_text(f"[FOI] {subject}"),
        body=text,
        to=[user.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}-{user.pk}@{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, … minutes, at most an hour between tries."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _send_email(delivery: Delivery, reminder: Reminder, language: str, *, now, connection_):
    """Send one e-mail; on failure schedule the next try, or give up after the retry window.
    The outcome is saved by the caller, in the commit right after the SMTP server answered."""
    delivery.first_attempt_at = delivery.first_attempt_at or now
    delivery.attempts += 1
    try:
        message = render_reminder_email(reminder, delivery.user, language, now=now)
        message.connection = connection_
        message.send()
    except Exception as exc:  # SMTP errors, timeouts, refused connections: retry, never drop
        give_up = now - delivery.first_attempt_at >= dt.timedelta(
            hours=settings.REMINDER_RETRY_WINDOW_HOURS
        )
        delivery.state = DeliveryState.FAILED if give_up else DeliveryState.PENDING
        delivery.next_attempt_at = None if give_up else now + _backoff(delivery.attempts)
        delivery.last_error = f"{type(exc).__name__}: {exc}"
        log.warning("reminder %s e-mail to %s failed (%s)", reminder.pk, delivery.user_id, exc)
        return
    delivery.state, delivery.sent_at, delivery.last_error = DeliveryState.SENT, now, ""


def _save_delivery(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=delivery.state,
        sent_at=delivery.sent_at,
        attempts=delivery.attempts,
        first_attempt_at=delivery.first_attempt_at,
        next_attempt_at=delivery.next_attempt_at,
        last_error=delivery.last_error,
    )


def _notify_in_app(deliveries: list[Delivery], reminder: Reminder, prefs: dict, *, now) -> None:
    """In-app notifications, inserted under their unique constraint: exactly once."""
    if not deliveries:
        return
    rows = []
    for delivery in deliveries:
        with translation.override(prefs[delivery.user_id][1]):
            ctx = reminder_context(reminder, now=now)
            rows.append(
                Notification(
                    user_id=delivery.user_id,
                    reminder=reminder,
                    title=reminder_title(ctx)[:300],
                    body=render_to_string("notifications/inapp.txt", ctx).strip(),
                    url=ctx["url"],
                )
            )
        delivery.state = DeliveryState.SENT
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        state=DeliveryState.SENT, sent_at=now, attempts=F("attempts") + 1
    )


def _finish(mine, live: list[Delivery], *, now, reached: bool = True) -> str:
    """The reminder's state from its deliveries' (in memory: they were just saved).

    ``reached`` is False when no e-mail or digest item went to anyone, not even after the
    fallback to the organisation's owners and editors: the reminder is marked undelivered and
    shown on the notifications page and in the admin, never quietly "sent"."""
    if not reached:
        mine.update(state=ReminderState.UNDELIVERED, sent_at=None, last_error=UNREACHED)
        return "undelivered"
    failed = [d for d in live if d.state == DeliveryState.FAILED]
    waiting = [d.next_attempt_at for d in live if d.state == DeliveryState.PENDING]
    if failed:
        mine.update(state=ReminderState.FAILED, last_error=failed[0].last_error)
        return "failed"
    if waiting:
        mine.update(state=ReminderState.RETRYING, next_attempt_at=min(w for w in waiting if w))
        return "retrying"
    mine.update(state=ReminderState.SENT, sent_at=now, last_error="")
    return "sent"


def deliver(reminder_id: int, *, now: dt.datetime | None = None) -> str:
    """Claim one reminder and send what is still pending for it. Returns what happened.

    Three kinds of commit: the claim (alone, before anything is sent); the deliveries and in-app
    notifications; then, for each e-mail, its outcome right after the SMTP server answered
    (together with the reminder's final state after the last one).
    """
    now = now or timezone.now()
    token = claim(reminder_id, now=now)
    if token is None:
        return "not-claimed"
    mine = Reminder.objects.filter(pk=reminder_id, claim_token=token)
    try:
        return _deliver_claimed(reminder_id, mine, now=now)
    except Exception:
        # Give the claim back so that the task's retry (or the next sweep) can take it at once;
        # what was already delivered is recorded on its Delivery row and is not sent again. If
        # the database itself is gone, the lease returns the reminder later instead.
        try:
            mine.filter(state=ReminderState.SENDING).update(
                state=ReminderState.QUEUED, claimed_at=None, queued_at=now
            )
        except Exception:
            log.exception("could not release the claim on reminder %s", reminder_id)
        raise


def _deliver_claimed(reminder_id: int, mine, *, now: dt.datetime) -> str:
    with transaction.atomic():
        reminder = Reminder.objects.select_related(
            "deadline__request__authority", "deadline__request__assignee"
        ).get(pk=reminder_id)
        if not wants_reminders(reminder.deadline):
            mine.update(state=ReminderState.CANCELLED)
            return "cancelled"
        deliveries, prefs = _ensure_deliveries(reminder)
        reached = any(d.channel in OUTBOUND for d in deliveries)
        live = [d for d in deliveries if d.channel != Channel.DIGEST]
        due = [
            d
            for d in live
            if d.state == DeliveryState.PENDING
            and (d.next_attempt_at is None or d.next_attempt_at <= now)
        ]
        # In-app first: it cannot fail and does not wait on an SMTP server.
        _notify_in_app([d for d in due if d.channel == Channel.INAPP], reminder, prefs, now=now)
        from foia.notifications.batch import emit_webhooks

        emit_webhooks([reminder])
        emails = [d for d in due if d.channel == Channel.EMAIL]
        if not emails:
            return _finish(mine, live, now=now, reached=reached)

    email_connection = get_connection()
    for i, delivery in enumerate(emails):
        _send_email(
            delivery, reminder, prefs[delivery.user_id][1], now=now, connection_=email_connection
        )
        with transaction.atomic():
            _save_delivery(delivery)
            if i == len(emails) - 1:
                return _finish(mine, live, now=now)
    return "sent"  # not reached


# --- the daily digest ---------------------------------------------------------------------------


def plan_digest_items(*, now: dt.datetime) -> int:
    """Digest items for what falls due later today, created before the digest goes out.

    The digest runs in the morning (07:00) before the day's reminders (08:00); without this the
    day's "due today" reminder would reach a digest reader the next morning, as "missed". Each
    reminder sent by the end of today gets its digest rows now, for the recipients it will have
    (the same choice as at send time); when it is sent, its other deliveries are added and
    these are not repeated (one row per reminder, user and channel).
    """
    tomorrow = timezone.localtime(now).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    due = list(
        Reminder.objects.filter(
            state__in=[ReminderState.PLANNED, ReminderState.QUEUED], send_at__lt=tomorrow
        )
        .select_related("deadline__request")
        .order_by("deadline_id", "-send_at", "-id")
    )
    latest = [next(group) for _key, group in groupby(due, key=lambda r: r.deadline_id)]
    latest = [r for r in latest if wants_reminders(r.deadline)]
    if not latest:
        return 0
    editors = editors_of({r.deadline.request.organization_id for r in latest})
    users = {u.pk: u for members in editors.values() for u in members}
    prefs_by_kind: dict[str, dict] = {}
    rows = []
    for reminder in latest:
        kind = reminder.deadline.kind
        if kind not in prefs_by_kind:
            prefs_by_kind[kind] = user_prefs(users.values(), kind)
        members = editors[reminder.deadline.request.organization_id]
        chosen = choose_deliveries(reminder, members, prefs_by_kind[kind])
        rows += [d for d in chosen if d.channel == Channel.DIGEST]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    return len(rows)


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One e-mail per user with the day's pending digest deliveries — including what falls due
    later today (plan_digest_items); a DigestRun row (unique per user and day) is the claim. A
    failed send releases the claim and keeps the items pending."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    plan_digest_items(now=now)
    pending = Delivery.objects.filter(channel=Channel.DIGEST, state=DeliveryState.PENDING)
    sent = 0
    for user_id in pending.values_list("user_id", flat=True).distinct():
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(user_id=user_id, day=day)
        except IntegrityError:
            continue
        items = list(
            pending.filter(user_id=user_id).select_related(
                "user", "reminder__deadline__request__authority"
            )
        )
        user = items[0].user
        if not user.email:
            Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
                state=DeliveryState.SENT, sent_at=now
            )
            continue
        _mode, language = user_mode(user, "")
        with translation.override(language):
            entries = [
                {
                    **reminder_context(d.reminder, now=now),
                    "title": reminder_title(reminder_context(d.reminder, now=now)),
                }
                for d in items
            ]
            ctx = {"user": user, "entries": entries, "day": date_format(day, "d.m.Y")}
            subject = _("Your FOI deadlines for %(day)s") % {"day": ctx["day"]}
            text = render_to_string("notifications/email/digest.txt", ctx)
            html = render_to_string("notifications/email/digest.html", ctx)
        message = EmailMultiAlternatives(
            subject=header_text(f"[FOI] {subject}"), body=text, to=[user.email]
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception as exc:
            log.warning("digest for user %s failed (%s); kept for the next run", user_id, exc)
            run.delete()
            continue
        Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
            state=DeliveryState.SENT, sent_at=now, attempts=F("attempts") + 1
        )
        DigestRun.objects.filter(pk=run.pk).update(sent_at=now, items=len(items))
        sent += 1
    return sent


# --- in-app notifications ------------------------------------------------------------------------


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
