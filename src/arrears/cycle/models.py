"""What the nightly cycle writes: the current state of every account, its history, and the runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    CURRENT = "current", _("current")
    DELINQUENT = "delinquent", _("delinquent")
    CURED = "cured", _("cured")
    CHARGED_OFF = "charged_off", _("charged off")
    SETTLED = "settled", _("settled")
    CLOSED = "closed", _("closed")


class StateFields(models.Model):
    """The columns an account's state has, today and in its history."""

    as_of = models.DateField(_("as of"))
    days_past_due = models.IntegerField(_("days past due"))
    bucket = models.CharField(_("bucket"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=AccountStatus.choices)
    overdue_principal = models.BigIntegerField(_("overdue principal"))
    overdue_interest = models.BigIntegerField(_("overdue interest"))
    fee_outstanding = models.BigIntegerField(_("fees outstanding"))
    penalty_outstanding = models.BigIntegerField(_("penalty outstanding"))
    principal_outstanding = models.BigIntegerField(_("principal outstanding"))
    balance = models.BigIntegerField(_("balance"))
    credit = models.BigIntegerField(_("credit"))
    penalty_charged = models.BigIntegerField(_("penalty charged"))
    fee_charged = models.BigIntegerField(_("fees charged"))
    charges_withheld = models.BigIntegerField(_("charges withheld under the cost cap"))
    paid_total = models.BigIntegerField(_("paid"))

    class Meta:
        abstract = True


class AccountState(StateFields):
    loan = models.OneToOneField("ledger.Loan", on_delete=models.CASCADE, primary_key=True, related_name="state")

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")
        indexes = [models.Index(fields=["bucket"]), models.Index(fields=["status"])]


class AccountStateHistory(StateFields):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="state_history")

    class Meta:
        verbose_name = _("account state history")
        verbose_name_plural = _("account state history")
        constraints = [models.UniqueConstraint(fields=["loan", "as_of"], name="state_history_unique_day")]
        indexes = [models.Index(fields=["as_of", "bucket"])]


class CycleRun(models.Model):
    as_of = models.DateField(_("as of"), db_index=True)
    engine = models.CharField(_("engine"), max_length=16)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True)
    stage_seconds = models.JSONField(_("seconds by stage"), default=dict)

    class Meta:
        verbose_name = _("cycle run")
        verbose_name_plural = _("cycle runs")
        ordering = ["-as_of", "-started_at"]


class EngineState(models.Model):
    """The ageing's own state of each loan after its last event day, as of the last night, with the
    fingerprint of what it was computed from (cycle/engine/_carry.py): the next night starts from it
    for every loan whose past has not changed, and plays that night's events only."""

    loan = models.OneToOneField("ledger.Loan", on_delete=models.CASCADE, primary_key=True, related_name="+")
    as_of = models.DateField()
    fingerprint = models.BigIntegerField()
    # the engine's state columns (arrears.cycle.engine._rounds.STATE_COLUMNS), all whole numbers
    principal = models.BigIntegerField()
    start_day = models.BigIntegerField()
    penalty_rate_bp = models.BigIntegerField()
    late_fee = models.BigIntegerField()
    cost_cap_bp = models.BigIntegerField()
    rank_penalty = models.BigIntegerField()
    rank_fee = models.BigIntegerField()
    rank_interest = models.BigIntegerField()
    rank_principal = models.BigIntegerField()
    last_day = models.BigIntegerField()
    principal_paid = models.BigIntegerField()
    interest_paid = models.BigIntegerField()
    principal_due = models.BigIntegerField()
    interest_due = models.BigIntegerField()
    penalty_charged = models.BigIntegerField()
    penalty_paid = models.BigIntegerField()
    fee_charged = models.BigIntegerField()
    fee_paid = models.BigIntegerField()
    penalty_unposted = models.BigIntegerField()
    withheld = models.BigIntegerField()
    principal_days = models.BigIntegerField()
    credit = models.BigIntegerField()
    penalty_base = models.BigIntegerField()
    ever_delinquent = models.BigIntegerField()
    charged_off = models.BigIntegerField()

    class Meta:
        verbose_name = _("engine state")
        verbose_name_plural = _("engine states")
