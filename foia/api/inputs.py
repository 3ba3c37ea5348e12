"""Input serializers of the token API: typed and bounded before anything reaches a service, so
bad input is a 400 naming the field, never a 500 (NUL bytes, control characters in one-line
fields, "²" as a number, 64-bit overflows, dates the calendar cannot count from)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from foia.models import (
    AnswerKind,
    AppealDismissalReason,
    AppealGround,
    Channel,
    CommissionerOutcome,
    ComplianceResult,
    CopyDelivery,
    CourtOutcome,
    EventKind,
    RefusalGround,
)
from foia.params import MAX_ID, no_control_characters

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _one_line(value: str) -> None:
    try:
        no_control_characters(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class Line(serializers.CharField):
    """One line of text: no control characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators.append(_one_line)


class Text(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", 20000)
        super().__init__(**kwargs)


class Day(serializers.DateField):
    """A date from 2000-01-01 to 2100-12-31 (ISO 8601)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(_("Give a date between 2000-01-01 and 2100-12-31."))
        return day


class Id(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class RequestCreateInput(serializers.Serializer):
    authority = Id()
    subject = Line(max_length=300, allow_blank=False, required=True)
    information_sought = Text(allow_blank=False, required=True)
    want_notice = serializers.BooleanField(required=False, default=False)
    want_inspection = serializers.BooleanField(required=False, default=False)
    want_copy = serializers.BooleanField(required=False, default=True)
    copy_delivery = serializers.ChoiceField(choices=CopyDelivery.choices, required=False)
    copy_delivery_other = Line(max_length=200)
    urgent = serializers.BooleanField(required=False, default=False)
    urgent_reason = Text()
    our_reference = Line(max_length=100)
    their_reference = Line(max_length=100)
    requester_name = Line(max_length=200)
    requester_address = Line(max_length=300)
    requester_phone = Line(max_length=50)
    requester_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    internal_notes = Text()
    topics = serializers.ListField(child=Id(), required=False, max_length=50)


class MarkSentInput(serializers.Serializer):
    sent_on = Day()
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = Day(required=False, allow_null=True)


class EventFields(serializers.Serializer):
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    received_on = Day(required=False, allow_null=True)
    presumed = serializers.BooleanField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    text = Text()
    answer_kind = serializers.ChoiceField(
        choices=AnswerKind.choices, required=False, allow_blank=True
    )
    published_where = Line(max_length=500)
    forwarded_to = Id(required=False, allow_null=True)
    new_due_on = Day(required=False, allow_null=True)
    reason = Text()
    period_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=3650
    )
    decision_number = Line(max_length=100)
    decision_date = Day(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    appeal_ground = serializers.ChoiceField(
        choices=AppealGround.choices, required=False, allow_blank=True
    )
    case_number = Line(max_length=100)
    commissioner_outcome = serializers.ChoiceField(
        choices=CommissionerOutcome.choices, required=False, allow_blank=True
    )
    dismissal_reason = serializers.ChoiceField(
        choices=AppealDismissalReason.choices, required=False, allow_blank=True
    )
    compliance_result = serializers.ChoiceField(
        choices=ComplianceResult.choices, required=False, allow_blank=True
    )
    court_outcome = serializers.ChoiceField(
        choices=CourtOutcome.choices, required=False, allow_blank=True
    )
    related_event = Id(required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False)
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=RefusalGround.choices),
        required=False,
        max_length=len(RefusalGround.choices),
    )


class EventInput(EventFields):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_on = Day()


class CorrectInput(EventFields):
    is_public = None  # published or not is chosen on the publishing page, not corrected
    occurred_on = Day(required=False)
    why = Text(max_length=2000)


class RetractInput(serializers.Serializer):
    reason = Text(max_length=2000, allow_blank=False, required=True)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=255)
    event = Id(required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False, default=False)


class SendEmailInput(serializers.Serializer):
    key = Line(
        max_length=60,
        allow_blank=False,
        required=True,
        help_text="Your idempotency key: the same key sends once, however often it is posted.",
    )
    to = serializers.ListField(
        child=serializers.EmailField(max_length=254), required=False, max_length=10
    )
    subject = Line(max_length=300, allow_blank=False)
    body = Text(allow_blank=False, max_length=100000)
