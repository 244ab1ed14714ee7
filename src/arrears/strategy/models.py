"""Strategy documents with their history, and the actions each night's plan produced."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class StrategyVersion(models.Model):
    """One version of a strategy document; the version in force on a day is the latest
    `active_from` on or before it."""

    name = models.CharField(_("name"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    document = models.TextField(_("document (YAML)"))
    active_from = models.DateField(_("active from"))
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")
        ordering = ["-active_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="strategy_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        from arrears.strategy.document import load_strategy
        from arrears.strategy.errors import StrategyDocumentError

        try:
            loaded = load_strategy(self.document, source=f"{self.name or 'strategy'} v{self.version or '?'}")
        except StrategyDocumentError as error:
            raise ValidationError({"document": error.bilingual()}) from error
        if self.name and loaded.name != self.name:
            raise ValidationError({"name": f"文档中的名称为 {loaded.name} / the document names itself {loaded.name!r}"})
        if self.version and loaded.version != self.version:
            raise ValidationError(
                {"version": f"文档中的版本为 {loaded.version} / the document says version {loaded.version}"}
            )

    def loaded(self):
        from arrears.strategy.document import load_strategy

        return load_strategy(self.document, source=str(self))


class PlannedAction(models.Model):
    """An action a night's plan produced for an account, with the rule that made it and the
    guard's decision on it."""

    as_of = models.DateField(_("as of"), db_index=True)
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="planned_actions")
    strategy = models.CharField(_("strategy"), max_length=80)
    segment = models.CharField(_("segment"), max_length=64)
    owner = models.CharField(_("owner"), max_length=24)
    arm = models.CharField(_("arm"), max_length=16)
    rule = models.CharField(_("rule"), max_length=120, help_text="segment, cadence step")
    channel = models.CharField(_("channel"), max_length=24)
    template = models.CharField(_("template"), max_length=64)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=1, help_text=_("the most attempts the cadence allows that day (the guard's caps still apply)")
    )
    allowed = models.BooleanField(_("allowed"), default=True)
    blocked_by = models.CharField(_("blocked by (rule ids)"), max_length=300, blank=True)
    reasons_zh = models.TextField(_("reasons (zh)"), blank=True)
    reasons_en = models.TextField(_("reasons (en)"), blank=True)

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        indexes = [models.Index(fields=["loan", "as_of"]), models.Index(fields=["as_of", "allowed"])]
