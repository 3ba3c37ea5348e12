from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import APIView

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


_PAGES: dict[str, type] = {}


def paginated(serializer_class) -> type:
    """The schema of a cursor page of ``serializer_class`` items: next, previous, results."""
    name = f"Paginated{serializer_class.__name__}List"
    if name not in _PAGES:
        _PAGES[name] = type(
            name,
            (serializers.Serializer,),
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializer_class(many=True),
            },
        )
    return _PAGES[name]


@extend_schema(exclude=True)
class NotFoundView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()

    def get(self, request, *args, **kwargs):  # pragma: no cover - initial() raises first
        raise NotFound()

    post = put = patch = delete = get
