"""Campaign forms: the shared request, the choice of authorities, and sending many at once."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foia.models import LETTER_FIELDS, AuthorityKind, Channel, CopyDelivery, Organization, Request
from foia.params import parse_id, single_line_fields
from foia.workspace.forms.fields import DateInput
from foia.workspace.forms.requests import MemberChoiceField, check_rights_asked, members_of

LIST_MAX_BYTES = 512 * 1024

# The shared letter: every request of the campaign gets these.
TEMPLATE_FIELDS = [*(f for f in LETTER_FIELDS if f != "authority"), "assignee"]


class CampaignForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Campaign title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_public = forms.BooleanField(label=_("Show the campaign publicly"), required=False)

    kinds = forms.MultipleChoiceField(
        label=_("All authorities of these kinds"),
        choices=AuthorityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(
        label=_("In this place"),
        required=False,
        max_length=100,
        help_text=_("E.g. Novi Sad; combine with a kind, or leave empty for everywhere."),
    )
    parent = forms.CharField(
        label=_("Under this parent body"),
        required=False,
        max_length=300,
        help_text=_(
            "Its catalogue id or exact name: every body under it (e.g. the schools under a "
            "ministry); combine with a kind or a place."
        ),
    )
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    list_file = forms.FileField(
        label=_("Or upload a list"),
        required=False,
        help_text=_(
            "A text or CSV file: one authority a line, by catalogue id or by its exact name."
        ),
    )
    list_text = forms.CharField(
        label=_("Or paste the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Request
        fields = TEMPLATE_FIELDS
        widgets = {
            "information_sought": forms.Textarea(attrs={"rows": 6}),
            "urgent_reason": forms.Textarea(attrs={"rows": 2}),
            "copy_delivery": forms.RadioSelect,
        }

    def __init__(self, *args, organizations: list[Organization], kind_counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        single_line_fields(self)
        self.organizations = organizations
        if len(organizations) == 1:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = Organization.objects.filter(
                pk__in=[o.pk for o in organizations]
            )
        self.fields["assignee"] = MemberChoiceField(
            label=_("Assignee of every request"),
            queryset=members_of([o.pk for o in organizations]),
            required=False,
            empty_label=_("— nobody yet —"),
        )
        self.fields["information_sought"].required = True
        if kind_counts is not None:
            counts = {kind: n for kind, _label, n in kind_counts}
            self.fields["kinds"].choices = [
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in AuthorityKind.choices
            ]
        self.fields["copy_delivery"].initial = CopyDelivery.EMAIL

    def campaign_fields(self):
        names = ("organization", "title", "description", "is_public")
        return [self[n] for n in names if n in self.fields]

    def template_fields(self):
        return [self[n] for n in TEMPLATE_FIELDS]

    def _post_clean(self):
        # Only the shared fields are checked here; each request is created by the service.
        pass

    @property
    def chosen_organization(self) -> Organization:
        return self.cleaned_data.get("organization") or self.organizations[0]

    def clean_list_file(self):
        upload = self.cleaned_data.get("list_file")
        if not upload:
            return ""
        if upload.size > LIST_MAX_BYTES:
            raise forms.ValidationError(_("The list is too long: at most 512 KB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1250"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The list must be a text file (UTF-8)."))

    def clean(self):
        data = super().clean()
        check_rights_asked(self, data)
        assignee = data.get("assignee")
        if (
            assignee
            and not assignee.memberships.filter(organization=self.chosen_organization).exists()
        ):
            self.add_error("assignee", _("The assignee must be a member of the organization."))
        return data

    def list_lines(self) -> list[str]:
        text = "\n".join(
            [self.cleaned_data.get("list_file") or "", self.cleaned_data.get("list_text") or ""]
        )
        lines = []
        # Control characters (a NUL from a binary file) are dropped: they can match no name.
        text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
        for line in text.splitlines():
            cell = line.split(";")[0].split("\t")[0].strip().strip('"').strip()[:300]
            if cell:
                lines.append(cell)
        return lines

    def has_selection(self) -> bool:
        return not self.choice().empty

    def _ids(self, name: str) -> list[int]:
        values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
        return [i for i in map(parse_id, values) if i is not None][:20000]

    def added_ids(self) -> list[int]:
        """Bodies added one by one with the search box (checkboxes named "authorities")."""
        return self._ids("authorities")

    def excluded_ids(self) -> list[int]:
        """Bodies the preview's "leave out" boxes took out of the choice."""
        return self._ids("exclude")

    def choice(self):
        from foia.workspace.campaign_selectors import Choice

        data = self.cleaned_data
        return Choice(
            kinds=list(data.get("kinds") or []),
            place=(data.get("place") or "").strip(),
            parent=(data.get("parent") or "").strip(),
            lines=self.list_lines(),
            ids=self.added_ids(),
            exclude=self.excluded_ids(),
        )

    def request_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in TEMPLATE_FIELDS}


class CampaignSendForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date sent"), widget=DateInput)
    channel = forms.ChoiceField(label=_("Sent by"), choices=Channel.choices)
    requests = forms.MultipleChoiceField(
        label=_("Drafts to mark as sent"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, drafts: list[Request], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["channel"].initial = Channel.EMAIL
        self.drafts = {str(r.pk): r for r in drafts}
        self.fields["requests"].choices = [(pk, r.authority.name) for pk, r in self.drafts.items()]
        self.fields["requests"].initial = list(self.drafts)

    def chosen(self) -> list[Request]:
        return [self.drafts[pk] for pk in self.cleaned_data["requests"]]


class CampaignPublishingForm(forms.Form):
    is_public = forms.BooleanField(label=_("Show the campaign publicly"), required=False)
    visibility = forms.ChoiceField(
        label=_("Its requests"),
        choices=[
            ("", _("leave each request as it is")),
            ("public", _("Public")),
            ("embargoed", _("Public after an embargo date")),
            ("private", _("Private")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    embargo_until = forms.DateField(
        label=_("Public from"),
        required=False,
        widget=DateInput,
        help_text=_("Only for an embargo: the requests become public on this day."),
    )
