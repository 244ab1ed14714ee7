"""The audit log in the admin, to read only; and the mixin that makes a record read-only there.

Records that prove what happened (audit entries, contact attempts, opt-outs, agencies' data
access) can be looked at in the admin but never added, changed or deleted through it."""

from __future__ import annotations

from django.contrib import admin

from arrears.audit.models import AuditEntry


class RecordAdmin(admin.ModelAdmin):
    """Read-only: the change page shows the record, and no add, save or delete is offered or accepted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    list_display = ("seq", "at", "kind", "actor", "subject")
    list_filter = ("kind",)
    search_fields = ("subject", "actor")
