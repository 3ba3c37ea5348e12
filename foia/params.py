"""The one typed path for identifiers and single-line text coming from outside.

Query parameters, form fields and filters parse ids with ``IdField`` / ``IdFilter``: only ASCII
digits, 1 … 2**63-1 (a PostgreSQL bigint), so "²", "١", "-1", NUL bytes and 70-bit numbers get a
clear validation error instead of reaching the database. Single-line text (subjects, names,
numbers of decisions) refuses control characters with ``no_control_characters``, so a line
break can never reach an e-mail header or a feed title.
"""

from __future__ import annotations

import re
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
SEARCH_MAX_LENGTH = 100
_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_id(raw) -> int | None:
    """``raw`` as a database id, or None when it is not one."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _ASCII_DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


class IdField(forms.IntegerField):
    default_error_messages = {"invalid": _("Enter a valid number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not (isinstance(value, int) or _ASCII_DIGITS.fullmatch(str(value).strip())):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.NumberFilter):
    field_class = IdField


def no_control_characters(value: str) -> None:
    """A single-line text holds no control character (line breaks, tabs, NUL, …)."""
    if any(unicodedata.category(ch) == "Cc" for ch in str(value)):
        raise ValidationError(
            _("This field must be one line of text without control characters."),
            code="control_characters",
        )


class SingleLineField(forms.CharField):
    default_validators = [no_control_characters]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH * 10)


def search_query(data) -> str:
    """The ``q`` parameter of a search, parsed by a form (a NUL byte or control character makes
    it invalid, and then nothing is searched), stripped and cut to ``SEARCH_MAX_LENGTH``."""
    form = SearchForm(data)
    if not form.is_valid():
        return ""
    query = form.cleaned_data["q"]
    if any(unicodedata.category(ch) == "Cc" for ch in query):
        return ""
    return query[:SEARCH_MAX_LENGTH]


_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_token(value: str) -> bool:
    """Whether ``value`` can be one of our URL tokens (``secrets.token_urlsafe``); anything else
    (NUL bytes, 10 kB, "²") is answered without a database query."""
    return bool(_TOKEN.fullmatch(value or ""))
