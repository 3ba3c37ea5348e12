"""Django admin for every model. Timeline events are written through the transitions service, so
the admin refuses impossible sequences with the same messages as the rest of the product."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from foia.models import (
    Attachment,
    Authority,
    Campaign,
    Deadline,
    Event,
    EventGround,
    EventRevision,
    Membership,
    NonWorkingDay,
    Organization,
    RefusalGround,
    Request,
    Topic,
)
from foia.services import fanout
from foia.services.calendar import forget_extra_closed_days
from foia.services.transitions import (
    CORRECTABLE_FIELDS,
    EVENT_FIELDS,
    correct_event,
    record_event,
    retract_event,
)
from foia.tasks import refresh_open_requests_task


class _ValidChoicesOnly:
    """Django's autocomplete widgets look up whatever the form was sent when they show it again;
    a value that is not an id ("true", "²", 2**70) raised ValueError, a 500. Only values the
    related key accepts are looked up (the form itself says the choice is invalid)."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta
        key = target.get_field(getattr(self.field.remote_field, "field_name", target.pk.attname))
        valid = []
        for item in value:
            try:
                parsed = key.to_python(item)
            except ValidationError:
                continue
            if isinstance(parsed, int) and not -(2**63) <= parsed < 2**63:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_ValidChoicesOnly, admin.widgets.AutocompleteSelect):
    pass


