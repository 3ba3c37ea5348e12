"""The one typed path for identifiers and single-line text coming from outside.

Query parameters, form fields and filters parse ids with ``IdField`` / ``IdFilter``: only ASCII
digits, 1 … 2**63-1 (a PostgreSQL bigint), so "²", "١", "-1", NUL bytes and 70-bit numbers get a
clear validation error instead of reaching the database. Single-line text (subjects, names,
numbers of decisions) refuses control characters with ``no_control_characters``, so a line
break can never reach an e-mail header or a feed title.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
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


# Dates a form accepts: nothing in this domain happened before this or after that (the year 1
# overflowed the time-zone arithmetic; 9999 the deadline arithmetic).
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _portable_range(model_field, value) -> None:
    # A model field's range validators are the connected database's: SQLite has none, so
    # 99999 in a small integer was stored there and a 500 on PostgreSQL. Check the standard range.
    bounds = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
    if bounds and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
        raise ValidationError(
            _("Enter a number between %(low)d and %(high)d.")
            % {"low": bounds[0], "high": bounds[1]},
            code="out_of_range",
        )


def check_model_fields(form: forms.BaseForm, model) -> None:
    """Model validation for the fields of a form that skips the model's own (``_post_clean``):
    each value meets its model field's validators (a PositiveSmallIntegerField's range, a
    CharField's length), dates lie in a plausible range, and single-line text holds no control
    character. Errors are added to the form next to their fields."""
    data = getattr(form, "cleaned_data", {})
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # a form-only field
            model_field = None
        try:
            if model_field is not None and not model_field.is_relation:
                model_field.run_validators(value)
                _portable_range(model_field, value)
            day = value.date() if isinstance(value, dt.datetime) else value
            if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
                raise ValidationError(
                    _("Enter a date between %(start)s and %(end)s.")
                    % {"start": EARLIEST_DATE.year, "end": LATEST_DATE.year},
                    code="date_range",
                )
            if isinstance(value, str) and not isinstance(field.widget, forms.Textarea):
                no_control_characters(value)
        except ValidationError as exc:
            if name in data:
                form.add_error(name, exc)


def single_line_fields(form: forms.BaseForm) -> None:
    """Make every one-line text field of ``form`` refuse control characters (a line break in a
    subject broke every e-mail header it reached)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.Textarea | forms.HiddenInput)
            and no_control_characters not in field.validators
        ):
            field.validators.append(no_control_characters)
