"""Atom feeds of new responses: the whole log, and one authority's."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foia.models import Event
from foia.public import selectors
from foia.xmlsafe import SafeAtom1Feed

LIMIT = 50


class ResponsesFeed(Feed):
    feed_type = SafeAtom1Feed

    def title(self, obj=None) -> str:
        if obj is not None:
            return _("New responses from %(authority)s") % {"authority": obj.name}
        return _("New responses to requests for information")

    def subtitle(self, obj=None) -> str:
        return _("Answers, refusals and decisions on published requests, newest first.")

    def link(self, obj=None) -> str:
        if obj is not None:
            return reverse("public:authority", args=[obj.pk])
        return reverse("public:requests")

    def items(self, obj=None) -> list[Event]:
        return selectors.latest_responses(selectors.today(), limit=LIMIT, authority=obj)

    def item_title(self, item: Event) -> str:
        what = item.get_kind_display()
        if item.answer_kind:
            what = f"{what} ({item.get_answer_kind_display()})"
        return f"{item.request.authority.name}: {what} — {item.request.subject}"

    def item_description(self, item: Event) -> str:
        parts = [item.text]
        grounds = [g.get_ground_display() for g in item.grounds.all()]
        if grounds:
            parts.append(_("Grounds: %(grounds)s") % {"grounds": "; ".join(grounds)})
        if item.decision_number:
            parts.append(_("Decision no. %(number)s") % {"number": item.decision_number})
        return "\n".join(p for p in parts if p)

    def item_link(self, item: Event) -> str:
        return reverse("public:request", args=[item.request_id]) + f"#event-{item.pk}"

    def item_guid(self, item: Event) -> str:
        return f"foia-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Event) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(item.occurred_on, dt.time(12)))

    def item_updateddate(self, item: Event) -> dt.datetime:
        return item.recorded_at


class AuthorityResponsesFeed(ResponsesFeed):
    def get_object(self, request, pk: int):
        return selectors.public_authority(pk)
