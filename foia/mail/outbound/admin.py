from django.contrib import admin

from foia.mail.outbound.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the sending path, and the bytes are the proof."""

    list_display = ("message_id", "kind", "request", "state", "attempts", "accepted_at")
    list_filter = ("state", "kind", "thread")
    search_fields = ("message_id", "subject", "request__subject")
    raw_id_fields = ("request", "campaign", "event", "created_by")
    exclude = ("raw",)
    list_select_related = ("request",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
