"""Field visits (上门催收): the visit, who goes, what happened, and every step with who and when.

Timestamps are stored in UTC and shown in the borrower's zone; money is fen.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock
from arrears.contact.models import Outcome
from arrears.visits.workflow import OPEN_STATES, VisitState


def media_storage() -> FileSystemStorage:
    """Visit files live under var/media, outside the web root; a view checks access before serving one."""
    return FileSystemStorage(location=settings.VAR_DIR / "media")


class State(models.TextChoices):
    SCREENED = VisitState.SCREENED.value, _("screened")
    APPROVED = VisitState.APPROVED.value, _("approved")
    SCHEDULED = VisitState.SCHEDULED.value, _("scheduled")
    IN_PROGRESS = VisitState.IN_PROGRESS.value, _("in progress")
    COMPLETED = VisitState.COMPLETED.value, _("completed")
    REJECTED = VisitState.REJECTED.value, _("rejected")
    CANCELLED = VisitState.CANCELLED.value, _("cancelled")


class Purpose(models.TextChoices):
    REPAYMENT_TALK = "repayment_talk", _("talk about the overdue repayments and a plan")
    AGREEMENT_SIGNING = "agreement_signing", _("sign a repayment agreement")
    SITUATION_CHECK = "situation_check", _("understand your situation")


class VisitOutcome(models.TextChoices):
    """The contact outcomes a visit can have, with the values contact attempts use."""

    RIGHT_PARTY_CONTACT = Outcome.RIGHT_PARTY_CONTACT.value, _("met the borrower")
    PROMISE = Outcome.PROMISE.value, _("promise to pay or agreement signed")
    REFUSAL = Outcome.REFUSAL.value, _("refusal")
    DISPUTE = Outcome.DISPUTE.value, _("dispute")
    HARDSHIP_CLAIM = Outcome.HARDSHIP_CLAIM.value, _("hardship claim")
    NO_ANSWER = Outcome.NO_ANSWER.value, _("nobody at the address")


class Visit(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="visits", verbose_name=_("loan"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SCREENED)
    screened_on = models.DateField(_("screened on"))
    segment = models.CharField(_("segment"), max_length=64, blank=True)
    rule = models.CharField(_("rule"), max_length=120, blank=True)
    days_past_due = models.IntegerField(_("days past due at screening"))
    overdue_amount = models.BigIntegerField(_("overdue amount at screening (fen)"))
    address = models.ForeignKey(
        "ledger.ContactPoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("address")
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("agency")
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    notice = models.ForeignKey(
        "contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("advance notice"),
    )
    code_digest = models.CharField(max_length=64, blank=True, db_index=True)
    code_expires_at = models.DateTimeField(_("code expires at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    identification_shown = models.BooleanField(_("identification shown"), null=True)
    purpose_stated = models.BooleanField(_("purpose stated"), null=True)
    no_disclosure = models.BooleanField(_("no disclosure to others present"), null=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=VisitOutcome.choices, blank=True)
    report = models.TextField(_("report"), blank=True)
    record = models.OneToOneField(
        "contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="visit",
        verbose_name=_("contact record"),
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-screened_on", "-id"]
        indexes = [models.Index(fields=["state", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(state__in=sorted(s.value for s in OPEN_STATES)),
                name="visit_one_open_per_loan",
            )
        ]

    def __str__(self) -> str:
        return f"visit {self.pk} · {self.loan_id}"


class VisitCollector(models.Model):
    """A named person going on the visit: an agency's staff member, or the lender's own field collector."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="collectors")
    staff = models.ForeignKey("agencies.AgencyStaff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("visit collector")
        verbose_name_plural = _("visit collectors")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff__isnull=True) ^ models.Q(user__isnull=True), name="visit_collector_one_person"
            ),
            models.UniqueConstraint(fields=["visit", "staff"], name="visit_collector_staff_once"),
            models.UniqueConstraint(fields=["visit", "user"], name="visit_collector_user_once"),
        ]


class VisitEvent(models.Model):
    """One step of a visit, who took it and when; append-only."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["visit", "at", "id"]


def _attachment_path(instance: VisitAttachment, filename: str) -> str:
    return f"visits/{instance.visit_id}/{instance.sha256[:16]}{instance.extension}"


class VisitAttachment(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=media_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("visit attachment")
        verbose_name_plural = _("visit attachments")
        ordering = ["visit", "uploaded_at", "id"]


class IncidentKind(models.TextChoices):
    VERBAL_ABUSE = "verbal_abuse", _("verbal abuse")
    THREAT = "threat", _("threat")
    PHYSICAL = "physical", _("physical violence")
    ANIMAL = "animal", _("animal")
    OTHER = "other", _("other")


class SafetyIncident(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.TextField(_("what happened"))
    injured = models.BooleanField(_("someone was injured"), default=False)
    police_called = models.BooleanField(_("police called"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("safety incident")
        verbose_name_plural = _("safety incidents")
        ordering = ["-occurred_at"]


class VerificationAttempt(models.Model):
    """A try on the public verification page, kept to limit guessing (the client is a digest, not an address)."""

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField(default=False)
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("verification attempt")
        verbose_name_plural = _("verification attempts")
