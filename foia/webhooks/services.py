"""Webhook writes: register endpoints, emit facts into the outbox, deliver them.

``emit`` is called by the timeline's consumers inside the caller's transaction; delivery is
scheduled after the commit. ``deliver`` claims one outbox row with a conditional UPDATE and a
lease, posts it once, and records the outcome; a failure is retried with exponential backoff, and
an endpoint that has failed for ``WEBHOOK_DISABLE_AFTER_HOURS`` is disabled and its owners told.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.models import Membership, Organization, Role
from foia.webhooks import signing
from foia.webhooks.models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookKind,
)
from foia.webhooks.targets import check_target

logger = logging.getLogger(__name__)
USER_AGENT = "foia-tracker-webhooks/1"


# --- endpoints ------------------------------------------------------------------------------------


def _clean_kinds(kinds) -> list[str]:
    kinds = list(dict.fromkeys(kinds or ()))
    unknown = [k for k in kinds if k not in WebhookKind.values]
    if unknown or not kinds:
        raise ValidationError(
            {
                "kinds": [
                    _("Choose one or more of: %(kinds)s.")
                    % {"kinds": ", ".join(WebhookKind.values)}
                ]
            }
        )
    return kinds


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    user: AbstractBaseUser | None,
    url: str,
    kinds,
    description: str = "",
) -> WebhookEndpoint:
    """Register an endpoint; its ``secret`` is shown to the caller once and used to sign."""
    kinds = _clean_kinds(kinds)
    check_target(url)
    endpoint = WebhookEndpoint(
        organization=organization,
        url=url,
        kinds=kinds,
        description=description,
        secret=signing.new_secret(),
        created_by=user,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_enable(*, endpoint: WebhookEndpoint) -> None:
    """Switch a disabled endpoint on again (its failed deliveries stay failed)."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, failing_since=None, disabled_at=None, disabled_reason=""
    )


# --- the outbox -----------------------------------------------------------------------------------


def emit(*, organization_id: int, kind: str, data: dict, key: str) -> None:
    """Write one outbox row per active endpoint of the organisation subscribed to ``kind``.

    Call it inside the transaction that stores the fact: the rows commit or roll back with it.
    ``key`` names the fact ("event:123"); the same key emitted again is ignored, so a replay
    never sends twice. Each delivery carries its own event id for the receiver to deduplicate.
    """
    emit_many([(organization_id, kind, data, key)])


def emit_many(items) -> None:
    """``emit`` for many facts ``(organization_id, kind, data, key)`` at once (a campaign's
    sendings): the endpoints read once per organisation, the rows written in one insert."""
    items = list(items)
    for _org, kind, _data, _key in items:
        if kind not in WebhookKind.values:
            raise ValueError(f"unknown webhook kind {kind!r}")
    org_ids = {org for org, _kind, _data, _key in items}
    if not org_ids:
        return
    endpoints_of: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(organization_id__in=org_ids, is_active=True):
        endpoints_of.setdefault(endpoint.organization_id, []).append(endpoint)
    wanted = [
        (endpoint, org, kind, data, key)
        for org, kind, data, key in items
        for endpoint in endpoints_of.get(org, [])
        if kind in endpoint.kinds
    ]
    if not wanted:
        return
    now = timezone.now()
    existing = set(
        WebhookDelivery.objects.filter(
            endpoint__in={e for e, *_rest in wanted}, key__in={w[4] for w in wanted}
        ).values_list("endpoint_id", "key")
    )
    rows = []
    for endpoint, org, kind, data, key in wanted:
        if (endpoint.pk, key) in existing:
            continue
        existing.add((endpoint.pk, key))
        # Dates and decimals as ISO strings, once, so the stored body is the one that is signed.
        data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        event_id = uuid.uuid4()
        rows.append(
            WebhookDelivery(
                endpoint=endpoint,
                key=key,
                event_id=event_id,
                kind=kind,
                next_attempt_at=now,
                payload={
                    "id": str(event_id),
                    "type": kind,
                    "created_at": now.isoformat(),
                    "organization": org,
                    "data": data,
                },
            )
        )
    if not rows:
        return
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    ids = list(
        WebhookDelivery.objects.filter(event_id__in=[r.event_id for r in rows]).values_list(
            "pk", flat=True
        )
    )

    def schedule() -> None:
        from foia.webhooks.tasks import deliver_webhook_task

        for pk in ids:
            try:
                deliver_webhook_task.delay(pk)
            except Exception:  # the broker is down: the sweep picks the row up
                logger.warning("could not enqueue webhook delivery %s", pk, exc_info=True)

    transaction.on_commit(schedule)


