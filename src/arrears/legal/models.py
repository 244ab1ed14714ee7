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


class CaseState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class LegalCase(models.Model):
    """A legal action on one loan: the route chosen, where it is heard, and the stage it has reached.

    Opened by a legal officer from a referred review or a manual referral (arrears.legal.cases.open_case),
    after the checks on limitation, amount, evidence and holds; while it is open the loan carries a legal
    hold. Its history is its stages (LegalStage), each with its dates, documents, fees and amounts.
    """

    loan = models.ForeignKey("ledger.Loan", on_delete=models.PROTECT, related_name="legal_cases", verbose_name=_("loan"))
    review = models.OneToOneField(
        LegalReview, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_case",
        verbose_name=_("legal review"),
    )
    route = models.CharField(_("route"), max_length=24)
    forum = models.CharField(_("court, commission or notary"), max_length=200, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    claim_amount = models.BigIntegerField(_("amount claimed (fen)"))
    limitation_date = models.DateField(_("limitation date at opening"))
    stage = models.CharField(_("stage"), max_length=24, default="prepare")
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("opened by"),
    )
    hold = models.ForeignKey("cases.AccountHold", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("legal hold"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")
        ordering = ["-opened_on", "-pk"]
        permissions = [("manage_legal_case", "Can open and advance legal cases")]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=models.Q(state="open"), name="one_open_legal_case_per_loan"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} · {self.route} · {self.stage}"


class LegalStage(models.Model):
    """One step of a case: the stage entered, when, what was filed or received, and the money it moved.

    `costs_awarded` are the costs the court makes the debtor bear: owed apart from the loan (arrears.legal.costs).
    `recovered` is money collected through enforcement: it pays the costs awarded first (`costs_recovered`),
    and the rest reaches the ledger as a payment of the channel `enforcement` (`payment`), which the nightly
    cycle ages like any other.
    """

    case = models.ForeignKey(LegalCase, on_delete=models.CASCADE, related_name="stages", verbose_name=_("legal case"))
    stage = models.CharField(_("stage"), max_length=24)
    entered_on = models.DateField(_("entered on"))
    due_by = models.DateField(_("next step due by"), null=True, blank=True)
    documents = models.TextField(_("documents"), blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    forum = models.CharField(_("court, commission or notary"), max_length=200, blank=True)
    fees_paid = models.BigIntegerField(_("fees paid (fen)"), default=0)
    amount_awarded = models.BigIntegerField(_("amount awarded (fen)"), default=0)
    costs_awarded = models.BigIntegerField(_("costs awarded (fen)"), default=0)
    recovered = models.BigIntegerField(_("recovered through enforcement (fen)"), default=0)
    costs_recovered = models.BigIntegerField(_("of which paid the costs awarded (fen)"), default=0)
    payment = models.OneToOneField("ledger.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("payment"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("legal stage")
        verbose_name_plural = _("legal stages")
        ordering = ["case", "entered_on", "pk"]
