"""Campaigns at catalogue size: one question to thousands of bodies, created on the worker.

``campaign_start`` checks the shared letter, stores the campaign with its plan (the authority ids
and the letter) and queues the build; ``campaign_build`` creates the draft requests in batches,
each batch its own transaction, so the page shows progress and a crash loses at most one batch.

Exactly once, without a unique constraint on (campaign, authority):

1. A form submitted twice carries the same one-time ``submission_key``: the second submit finds
   the first campaign (unique column) and creates nothing.
2. Each batch locks the campaign row, then asks which planned authorities already have a request
   in it; only the missing ones are created. Two workers running the same build take turns, and a
   re-run after a crash or after completion creates nothing new.

What follows a draft: nothing. A draft has no deadline, no facts and no reminder until it is sent
(the law's clocks start at sending or receipt), so there is nothing to fan out here; sending goes
through ``foia.services.transitions.record_event`` like every other step.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from foia.models import (
    EDITABLE_FIELDS,
    Authority,
    Campaign,
    CampaignBuild,
    Organization,
    Request,
    Visibility,
)
from foia.services.audit import audit
from foia.services.requests import _check_assignee
from foia.workspace.models import AuditAction, AuditEntry

BATCH_SIZE = 1000
# Up to this many drafts are created while the page waits: no worker round-trip for the demo's 42.
INLINE_MAX = getattr(settings, "CAMPAIGN_INLINE_MAX", 200)


def _plan_fields(request_fields: dict[str, Any]) -> dict[str, Any]:
    """The shared letter as JSON: the assignee by id, everything else as typed."""
    plan = {}
    for name, value in request_fields.items():
        if name == "assignee":
            plan["assignee_id"] = value.pk if value is not None else None
        else:
            plan[name] = value
    return plan


def _check_letter(organization: Organization, user, request_fields: dict[str, Any]) -> None:
    unknown = (set(request_fields) - set(EDITABLE_FIELDS)) | (
        {"authority", "campaign"} & set(request_fields)
    )
    if unknown:
        raise TypeError(f"campaign_start() got unexpected fields: {sorted(unknown)}")
    _check_assignee(organization.pk, request_fields.get("assignee"))
    sample = Request(organization=organization, created_by=user, **request_fields)
    sample.full_clean(exclude=["authority", "campaign", "organization"])


def campaign_start(
    *,
    organization: Organization,
    user: AbstractBaseUser,
    title: str,
    authority_ids: Iterable[int] | QuerySet[Authority],
    request_fields: dict[str, Any],
    description: str = "",
    is_public: bool = False,
    submission_key: uuid.UUID | None = None,
) -> tuple[Campaign, bool]:
    """Create the campaign and plan one draft per authority; (campaign, created).

    Small campaigns are built at once; larger ones are queued for the worker. A repeated
    ``submission_key`` returns the campaign it created the first time, and ``created`` is False.
    """
    if submission_key is not None:
        earlier = Campaign.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier, False
    if isinstance(authority_ids, QuerySet):
        # A choice made in the database stays there: no 11,500-id parameter list to check.
        ids = list(
            authority_ids.filter(active=True).order_by("name", "pk").values_list("pk", flat=True)
        )
    else:
        ids = list(dict.fromkeys(int(pk) for pk in authority_ids))
        if not ids:
            raise ValidationError({"authorities": [_("Choose at least one authority.")]})
        # Active authorities only, in one query; the order is kept.
        active = set(Authority.objects.filter(pk__in=ids, active=True).values_list("pk", flat=True))
        ids = [pk for pk in ids if pk in active]
    if not ids:
        raise ValidationError({"authorities": [_("None of the chosen authorities is active.")]})
    _check_letter(organization, user, request_fields)
    inline = len(ids) <= INLINE_MAX
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                organization=organization,
                title=title,
                description=description,
                is_public=is_public,
                created_by=user,
                build_state=CampaignBuild.QUEUED,
                build_total=len(ids),
                build_plan={
                    "authorities": ids,
                    "fields": _plan_fields(request_fields),
                    "user": user.pk,
                },
                submission_key=submission_key,
            )
            if not inline:
                from foia.tasks import campaign_build_task

                transaction.on_commit(lambda: campaign_build_task.delay(campaign.pk))
    except IntegrityError:
        # The same form submitted twice at the same moment: the other submit won.
        earlier = Campaign.objects.filter(submission_key=submission_key).first()
        if earlier is None:
            raise
        return earlier, False
    if inline:
        try:
            campaign = campaign_build(campaign_id=campaign.pk)
        except Exception as exc:  # the page says so and offers to try again on the worker
            campaign_build_failed(campaign_id=campaign.pk, error=str(exc))
            raise
    return campaign, True


def _build_batch(campaign_id: int, batch_size: int) -> Campaign:
    """Create up to ``batch_size`` missing drafts, in one transaction holding the campaign lock."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.build_state == CampaignBuild.DONE:
            return campaign
        plan = campaign.build_plan or {}
        skipped = set(plan.get("skipped", []))
        have = set(campaign.requests.values_list("authority_id", flat=True))
        missing = [pk for pk in plan.get("authorities", []) if pk not in have and pk not in skipped]
        chunk = missing[:batch_size]
        fields = plan.get("fields", {})
        user_id = plan.get("user")
        if chunk:
            names = dict(Authority.objects.filter(pk__in=chunk).values_list("pk", "name"))
            gone = [pk for pk in chunk if pk not in names]
            if gone:  # deleted since the plan was made: counted as skipped, never retried
                plan["skipped"] = sorted(skipped.union(gone))
            requests = Request.objects.bulk_create(
                [
                    Request(
                        organization_id=campaign.organization_id,
                        created_by_id=user_id,
                        authority_id=pk,
                        campaign=campaign,
                        visibility=Visibility.PRIVATE,
                        **fields,
                    )
                    for pk in chunk
                    if pk in names
                ],
                batch_size=BATCH_SIZE,
            )
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        organization_id=campaign.organization_id,
                        actor_id=user_id,
                        action=AuditAction.REQUEST_CREATED,
                        request=request,
                        campaign=campaign,
                        note=names[request.authority_id][:300],
                    )
                    for request in requests
                ],
                batch_size=BATCH_SIZE,
            )
            done = len(have) + len(requests)
            campaign.build_state = CampaignBuild.RUNNING
            campaign.build_done = done
            campaign.build_plan = plan
            campaign.save(update_fields=["build_state", "build_done", "build_plan"])
            return campaign
        # Nothing missing: the campaign is complete.
        campaign.build_state = CampaignBuild.DONE
        campaign.build_done = len(have)
        campaign.build_error = ""
        campaign.build_plan = {}
        campaign.save(update_fields=["build_state", "build_done", "build_error", "build_plan"])
        audit(
            organization_id=campaign.organization_id,
            actor=None if user_id is None else _user(user_id),
            action=AuditAction.CAMPAIGN_CREATED,
            campaign=campaign,
            note=_("%(n)d requests") % {"n": len(have)},
        )
        return campaign


