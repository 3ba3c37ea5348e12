"""FilterSets of the public log. They filter the facts table (``foia.stats.RequestFacts``), whose
columns are indexed for it; the published scope is applied by the selector, never by a filter."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foia import text as search
from foia.models import AuthorityKind, Campaign, Request, RequestStatus, Topic
from foia.params import IdFilter
from foia.stats.models import Outcome, RequestFacts, RequestSearch, silent_q

SORTS = {
    "-sent": (_("Newest first"), ("-sent_on", "-request_id")),
    "sent": (_("Oldest first"), ("sent_on", "request_id")),
    "-answered": (_("Latest answers first"), ("-first_answer_on", "-sent_on", "-request_id")),
    "due": (_("Answer due soonest"), ("answer_due_on", "request_id")),
}
DEFAULT_SORT = "-sent"
FIRST_YEAR = 2004  # ZSPIJZ, Sl. glasnik RS 120/2004
YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


def _years() -> list[tuple[int, int]]:
    # The law applies since 2004; no query needed, and a stable URL never turns invalid.
    return [(y, y) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def search_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Requests whose search document holds every term of ``query`` (see ``foia.text``)."""
    terms = search.query_terms(query)
    if not terms:
        return queryset
    documents = RequestSearch.objects.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        documents = documents.filter(
            vector=SearchQuery(search.tsquery(terms), search_type="raw", config="simple")
        )
    else:
        for term in terms:
            documents = documents.filter(vector__contains=" " + term)
    return queryset.filter(request_id__in=documents.values("request_id"))


class RequestLogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. kamere Čačak")}),
    )
    authority = IdFilter(field_name="authority_id", label=_("Authority"), widget=forms.HiddenInput)
    kind = django_filters.ChoiceFilter(
        field_name="authority_kind",
        label=_("Kind of authority"),
        choices=AuthorityKind.choices,
        empty_label=_("All kinds"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in RequestStatus.choices if c[0] != RequestStatus.DRAFT],
        empty_label=_("Any status"),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("First answer"), choices=Outcome.choices, empty_label=_("Any answer")
    )
    year = django_filters.ChoiceFilter(
        label=_("Year sent"), choices=_years, method="filter_year", empty_label=_("Any year")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        method="filter_topic",
        empty_label=_("Any topic"),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"),
        queryset=Campaign.objects.filter(is_public=True),
        empty_label=_("Any campaign"),
    )
    appealed = django_filters.TypedChoiceFilter(
        label=_("Appealed"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        method="filter_appealed",
        empty_value=None,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue now (no answer, deadline passed)"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _fields) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = RequestFacts
        fields: list[str] = []

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value)

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            sent_on__gte=dt.date(year, 1, 1), sent_on__lt=dt.date(year + 1, 1, 1)
        )

    def filter_topic(self, queryset, name, value):
        tagged = Request.topics.through.objects.filter(topic=value).values("request_id")
        return queryset.filter(request_id__in=tagged)

    def filter_appealed(self, queryset, name, value):
        return queryset if value is None else queryset.filter(appealed=value)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(silent_q(self.today))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, by sorted()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*SORTS[self.sort_key][1])

    @property
    def cleaned(self) -> dict:
        """The valid values (an invalid one is ignored and reported in the form)."""
        if not self.is_bound:
            return {}
        self.form.errors  # noqa: B018 - runs the validation
        return getattr(self.form, "cleaned_data", {})

    @property
    def sort_key(self) -> str:
        value = self.cleaned.get("sort")
        return value if value in SORTS else DEFAULT_SORT

    @property
    def active(self) -> bool:
        """Whether any filter other than the sort order is set."""
        return any(
            value not in (None, "", False) for name, value in self.cleaned.items() if name != "sort"
        )
