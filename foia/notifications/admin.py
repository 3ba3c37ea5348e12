from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from foia.notifications.models import (
    Delivery,
    KindPreference,
    Notification,
    NotificationSettings,
    Reminder,
    ReminderPolicy,
    ReminderState,
)
from foia.services.organizations import reminder_policy_set


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("user", "channel", "state", "attempts", "next_attempt_at", "sent_at", "last_error")
    readonly_fields = fields


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("send_at", "lead_days", "deadline", "state", "late", "attempts", "sent_at")
    list_filter = ("state", "late", "lead_days", "deadline__kind")
    search_fields = (
        "deadline__request__subject",
        "deadline__request__authority__name",
        "last_error",
    )
    date_hierarchy = "send_at"
    list_select_related = ("deadline",)
    readonly_fields = [f.name for f in Reminder._meta.fields]
    inlines = [DeliveryInline]
    actions = ["retry_now"]

    @admin.action(description=_("Retry the selected failed or undelivered reminders"))
    def retry_now(self, request, queryset):
        n = queryset.filter(state__in=[ReminderState.FAILED, ReminderState.UNDELIVERED]).update(
            state=ReminderState.QUEUED, queued_at=None
        )
        Delivery.objects.filter(reminder__in=queryset, state="failed").update(
            state="pending", first_attempt_at=None, next_attempt_at=None
        )
        self.message_user(request, _("%(n)d reminders queued again.") % {"n": n})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("reminder", "user", "channel", "state", "attempts", "sent_at")
    list_filter = ("channel", "state")
    search_fields = ("user__username", "user__email", "last_error")
    raw_id_fields = ("reminder", "user")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "title", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "body", "user__username")
    raw_id_fields = ("user", "reminder")


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ("organization", "lead_days")
    search_fields = ("organization__name",)
    list_filter = ("organization",)

    def save_model(self, request, obj, form, change):
        reminder_policy_set(organization_id=obj.organization_id, lead_days=obj.lead_days)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "mode", "language")
    list_filter = ("mode", "language")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(KindPreference)
class KindPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "deadline_kind", "mode")
    list_filter = ("deadline_kind", "mode")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