class SafeAutocompleteAdmin:
    """Admin classes with ``autocomplete_fields`` use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Authority)
class AuthorityAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "place", "appeal_route_display", "catalogue_id", "active")
    list_filter = ("kind", "active", "appeal_route_override", "place")
    search_fields = ("name", "short_name", "catalogue_id", "email", "place")
    autocomplete_fields = ("parent",)
    readonly_fields = ("appeal_route_display",)
    list_per_page = 50

    @admin.display(description=_("appeal route"))
    def appeal_route_display(self, obj: Authority) -> str:
        return obj.get_appeal_route_display()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            fanout.authorities_changed([obj.pk])


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    search_fields = ("reason",)
    date_hierarchy = "date"

    def _changed(self, request) -> None:
        # Every open request is recomputed on the worker, not inside this HTTP request.
        forget_extra_closed_days()
        transaction.on_commit(refresh_open_requests_task.delay)
        self.message_user(
            request,
            _(
                "The deadlines of the open requests are being recomputed in the background; "
                "they follow within a few minutes."
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._changed(request)


class MembershipInline(SafeAutocompleteAdmin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "email", "created_at")
    list_filter = ("created_at",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "user__email", "organization__name")
    autocomplete_fields = ("user", "organization")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "is_public", "created_at")
    list_filter = ("organization", "is_public")
    search_fields = ("title", "description")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("occurred_on", "kind", "received_on", "decision_number", "warnings", "recorded_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("warnings"))
    def warnings(self, obj: Event):
        return format_html_join("", "<div>⚠ {}</div>", ((m,) for m in obj.flag_messages))


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "party",
        "opens_on",
        "due_on",
        "due_at",
        "state",
        "met_on",
        "legal_basis",
        "presumed",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "event", "content_type", "size", "is_public")
    readonly_fields = ("original_name", "content_type", "size")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = (
        "id",
        "subject",
        "authority",
        "organization",
        "status",
        "sent_on",
        "received_on",
        "visibility",
    )
    list_filter = (
        "status",
        "visibility",
        "organization",
        "authority__kind",
        "urgent",
        "campaign",
        "topics",
    )
    search_fields = (
        "subject",
        "information_sought",
        "our_reference",
        "their_reference",
        "authority__name",
    )
    autocomplete_fields = ("authority", "assignee", "created_by")
    readonly_fields = (
        "status",
        "sent_on",
        "sent_via",
        "received_on",
        "received_at",
        "received_presumed",
        "created_at",
        "updated_at",
    )
    list_select_related = ("authority", "organization")
    date_hierarchy = "sent_on"
    inlines = [EventInline, DeadlineInline, AttachmentInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "authority",
                    "campaign",
                    "topics",
                    "subject",
                    "information_sought",
                    "created_by",
                    "assignee",
                )
            },
        ),
        (
            _("Rights asked for"),
            {
                "fields": (
                    "want_notice",
                    "want_inspection",
                    "want_copy",
                    "copy_delivery",
                    "copy_delivery_other",
                    "urgent",
                    "urgent_reason",
                )
            },
        ),
        (_("References"), {"fields": ("our_reference", "their_reference")}),
        (
            _("Derived from the timeline"),
            {
                "fields": (
                    "status",
                    "sent_on",
                    "sent_via",
                    "received_on",
                    "received_at",
                    "received_presumed",
                )
            },
        ),
        (
            _("Private: never published"),
            {
                "fields": (
                    "requester_name",
                    "requester_address",
                    "requester_phone",
                    "requester_email",
                    "internal_notes",
                )
            },
        ),
        (_("Publication"), {"fields": ("visibility", "embargo_until")}),
        (None, {"fields": ("created_at", "updated_at")}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            fanout.requests_changed([form.instance])

    def delete_model(self, request, obj):
        with transaction.atomic():
            fanout.requests_deleted([obj.pk])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            fanout.requests_deleted(list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)


# Fields of the event form that only make sense on a recorded event.
CORRECTION_ONLY = ("why", "retract", "retract_why")


class EventAdminForm(forms.ModelForm):
    """A new event goes through record_event; a recorded one is corrected (correct_event) or
    retracted (retract_event) — the same rules and history as in the workspace, never a raw edit."""

    grounds = forms.MultipleChoiceField(
        label=_("refusal grounds"),
        choices=RefusalGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    why = forms.CharField(
        label=_("Why is it corrected?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a fact of a recorded event is changed; kept in its history."),
    )
    retract = forms.BooleanField(
        label=_("Retract this event"),
        required=False,
        help_text=_("It stops counting everywhere and stays in the history, struck through."),
    )
    retract_why = forms.CharField(
        label=_("Why is it retracted?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Event
        fields = ("request", "kind", "occurred_on", *EVENT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            if "grounds" in self.fields:
                self.fields["grounds"].initial = self.instance.ground_codes
        else:
            for name in CORRECTION_ONLY:
                self.fields.pop(name, None)

    def _dry_run(self, call, rename: dict | None = None) -> None:
        """Run a service inside a transaction that is rolled back, to show its refusals here."""
        try:
            with transaction.atomic():
                call()
                transaction.set_rollback(True)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errs in exc.error_dict.items():
                    name = (rename or {}).get(name, name)
                    self.add_error(name if name in self.fields else None, errs)
            else:
                self.add_error(None, exc)

    def corrections(self) -> dict:
        """The facts this form changes on a recorded event (empty when only publishing)."""
        data = self.cleaned_data
        changes = {
            name: data.get(name)
            for name in CORRECTABLE_FIELDS
            if name in self.fields and name in self.changed_data
        }
        if "grounds" in self.fields and sorted(data.get("grounds") or []) != sorted(
            self.instance.ground_codes
        ):
            changes["grounds"] = data.get("grounds") or []
        return changes

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.instance.pk:
            # self.instance was updated by the model form; the service reloads the stored row.
            if data.get("retract"):
                self._dry_run(
                    lambda: retract_event(
                        event=self.instance, by=None, reason=data.get("retract_why", "")
                    ),
                    rename={"reason": "retract_why"},
                )
            elif self.corrections():
                if not (data.get("why") or "").strip():
                    self.add_error("why", _("Say why the event is corrected."))
                    return data
                self._dry_run(
                    lambda: correct_event(
                        event=self.instance, by=None, why=data["why"], **self.corrections()
                    )
                )
            return data
        # Validate against the history now, so the form shows the reasons and keeps the input.
        self._values = {k: data.get(k) for k in EVENT_FIELDS if k in data}
        self._dry_run(
            lambda: record_event(
                request=data["request"],
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                grounds=data.get("grounds") or [],
                confirm_duplicate=True,
                **self._values,
            )
        )
        return data


class EventRevisionInline(admin.TabularInline):
    model = EventRevision
    extra = 0
    can_delete = False
    fields = ("at", "action", "by", "changes", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = (
        "occurred_on",
        "kind",
        "request",
        "received_on",
        "decision_number",
        "recorded_by",
        "retracted_at",
    )
    list_filter = (
        "kind",
        ("retracted_at", admin.EmptyFieldListFilter),
        "commissioner_outcome",
        "appeal_ground",
        "answer_kind",
        "grounds__ground",
        "is_public",
    )
    search_fields = ("text", "decision_number", "case_number", "request__subject")
    autocomplete_fields = ("request", "related_event", "forwarded_to")
    list_select_related = ("request",)
    date_hierarchy = "occurred_on"

    def get_inlines(self, request, obj=None):
        # A new event has no history yet.
        return [EventRevisionInline] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Nothing in the record is deleted: a mistake is corrected or retracted.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.retracted_at is not None:
            return [
                "request",
                "kind",
                "occurred_on",
                *EVENT_FIELDS,
                "recorded_by",
                "recorded_at",
                "retracted_at",
                "retracted_by",
                "retraction_reason",
            ]
        # The request and the kind are the event's identity: to change them, retract it.
        return ["request", "kind", "recorded_by", "recorded_at"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            return [f for f in fields if f not in CORRECTION_ONLY]
        if obj.retracted_at is not None:
            return [f for f in fields if f not in (*CORRECTION_ONLY, "grounds")]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            event = record_event(
                request=form.cleaned_data["request"],
                kind=form.cleaned_data["kind"],
                occurred_on=form.cleaned_data["occurred_on"],
                recorded_by=request.user,
                grounds=form.cleaned_data.get("grounds") or [],
                confirm_duplicate=True,
                **form._values,
            )
            obj.pk = event.pk
            for message in event.flag_messages:
                self.message_user(request, message, messages.WARNING)
            return
        data = form.cleaned_data
        if obj.retracted_at is None and data.get("retract"):
            retract_event(event=obj, by=request.user, reason=data["retract_why"])
            return
        corrections = form.corrections()
        if corrections:
            event = correct_event(event=obj, by=request.user, why=data["why"], **corrections)
            for message in event.flag_messages:
                self.message_user(request, message, messages.WARNING)
        if "is_public" in form.changed_data:
            # Publishing is not a correction of the facts.
            Event.objects.filter(pk=obj.pk).update(is_public=data["is_public"])
            fanout.requests_changed([obj.request])


@admin.register(EventGround)
class EventGroundAdmin(admin.ModelAdmin):
    """Read-only: a refusal's grounds are facts of its event, changed by correcting the event
    (so the change is kept in its history)."""

    list_display = ("event", "ground")
    list_filter = ("ground",)
    search_fields = ("event__request__subject", "event__decision_number")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("due_on", "kind", "party", "state", "request", "met_on", "presumed")
    list_filter = ("state", "kind", "party", "presumed")
    search_fields = ("request__subject", "request__authority__name")
    date_hierarchy = "due_on"
    list_select_related = ("request",)
    readonly_fields = [f.name for f in Deadline._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(SafeAutocompleteAdmin, admin.ModelAdmin):
    list_display = ("original_name", "request", "content_type", "size", "is_public")
    list_filter = ("is_public", "content_type")
    search_fields = ("original_name", "request__subject")
    autocomplete_fields = ("request", "event")
