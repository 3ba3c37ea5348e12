"""The transparency dashboard: overall, per kind of authority and per authority, with a CSV of
every table."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from foia.csvsafe import csv_writer
from foia.models import AuthorityKind
from foia.params import parse_id
from foia.public import selectors
from foia.public.views import tables
from foia.public.views.display import interval
from foia.public.views.pages import authority_tables
from foia.stats import figures as stats
from foia.stats.figures import published_facts


def _id(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise Http404(f"No such {name}")
    return value


def build(request):
    """The dashboard's tables for a scope: everything, a kind (?kind=), an authority
    (?authority=) or a public campaign (?campaign=)."""
    today = selectors.today()
    kind = request.GET.get("kind", "")
    if kind not in AuthorityKind.values:
        kind = ""
    authority_id, campaign_id = _id(request, "authority"), _id(request, "campaign")
    if authority_id is not None or campaign_id is not None:
        authority = campaign = None
        facts = published_facts(today)
        if authority_id is not None:
            authority = selectors.public_authority(authority_id)
            facts = facts.filter(authority=authority)
            scope = f"authority={authority.pk}"
        else:
            campaign = selectors.public_campaign(campaign_id)
            facts = facts.filter(campaign=campaign)
            scope = f"campaign={campaign.pk}"
        figures = stats.live_figures(facts, today)
        return {
            "today": today,
            "kind": "",
            "authority": authority,
            "campaign": campaign,
            "figures": figures,
            "interval": interval(figures.on_time_interval),
            "tables": authority_tables(figures, stats.live_trend(facts, today)),
            "scope_query": scope,
        }
    board = stats.cached_dashboard(today, kind=kind or None)

    def link(authority_id: int) -> str:
        return reverse("public:authority", args=[authority_id])

    found = [
        tables.summary(board.overall),
        tables.outcomes(board.overall),
        tables.grounds(board.overall),
        tables.appeals(board.overall),
        tables.commissioner(board.overall),
        tables.compliance(board.overall),
        tables.trend(board.trend),
    ]
    best = tables.ranking("best", _("Most often on time"), board.best, link)
    best.note = ngettext(
        "Authorities are ordered by the lower end of the 95 %% interval of their on-time share, "
        "so a body with few requests cannot top the list by luck. Only authorities with at "
        "least %(n)d request answered or past its deadline are ranked: %(ranked)d ranked, "
        "%(unranked)d with too few.",
        "Authorities are ordered by the lower end of the 95 %% interval of their on-time share, "
        "so a body with few requests cannot top the list by luck. Only authorities with at "
        "least %(n)d requests answered or past their deadline are ranked: %(ranked)d ranked, "
        "%(unranked)d with too few.",
        board.min_requests,
    ) % {"n": board.min_requests, "ranked": board.ranked, "unranked": board.unranked}
    found += [
        tables.kinds(board.by_kind),
        best,
        tables.ranking("worst", _("Least often on time"), board.worst, link),
    ]
    return {
        "today": today,
        "kind": kind,
        "kind_label": tables.kind_label(kind),
        "authority": None,
        "campaign": None,
        "board": board,
        "figures": board.overall,
        "interval": interval(board.overall.on_time_interval),
        "tables": found,
        "scope_query": f"kind={kind}" if kind else "",
    }


@require_safe
def dashboard(request):
    context = build(request)
    context["kinds"] = AuthorityKind.choices
    return render(request, "public/dashboard.html", context)


@require_safe
def dashboard_csv(request, table: str):
    context = build(request)
    found = next((t for t in context["tables"] if t.slug == table), None)
    if found is None:
        raise Http404("No such table")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = (context["scope_query"] or "all").replace("=", "-")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{table}-{scope}.csv"'
    writer = csv_writer(response)
    writer.writerow([str(h) for h in found.headers])
    writer.writerows(found.csv_rows())
    return response
