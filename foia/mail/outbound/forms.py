"""The "Send by e-mail" form: addresses, subject, text, documents to attach, a one-time key."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from foia.models import Attachment, Request


class SendForm(forms.Form):
    to = forms.CharField(
        label=_("To"),
        max_length=1000,
        help_text=_("Several addresses: separate them with commas."),
    )
    cc = forms.CharField(label=_("Cc"), max_length=1000, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text"), max_length=50000, widget=forms.Textarea(attrs={"rows": 18})
    )
    attachments = forms.ModelMultipleChoiceField(
        label=_("Attach documents"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, request_obj: Request, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["attachments"].queryset = request_obj.attachments.order_by("uploaded_at")
        self.fields["attachments"].label_from_instance = lambda a: a.original_name


class AppealForm(SendForm):
    against = forms.ChoiceField(label=_("The appeal is against"))

    def __init__(self, *args, against_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = against_choices
        self.order_fields(["against"])
