"""One form for each kind of timeline event.

The forms only parse and label the input; the law and the request's history are checked by
``record_event`` (through ``services.event_record``), whose errors land next to these fields.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foia.models import (
    AUTHORITY_DOCUMENT_KINDS,
    Channel,
    Event,
    EventKind,
    RefusalGround,
    Request,
)
from foia.params import check_model_fields, single_line_fields
from foia.services.transitions import EVENT_FIELDS
from foia.workspace.forms.fields import (
    AuthorityField,
    DateInput,
    DateTimeInput,
    DocumentsField,
    setup_authority_picker,
)

K = EventKind

# The facts each kind of event records, in the order the form shows them.
KIND_FIELDS: dict[str, list[str]] = {
    K.SENT: ["occurred_on", "channel", "received_on"],
    K.DELIVERED: ["occurred_on", "presumed", "occurred_at"],
    K.INCOMPLETE_NOTICE: ["occurred_on", "received_on", "channel", "period_days", "text"],
    K.CORRECTED: ["occurred_on", "channel", "received_on", "text"],
    K.LARGE_VOLUME_NOTICE: ["occurred_on", "received_on", "channel", "text"],
    K.EXTENSION: ["occurred_on", "received_on", "channel", "new_due_on", "reason"],
    K.ANSWER: [
        "occurred_on",
        "received_on",
        "channel",
        "answer_kind",
        "published_where",
        "forwarded_to",
        "text",
    ],
    K.REFUSAL: [
        "occurred_on",
        "received_on",
        "channel",
        "decision_number",
        "decision_date",
        "grounds",
        "text",
    ],
    K.DISMISSAL: [
        "occurred_on",
        "received_on",
        "channel",
        "decision_number",
        "decision_date",
        "reason",
    ],
    K.FEE_DEMANDED: ["occurred_on", "received_on", "channel", "amount", "text"],
    K.APPEAL_FILED: [
        "occurred_on",
        "channel",
        "received_on",
        "appeal_ground",
        "related_event",
        "text",
    ],
    K.URGENCY: ["occurred_on", "channel", "text"],
    K.COMMISSIONER_DECISION: [
        "occurred_on",
        "received_on",
        "channel",
        "decision_number",
        "decision_date",
        "case_number",
        "commissioner_outcome",
        "dismissal_reason",
        "period_days",
        "related_event",
        "text",
    ],
    K.COMPLIANCE: ["occurred_on", "compliance_result", "text"],
    K.ENFORCEMENT: ["occurred_on", "amount", "reason", "text"],
    K.LAWSUIT_FILED: ["occurred_on", "channel", "case_number", "text"],
    K.COURT_DECISION: [
        "occurred_on",
        "received_on",
        "court_outcome",
        "decision_number",
        "decision_date",
        "text",
    ],
    K.WITHDRAWN: ["occurred_on", "reason"],
}

FROM_AUTHORITY = set(AUTHORITY_DOCUMENT_KINDS)
WE_SEND = {K.SENT, K.CORRECTED, K.APPEAL_FILED, K.URGENCY, K.LAWSUIT_FILED}

# Which earlier event an appeal or a Commissioner decision concerns.
RELATED_KINDS = {
    K.APPEAL_FILED: [K.REFUSAL, K.DISMISSAL, K.ANSWER, K.FEE_DEMANDED],
    K.COMMISSIONER_DECISION: [K.APPEAL_FILED],
}


def _labels(kind: str) -> dict[str, str]:
    labels = {
        "occurred_on": _("Date"),
        "received_on": _("Received on"),
        "channel": _("How it travelled"),
        "text": _("Summary or notes"),
        "reason": _("Reason given"),
        "amount": _("Amount (RSD)"),
        "period_days": _("Period set (days)"),
        "presumed": _("This is the presumed date (no return receipt or confirmation)"),
        "occurred_at": _("Exact time (for e-mail or a 48-hour request)"),
        "new_due_on": _("New date for the answer"),
        "answer_kind": _("What the answer gives"),
        "published_where": _("Where it was published (Art. 10)"),
        "forwarded_to": _("Forwarded to"),
        "decision_number": _("Decision number"),
        "decision_date": _("Decision dated"),
        "case_number": _("Case number"),
        "appeal_ground": _("The appeal is against"),
        "commissioner_outcome": _("The Commissioner decided"),
        "dismissal_reason": _("Why the appeal was dismissed"),
        "compliance_result": _("Did the authority comply?"),
        "court_outcome": _("The court decided"),
        "related_event": _("Concerns"),
    }
    if kind in FROM_AUTHORITY:
        labels["occurred_on"] = _("Date it left the authority (registry stamp or e-mail)")
        labels["received_on"] = _("Date we received it")
    elif kind == K.SENT:
        labels["occurred_on"] = _("Date sent")
        labels["channel"] = _("Sent by")
        labels["received_on"] = _("Received by the authority on (if known)")
    elif kind == K.DELIVERED:
        labels["occurred_on"] = _("Received by the authority on")
    elif kind == K.CORRECTED:
        labels["occurred_on"] = _("Date we sent the correction")
        labels["received_on"] = _("Received by the authority on (if known)")
    elif kind == K.APPEAL_FILED:
        labels["occurred_on"] = _("Date filed (sent, or handed to the post)")
        labels["received_on"] = _("Received by the Commissioner on (if known)")
        labels["related_event"] = _("The decision appealed")
    elif kind == K.URGENCY:
        labels["occurred_on"] = _("Date the urgency was sent")
    elif kind == K.COMMISSIONER_DECISION:
        labels["occurred_on"] = _("Date the Commissioner sent it")
        labels["received_on"] = _("Date we received it")
        labels["decision_number"] = _("Commissioner's decision number")
        labels["period_days"] = _("Days given to comply (usually 5)")
        labels["related_event"] = _("The appeal decided")
    elif kind == K.COMPLIANCE:
        labels["occurred_on"] = _("Date of compliance (or of finding it did not comply)")
    elif kind == K.ENFORCEMENT:
        labels["occurred_on"] = _("Date of the enforcement step")
        labels["reason"] = _("What was done (fine, request to the Government, …)")
        labels["amount"] = _("Fine imposed (RSD)")
    elif kind == K.LAWSUIT_FILED:
        labels["occurred_on"] = _("Date the lawsuit was filed")
    elif kind == K.COURT_DECISION:
        labels["occurred_on"] = _("Date of the judgment")
        labels["received_on"] = _("Date we received it")
    elif kind == K.WITHDRAWN:
        labels["occurred_on"] = _("Date withdrawn")
        labels["reason"] = _("Reason")
    if kind == K.INCOMPLETE_NOTICE:
        labels["period_days"] = _("Days given to correct (8–15)")
    return labels


def _help_texts(kind: str) -> dict[str, str]:
    texts = {}
    if kind in FROM_AUTHORITY or kind in (K.COMMISSIONER_DECISION, K.COURT_DECISION):
        texts["received_on"] = _(
            "Starts our appeal or lawsuit clock. Leave it empty for post: the 7th day after "
            "posting is presumed (ZUP Art. 71)."
        )
    if kind == K.SENT:
        texts["received_on"] = _(
            "For e-mail and the e-government portal it is the day sent; for post record it "
            "later, or the 7th day is presumed."
        )
    if kind == K.REFUSAL:
        texts["grounds"] = _("A refusal may cite several grounds: tick every one it cites.")
    return texts


class EventForm(forms.ModelForm):
    """The common part: the documents that came with the step and whether it is public."""

    kind: str = ""
    documents = DocumentsField(label=_("Documents"))
    documents_public = forms.BooleanField(
        label=_("Publish these documents too (when the request is published)"), required=False
    )
    # Hidden until the same step was recorded less than a minute ago (record_event refuses it).
    confirm_duplicate = forms.BooleanField(
        label=_("It really happened twice: record it again"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, *args, request_obj: Request, **kwargs):
        super().__init__(*args, **kwargs)
        single_line_fields(self)
        self.request_obj = request_obj
        if "occurred_on" in self.fields:
            self.fields["occurred_on"].initial = timezone.localdate()
        if "is_public" in self.fields:
            self.fields["is_public"].initial = True
            self.fields["is_public"].label = _("Show this step on the public page")
        if "channel" in self.fields and self.kind in WE_SEND:
            self.fields["channel"].choices = [("", "—"), *Channel.choices]
        if "forwarded_to" in self.fields:
            self.fields["forwarded_to"] = AuthorityField(label=_("Forwarded to"), required=False)
            setup_authority_picker(self, "forwarded_to")
        if "related_event" in self.fields:
            related = [
                e for e in request_obj.events.live() if e.kind in RELATED_KINDS.get(self.kind, [])
            ]
            field = self.fields["related_event"]
            field.queryset = Event.objects.filter(pk__in=[e.pk for e in related])
            field.choices = [("", _("— the latest —"))] + [
                (
                    e.pk,
                    f"{e.get_kind_display()} {e.occurred_on:%d.%m.%Y}"
                    + (f" ({e.decision_number})" if e.decision_number else ""),
                )
                for e in related
            ]
        if self.kind == K.SENT:
            self.fields["documents"].label = _("Proof of sending")
            self.fields["documents"].help_text = _(
                "The sent e-mail, the postal receipt or the registry stamp (PDF, image, office "
                "document or plain text)."
            )
        self.order_fields([*KIND_FIELDS[self.kind], "is_public", "documents", "documents_public"])

    def _post_clean(self):
        # The event is validated and written by record_event, not by the model form; the
        # fields still meet their model fields' rules (ranges, lengths, one line, plausible dates).
        check_model_fields(self, Event)

    def offer_duplicate_confirmation(self) -> None:
        """Show the box that confirms a step really happened twice."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()

    def event_values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in EVENT_FIELDS
            if name in self.fields and data.get(name) not in (None, "")
        }


