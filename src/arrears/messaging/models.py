"""Message templates: one row per version of a template's text for a code, channel and language.

A version is never edited once saved: an edit makes a new draft version (see `service.edit`).
At most one version per code, channel and language is approved, i.e. in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class TemplateChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("email")
    APP_PUSH = "app_push", _("app notice")
    LETTER = "letter", _("letter")
    CALL = "call", _("call script")
    VISIT_REQUEST = "visit_request", _("visit request")
    LEGAL_REVIEW = "legal_review", _("legal review")
    FORBEARANCE_OFFER = "forbearance_offer", _("forbearance offer")


class Audience(models.TextChoices):
    DEBTOR = "debtor", _("debtor")
    THIRD_PARTY = "third_party", _("third party (never told of the debt)")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class TemplateState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    RETIRED = "retired", _("retired")


class TemplateVersion(models.Model):
    code = models.CharField(_("template code"), max_length=64, db_index=True)
    channel = models.CharField(_("channel"), max_length=24, choices=TemplateChannel.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.DEBTOR)
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=16, choices=TemplateState.choices, default=TemplateState.DRAFT)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("email subject or notice title"))
    body = models.TextField(_("body"))
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_with_loan = models.CharField(
        _("linted with loan"), max_length=64, blank=True, help_text=_("the account the approval lint rendered")
    )

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["code", "channel", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "channel", "language", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["code", "channel", "language"],
                condition=models.Q(state="approved"),
                name="template_one_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.channel} · {self.language} · v{self.version}"
