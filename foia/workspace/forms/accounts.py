"""Login with a limit on failed attempts (see foia.workspace.ratelimit)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from foia.workspace import ratelimit


class RateLimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many": _(
            "Too many failed attempts to log in as this user from your address. "
            "Wait %(minutes)d minutes and try again, or reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = ratelimit.client_address(self.request)
        if username and ratelimit.is_blocked(username, address):
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"minutes": max(ratelimit.window() // 60, 1)},
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            if username:
                ratelimit.note_failure(username, address)
            raise
        ratelimit.clear(username, address)
        return data