@cache
def event_form_class(kind: str) -> type[EventForm]:
    """The form for one kind of event (built once per kind)."""
    if kind not in KIND_FIELDS:
        raise KeyError(kind)
    fields = [f for f in KIND_FIELDS[kind] if f != "grounds"] + ["is_public"]
    attrs: dict = {
        "kind": kind,
        "Meta": type(
            "Meta",
            (),
            {
                "model": Event,
                "fields": fields,
                "labels": _labels(kind),
                "help_texts": _help_texts(kind),
                "widgets": {
                    "occurred_on": DateInput,
                    "received_on": DateInput,
                    "new_due_on": DateInput,
                    "decision_date": DateInput,
                    "occurred_at": DateTimeInput,
                    "text": forms.Textarea(attrs={"rows": 3}),
                    "reason": forms.Textarea(attrs={"rows": 2}),
                },
            },
        ),
    }
    if "grounds" in KIND_FIELDS[kind]:
        attrs["grounds"] = forms.MultipleChoiceField(
            label=_("Legal grounds cited"),
            choices=RefusalGround.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("A refusal may cite several grounds: tick every one it cites."),
        )
    return type(f"{kind.title().replace('_', '')}EventForm", (EventForm,), attrs)


# The event kinds grouped as the request page offers them.
KIND_GROUPS = [
    (
        _("From the authority"),
        [
            K.ANSWER,
            K.REFUSAL,
            K.DISMISSAL,
            K.INCOMPLETE_NOTICE,
            K.EXTENSION,
            K.LARGE_VOLUME_NOTICE,
            K.FEE_DEMANDED,
        ],
    ),
    (_("Our steps"), [K.SENT, K.DELIVERED, K.CORRECTED, K.APPEAL_FILED, K.URGENCY, K.WITHDRAWN]),
    (_("The Commissioner and after"), [K.COMMISSIONER_DECISION, K.COMPLIANCE, K.ENFORCEMENT]),
    (_("In court"), [K.LAWSUIT_FILED, K.COURT_DECISION]),
]
