from django.contrib import admin

from arrears.audit.admin import RecordAdmin

from arrears.agencies.models import (
    Agency,
    AgencyStaff,
    Complaint,
    Contract,
    DataAccess,
    Feedback,
    Placement,
    ScoreWeight,
    StatementDispute,
)


class AgencyStaffInline(admin.TabularInline):
    model = AgencyStaff
    extra = 0
    fields = ("full_name", "role", "credential_number", "credential_expires_on", "training_completed_on",
              "training_expires_on", "authorised_from", "authorised_until", "active", "user")
    raw_id_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "credit_code", "status", "capacity", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "name_en", "credit_code")
    inlines = [AgencyStaffInline]


@admin.register(AgencyStaff)
class AgencyStaffAdmin(admin.ModelAdmin):
    list_display = ("full_name", "agency", "role", "credential_number", "credential_expires_on", "training_expires_on",
                    "authorised_from", "authorised_until", "active")
    list_filter = ("agency", "role", "active")
    search_fields = ("full_name", "credential_number")
    raw_id_fields = ("user",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Saving runs Contract.clean: the terms are checked as arrears.agencies.terms checks them (zh/en)."""

    list_display = ("reference", "agency", "valid_from", "valid_until", "placement_days", "visits_allowed")
    list_filter = ("agency",)
    search_fields = ("reference", "agency__name")


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ("id", "loan", "agency", "state", "arm", "placed_on", "expires_on", "ended_on")
    list_filter = ("state", "agency", "arm")
    search_fields = ("loan__external_id",)
    readonly_fields = [f.name for f in Placement._meta.fields]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("agency", "received_on", "upheld")
    list_filter = ("agency", "upheld")
    raw_id_fields = ("placement",)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("agency", "on_date", "rating")


@admin.register(ScoreWeight)
class ScoreWeightAdmin(admin.ModelAdmin):
    list_display = ("criterion", "weight_bp")


@admin.register(DataAccess)
class DataAccessAdmin(RecordAdmin):
    list_display = ("at", "user", "agency", "placement", "action", "fields", "via", "rows")
    list_filter = ("action", "via", "agency")
    readonly_fields = [f.name for f in DataAccess._meta.fields]


@admin.register(StatementDispute)
class StatementDisputeAdmin(admin.ModelAdmin):
    list_display = ("agency", "month", "placement", "state", "raised_at")
    list_filter = ("state", "agency")
    fields = ("agency", "month", "placement", "reason", "raised_by", "raised_at", "state", "answer")
    readonly_fields = ("agency", "month", "placement", "reason", "raised_by", "raised_at")
