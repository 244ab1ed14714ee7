"""The audit log's rows: append-only, each one's hash covering the one before (see chain.py).

Entries name what happened by ids and codes, never by a borrower's values, so that retention can
delete or anonymise personal data without touching the log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("number"), primary_key=True, help_text="1, 2, 3 … with no gap")
    at = models.CharField(_("at (UTC)"), max_length=27, help_text="YYYY-MM-DDTHH:MM:SS.ffffffZ")
    kind = models.CharField(_("event"), max_length=48, db_index=True)
    actor = models.CharField(_("by"), max_length=150)
    subject = models.CharField(_("about"), max_length=80, db_index=True)
    detail = models.TextField(_("detail"), help_text="canonical JSON, hashed as stored")
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"


class AuditHead(models.Model):
    """The chain's last entry, one row: appends lock it, so they are written one after another,
    and a row cut off the end of the log no longer matches it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
