"""Writes on requests, their documents, events and campaigns: keyword-only, typed, atomic; each
one leaves an audit entry. Every surface (workspace, API, mail intake) calls these.

Timeline events are written by ``foia.services.transitions.record_event`` (the one place that
checks them against the law); the services here wrap it to store the uploaded documents with the
event and to note the change in the request's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from foia.models import (
    EDITABLE_FIELDS,
    LETTER_FIELDS,
    Attachment,
    Authority,
    Campaign,
    Event,
    EventKind,
    Membership,
    Organization,
    Request,
    RequestStatus,
    Topic,
    Visibility,
)
from foia.services import fanout
from foia.services.audit import audit, diff
from foia.services.transitions import record_event
from foia.services.uploads import check_upload
from foia.workspace.models import AuditAction

# --- requests --------------------------------------------------------------------------------------


def _check_assignee(organization_id: int, assignee: AbstractBaseUser | None) -> None:
    if (
        assignee is not None
        and not Membership.objects.filter(organization_id=organization_id, user=assignee).exists()
    ):
        raise ValidationError(
            {"assignee": [_("The assignee must be a member of the organization.")]}
        )


@transaction.atomic
def request_create(
    *,
    organization: Organization,
    user: AbstractBaseUser,
    authority: Authority,
    topics: Iterable[Topic] = (),
    **fields: Any,
) -> Request:
    """A new draft request; nothing is sent until it is marked as sent."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"request_create() got unexpected fields: {sorted(unknown)}")
    _check_assignee(organization.pk, fields.get("assignee"))
    request = Request(organization=organization, created_by=user, authority=authority, **fields)
    request.full_clean()
    request.save()
    request.topics.set(topics)
    audit(
        organization_id=organization.pk,
        actor=user,
        action=AuditAction.REQUEST_CREATED,
        request=request,
        note=authority.name,
    )
    return request


