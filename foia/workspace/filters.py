"""Filters of the board and the request list (django-filter), scoped to the user's organizations."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foia.models import Authority, Campaign, Request, RequestStatus
from foia.workspace import access


def _org_ids(request) -> list[int]:
    return list(access.memberships(request.user)) if request is not None else []


def _assignees(request):
    return (
        get_user_model()
        .objects.filter(memberships__organization_id__in=_org_ids(request))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _authorities(request):
    # Only the bodies this organization has asked: never a select of thousands.
    return Authority.objects.filter(
        pk__in=Request.objects.filter(organization_id__in=_org_ids(request)).values("authority_id")
    ).order_by("name")


def _campaigns(request):
    return Campaign.objects.filter(organization_id__in=_org_ids(request)).order_by("-created_at")


class UserChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class BoardFilter(django_filters.FilterSet):
    assignee = UserChoiceFilter(
        label=_("Assignee"),
        queryset=_assignees,
        null_label=_("Unassigned"),
        empty_label=_("Anyone"),
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority"), queryset=_authorities, empty_label=_("Any authority")
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=_campaigns, empty_label=_("Any campaign")
    )

    class Meta:
        model = Request
        fields = ["assignee", "authority", "campaign"]


class RequestListFilter(BoardFilter):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Request
        fields = ["q", "status", "assignee", "authority", "campaign"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(information_sought__icontains=value)
            | Q(our_reference__icontains=value)
            | Q(their_reference__icontains=value)
            | Q(authority__name__icontains=value)
        )
