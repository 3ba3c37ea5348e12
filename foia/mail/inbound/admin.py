from django.contrib import admin

from foia.mail.inbound.models import InboundAttachment, InboundMessage


class InboundAttachmentInline(admin.TabularInline):
    model = InboundAttachment
    extra = 0
    can_delete = False
    fields = ("original_name", "content_type", "size", "origin", "rejected", "document")
    readonly_fields = fields


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only: received mail is changed only through the review queue and "What is this?"."""

    list_display = ("received_at", "from_address", "subject", "state", "kind", "request")
    list_filter = ("state", "kind", "source", "match_method", "sender_unknown")
    search_fields = ("from_address", "subject", "message_id", "sha256")
    date_hierarchy = "received_at"
    exclude = ("raw",)
    readonly_fields = [
        f.name for f in InboundMessage._meta.concrete_fields if f.name not in ("id", "raw")
    ]
    inlines = [InboundAttachmentInline]
    list_select_related = ("request",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
