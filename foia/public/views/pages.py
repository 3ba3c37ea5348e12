"""Pages for the public: no login, only published requests, never personal data or notes.

Views stay thin: they parse the query string, call selectors and the statistics app, render.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from foia.models import AuthorityKind, EventKind, RequestStatus
from foia.params import search_query
from foia.public import selectors
from foia.public.filters import RequestLogFilter
from foia.public.views import tables
from foia.public.views.display import timing
from foia.public.views.explain import explanations
from foia.stats import figures as stats
from foia.stats.figures import published_facts
from foia.stats.models import Outcome


def _with_timing(rows, today):
    """Days early or late, and the status's label (looked up once: get_status_display would
    translate every choice for every row)."""
    labels = {value: str(label) for value, label in RequestStatus.choices}
    for row in rows:
        row.timing = timing(row, today)
        row.status_label = labels.get(row.status, row.status)
    return rows


@require_safe
def home(request):
    today = selectors.today()
    return render(
        request,
        "foia/home.html",
        {
            "numbers": stats.headline(today),
            "latest": selectors.latest_responses(today, limit=8),
            "campaigns": selectors.public_campaigns(),
        },
    )


def log_filterset(request, today) -> RequestLogFilter:
    return RequestLogFilter(request.GET, queryset=published_facts(today), today=today)


@require_safe
def request_log(request):
    today = selectors.today()
    filterset = log_filterset(request, today)
    cleaned = filterset.cleaned
    cap = selectors.SEARCH_COUNT_CAP if cleaned.get("q") else None
    page = selectors.log_page(filterset.qs, request.GET.get("page"), today, cap=cap)
    authority = None
    if cleaned.get("authority"):
        authority = selectors.find_authority(cleaned["authority"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/request_list.html",
        {
            "filterset": filterset,
            "page": page.page,
            "rows": _with_timing(page.rows, today),
            "authority": authority,
            "query": query.urlencode(),
            "today": today,
        },
    )


@require_safe
def request_detail(request, pk: int):
    today = selectors.today()
    obj = selectors.public_request(pk, today)
    events = selectors.public_events(obj)
    facts = next(iter(selectors.facts_rows([obj.pk], today)), None)
    return render(
        request,
        "public/request_detail.html",
        {
            "obj": obj,
            "events": events,
            "deadlines": selectors.public_deadlines(obj),
            "documents": selectors.public_documents(obj),
            "facts": facts,
            "timing": timing(facts, today) if facts else None,
            "campaign": obj.campaign if obj.campaign and obj.campaign.is_public else None,
            "explanations": explanations(obj, events),
            "EventKind": EventKind,
            "today": today,
        },
    )


@require_safe
def authority_list(request):
    today = selectors.today()
    query = search_query(request.GET)
    kind = request.GET.get("kind", "")
    if kind not in AuthorityKind.values:
        kind = ""
    page, rows = selectors.authority_directory(query, kind, request.GET.get("page"), today)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "public/authority_list.html",
        {
            "page": page,
            "rows": rows,
            "q": query,
            "kind": kind,
            "kinds": AuthorityKind.choices,
            "query": params.urlencode(),
        },
    )


@require_safe
def authority_detail(request, pk: int):
    today = selectors.today()
    authority = selectors.public_authority(pk)
    facts = published_facts(today).filter(authority=authority)
    figures = stats.live_figures(facts, today)
    page = selectors.log_page(
        facts.order_by("-sent_on", "-request_id"), request.GET.get("page"), today
    )
    return render(
        request,
        "public/authority_detail.html",
        {
            "authority": authority,
            "figures": figures,
            "tables": authority_tables(figures, stats.live_trend(facts, today)),
            "page": page.page,
            "rows": _with_timing(page.rows, today),
            "today": today,
            "scope_query": f"authority={authority.pk}",
        },
    )


def authority_tables(figures, trend) -> list:
    return [
        tables.summary(figures),
        tables.outcomes(figures),
        tables.grounds(figures),
        tables.appeals(figures),
        tables.commissioner(figures),
        tables.compliance(figures),
        tables.trend(trend),
    ]


ANSWERED = (Outcome.FULL, Outcome.PARTIAL, Outcome.NOT_HELD, Outcome.ALREADY_PUBLISHED)
REFUSED = (Outcome.REFUSED, Outcome.DISMISSED)


@require_safe
def campaign_detail(request, pk: int):
    today = selectors.today()
    campaign = selectors.public_campaign(pk)
    groups = selectors.campaign_groups(campaign, today, request.GET)
    for group in groups.values():
        group.page.object_list = _with_timing(list(group.page.object_list), today)
    figures = stats.live_figures(published_facts(today).filter(campaign=campaign), today)
    return render(
        request,
        "public/campaign_detail.html",
        {
            "campaign": campaign,
            "groups": groups,
            "total": sum(g.count for g in groups.values()),
            "figures": figures,
            "tables": [tables.summary(figures), tables.outcomes(figures), tables.grounds(figures)],
            "today": today,
            "scope_query": f"campaign={campaign.pk}",
        },
    )


@require_safe
def data(request):
    from foia.public import exports

    return render(request, "public/data.html", {"columns": exports.COLUMNS})
