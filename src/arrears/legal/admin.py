"""Legal reviews in the admin, read-only: a decision goes through arrears.legal.reviews.decide, which
checks the role and keeps who decided, when and why; the admin is for looking."""

from django.contrib import admin

from arrears.legal.models import LegalCase, LegalReview


@admin.register(LegalReview)
class LegalReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "loan", "opened_on", "state", "days_past_due", "overdue_amount", "segment", "decided_by",
                    "decided_at")
    list_filter = ("state", "segment")
    search_fields = ("loan__external_id",)
    date_hierarchy = "opened_on"
    list_select_related = ("loan", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalCase)
class LegalCaseAdmin(admin.ModelAdmin):
    """Read-only: cases are opened and moved on through arrears.legal.cases, which checks and keeps the history."""

    list_display = ("id", "loan", "route", "stage", "state", "opened_on", "case_number", "claim_amount")
    list_filter = ("route", "stage", "state")
    search_fields = ("loan__external_id", "case_number")
    list_select_related = ("loan",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
