"""Forms for a request: the official request form's fields, assignment, publishing, documents."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from foia.models import (
    LETTER_FIELDS,
    Campaign,
    CopyDelivery,
    Organization,
    Request,
    RequestStatus,
    Topic,
    Visibility,
)
from foia.params import single_line_fields
from foia.workspace.forms.fields import (
    AuthorityField,
    DateInput,
    DocumentField,
    setup_authority_picker,
)

User = get_user_model()


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def members_of(organization_ids):
    return (
        User.objects.filter(memberships__organization_id__in=list(organization_ids))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def check_rights_asked(form: forms.Form, data: dict) -> None:
    """The official form's checkboxes: at least one right, and the copy's delivery spelled out."""
    if not (data.get("want_notice") or data.get("want_inspection") or data.get("want_copy")):
        form.add_error(
            "want_copy",
            _("Ask for at least one: notice, inspection or a copy of the document."),
        )
    if (
        data.get("want_copy")
        and data.get("copy_delivery") == CopyDelivery.OTHER
        and not (data.get("copy_delivery_other") or "").strip()
    ):
        form.add_error("copy_delivery_other", _("Say how the copy should be delivered."))
    if data.get("urgent") and not (data.get("urgent_reason") or "").strip():
        form.add_error(
            "urgent_reason",
            _("An urgent request (48 hours) must say why: life or freedom, health, environment."),
        )


# The letter's fields (fixed once it has gone out), then our own bookkeeping.
REQUEST_FORM_FIELDS = [
    *LETTER_FIELDS,
    "our_reference",
    "their_reference",
    "assignee",
    "campaign",
    "topics",
    "internal_notes",
]


class RequestForm(forms.ModelForm):
    """New request (a draft) or an edit; after sending, the letter's fields are read-only."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    authority = AuthorityField(label=_("Authority"))

    class Meta:
        model = Request
        fields = REQUEST_FORM_FIELDS
        widgets = {
            "information_sought": forms.Textarea(attrs={"rows": 6}),
            "urgent_reason": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "copy_delivery": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "subject": _("A short title for your lists; the authority sees the description."),
            "information_sought": _(
                "Describe the information or documents as precisely as you can (ZSPIJZ Art. 15)."
            ),
            "internal_notes": _("Private to your organization: never published or sent."),
            "requester_name": _("The requester on the letter; never published."),
        }

    def __init__(self, *args, organizations: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        single_line_fields(self)
        self.organizations = organizations
        editing = self.instance.pk is not None
        org_ids = [self.instance.organization_id] if editing else [o.pk for o in organizations]
        if editing or len(organizations) == 1:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.filter(pk__in=org_ids)
        self.fields["assignee"] = MemberChoiceField(
            label=_("Assignee"),
            queryset=members_of(org_ids),
            required=False,
            empty_label=_("— nobody yet —"),
        )
        self.fields["campaign"].queryset = Campaign.objects.filter(organization_id__in=org_ids)
        self.fields["topics"].queryset = Topic.objects.all()
        if not self.fields["topics"].queryset.exists():
            del self.fields["topics"]
        self.fields["information_sought"].required = True
        if editing and self.instance.status != RequestStatus.DRAFT:
            for name in LETTER_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
            self.letter_frozen = True
        else:
            self.letter_frozen = False
        setup_authority_picker(self, "authority")
        self.order_fields(["organization", *REQUEST_FORM_FIELDS])

    def fieldsets(self):
        """The fields in the groups the page shows them in."""
        groups = [
            (_("To whom"), ["organization", "authority"]),
            (
                _("The request (the official form)"),
                [
                    "subject",
                    "information_sought",
                    "want_notice",
                    "want_inspection",
                    "want_copy",
                    "copy_delivery",
                    "copy_delivery_other",
                    "urgent",
                    "urgent_reason",
                ],
            ),
            (
                _("The requester (private: never published)"),
                ["requester_name", "requester_address", "requester_phone", "requester_email"],
            ),
            (
                _("Our tracking"),
                [
                    "assignee",
                    "campaign",
                    "topics",
                    "our_reference",
                    "their_reference",
                    "internal_notes",
                ],
            ),
        ]
        for title, names in groups:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield title, fields

    @property
    def chosen_organization(self) -> Organization:
        if self.instance.pk:
            return self.instance.organization
        if "organization" in self.fields:
            return self.cleaned_data["organization"]
        return self.organizations[0]

    def clean(self):
        data = super().clean()
        check_rights_asked(self, data)
        assignee, campaign = data.get("assignee"), data.get("campaign")
        org = data.get("organization") or (
            self.instance.organization if self.instance.pk else self.organizations[0]
        )
        if assignee and not assignee.memberships.filter(organization=org).exists():
            self.add_error("assignee", _("The assignee must be a member of the organization."))
        if campaign and campaign.organization_id != org.pk:
            self.add_error("campaign", _("That campaign belongs to another organization."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        if self.letter_frozen:
            for name in LETTER_FIELDS:
                data.pop(name, None)
        return data


class AssignForm(forms.Form):
    assignee = MemberChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody —"),
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members_of([organization_id])


class PublishingForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may see this request"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
    )
    embargo_until = forms.DateField(
        label=_("Public from"),
        required=False,
        widget=DateInput,
        help_text=_("Only for an embargo: the request becomes public on this day."),
    )
    events = forms.MultipleChoiceField(
        label=_("Public steps of the timeline"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = forms.MultipleChoiceField(
        label=_("Public documents"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, request_obj: Request, **kwargs):
        events = list(request_obj.events.live())
        attachments = list(request_obj.attachments.all())
        kwargs.setdefault(
            "initial",
            {
                "visibility": request_obj.visibility,
                "embargo_until": request_obj.embargo_until,
                "events": [str(e.pk) for e in events if e.is_public],
                "attachments": [str(a.pk) for a in attachments if a.is_public],
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [
            (str(e.pk), f"{e.occurred_on:%d.%m.%Y} — {e.get_kind_display()}") for e in events
        ]
        self.fields["attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]

    def clean(self):
        data = super().clean()
        if data.get("visibility") == Visibility.EMBARGOED and not data.get("embargo_until"):
            self.add_error("embargo_until", _("Give the date the embargo ends."))
        return data


class AttachmentForm(forms.Form):
    file = DocumentField(
        label=_("Document"),
        help_text=_(
            "PDF, images, office documents or plain text. The file is checked by its content."
        ),
    )
    event = forms.ChoiceField(label=_("Belongs to"), required=False)
    is_public = forms.BooleanField(
        label=_("Public (when the request is published)"), required=False
    )

    def __init__(self, *args, request_obj: Request, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {str(e.pk): e for e in request_obj.events.live()}
        self.fields["event"].choices = [("", _("— the request as a whole —"))] + [
            (pk, f"{e.occurred_on:%d.%m.%Y} — {e.get_kind_display()}")
            for pk, e in self.events.items()
        ]

    def clean_event(self):
        value = self.cleaned_data.get("event")
        return self.events.get(value) if value else None
