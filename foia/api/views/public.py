"""The public API: no login, only what the public pages show, from the same selectors, the same
FilterSet as the public log and the same figures as the dashboard."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from foia.api import serializers as s
from foia.api.conditional import ConditionalGetMixin
from foia.api.pagination import KeysetPagination
from foia.api.views.common import errors, paginated, path_id, query_id
from foia.models import Authority, AuthorityKind
from foia.public import selectors
from foia.public.filters import SORTS, RequestLogFilter
from foia.stats import figures as stats
from foia.stats.figures import published_facts


class PublicView(ConditionalGetMixin, GenericAPIView):
    authentication_classes: list = []  # the public API ignores tokens: same answer for all
    permission_classes: list = []


def _log_filterset(request, today) -> RequestLogFilter:
    # Ids are checked for range first: the FilterSet's number field would pass a 70-bit number.
    query_id(request, "authority")
    query_id(request, "topic")
    query_id(request, "campaign")
    filterset = RequestLogFilter(request.query_params, queryset=published_facts(today), today=today)
    if filterset.form.errors:
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.form.errors.items()}
        )
    return filterset


LOG_PARAMETERS = [
    OpenApiParameter("q", str, description="Search (Latin, Cyrillic, with or without diacritics)."),
    OpenApiParameter("authority", int, description="Authority id."),
    OpenApiParameter("kind", str, enum=AuthorityKind.values, description="Kind of authority."),
    OpenApiParameter("status", str, description="Status (see RequestStatus)."),
    OpenApiParameter("outcome", str, description="First answer: full, partial, refused, …"),
    OpenApiParameter("year", int, description="Year the request was sent."),
    OpenApiParameter("topic", int, description="Topic id."),
    OpenApiParameter("campaign", int, description="Public campaign id."),
    OpenApiParameter("appealed", str, enum=["true", "false"]),
    OpenApiParameter("overdue", bool, description="No answer and the deadline passed."),
    OpenApiParameter("sort", str, enum=list(SORTS)),
]


class RequestList(PublicView):
    """The public log: published requests, with the same filters and search as /requests/."""

    serializer_class = s.RequestListItem

    @extend_schema(
        operation_id="requests_list",
        parameters=LOG_PARAMETERS,
        responses={200: paginated(s.RequestListItem), **errors(400, 429)},
    )
    def get(self, request):
        today = selectors.today()
        filterset = _log_filterset(request, today)
        paginator = KeysetPagination(SORTS[filterset.sort_key][1])
        page = paginator.paginate_queryset(
            filterset.qs.only("pk", "sent_on", "first_answer_on", "answer_due_on"), request, self
        )
        rows = selectors.facts_rows([row.pk for row in page], today)
        data = s.RequestListItem(rows, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class RequestDetail(PublicView):
    """One published request: its public timeline, every deadline met, missed or open (with the
    legal basis in each language) and its public documents."""

    serializer_class = s.RequestDetail

    @extend_schema(
        operation_id="requests_retrieve", responses={200: s.RequestDetail, **errors(404, 429)}
    )
    def get(self, request, pk):
        today = selectors.today()
        obj = selectors.public_request(path_id(pk), today)
        events = selectors.public_events(obj)
        self.last_modified = max([obj.updated_at, *(e.recorded_at for e in events)])
        context = {
            "request": request,
            "events": events,
            "deadlines": selectors.public_deadlines(obj),
            "documents": selectors.public_documents(obj),
        }
        return Response(s.RequestDetail(obj, context=context).data)


# --- authorities ---------------------------------------------------------------------------------


def _authority_counts(ids: list[int], today) -> dict[int, int]:
    return dict(
        published_facts(today)
        .filter(authority_id__in=ids)
        .values("authority_id")
        .annotate(n=Count("pk"))
        .values_list("authority_id", "n")
        .order_by()
    )


class AuthorityList(PublicView):
    """Authorities (active ones, as in the public directory), by name; search folds diacritics."""

    serializer_class = s.AuthoritySerializer

    @extend_schema(
        operation_id="authorities_list",
        parameters=[
            OpenApiParameter("q", str, description="Words of the name."),
            OpenApiParameter("kind", str, enum=AuthorityKind.values),
        ],
        responses={200: paginated(s.AuthoritySerializer), **errors(400, 429)},
    )
    def get(self, request):
        today = selectors.today()
        query = request.query_params.get("q", "")
        kind = request.query_params.get("kind", "")
        if kind and kind not in AuthorityKind.values:
            raise ValidationError({"kind": [str(m) for m in [_invalid_choice(kind)]]})
        if "\x00" in query or len(query) > 100:
            raise ValidationError({"q": ["Give at most 100 characters of text."]})
        # The directory's scope and its one definition of name matching (Authority.matching).
        authorities = Authority.objects.filter(active=True)
        if kind:
            authorities = authorities.filter(kind=kind)
        if query.strip():
            authorities = authorities.matching(query)
        paginator = KeysetPagination(("name", "pk"))
        page = paginator.paginate_queryset(authorities.select_related(None), request, self)
        counts = _authority_counts([a.pk for a in page], today)
        for authority in page:
            authority.published_requests = counts.get(authority.pk, 0)
        return paginator.get_paginated_response(s.AuthoritySerializer(page, many=True).data)


def _invalid_choice(value) -> str:
    from django.utils.translation import gettext

    return gettext("Select a valid choice. %(value)s is not one of the available choices.") % {
        "value": value[:50]
    }


class AuthorityDetailSerializer(s.AuthoritySerializer):
    figures = s.FiguresSerializer()


class AuthorityDetail(PublicView):
    """One authority: its appeal route (Commissioner, or the Administrative Court where no appeal
    lies) and its figures, as on its page."""

    serializer_class = AuthorityDetailSerializer

    @extend_schema(
        operation_id="authorities_retrieve",
        responses={200: AuthorityDetailSerializer, **errors(404, 429)},
    )
    def get(self, request, pk):
        today = selectors.today()
        authority = selectors.public_authority(path_id(pk))
        facts = published_facts(today).filter(authority=authority)
        authority.published_requests = _authority_counts([authority.pk], today).get(authority.pk, 0)
        authority.figures = stats.live_figures(facts, today)
        self.last_modified = authority.updated_at
        return Response(AuthorityDetailSerializer(authority).data)


# --- campaigns -----------------------------------------------------------------------------------


class CampaignDetailSerializer(s.CampaignListItem):
    requests = s.CampaignRequestState(many=True, source="authority_states")
    figures = s.FiguresSerializer()


class CampaignList(PublicView):
    """Public campaigns, newest first."""

    serializer_class = s.CampaignListItem

    @extend_schema(
        operation_id="campaigns_list",
        responses={200: paginated(s.CampaignListItem), **errors(400, 429)},
    )
    def get(self, request):
        campaigns = selectors.published_campaigns()
        paginator = KeysetPagination(("-pk",))
        page = paginator.paginate_queryset(campaigns, request, self)
        return paginator.get_paginated_response(s.CampaignListItem(page, many=True).data)


class CampaignDetail(PublicView):
    """A public campaign with each authority's state and the campaign's figures."""

    serializer_class = CampaignDetailSerializer

    @extend_schema(
        operation_id="campaigns_retrieve",
        responses={200: CampaignDetailSerializer, **errors(404, 429)},
    )
    def get(self, request, pk):
        today = selectors.today()
        campaign = selectors.public_campaign(path_id(pk))
        campaign.authority_states = selectors.campaign_rows(campaign, today)
        campaign.figures = stats.live_figures(
            published_facts(today).filter(campaign=campaign), today
        )
        return Response(CampaignDetailSerializer(campaign, context={"today": today}).data)


# --- figures -------------------------------------------------------------------------------------


def _trend(rows) -> list[dict]:
    return [
        {
            "month": row["month"],
            "requests": row.get("requests", 0),
            "on_time": row.get("on_time", 0),
            "late": row.get("late", 0),
        }
        for row in rows
    ]


class Figures(PublicView):
    """The dashboard's figures: overall (or of one kind of authority), by kind, the ranking and
    the monthly trend — the same numbers as /dashboard/."""

    serializer_class = s.DashboardSerializer

    @extend_schema(
        operation_id="figures_retrieve",
        parameters=[OpenApiParameter("kind", str, enum=AuthorityKind.values)],
        responses={200: s.DashboardSerializer, **errors(400, 429)},
    )
    def get(self, request):
        today = selectors.today()
        kind = request.query_params.get("kind", "")
        if kind and kind not in AuthorityKind.values:
            raise ValidationError({"kind": [_invalid_choice(kind)]})
        board = stats.cached_dashboard(today, kind=kind or None)
        data = {
            "date": today,
            "kind": kind or None,
            "overall": board.overall,
            "by_kind": [
                {"kind": k, "label": str(label), "figures": f} for k, label, f in board.by_kind
            ],
            "best": board.best,
            "worst": board.worst,
            "ranked": board.ranked,
            "unranked": board.unranked,
            "min_requests": board.min_requests,
            "trend": _trend(board.trend),
        }
        return Response(s.DashboardSerializer(data).data)


class ScopedFiguresView(PublicView):
    serializer_class = s.ScopedFigures
    scope = ""

    def figures_for(self, pk):  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request, pk):
        today = selectors.today()
        obj, facts, name = self.figures_for(path_id(pk), today)
        data = {
            "date": today,
            "scope": self.scope,
            "id": obj.pk,
            "name": name,
            "figures": stats.live_figures(facts, today),
            "trend": _trend(stats.live_trend(facts, today)),
        }
        return Response(s.ScopedFigures(data).data)


class AuthorityFigures(ScopedFiguresView):
    """One authority's figures (as on its page and the dashboard's authority scope)."""

    scope = "authority"

    def figures_for(self, pk, today):
        authority = selectors.public_authority(pk)
        return authority, published_facts(today).filter(authority=authority), authority.name

    @extend_schema(
        operation_id="figures_authority", responses={200: s.ScopedFigures, **errors(404, 429)}
    )
    def get(self, request, pk):
        return super().get(request, pk)


class CampaignFigures(ScopedFiguresView):
    """One public campaign's figures."""

    scope = "campaign"

    def figures_for(self, pk, today):
        campaign = selectors.public_campaign(pk)
        return campaign, published_facts(today).filter(campaign=campaign), campaign.title

    @extend_schema(
        operation_id="figures_campaign", responses={200: s.ScopedFigures, **errors(404, 429)}
    )
    def get(self, request, pk):
        return super().get(request, pk)
