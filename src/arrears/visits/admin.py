"""Field visits in the admin, read-only: every change goes through the visit's steps (services),
so that each one is checked and recorded; the admin is for looking, e.g. by compliance."""

from django.contrib import admin

from arrears.visits.models import SafetyIncident, Visit, VisitEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = VisitEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "actor", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnly):
    list_display = ("id", "loan", "state", "screened_on", "starts_at", "agency", "outcome")
    list_filter = ("state", "outcome", "agency")
    search_fields = ("loan__external_id",)
    exclude = ("code_digest",)
    inlines = [EventInline]


@admin.register(SafetyIncident)
class SafetyIncidentAdmin(ReadOnly):
    list_display = ("visit", "kind", "occurred_at", "injured", "police_called", "reported_by")
    list_filter = ("kind", "injured", "police_called")
