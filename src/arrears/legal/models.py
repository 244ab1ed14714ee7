"""Legal review: accounts the strategy sends to the legal team, each looked at by a legal officer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    OPEN = "open", _("awaiting review")
    REFERRED = "referred", _("referred for legal action")
    DECLINED = "declined", _("declined: back to collection")


class LegalReview(models.Model):
    """An account the night's plan put up for legal review (the strategy's `legal_review` action).

    One open review per loan; the legal officer refers it for legal action or declines it, with a
    note. While a review is open, the plan keeps proposing it and nothing new is opened.
    """

    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="legal_reviews", verbose_name=_("loan"))
    opened_on = models.DateField(_("opened on"))
    segment = models.CharField(_("segment"), max_length=64, blank=True)
    rule = models.CharField(_("rule"), max_length=120, blank=True)
    days_past_due = models.IntegerField(_("days past due"))
    overdue_amount = models.BigIntegerField(_("overdue amount (fen)"))
    balance = models.BigIntegerField(_("balance (fen)"))
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["-opened_on", "-pk"]
        permissions = [("review_legal", "Can decide legal reviews")]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=models.Q(state="open"), name="one_open_legal_review_per_loan"),
            models.UniqueConstraint(fields=["loan", "opened_on"], name="legal_review_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} · {self.opened_on}"
