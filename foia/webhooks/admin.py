from django.contrib import admin
from django.db import models

from foia.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "organization", "is_active", "failing_since", "disabled_at")
    list_filter = ("is_active", "organization")
    search_fields = ("url", "description", "organization__name")
    readonly_fields = ("failing_since", "disabled_at", "disabled_reason", "created_by")
    exclude = ("secret",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False  # registered on the API tokens page, where the secret is shown once


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_id", "kind", "endpoint", "state", "attempts", "last_status_code")
    list_filter = ("state", "kind")
    search_fields = ("event_id", "key", "endpoint__url")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False
