"""Credit reports and objections in the admin, read-only: reports are made by `arrears credit report`,
objections answered through arrears.credit.objections."""

from django.contrib import admin

from arrears.credit.models import CreditObjection, CreditReport


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditReport)
class CreditReportAdmin(_ReadOnly):
    list_display = ("as_of", "records", "held_back", "path")


@admin.register(CreditObjection)
class CreditObjectionAdmin(_ReadOnly):
    list_display = ("id", "loan", "received_on", "answer_by", "source", "outcome", "answered_on")
    list_filter = ("outcome", "source")
    search_fields = ("loan__external_id",)
    list_select_related = ("loan",)
