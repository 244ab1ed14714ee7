"""The record of each night: one row per business day, one per step, with times, counts and errors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepState(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class NightlyRun(models.Model):
    """The night of one business day. `finished_at` is set once every step is done."""

    as_of = models.DateField(_("business date"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nightly run")
        verbose_name_plural = _("nightly runs")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return str(self.as_of)


class NightlyStep(models.Model):
    """One step of a night: when it ran, what it counted, and why it failed."""

    run = models.ForeignKey(NightlyRun, on_delete=models.CASCADE, related_name="steps", verbose_name=_("night"))
    name = models.CharField(_("step"), max_length=32)
    position = models.PositiveSmallIntegerField(_("order"))
    state = models.CharField(_("state"), max_length=16, choices=StepState.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), default=0.0)
    peak_memory_mb = models.PositiveIntegerField(_("peak memory (MiB)"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    error_zh = models.TextField(_("error (zh)"), blank=True)
    error_en = models.TextField(_("error (en)"), blank=True)

    class Meta:
        verbose_name = _("nightly step")
        verbose_name_plural = _("nightly steps")
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="nightly_step_once_per_night")]

    def __str__(self) -> str:
        return f"{self.run.as_of} {self.name}"
