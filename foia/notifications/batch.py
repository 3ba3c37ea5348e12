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

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
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
    ReminderState,
)
from foia.notifications.services import (
    OUTBOUND,
    UNREACHED,
    _backoff,
    choose_deliveries,
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


class Renderer:
    """Titles, step texts and in-app bodies, computed once per (what they depend on, language)."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.inapp = get_template("notifications/inapp.txt")
        self.steps: dict[tuple, object] = {}

    def step(self, deadline, language: str):
        key = (
            deadline.kind,
            deadline.due_on,
            deadline.state,
            deadline.met_on,
            deadline.request.authority.no_appeal,
            language,
        )
        if key not in self.steps:
            with translation.override(language):
                self.steps[key] = next_step(deadline, today=self.today)
        return self.steps[key]

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
            "url": request_url(request),
            "late": reminder.late,
        }


def _load(claimed: list[int]) -> list[Reminder]:
    reminders = []
    for chunk in _chunks(claimed, WRITE_BATCH):
        reminders += Reminder.objects.filter(pk__in=chunk).select_related(
            "deadline__request__authority", "deadline__request__campaign"
        )
    return reminders


def _deliveries_of(ids: list[int]) -> dict[int, list[Delivery]]:
    found: dict[int, list[Delivery]] = defaultdict(list)
    for chunk in _chunks(ids, WRITE_BATCH):
        for d in Delivery.objects.filter(reminder_id__in=chunk).select_related("user"):
            found[d.reminder_id].append(d)
    return found


def _needs_choice(existing: list[Delivery]) -> bool:
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
        deliveries = _ensure_deliveries(live)
        langs = _languages(deliveries, live)
        _notify_in_app(live, deliveries, langs, renderer, now=now)
        emit_webhooks(live)

    # 3. e-mail: one message per person, one SMTP connection for the batch.
    emails: dict[int, list[Delivery]] = defaultdict(list)
    for reminder in live:
        for d in deliveries[reminder.pk]:
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
            for user_id, items in emails.items():
                _send_person(items, by_pk, langs[user_id], renderer, mail_connection, now=now)
        finally:
            try:
                mail_connection.close()
            except Exception:
                log.warning("reminder batch: closing the SMTP connection failed", exc_info=True)

    # 4. final states, in a few bulk updates under the claim token.
    with transaction.atomic():
        outcomes.update(_finish(live, deliveries, mine, now=now))
    return outcomes


def _ensure_deliveries(live: list[Reminder]) -> dict[int, list[Delivery]]:
    ids = [r.pk for r in live]
    deliveries = _deliveries_of(ids)
    todo = [r for r in live if _needs_choice(deliveries.get(r.pk, []))]
    if not todo:
        return deliveries
    editors = editors_of({r.deadline.request.organization_id for r in todo})
    users = {u.pk: u for members in editors.values() for u in members}
    prefs_by_kind: dict[str, dict] = {}
    rows: list[Delivery] = []
    for reminder in todo:
        kind = reminder.deadline.kind
        if kind not in prefs_by_kind:
            prefs_by_kind[kind] = user_prefs(users.values(), kind)
        rows += choose_deliveries(
            reminder, editors[reminder.deadline.request.organization_id], prefs_by_kind[kind]
        )
    fresh = [r for r in todo if not deliveries.get(r.pk)]
    if len(fresh) == len(todo):
        # None existed and the claim keeps others away: a plain insert returns the rows with
        # their keys; the unique constraint still guards if that assumption is ever broken.
        try:
            with transaction.atomic():
                created = Delivery.objects.bulk_create(rows, batch_size=WRITE_BATCH)
            if all(d.pk for d in created):
                for d in created:
                    deliveries[d.reminder_id].append(d)
                return deliveries
        except IntegrityError:
            pass
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=WRITE_BATCH)
    return _deliveries_of(ids)


def _languages(deliveries: dict[int, list[Delivery]], live: list[Reminder]) -> dict[int, str]:
    users = {d.user_id: d.user for group in deliveries.values() for d in group}
    prefs = user_prefs(users.values(), "")
    return {pk: language for pk, (_mode, language) in prefs.items()}


def _notify_in_app(live, deliveries, langs, renderer: Renderer, *, now) -> None:
    """In-app notifications with their deliveries, in one transaction: exactly once."""
    rows, done = [], []
    bodies: dict[tuple[int, str], tuple[str, str, str]] = {}
    for reminder in live:
        for d in deliveries[reminder.pk]:
            if d.channel != Channel.INAPP or d.state != DeliveryState.PENDING:
                continue
            language = langs[d.user_id]
            key = (reminder.pk, language)
            if key not in bodies:
                with translation.override(language):
                    ctx = renderer.context(reminder, language)
                    bodies[key] = (
                        reminder_title(ctx)[:300],
                        renderer.inapp.render(ctx).strip(),
                        ctx["url"],
                    )
            title, body, url = bodies[key]
            rows.append(
                Notification(user_id=d.user_id, reminder=reminder, title=title, body=body, url=url)
            )
            d.state, d.sent_at = DeliveryState.SENT, now
            done.append(d.pk)
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=WRITE_BATCH)
    for chunk in _chunks(done, WRITE_BATCH):
        Delivery.objects.filter(pk__in=chunk).update(
            state=DeliveryState.SENT, sent_at=now, attempts=F("attempts") + 1
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


def _send_person(items, by_pk, language, renderer, mail_connection, *, now) -> None:
    user = items[0].user
    reminders = [by_pk[d.reminder_id] for d in items]
    for d in items:
        d.first_attempt_at = d.first_attempt_at or now
        d.attempts += 1
    try:
        message = render_batch_email(reminders, user, language, renderer)
        message.connection = mail_connection
        message.send()
    except Exception as exc:  # refused, timed out, no server: retry later, never drop
        give_up = now - min(d.first_attempt_at for d in items) >= dt.timedelta(
            hours=settings.REMINDER_RETRY_WINDOW_HOURS
        )
        error = f"{type(exc).__name__}: {exc}"
        for d in items:
            d.state = DeliveryState.FAILED if give_up else DeliveryState.PENDING
            d.next_attempt_at = None if give_up else now + _backoff(d.attempts)
            d.last_error = error
        log.warning("reminder batch: message to user %s failed (%s)", user.pk, exc)
    else:
        for d in items:
            d.state, d.sent_at, d.next_attempt_at, d.last_error = DeliveryState.SENT, now, None, ""
    # The outcome of this person's message, committed right after the server answered.
    with transaction.atomic():
        Delivery.objects.bulk_update(
            items,
            ["state", "sent_at", "attempts", "first_attempt_at", "next_attempt_at", "last_error"],
            batch_size=WRITE_BATCH,
        )


def _group_key(reminder: Reminder):
    deadline = reminder.deadline
    campaign = deadline.request.campaign
    return (
        campaign is None,  # campaigns first, then the requests outside any
        campaign.title if campaign else "",
        campaign.pk if campaign else 0,
        deadline.due_on,
        deadline.kind,
        deadline.state,
        deadline.request.authority.no_appeal,  # the legal step differs for no-appeal bodies
    )


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
        ordered = sorted(reminders, key=lambda r: (_group_key(r), r.deadline.request_id))
        current = None
        for reminder in ordered:
            key = _group_key(reminder)
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
                        "url": request_url(request),
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