@transaction.atomic
def request_update(
    *,
    request: Request,
    user: AbstractBaseUser,
    topics: Iterable[Topic] | None = None,
    **fields: Any,
) -> list[dict]:
    """Change a request's own fields; the letter's fields only while it is a draft.

    Returns the changes (also written to the history). An assignee change is noted separately.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"request_update() got unexpected fields: {sorted(unknown)}")
    request = Request.objects.select_for_update().get(pk=request.pk)
    before = {name: getattr(request, name) for name in fields}
    if topics is not None:
        before["topics"] = {t.name for t in request.topics.all()}
    after = dict(fields)
    if topics is not None:
        topics = list(topics)
        after["topics"] = {t.name for t in topics}
    changes = diff(before, after)
    if request.status != RequestStatus.DRAFT:
        frozen = [c["field"] for c in changes if c["field"] in LETTER_FIELDS]
        if frozen:
            raise ValidationError(
                {
                    name: [_("The request has been sent: what it asked can no longer change.")]
                    for name in frozen
                }
            )
    if "assignee" in fields:
        _check_assignee(request.organization_id, fields["assignee"])
    if not changes:
        return []
    for name, value in fields.items():
        setattr(request, name, value)
    request.full_clean()
    request.save(update_fields=[*fields, "updated_at"])
    if topics is not None:
        request.topics.set(topics)
    fanout.requests_changed([request])
    assignee = [c for c in changes if c["field"] == "assignee"]
    others = [c for c in changes if c["field"] != "assignee"]
    if others:
        audit(
            organization_id=request.organization_id,
            actor=user,
            action=AuditAction.REQUEST_EDITED,
            request=request,
            changes=others,
        )
    if assignee:
        audit(
            organization_id=request.organization_id,
            actor=user,
            action=AuditAction.ASSIGNED,
            request=request,
            changes=assignee,
        )
    return changes


def request_assign(
    *, request: Request, user: AbstractBaseUser, assignee: AbstractBaseUser | None
) -> list[dict]:
    return request_update(request=request, user=user, assignee=assignee)


@transaction.atomic
def request_set_publishing(
    *,
    request: Request,
    user: AbstractBaseUser,
    visibility: str,
    embargo_until: dt.date | None,
    public_events: Iterable[int],
    public_attachments: Iterable[int],
) -> list[dict]:
    """Choose what the public sees: the request (private, public, or public after an embargo),
    and each response and document."""
    if visibility == Visibility.EMBARGOED and embargo_until is None:
        raise ValidationError({"embargo_until": [_("Give the date the embargo ends.")]})
    if visibility != Visibility.EMBARGOED:
        embargo_until = None
    request = Request.objects.select_for_update().get(pk=request.pk)
    changes = diff(
        {"visibility": request.visibility, "embargo_until": request.embargo_until},
        {"visibility": visibility, "embargo_until": embargo_until},
    )
    request.visibility, request.embargo_until = visibility, embargo_until
    request.save(update_fields=["visibility", "embargo_until", "updated_at"])

    public_events, public_attachments = set(public_events), set(public_attachments)
    for model, wanted, label in (
        (Event, public_events, "event"),
        (Attachment, public_attachments, "document"),
    ):
        flipped = {True: [], False: []}
        for obj in model.objects.filter(request=request):
            is_public = obj.pk in wanted
            if obj.is_public != is_public:
                changes.append(
                    {
                        "field": "is_public",
                        "object": f"{label}: {obj}",
                        "old": obj.is_public,
                        "new": is_public,
                    }
                )
                flipped[is_public].append(obj.pk)
        for is_public, ids in flipped.items():
            if ids:
                model.objects.filter(pk__in=ids).update(is_public=is_public)
    # One refresh of the facts and search row for the whole change, not one per event.
    fanout.requests_changed([request])
    if changes:
        audit(
            organization_id=request.organization_id,
            actor=user,
            action=AuditAction.PUBLISHING,
            request=request,
            changes=changes,
        )
    return changes


# --- documents and events -------------------------------------------------------------------------


def _store(
    *,
    request: Request,
    user: AbstractBaseUser,
    upload: UploadedFile,
    event: Event | None,
    is_public: bool,
) -> Attachment:
    content_type = check_upload(upload)
    attachment = Attachment(
        request=request,
        event=event,
        original_name=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        is_public=is_public,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _store_all(
    *,
    request: Request,
    user: AbstractBaseUser,
    uploads: Iterable[UploadedFile],
    event: Event | None,
    is_public: bool,
) -> list[Attachment]:
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(
                _store(request=request, user=user, upload=upload, event=event, is_public=is_public)
            )
    except BaseException:
        # The transaction rolls the rows back; the files on disk must go too.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def attachment_add(
    *,
    request: Request,
    user: AbstractBaseUser,
    upload: UploadedFile,
    event: Event | None = None,
    is_public: bool = False,
) -> Attachment:
    """Add a document to a request (optionally to one of its events)."""
    if event is not None and event.request_id != request.pk:
        raise ValidationError({"event": [_("That event belongs to another request.")]})
    (attachment,) = _store_all(
        request=request, user=user, uploads=[upload], event=event, is_public=is_public
    )
    audit(
        organization_id=request.organization_id,
        actor=user,
        action=AuditAction.DOCUMENT_ADDED,
        request=request,
        event=event,
        note=attachment.original_name,
    )
    return attachment


@transaction.atomic
def event_record(
    *,
    request: Request,
    user: AbstractBaseUser,
    kind: str,
    occurred_on: dt.date,
    grounds: Iterable[str] = (),
    uploads: Iterable[UploadedFile] = (),
    uploads_public: bool = False,
    **fields: Any,
) -> Event:
    """Record what happened through the transitions service, store its documents, note it.

    Raises ValidationError (per field, nothing saved) when the law or the history rules it out;
    the returned event's ``flag_messages`` are the lawful-but-questionable facts to show.
    """
    event = record_event(
        request=request,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=user,
        grounds=list(grounds),
        **fields,
    )
    stored = _store_all(
        request=request, user=user, uploads=uploads, event=event, is_public=uploads_public
    )
    audit(
        organization_id=request.organization_id,
        actor=user,
        action=AuditAction.EVENT_RECORDED,
        request=request,
        event=event,
        note=", ".join(a.original_name for a in stored),
    )
    return event


def request_mark_sent(
    *,
    request: Request,
    user: AbstractBaseUser,
    sent_on: dt.date,
    channel: str,
    received_on: dt.date | None = None,
    proof: Iterable[UploadedFile] = (),
) -> Event:
    """The request left us: its date, the channel and the proof of sending."""
    return event_record(
        request=request,
        user=user,
        kind=EventKind.SENT,
        occurred_on=sent_on,
        channel=channel,
        received_on=received_on,
        uploads=proof,
    )


def request_mark_received(
    *,
    request: Request,
    user: AbstractBaseUser,
    received_on: dt.date,
    presumed: bool = False,
    received_at: dt.datetime | None = None,
    proof: Iterable[UploadedFile] = (),
) -> Event:
    """The authority received the request (a presumed date for ordinary post, ZUP Art. 71)."""
    return event_record(
        request=request,
        user=user,
        kind=EventKind.DELIVERED,
        occurred_on=received_on,
        presumed=presumed,
        occurred_at=received_at,
        uploads=proof,
    )


# --- campaigns -------------------------------------------------------------------------------------


# A campaign and its drafts are created by foia.services.campaigns (in batches, on the worker).


def campaign_mark_sent(
    *,
    campaign: Campaign,
    user: AbstractBaseUser,
    requests: Iterable[Request],
    sent_on: dt.date,
    channel: str,
) -> tuple[list[Event], dict[int, list[str]]]:
    """Mark many of a campaign's drafts as sent on one day; each is recorded on its own, so one
    refusal does not undo the others. Returns the events and the errors per request id."""
    events: list[Event] = []
    errors: dict[int, list[str]] = {}
    for request in requests:
        if request.campaign_id != campaign.pk:
            errors[request.pk] = [_("Not part of this campaign.")]
            continue
        try:
            events.append(
                request_mark_sent(request=request, user=user, sent_on=sent_on, channel=channel)
            )
        except ValidationError as exc:
            errors[request.pk] = exc.messages
    return events, errors
