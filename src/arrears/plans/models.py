"""Repayment plans and every step taken on them, with who took it and when (UTC)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock
from arrears.ledger.models import Loan, Payment, Reschedule


class Plan(models.Model):
    class Kind(models.TextChoices):
        INSTALMENTS = "instalments", _("instalment plan")
        DEFERRAL = "deferral", _("deferral")
        WAIVER = "waiver", _("waiver")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting approval")
        ACTIVE = "active", _("active")
        REJECTED = "rejected", _("rejected")
        KEPT = "kept", _("kept")
        REVERTED = "reverted", _("broken and reverted")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    start_date = models.DateField(_("plan date"))
    instalment_count = models.PositiveSmallIntegerField(_("instalments"), default=0)
    deferral_months = models.PositiveSmallIntegerField(_("deferral (months)"), default=0)
    waiver_amount = models.BigIntegerField(_("waiver (fen)"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    preview = models.JSONField(_("preview"), default=dict, help_text="the schedule or allocation shown when proposed")
    approver_roles = models.JSONField(default=list, help_text="roles whose limit covers the plan")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_proposed", verbose_name=_("proposed by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plans_decided",
        verbose_name=_("decided by"),
    )
    reschedule = models.OneToOneField(Reschedule, on_delete=models.PROTECT, null=True, blank=True, related_name="plan")
    waiver_payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="waiver_plan"
    )
    broken_on = models.DateField(_("broken on"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("repayment plan")
        verbose_name_plural = _("repayment plans")
        indexes = [models.Index(fields=["loan", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PlanEvent(models.Model):
    """One step of a plan. `actor` is empty when the nightly cycle took it."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ACTIVATED = "activated", _("activated")
        KEPT = "kept", _("kept")
        BROKEN = "broken", _("broken")
        REVERTED = "reverted", _("reverted")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=clock.now, editable=False)
    business_date = models.DateField(_("business date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["plan", "at", "id"]
