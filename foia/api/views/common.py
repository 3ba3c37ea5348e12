from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from foia.params import parse_id


def path_id(value) -> int:
    """A path id within the database's range (a 70-bit number is simply not found)."""
    pk = parse_id(value)
    if pk is None:
        raise NotFound()
    return pk


def query_id(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    pk = parse_id(raw)
    if pk is None:
        raise ValidationError({name: [_("Enter a valid number.")]})
    return pk


ErrorBody = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        )
    },
)


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorBody) for code in codes}