def _user(pk: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk).first()


def campaign_build(*, campaign_id: int, batch_size: int = BATCH_SIZE) -> Campaign:
    """Create every missing draft of a campaign, batch by batch (see the module docstring)."""
    while True:
        campaign = _build_batch(campaign_id, batch_size)
        if campaign.build_state == CampaignBuild.DONE:
            return campaign


def campaign_build_failed(*, campaign_id: int, error: str) -> None:
    """The worker gave up: the page says so and offers to try again (the build is idempotent)."""
    Campaign.objects.filter(pk=campaign_id).exclude(build_state=CampaignBuild.DONE).update(
        build_state=CampaignBuild.FAILED, build_error=error[:2000]
    )


def campaign_retry(*, campaign: Campaign) -> None:
    """Queue the build again; only what is missing is created."""
    from foia.tasks import campaign_build_task

    updated = Campaign.objects.filter(pk=campaign.pk, build_state=CampaignBuild.FAILED).update(
        build_state=CampaignBuild.QUEUED, build_error=""
    )
    if updated:
        transaction.on_commit(lambda: campaign_build_task.delay(campaign.pk))


@transaction.atomic
def campaign_set_publishing(
    *,
    campaign: Campaign,
    user: AbstractBaseUser,
    is_public: bool,
    visibility: str | None,
    embargo_until=None,
) -> int:
    """Show the campaign publicly or not, and give its requests one visibility (public, public
    after an embargo, private) — each through ``request_set_publishing``, the one rule for a
    request's publication (which steps and documents are public stays as each request has it).
    ``visibility`` None leaves the requests alone. Returns how many requests changed."""
    from foia.models import Attachment, Event
    from foia.services.requests import request_set_publishing

    if visibility == Visibility.EMBARGOED and embargo_until is None:
        raise ValidationError({"embargo_until": [_("Give the date the embargo ends.")]})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    changed = 0
    if visibility is not None:
        if visibility != Visibility.EMBARGOED:
            embargo_until = None
        requests = list(
            campaign.requests.exclude(visibility=visibility, embargo_until=embargo_until)
            .select_related("authority")
            .order_by("pk")
        )
        ids = [r.pk for r in requests]
        public_events: dict[int, list[int]] = {}
        for request_id, pk in Event.objects.filter(request_id__in=ids, is_public=True).values_list(
            "request_id", "pk"
        ):
            public_events.setdefault(request_id, []).append(pk)
        public_documents: dict[int, list[int]] = {}
        for request_id, pk in Attachment.objects.filter(
            request_id__in=ids, is_public=True
        ).values_list("request_id", "pk"):
            public_documents.setdefault(request_id, []).append(pk)
        for request in requests:
            if request_set_publishing(
                request=request,
                user=user,
                visibility=visibility,
                embargo_until=embargo_until,
                public_events=public_events.get(request.pk, []),
                public_attachments=public_documents.get(request.pk, []),
            ):
                changed += 1
    if campaign.is_public != is_public:
        campaign.is_public = is_public
        campaign.save(update_fields=["is_public"])
        audit(
            organization_id=campaign.organization_id,
            actor=user,
            action=AuditAction.PUBLISHING,
            campaign=campaign,
            changes=[{"field": "is_public", "old": not is_public, "new": is_public}],
        )
    return changed
