"""The owner's forms: the organization's details and its members."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foia.models import Organization, Role

User = get_user_model()


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "address", "email", "website"]
        help_texts = {
            "address": _("Used as the requester's address on letters when none is given."),
        }


class MemberAddForm(forms.Form):
    who = forms.CharField(
        label=_("Username or e-mail of an existing account"),
        max_length=254,
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        users = list(User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who))[:2])
        if len(users) != 1:
            raise forms.ValidationError(
                _("No single account matches %(who)s. Ask them to get an account first.")
                % {"who": who}
            )
        return users[0]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
