"""Cursor (keyset) pagination: ``{"next": url|null, "previous": url|null, "results": [...]}``.

The cursor holds the sort values of the last (or first) row shown, so a page is one indexed range
scan whatever its depth — no OFFSET — and rows added meanwhile do not shift the pages. Nullable
date columns sort as if empty were the earliest date, so every row has a place in the order.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from foia.params import MAX_ID

EMPTY_DATE = dt.date(1, 1, 1)


def _field_type(model, name: str) -> tuple[str, bool]:
    if name == "pk":
        field = model._meta.pk
    else:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = model._meta.get_field(name.removesuffix("_id"))
    if field.is_relation:
        field = field.target_field
    internal = field.get_internal_type()
    if internal == "DateField":
        return "date", field.null
    if internal in ("CharField", "TextField", "SlugField"):
        return "str", field.null
    return "int", field.null


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def __init__(self, ordering: tuple[str, ...] = ("-pk",)):
        self.ordering = ordering

    # --- cursor encoding ---------------------------------------------------------------------

    def _encode(self, direction: str, values: list) -> str:
        plain = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
        raw = json.dumps({"d": direction, "v": plain}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, raw: str, types: list[str]) -> tuple[str, list]:
        invalid = ValidationError({self.cursor_query_param: [_("Invalid cursor.")]})
        try:
            padded = raw + "=" * (-len(raw) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            direction, values = data["d"], data["v"]
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise invalid from None
        if direction not in ("n", "p") or not isinstance(values, list):
            raise invalid
        if len(values) != len(types):
            raise invalid
        out = []
        for kind, value in zip(types, values, strict=True):
            try:
                if kind == "date":
                    value = dt.date.fromisoformat(value)
                elif kind == "int":
                    if isinstance(value, bool) or not isinstance(value, int):
                        raise ValueError
                    if not -MAX_ID <= value <= MAX_ID:
                        raise ValueError
                elif not isinstance(value, str) or "\x00" in value:
                    raise ValueError
            except (TypeError, ValueError):
                raise invalid from None
            out.append(value)
        return direction, out

    # --- paging ------------------------------------------------------------------------------

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return settings.API_PAGE_SIZE
        if (
            not raw.isascii()
            or not raw.isdigit()
            or not 1 <= int(raw) <= settings.API_MAX_PAGE_SIZE
        ):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.")
                        % {"max": settings.API_MAX_PAGE_SIZE}
                    ]
                }
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None) -> list:
        self.request = request
        page_size = self.get_page_size(request)
        model = queryset.model
        names, descending, types, aliases = [], [], [], {}
        for i, item in enumerate(self.ordering):
            name = item.lstrip("-")
            kind, null = _field_type(model, name)
            alias = f"_k{i}"
            if kind == "date" and null:
                aliases[alias] = Coalesce(F(name), Value(EMPTY_DATE, output_field=DateField()))
            else:
                aliases[alias] = F(name)
            names.append(alias)
            descending.append(item.startswith("-"))
            types.append(kind)
        queryset = queryset.annotate(**aliases)

        raw = request.query_params.get(self.cursor_query_param)
        direction, values = ("n", None)
        if raw:
            direction, values = self._decode(raw, types)
        backwards = direction == "p"
        if values is not None:
            condition = Q()
            for i in range(len(names)):
                # Rows after the cursor in the direction of travel.
                later = descending[i] != backwards
                term = Q(**{f"{names[i]}__{'lt' if later else 'gt'}": values[i]})
                for j in range(i):
                    term &= Q(**{names[j]: values[j]})
                condition |= term
            # The first key's bound alone lets the index on it start the scan at the cursor.
            first_later = descending[0] != backwards
            bound = Q(**{f"{names[0]}__{'lte' if first_later else 'gte'}": values[0]})
            queryset = queryset.filter(bound & condition)
        order = [
            ("-" if (desc != backwards) else "") + name
            for name, desc in zip(names, descending, strict=True)
        ]
        rows = list(queryset.order_by(*order)[: page_size + 1])
        more = len(rows) > page_size
        rows = rows[:page_size]
        if backwards:
            rows.reverse()
        self.has_next = more if not backwards else True
        self.has_previous = more if backwards else values is not None
        self._first = [getattr(rows[0], n) for n in names] if rows else values
        self._last = [getattr(rows[-1], n) for n in names] if rows else values
        if not rows:
            self.has_next = backwards
        return rows

    def _link(self, direction: str, values) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(direction, values))

    def get_next_link(self) -> str | None:
        if not self.has_next or self._last is None:
            return None
        return self._link("n", self._last)

    def get_previous_link(self) -> str | None:
        if not self.has_previous or self._first is None:
            return None
        return self._link("p", self._first)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor of the page (from `next` or `previous`).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (1 to {settings.API_MAX_PAGE_SIZE}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": settings.API_MAX_PAGE_SIZE,
                },
            },
        ]


def first_page_url(request) -> str:
    return remove_query_param(request.build_absolute_uri(), "cursor")
