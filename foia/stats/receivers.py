"""Keep the facts, search documents and rollups in step with every change they depend on.

- ``request_refreshed`` (sent by ``refresh_request`` inside its transaction, after every recorded
  event): the main path; the deadline specs just derived are reused.
- A request saved outside that path (visibility, embargo, subject, campaign, authority…).
- A recorded event edited afterwards (its text or its publication flag) or deleted; a refusal
  ground added or removed by hand.
- An authority renamed or re-classified.
- A facts row deleted (also by cascade from its request): its counts leave the rollups.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from foia.models import Authority, Event, EventGround, Request
from foia.services.timeline import request_refreshed
from foia.stats import rollups, services
from foia.stats.models import RequestFacts


@receiver(request_refreshed, dispatch_uid="stats.timeline_refreshed")
def timeline_refreshed(sender, request, derived, today, **kwargs):
    services.refresh_facts(request, deadlines=derived.deadlines)


@receiver(post_save, sender=Request, dispatch_uid="stats.request_saved")
def request_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or created:
        # A new request is a draft: it has no facts until it is sent (request_refreshed).
        return
    if update_fields is not None and set(update_fields) <= services.DERIVED_REQUEST_FIELDS:
        return  # refresh_request's own save; its signal follows
    if instance.sent_on is None and not RequestFacts.objects.filter(pk=instance.pk).exists():
        return
    services.refresh_facts(instance)


def _event_request(event: Event) -> Request | None:
    return Request.objects.select_related("authority").filter(pk=event.request_id).first()


@receiver(post_save, sender=Event, dispatch_uid="stats.event_saved")
def event_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return  # record_event refreshes the request after writing the event
    request = _event_request(instance)
    if request is not None:
        services.refresh_facts(request)


def _deleted_on_its_own(origin, model) -> bool:
    """False while a whole request is being deleted (its facts go with it)."""
    if isinstance(origin, QuerySet):
        return origin.model is model
    return isinstance(origin, model)


@receiver(post_delete, sender=Event, dispatch_uid="stats.event_deleted")
def event_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_on_its_own(origin, Event):
        return
    request = _event_request(instance)
    if request is not None:
        services.refresh_facts(request)


@receiver(post_save, sender=EventGround, dispatch_uid="stats.ground_saved")
def ground_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _ground_changed(instance)


@receiver(post_delete, sender=EventGround, dispatch_uid="stats.ground_deleted")
def ground_deleted(sender, instance, origin=None, **kwargs):
    if _deleted_on_its_own(origin, EventGround) or _deleted_on_its_own(origin, Event):
        _ground_changed(instance)


def _ground_changed(instance: EventGround) -> None:
    event = Event.objects.filter(pk=instance.event_id).only("request_id").first()
    if event is not None:
        request = _event_request(event)
        if request is not None:
            services.refresh_facts(request)


@receiver(post_save, sender=Authority, dispatch_uid="stats.authority_saved")
def authority_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return  # a new authority has no requests yet
    services.authority_changed(instance)


@receiver(post_delete, sender=RequestFacts, dispatch_uid="stats.facts_deleted")
def facts_deleted(sender, instance, **kwargs):
    rollups.apply_change(instance, None)
