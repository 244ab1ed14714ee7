"""What was reported to the credit reference centre, and the borrowers' objections to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditReport(models.Model):
    """One day's submission file: the records sent and the validation report beside it."""

    as_of = models.DateField(_("reported as of"), unique=True)
    path = models.CharField(_("submission file"), max_length=500)
    records = models.PositiveIntegerField(_("records"), default=0)
    held_back = models.PositiveIntegerField(_("records held back by validation"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")
        ordering = ["-as_of"]
        permissions = [("answer_credit_objection", "Can answer credit-report objections")]


class SentRecord(models.Model):
    """A D1 record as sent: the last one per loan is what the credit reference centre holds."""

    report = models.ForeignKey(CreditReport, on_delete=models.CASCADE, related_name="sent", verbose_name=_("credit report"))
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="+", verbose_name=_("loan"))
    as_of = models.DateField(_("reported as of"))
    event = models.CharField(_("event"), max_length=16)
    deleted = models.BooleanField(_("deletion"), default=False)
    record = models.JSONField(_("record"))

    class Meta:
        verbose_name = _("sent credit record")
        verbose_name_plural = _("sent credit records")
        indexes = [models.Index(fields=["loan", "as_of"])]


class ObjectionOutcome(models.TextChoices):
    CORRECTED = "corrected", _("corrected")
    UNCHANGED = "unchanged", _("unchanged")
    CANNOT_SETTLE = "cannot_settle", _("cannot be settled")


class CreditObjection(models.Model):
    """A borrower's objection (异议) to what was reported: answered in writing within 20 days, kept."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.PROTECT, related_name="credit_objections", verbose_name=_("loan"))
    received_on = models.DateField(_("received on"))
    answer_by = models.DateField(_("answer by"))
    source = models.CharField(_("source"), max_length=16)  # "portal" or "staff"
    claim = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("written answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    correction = models.JSONField(_("correction or deletion to send"), null=True, blank=True)
    correction_sent = models.ForeignKey(SentRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("correction sent"))

    class Meta:
        verbose_name = _("credit-report objection")
        verbose_name_plural = _("credit-report objections")
        ordering = ["answer_by", "pk"]
