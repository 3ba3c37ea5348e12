"""Serializers name their fields: nothing reaches a client unless it is listed here.

Public serializers never list ``PRIVATE_FIELDS`` (requester's data, internal notes); the
organisation's serializers (``Org…``) are used only behind a member's token.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foia.models import (
    AppealRoute,
    AuthorityKind,
    CopyDelivery,
    DeadlineKind,
    DeadlineState,
    EventKind,
    Party,
    RequestStatus,
    Visibility,
)
from foia.stats.models import Outcome

LANGUAGES = {"en": "en", "sr_latn": "sr-latn", "sr": "sr"}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def in_languages(text: str) -> dict[str, str]:
    """A stored English original (a legal basis) in each of the site's languages."""
    out = {}
    for key, code in LANGUAGES.items():
        with translation.override(code):
            out[key] = translation.gettext(text) if text else ""
    return out


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class Localized(serializers.Serializer):
    en = serializers.CharField()
    sr_latn = serializers.CharField()
    sr = serializers.CharField()


# --- documents, deadlines, events -------------------------------------------------------------------


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id", allow_null=True)
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("public:document", args=[obj.pk]))


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    party = serializers.ChoiceField(choices=Party.choices)
    opens_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField()
    due_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=DeadlineState.choices)
    met_on = serializers.DateField(allow_null=True)
    presumed = serializers.BooleanField()
    legal_basis = serializers.SerializerMethodField()

    @extend_schema_field(Localized)
    def get_legal_basis(self, obj) -> dict:
        return in_languages(obj.legal_basis)


