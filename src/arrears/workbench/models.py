"""What collectors write on a case: the contacts they record and their notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class ContactRecord(models.Model):
    """Who recorded a contact attempt from the workbench, on which case."""

    attempt = models.OneToOneField("contact.ContactAttempt", on_delete=models.CASCADE, related_name="record")
    case = models.ForeignKey("cases.CollectionCase", on_delete=models.CASCADE, related_name="contact_records")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("recorded contact")
        verbose_name_plural = _("recorded contacts")
        permissions = [("work_queue", _("Can take accounts from the work queue and record contacts"))]


class Note(models.Model):
    """A collector's free-text note, kept with the content lint's findings (never dropped for them)."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="notes")
    case = models.ForeignKey(
        "cases.CollectionCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    attempt = models.ForeignKey(
        "contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    findings = models.JSONField(_("content lint findings"), default=list, blank=True)
    created_at = models.DateTimeField(_("written at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["loan", "created_at"])]


class QueueRefresh(models.Model):
    """The plan, cycle run, promise judgement and scores import the queue columns of the cases were
    last refreshed from (one row)."""

    plan_as_of = models.DateField(null=True)
    cycle_run_id = models.BigIntegerField(null=True)
    promises_judged_as_of = models.DateField(null=True)
    scores_import_id = models.BigIntegerField(null=True)
    refreshed_at = models.DateTimeField(null=True)
