"""Template versions in the admin: an edit saves a new draft version; a preview renders the
version for a real account (by loan external id) with the content lint's findings, and the
approve button there is refused while the lint finds anything."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from arrears.errors import ArrearsError
from arrears.messaging import service
from arrears.messaging.errors import ApprovalRefused, TemplateError
from arrears.messaging.models import TemplateState, TemplateVersion
from arrears.messaging.rendering import check_syntax


def _says(error: ArrearsError) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


class TemplateVersionForm(forms.ModelForm):
    class Meta:
        model = TemplateVersion
        fields = ("code", "channel", "language", "audience", "subject", "body", "note")

    def _checked(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        try:
            check_syntax(text)
        except TemplateError as error:
            raise forms.ValidationError(_says(error)) from None
        return text

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    form = TemplateVersionForm
    list_display = ("code", "channel", "language", "version", "state", "audience", "approved_with_loan", "approved_at")
    list_filter = ("state", "channel", "language", "audience")
    search_fields = ("code", "body")
    ordering = ("code", "channel", "language", "-version")

    def get_readonly_fields(self, request, obj=None):
        fixed = ("version", "state", "created_by", "created_at", "approved_by", "approved_at", "approved_with_loan", "preview_link")
        if obj is None:
            return fixed
        return ("code", "channel", "language", "audience", *fixed)

    @admin.display(description=_("preview and approve"))
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:messaging_templateversion_preview", args=[obj.pk]), _("Preview with a real account"))

    def save_model(self, request, obj, form, change):
        """A new version, never an overwrite: a saved version is what was (or will be) sent."""
        data = form.cleaned_data
        if change:
            original = TemplateVersion.objects.get(pk=obj.pk)
            saved = service.edit(original, body=data["body"], subject=data.get("subject", ""), note=data.get("note", ""), user=request.user)
        else:
            saved = service.create_draft(
                code=data["code"], channel=data["channel"], language=data["language"], audience=data["audience"],
                body=data["body"], subject=data.get("subject", ""), note=data.get("note", ""), user=request.user,
            )
        obj.__dict__.update({key: value for key, value in saved.__dict__.items() if not key.startswith("_")})
        obj._state = saved._state
        if change:
            messages.info(request, _("Saved as a new draft version %(version)s.") % {"version": saved.version})

    def get_urls(self):
        extra = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="messaging_templateversion_preview"),
        ]
        return extra + super().get_urls()

    def preview_view(self, request, pk: int):
        version = get_object_or_404(TemplateVersion, pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        loan = (request.POST.get("loan") or request.GET.get("loan") or "").strip()
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "version": version, "loan": loan,
                   "title": _("Preview of %(version)s") % {"version": version}, "result": None, "error": None,
                   "can_approve": self.has_change_permission(request, version) and version.state == TemplateState.DRAFT}
        if request.method == "POST" and request.POST.get("approve"):
            if not self.has_change_permission(request, version):
                raise PermissionDenied
            try:
                service.approve(version, loan, user=request.user)
            except ApprovalRefused as error:
                messages.error(request, _says(error) if not error.findings else _("Not approved: the content lint found problems."))
            except ArrearsError as error:
                messages.error(request, _says(error))
            else:
                messages.success(request, _("Approved and in force: %(version)s") % {"version": version})
                return redirect(reverse("admin:messaging_templateversion_change", args=[version.pk]))
        if loan:
            try:
                context["result"] = service.preview(version, loan)
            except ArrearsError as error:
                context["error"] = _says(error)
        return TemplateResponse(request, "messaging/admin_preview.html", context)