class EventSerializer(serializers.Serializer):
    """A public timeline step (the facts the public page shows)."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    occurred_on = serializers.DateField()
    received_on = serializers.DateField(allow_null=True)
    presumed = serializers.BooleanField()
    channel = serializers.CharField()
    text = serializers.CharField()
    answer_kind = serializers.CharField()
    published_where = serializers.CharField()
    forwarded_to = serializers.SerializerMethodField()
    new_due_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    period_days = serializers.IntegerField(allow_null=True)
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    appeal_ground = serializers.CharField()
    case_number = serializers.CharField()
    commissioner_outcome = serializers.CharField()
    dismissal_reason = serializers.CharField()
    compliance_result = serializers.CharField()
    court_outcome = serializers.CharField()
    grounds = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    @extend_schema_field(Ref(allow_null=True))
    def get_forwarded_to(self, obj):
        if obj.forwarded_to_id is None:
            return None
        return {"id": obj.forwarded_to_id, "name": obj.forwarded_to.name}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_grounds(self, obj) -> list[str]:
        return [g.ground for g in obj.grounds.all()]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj) -> list:
        docs = getattr(obj, "public_attachments", [])
        return DocumentSerializer(docs, many=True, context=self.context).data


# --- requests (public) ------------------------------------------------------------------------------


class RequestListItem(serializers.Serializer):
    """One row of the public log (from the facts table)."""

    id = serializers.IntegerField(source="pk")
    subject = serializers.CharField(source="request.subject")
    authority = serializers.SerializerMethodField()
    authority_kind = serializers.ChoiceField(choices=AuthorityKind.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.SerializerMethodField()
    sent_on = serializers.DateField()
    answer_due_on = serializers.DateField(allow_null=True)
    first_answer_on = serializers.DateField(allow_null=True)
    answered_in_time = serializers.BooleanField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    appealed = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(Ref)
    def get_authority(self, obj) -> dict:
        return {"id": obj.authority_id, "name": obj.authority.name}

    def get_status_label(self, obj) -> str:
        return _label(RequestStatus, obj.status)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:request-detail", args=[obj.pk])
        )


class RequestDetail(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    subject = serializers.CharField()
    information_sought = serializers.CharField()
    authority = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    urgent = serializers.BooleanField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    sent_on = serializers.DateField(allow_null=True)
    sent_via = serializers.CharField()
    received_on = serializers.SerializerMethodField()
    received_presumed = serializers.BooleanField()
    timeline = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    @extend_schema_field(Ref)
    def get_authority(self, obj) -> dict:
        return {"id": obj.authority_id, "name": obj.authority.name}

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_received_on(self, obj) -> dt.date | None:
        """Blank when the sending or delivery step is hidden on the public page."""
        return None if getattr(obj, "receipt_hidden", False) else obj.received_on

    @extend_schema_field(Ref)
    def get_organization(self, obj) -> dict:
        return {"id": obj.organization_id, "name": obj.organization.name}

    @extend_schema_field(Ref(allow_null=True))
    def get_campaign(self, obj):
        campaign = obj.campaign
        if campaign is None or not campaign.is_public:
            return None
        return {"id": campaign.pk, "name": campaign.title}

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj) -> list:
        return EventSerializer(self.context["events"], many=True, context=self.context).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj) -> list:
        return DeadlineSerializer(self.context["deadlines"], many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj) -> list:
        return DocumentSerializer(self.context["documents"], many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("public:request", args=[obj.pk]))


# --- authorities and campaigns ----------------------------------------------------------------------


class AuthoritySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AuthorityKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    place = serializers.CharField()
    address = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    catalogue_id = serializers.CharField(allow_null=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    appeal_route = serializers.ChoiceField(choices=AppealRoute.choices)
    appeal_route_label = serializers.CharField(source="get_appeal_route_display")
    no_appeal = serializers.BooleanField()
    published_requests = serializers.IntegerField()


class CampaignListItem(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    description = serializers.CharField()
    organization = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(Ref)
    def get_organization(self, obj) -> dict:
        return {"id": obj.organization_id, "name": obj.organization.name}


class CampaignRequestState(serializers.Serializer):
    """One authority's state in a campaign."""

    request = serializers.IntegerField(source="pk")
    authority = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.SerializerMethodField()
    sent_on = serializers.DateField()
    answer_due_on = serializers.DateField(allow_null=True)
    first_answer_on = serializers.DateField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    silent = serializers.SerializerMethodField()

    @extend_schema_field(Ref)
    def get_authority(self, obj) -> dict:
        return {"id": obj.authority_id, "name": obj.authority.name}

    def get_status_label(self, obj) -> str:
        return _label(RequestStatus, obj.status)

    def get_silent(self, obj) -> bool:
        return bool(obj.is_silent(self.context["today"]))


# --- figures ----------------------------------------------------------------------------------------


class CodeCount(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    """The numbers of one scope, as on the dashboard."""

    counts = serializers.DictField(child=serializers.IntegerField())
    requests = serializers.IntegerField()
    decided = serializers.IntegerField()
    waiting = serializers.IntegerField()
    silent = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    on_time_interval = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, min_length=2, max_length=2
    )
    silence_rate = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)
    commissioner_median_days = serializers.FloatField(allow_null=True)
    commissioner_pending = serializers.IntegerField()
    commissioner_overdue = serializers.IntegerField()
    commissioner_in_time_rate = serializers.FloatField(allow_null=True)
    awaiting_compliance = serializers.IntegerField()
    outcomes = CodeCount(many=True)
    grounds = CodeCount(many=True)
    commissioner_outcomes = CodeCount(many=True)

    def to_representation(self, figures):
        def rows(items):
            return [
                {"code": r[0], "label": r[1], "count": r[2], "share": r[3] if len(r) > 3 else None}
                for r in items
            ]

        interval = figures.on_time_interval
        return {
            "counts": dict(figures.counts),
            "requests": figures.requests,
            "decided": figures.decided,
            "waiting": figures.waiting,
            "silent": figures.silent,
            "on_time_rate": figures.on_time_rate,
            "on_time_interval": list(interval) if interval else None,
            "silence_rate": figures.silence_rate,
            "median_days": figures.median_days,
            "p90_days": figures.p90_days,
            "commissioner_median_days": figures.commissioner_median_days,
            "commissioner_pending": figures.commissioner_pending,
            "commissioner_overdue": figures.commissioner_overdue,
            "commissioner_in_time_rate": figures.commissioner_in_time_rate,
            "awaiting_compliance": figures.awaiting_compliance,
            "outcomes": rows(figures.outcomes),
            "grounds": rows(figures.grounds),
            "commissioner_outcomes": rows(figures.commissioner_outcomes),
        }


