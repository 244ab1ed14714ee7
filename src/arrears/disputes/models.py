"""Disputes of a debt and complaints about how it was collected.

A dispute places a `dispute_open` hold at once and releases it on its outcome. A complaint places a
`complaint_review` hold while it is open; one about an agency is also written as the agency's
`agencies.Complaint`, so the league table and the scorecard count it from the one place they read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PORTAL = "portal", _("borrower portal")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    AGENCY = "agency", _("agency")
    REGULATOR = "regulator", _("regulator referral")
    VERIFY_PAGE = "verify_page", _("collector check page")


class DisputeReason(models.TextChoices):
    NOT_MY_DEBT = "not_my_debt", _("not my debt")
    AMOUNT_WRONG = "amount_wrong", _("amount wrong")
    ALREADY_PAID = "already_paid", _("already paid")
    IDENTITY_THEFT = "identity_theft", _("identity theft")
    OTHER = "other", _("other")


class DisputeState(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld")
    CORRECTED = "corrected", _("corrected")
    REJECTED = "rejected", _("rejected")


class Dispute(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(_("reason"), max_length=24, choices=DisputeReason.choices)
    details = models.TextField(_("details"), blank=True)
    source = models.CharField(_("received through"), max_length=16, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("answer due by"))
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("repeats"))
    hold = models.ForeignKey("cases.AccountHold", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=DisputeState.choices, default=DisputeState.OPEN)
    outcome_text = models.TextField(_("outcome and reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome_letter = models.ForeignKey("contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    correction_amount = models.BigIntegerField(_("correction (fen)"), default=0, db_default=0)
    correction = models.ForeignKey("ledger.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("correction posted"))

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["due_on", "id"]


class Evidence(models.Model):
    """A file the borrower or staff sent with a dispute: checked by its content, kept in the database."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    file_name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class ComplaintCategory(models.TextChoices):
    RUDE_LANGUAGE = "rude_language", _("rude language")
    NIGHT_CONTACT = "night_contact", _("contact at night")
    THIRD_PARTY_TOLD = "third_party_told", _("a third party was told")
    IMPOSTOR = "impostor", _("impostor")
    OTHER = "other", _("other")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld")
    NOT_UPHELD = "not_upheld", _("not upheld")


class Responsible(models.TextChoices):
    AGENCY = "agency", _("the agency")
    COLLECTOR = "collector", _("an in-house collector")
    LENDER = "lender", _("the lender's process")
    NOBODY = "nobody", _("nobody")
    UNKNOWN = "unknown", _("a third person, not one of ours")


class BorrowerComplaint(models.Model):
    """A complaint about how someone collected, from any intake, with its deadline and its outcome."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints")
    category = models.CharField(_("category"), max_length=24, choices=ComplaintCategory.choices)
    details = models.TextField(_("details"))
    source = models.CharField(_("received through"), max_length=16, choices=Source.choices)
    contact_details = models.CharField(_("how to reach the complainant"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    complex = models.BooleanField(_("complex case"), default=False)
    due_on = models.DateField(_("decision due by"))
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    about_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("about the agency"))
    about_collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="complaints_about", verbose_name=_("about the collector"))
    about_channel = models.CharField(_("about the channel"), max_length=16, blank=True)
    agency_complaint = models.ForeignKey("agencies.Complaint", on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+")
    hold = models.ForeignKey("cases.AccountHold", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=ComplaintState.choices, default=ComplaintState.OPEN)
    responsible = models.CharField(_("responsible"), max_length=16, choices=Responsible.choices, blank=True)
    outcome_text = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    overdue_alerted_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["due_on", "id"]
