from django.contrib import admin

from arrears.strategy.models import PlannedAction, StrategyVersion


@admin.register(StrategyVersion)
class StrategyVersionAdmin(admin.ModelAdmin):
    """Editing a strategy document validates it exactly as loading a file does (model.clean)."""

    list_display = ("name", "version", "active_from", "created_by", "created_at")
    list_filter = ("name",)
    ordering = ("-active_from", "-version")

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PlannedAction)
class PlannedActionAdmin(admin.ModelAdmin):
    list_display = ("as_of", "loan", "segment", "arm", "channel", "template", "allowed", "blocked_by")
    list_filter = ("as_of", "allowed", "segment", "channel")
    search_fields = ("loan__external_id",)
    readonly_fields = [field.name for field in PlannedAction._meta.fields]