# --- delivery -------------------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> int:
    """30 s, 1, 2, 4, 8 … minutes, at most an hour between tries (base from settings)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX_SECONDS))


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once, following no redirect; returns the status code or raises OSError."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(
        parts.hostname, parts.port, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        return response.status
    finally:
        connection.close()


def due_filter(now: dt.datetime) -> Q:
    """Rows to (re)try now: pending and due, or claimed by a worker whose lease ran out."""
    return Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.DELIVERING, claimed_until__lt=now
    )


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Try one delivery. Returns "delivered", "retry", "failed" or "skipped" (not ours to send:
    already delivered, not yet due, or claimed by another worker)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(due_filter(now))
        .update(
            state=DeliveryState.DELIVERING,
            claimed_until=now + dt.timedelta(seconds=settings.WEBHOOK_CLAIM_LEASE_SECONDS),
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    )
    if claimed != 1:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    mine = WebhookDelivery.objects.filter(pk=delivery_id, claim_token=token)
    if not endpoint.is_active:
        mine.update(state=DeliveryState.FAILED, last_error=_("The endpoint is disabled."))
        return "failed"

    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.header_value(endpoint.secret, body),
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.EVENT_KIND_HEADER: delivery.kind,
    }
    status, error = None, ""
    started = time.monotonic()
    try:
        check_target(endpoint.url)
        status = _post(endpoint.url, body, headers)
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
    duration = int((time.monotonic() - started) * 1000)
    finished = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=now,
        status_code=status,
        error=error[:500],
        duration_ms=duration,
    )
    if status is not None and 200 <= status < 300:
        mine.update(
            state=DeliveryState.DELIVERED,
            delivered_at=finished,
            last_status_code=status,
            last_error="",
            claimed_until=None,
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(
            failing_since=None
        )
        return "delivered"

    if not error:
        error = _("The endpoint answered %(status)s.") % {"status": status}
    mine.update(
        state=DeliveryState.PENDING,
        next_attempt_at=finished + dt.timedelta(seconds=backoff_seconds(delivery.attempts + 1)),
        last_status_code=status,
        last_error=error[:500],
        claimed_until=None,
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    endpoint.refresh_from_db(fields=["failing_since", "is_active"])
    limit = dt.timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    if endpoint.is_active and endpoint.failing_since and finished - endpoint.failing_since >= limit:
        endpoint_disable_failing(endpoint=endpoint, error=error)
        return "failed"
    return "retry"


@transaction.atomic
def endpoint_disable_failing(*, endpoint: WebhookEndpoint, error: str) -> bool:
    """Disable an endpoint that failed for a day, fail its waiting deliveries, tell the owners
    (in the app and by e-mail). Returns False when another worker disabled it first."""
    reason = _("Failed for %(hours)s hours; last error: %(error)s") % {
        "hours": settings.WEBHOOK_DISABLE_AFTER_HOURS,
        "error": error,
    }
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    if changed != 1:
        return False
    WebhookDelivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED, last_error=_("The endpoint was disabled.")
    )
    from foia.notifications.models import Notification

    owners = [
        m.user
        for m in Membership.objects.filter(
            organization_id=endpoint.organization_id, role=Role.OWNER
        ).select_related("user")
    ]
    title = _("Webhook disabled: %(url)s") % {"url": endpoint.url}
    body = _(
        "The webhook endpoint %(url)s has failed for %(hours)s hours and was disabled; no more "
        "events are sent to it. Last error: %(error)s. Fix the receiver, then enable it again "
        "on the API tokens page."
    ) % {"url": endpoint.url, "hours": settings.WEBHOOK_DISABLE_AFTER_HOURS, "error": error}
    Notification.objects.bulk_create(
        Notification(user=user, title=title[:300], body=body, url="/app/api-tokens/")
        for user in owners
    )
    recipients = [u.email for u in owners if u.email]
    if recipients:
        transaction.on_commit(lambda: send_mail(title, body, None, recipients, fail_silently=True))
    return True


def due_deliveries(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(due_filter(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
