from django.contrib import admin

from foia.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their users on the API tokens page (shown once); here they are
    listed and can be revoked, never read back."""

    list_display = ("name", "prefix", "user", "organization", "scope", "expires_at", "last_used_at")
    list_filter = ("scope", "organization")
    search_fields = ("name", "prefix", "user__username", "organization__name")
    readonly_fields = ("user", "organization", "prefix", "scope", "last_used_at", "created_at")
    fields = ("name", "user", "organization", "prefix", "scope", "expires_at", "revoked_at")

    def has_add_permission(self, request):
        return False
