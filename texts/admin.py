from django.contrib import admin

from .models import TextMessage


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    """How the texts went. Never the numbers: those belong to the customers, for their visit only."""

    list_display = ["kind", "ticket", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    fields = ["kind", "ticket", "text", "status", "attempts", "created_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
