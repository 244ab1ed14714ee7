"""The outbox's own records: alerts raised when a provider stops answering."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxAlert(models.Model):
    """A provider that failed several times in a row; open until it answers again."""

    provider = models.CharField(_("provider"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    retry_at = models.DateTimeField(_("next try at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox alert")
        verbose_name_plural = _("outbox alerts")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["provider", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.provider} ({self.channel})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
