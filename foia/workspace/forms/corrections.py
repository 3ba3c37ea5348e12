"""Correcting and retracting a recorded step: the step's own form, filled with what it says now,
plus why; and a reason to retract. The rules are ``correct_event`` / ``retract_event``'s."""

from __future__ import annotations

from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from foia.services.transitions import CORRECTABLE_FIELDS
from foia.workspace.forms.events import EventForm, event_form_class

# Not facts of the step: documents are added on the request page, publishing has its own page.
NOT_CORRECTED = ("documents", "documents_public", "is_public", "confirm_duplicate")


class CorrectionMixin:
    """Turns an event's recording form into its correction form (bound to ``instance``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NOT_CORRECTED:
            self.fields.pop(name, None)
        if "grounds" in self.fields:
            self.fields["grounds"].initial = self.instance.ground_codes
        if "occurred_on" in self.fields:
            self.fields["occurred_on"].initial = self.instance.occurred_on
        # The reason comes last, after the facts.
        self.order_fields([name for name in self.fields if name != "why"] + ["why"])

    def changes(self) -> dict:
        """The facts changed in the form (the service compares them with the stored event)."""
        data = self.cleaned_data
        return {name: data.get(name) for name in self.changed_data if name in CORRECTABLE_FIELDS}


@cache
def correction_form_class(kind: str) -> type[EventForm]:
    """The correction form for one kind of event (built once per kind)."""
    return type(
        f"Correct{event_form_class(kind).__name__}",
        (CorrectionMixin, event_form_class(kind)),
        {
            "why": forms.CharField(
                label=_("Why is it corrected?"),
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Kept in the request's history with your name and the time."),
            )
        },
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it retracted?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: recorded on the wrong request, or recorded twice. The step stays in the "
            "history, struck through, with your name, the time and this reason."
        ),
    )
