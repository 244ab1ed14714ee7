from django.contrib import admin

from arrears.outbox.models import OutboxAlert


@admin.register(OutboxAlert)
class OutboxAlertAdmin(admin.ModelAdmin):
    list_display = ("provider", "channel", "opened_at", "closed_at", "failures", "retry_at")
    list_filter = ("provider", "channel", "closed_at")
    readonly_fields = ("provider", "channel", "opened_at", "failures", "last_error", "retry_at")
