"""A trained propensity model, versioned: its boosters, its card, and who promoted it.

Only a promoted model scores the book (`arrears model score`); promoting needs the permission
`intelligence.promote_trainedmodel`, which the strategy manager's role holds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class TrainedModel(models.Model):
    class State(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        PROMOTED = "promoted", _("promoted")
        RETIRED = "retired", _("retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    as_of = models.DateField(_("trained as of"))
    horizon_days = models.PositiveSmallIntegerField(_("label window (days)"))
    share_pct = models.PositiveSmallIntegerField(_("share of the overdue amount paid (%)"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.CANDIDATE)
    card = models.JSONField(_("model card"), default=dict)
    boosters = models.JSONField(_("boosters"), default=dict, help_text="each head's LightGBM model as text")
    trained_at = models.DateTimeField(_("trained at"), default=clock.now, editable=False)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("promoted by"),
    )

    class Meta:
        verbose_name = _("trained model")
        verbose_name_plural = _("trained models")
        ordering = ["-version"]
        permissions = [("promote_trainedmodel", _("Can promote a trained model to score the book"))]

    def __str__(self) -> str:
        return f"v{self.version} ({self.get_state_display()})"


class DailyChoice(models.Model):
    """The optimised arm's choice for one account on one night: call it or not, and why (arrears.intelligence.arm)."""

    as_of = models.DateField(_("as of"))
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    action = models.CharField(_("action"), max_length=16)
    call_value = models.BigIntegerField(_("marginal value of a call (fen)"))
    ability = models.FloatField(_("ability"))
    willingness = models.FloatField(_("willingness"))
    reach = models.FloatField(_("chance a call reaches the borrower"))
    model_version = models.PositiveIntegerField(_("model version"))

    class Meta:
        verbose_name = _("optimised choice")
        verbose_name_plural = _("optimised choices")
        constraints = [models.UniqueConstraint(fields=["as_of", "loan"], name="dailychoice_one_a_night")]
