"""Promises to pay: an amount by a date, judged by the nightly cycle against the payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class PromiseState(models.TextChoices):
    PENDING = "pending", _("pending")
    KEPT = "kept", _("kept")
    PARTLY_KEPT = "partly_kept", _("partly kept")
    BROKEN = "broken", _("broken")


class Promise(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="promises")
    case = models.ForeignKey(
        "cases.CollectionCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="promises"
    )
    attempt = models.ForeignKey(
        "contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="promises"
    )
    amount = models.BigIntegerField(_("amount (fen)"))
    promised_on = models.DateField(_("promised on"))
    due_date = models.DateField(_("pay by"))
    made_by = models.ForeignKey(  # empty for a promise that came in through the contacts feed
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("taken by"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=PromiseState.choices, default=PromiseState.PENDING, db_index=True
    )
    paid_amount = models.BigIntegerField(_("paid towards it (fen)"), default=0)
    judged_on = models.DateField(_("judged on"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-promised_on", "-pk"]
        indexes = [models.Index(fields=["loan", "due_date"]), models.Index(fields=["state", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(condition=models.Q(due_date__gte=models.F("promised_on")), name="promise_due_after_made"),
        ]
