from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foia.api.models import Scope
from foia.params import SingleLineField
from foia.webhooks.models import WebhookKind


class TokenForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    name = SingleLineField(label=_("Name"), max_length=100, help_text=_("e.g. newsroom tracker"))
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for a token that does not expire."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class WebhookForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    description = SingleLineField(label=_("Description"), max_length=200, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookKind.EVENT_RECORDED],
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