class TrendMonth(serializers.Serializer):
    month = serializers.DateField()
    requests = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()


class RankedSerializer(serializers.Serializer):
    authority = serializers.IntegerField(source="authority_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    requests = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rate = serializers.FloatField()
    interval = serializers.ListField(child=serializers.FloatField())


class KindFigures(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    figures = FiguresSerializer()


class DashboardSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(allow_null=True)
    overall = FiguresSerializer()
    by_kind = KindFigures(many=True)
    best = RankedSerializer(many=True)
    worst = RankedSerializer(many=True)
    ranked = serializers.IntegerField()
    unranked = serializers.IntegerField()
    min_requests = serializers.IntegerField()
    trend = TrendMonth(many=True)


class ScopedFigures(serializers.Serializer):
    date = serializers.DateField()
    scope = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    figures = FiguresSerializer()
    trend = TrendMonth(many=True)


# --- the organisation's own requests (token) ---------------------------------------------------------


class OrgRequestSerializer(serializers.Serializer):
    """A request of the token's organisation, with its private fields."""

    id = serializers.IntegerField(source="pk")
    subject = serializers.CharField()
    information_sought = serializers.CharField()
    authority = serializers.SerializerMethodField()
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    want_notice = serializers.BooleanField()
    want_inspection = serializers.BooleanField()
    want_copy = serializers.BooleanField()
    copy_delivery = serializers.ChoiceField(choices=CopyDelivery.choices)
    copy_delivery_other = serializers.CharField()
    urgent = serializers.BooleanField()
    urgent_reason = serializers.CharField()
    our_reference = serializers.CharField()
    their_reference = serializers.CharField()
    requester_name = serializers.CharField()
    requester_address = serializers.CharField()
    requester_phone = serializers.CharField()
    requester_email = serializers.CharField()
    internal_notes = serializers.CharField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    sent_on = serializers.DateField(allow_null=True)
    sent_via = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    embargo_until = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(Ref)
    def get_authority(self, obj) -> dict:
        return {"id": obj.authority_id, "name": obj.authority.name}


class OrgEventSerializer(EventSerializer):
    is_public = serializers.BooleanField()
    warnings = serializers.SerializerMethodField()
    retracted = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, obj) -> list[str]:
        return [str(m) for m in obj.flag_messages]

    def get_retracted(self, obj) -> bool:
        return getattr(obj, "retracted_at", None) is not None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_documents(self, obj) -> list:
        return [a.pk for a in obj.attachments.all()]


class OrgDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id", allow_null=True)
    is_public = serializers.BooleanField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj) -> str:
        path = reverse("api:workspace-document", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OrgRequestDetail(OrgRequestSerializer):
    timeline = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    @extend_schema_field(OrgEventSerializer(many=True))
    def get_timeline(self, obj) -> list:
        return OrgEventSerializer(self.context["events"], many=True, context=self.context).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj) -> list:
        return DeadlineSerializer(self.context["deadlines"], many=True).data

    @extend_schema_field(OrgDocumentSerializer(many=True))
    def get_documents(self, obj) -> list:
        return OrgDocumentSerializer(
            self.context["documents"], many=True, context=self.context
        ).data


class OrgDeadlineSerializer(DeadlineSerializer):
    request = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()

    @extend_schema_field(Ref)
    def get_request(self, obj) -> dict:
        return {"id": obj.request_id, "name": obj.request.subject}

    def get_days_left(self, obj) -> int:
        return obj.days_left(self.context["today"])
