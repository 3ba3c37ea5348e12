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
    return deadline.state == DeadlineState.OPEN or (
        deadline.state == DeadlineState.MISSED
        and deadline.met_on is None
        and deadline.met_by_event_id is None
    )


def plan_request(request: Request, *, now: dt.datetime | None = None) -> None:
    """Create, move or cancel the request's reminders to match its deadline rows.

    A lead whose send time was before today when it is first planned is not created (a refusal
    recorded late should not trigger last week's reminders); one already planned whose time has
    come stays, and the sweep sends it — marked late when it is more than an hour behind.
    """
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    leads = lead_days_for(request.organization_id)
    deadlines = list(request.deadlines.all())
    existing = {
        (r.deadline_id, r.lead_days): r for r in Reminder.objects.filter(deadline__request=request)
    }
    to_create, to_update = [], []
    for deadline in deadlines:
        active = wants_reminders(deadline)
        wanted = set(leads) if active else set()
        for lead in leads:
            reminder = existing.pop((deadline.pk, lead), None)
            when = send_time(deadline, lead)
            if reminder is None:
                if lead in wanted and when >= start_of_today:
                    to_create.append(Reminder(deadline=deadline, lead_days=lead, send_at=when))
                continue
            if reminder.state not in (ReminderState.PLANNED, ReminderState.QUEUED):
                if lead not in wanted and reminder.state == ReminderState.RETRYING:
                    reminder.state = ReminderState.CANCELLED
                    to_update.append(reminder)
                continue
            if lead not in wanted:
                reminder.state = ReminderState.CANCELLED
                to_update.append(reminder)
            elif reminder.send_at != when:
                reminder.send_at, reminder.state = when, ReminderState.PLANNED
                to_update.append(reminder)
    for reminder in existing.values():  # a lead removed from the policy
        if reminder.state in PENDING_STATES:
            reminder.state = ReminderState.CANCELLED
            to_update.append(reminder)
    if to_create:
        Reminder.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        Reminder.objects.bulk_update(to_update, ["state", "send_at"])


def replan_organization(organization_id: int, *, now: dt.datetime | None = None) -> int:
    """After the lead times changed: plan again every request that has a live deadline."""
    ids = (
        Deadline.objects.filter(request__organization_id=organization_id)
        .filter(Q(state=DeadlineState.OPEN) | Q(state=DeadlineState.MISSED, met_on__isnull=True))
        .values_list("request_id", flat=True)
        .distinct()
    )
    count = 0
    for request in Request.objects.filter(pk__in=list(ids)):
        plan_request(request, now=now)
        count += 1
    return count


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
        from foia.notifications.tasks import send_reminder_task

        ids = list(result.to_send)
        transaction.on_commit(lambda: [send_reminder_task.delay(pk) for pk in ids])
    return result


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


def recipients(request: Request) -> list:
    """The assignee, or the organisation's owners and editors when nobody is assigned."""
    if request.assignee_id and request.assignee.is_active:
        return [request.assignee]
    members = Membership.objects.filter(
        organization_id=request.organization_id,
        role__in=[Role.OWNER, Role.EDITOR],
        user__is_active=True,
    ).select_related("user")
    return [m.user for m in members]


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


def _ensure_deliveries(reminder: Reminder) -> tuple[list[Delivery], dict]:
    """The reminder's deliveries (created on the first claim) and their users' preferences.

    Runs under the claim, so nobody else creates them meanwhile; the unique constraint stays the
    guard if that assumption is ever broken."""
    existing = list(reminder.deliveries.select_related("user"))
    if existing:
        return existing, user_prefs({d.user for d in existing}, reminder.deadline.kind)
    users = recipients(reminder.deadline.request)
    prefs = user_prefs(users, reminder.deadline.kind)
    rows = []
    for user in users:
        mode, _language = prefs[user.pk]
        if mode == Mode.OFF:
            continue
        rows.append(Delivery(reminder=reminder, user=user, channel=Channel.INAPP))
        if mode == Mode.DIGEST:
            rows.append(Delivery(reminder=reminder, user=user, channel=Channel.DIGEST))
        elif user.email:
            rows.append(Delivery(reminder=reminder, user=user, channel=Channel.EMAIL))
    if not rows:
        return [], prefs
    try:
        with transaction.atomic():
            created = Delivery.objects.bulk_create(rows)
        if all(d.pk for d in created):
            return created, prefs
    except IntegrityError:
        pass
    return list(reminder.deliveries.select_related("user")), prefs


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
        "clock": deadline.get_kind_display(),
        "subject": request.subject,
        "authority": request.authority.short_name or request.authority.name,
    }


def render_reminder_email(
    reminder: Reminder, user, language: str, *, now
) -> EmailMultiAlternatives:
    with translation.override(language):
        ctx = {**reminder_context(reminder, now=now), "user": user}
        subject = reminder_title(ctx)
        text = render_to_string("notifications/email/reminder.txt", ctx)
        html = render_to_string("notifications/email/reminder.html", ctx)
    domain = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    message = EmailMultiAlternatives(
        subject=f"[FOI] {subject}",
        body=text,
        to=[user.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}-{user.pk}@{domain}>",
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


def _finish(mine, live: list[Delivery], *, now) -> str:
    """The reminder's state from its deliveries' (in memory: they were just saved)."""
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
        live = [d for d in deliveries if d.channel != Channel.DIGEST]
        due = [
            d
            for d in live
            if d.state == DeliveryState.PENDING
            and (d.next_attempt_at is None or d.next_attempt_at <= now)
        ]
        # In-app first: it cannot fail and does not wait on an SMTP server.
        _notify_in_app([d for d in due if d.channel == Channel.INAPP], reminder, prefs, now=now)
        emails = [d for d in due if d.channel == Channel.EMAIL]
        if not emails:
            return _finish(mine, live, now=now)

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


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One e-mail per user with the day's pending digest deliveries; a DigestRun row (unique per
    user and day) is the claim. A failed send releases the claim and keeps the items pending."""
    now = now or timezone.now()
    day = timezone.localdate(now)
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
        message = EmailMultiAlternatives(subject=f"[FOI] {subject}", body=text, to=[user.email])
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
