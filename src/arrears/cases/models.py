"""Collection cases: opened when an account falls overdue, closed when it cures, closes or is charged off."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("opened")
    CURED = "cured", _("cured")
    CHARGED_OFF = "charged_off", _("charged off")
    CLOSED = "closed", _("closed")


class CollectionCase(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="cases")
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=16, choices=CaseEventKind.choices, blank=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=models.Q(closed_on__isnull=True), name="one_open_case_per_loan"
            )
        ]


class CaseEvent(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="case_events")
    on_date = models.DateField(_("date"))
    kind = models.CharField(_("event"), max_length=16, choices=CaseEventKind.choices)
    days_past_due = models.IntegerField(_("days past due"))
    bucket = models.CharField(_("bucket"), max_length=8)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["loan", "on_date", "id"]
        constraints = [models.UniqueConstraint(fields=["loan", "on_date", "kind"], name="case_event_unique")]


class HoldKind(models.TextChoices):
    CEASE_CONTACT = "cease_contact", _("cease contact")
    DISPUTE_OPEN = "dispute_open", _("dispute open")
    COMPLAINT_REVIEW = "complaint_review", _("complaint under review")
    BANKRUPTCY = "bankruptcy", _("bankruptcy")
    DECEASED = "deceased", _("deceased")
    LEGAL_HOLD = "legal_hold", _("legal hold")


class AccountHold(models.Model):
    """A reason not to collect: while a hold is active, the guard blocks every contact."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="holds")
    kind = models.CharField(_("kind"), max_length=24, choices=HoldKind.choices)
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes = [models.Index(fields=["loan", "kind"])]
