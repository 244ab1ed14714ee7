"""The nights in the admin, read-only: only the night writes its record (arrears.nightly.runner)."""

from django.contrib import admin

from arrears.nightly.models import NightlyRun, NightlyStep


class StepInline(admin.TabularInline):
    model = NightlyStep
    extra = 0
    can_delete = False
    fields = ("position", "name", "state", "started_at", "finished_at", "seconds", "peak_memory_mb", "counts", "tries",
              "error_zh", "error_en")
    readonly_fields = fields
    ordering = ("position",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NightlyRun)
class NightlyRunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "started_at", "finished_at")
    date_hierarchy = "as_of"
    readonly_fields = ("as_of", "started_at", "finished_at")
    inlines = (StepInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
