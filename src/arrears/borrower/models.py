"""What the portal keeps: one-time sign-in codes (as keyed digests only), the tries it counts, and
the paper copies of the notice a borrower asked for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class SignInCode(models.Model):
    """A one-time code sent to a verified contact point. Only its HMAC is stored; it is spent on its
    first right use, dead after its lifetime or after too many wrong tries."""

    pending = models.CharField(max_length=64, db_index=True, help_text="digest of the browser's pending sign-in")
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="+")
    contact_point = models.ForeignKey("ledger.ContactPoint", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    attempt = models.ForeignKey("contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")


class PortalTry(models.Model):
    """One counted try at the portal's sign-in, by the digest of what it is counted against
    (a loan reference, whether or not it exists, or a client address)."""

    scope = models.CharField(max_length=16)  # "loan", "address", "code"
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]


class PaperCopyRequest(models.Model):
    """A borrower asked for the written notice on paper: due by a date, fulfilled by a letter in the outbox."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="paper_copy_requests")
    requested_at = models.DateTimeField(_("requested at"))
    due_on = models.DateField(_("due on"))
    letter = models.ForeignKey("contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("paper copy request")
        verbose_name_plural = _("paper copy requests")


class PaymentOrder(models.Model):
    """A payment the borrower started online: sent to the provider by a signed redirect, confirmed by
    its signed callback, landed through the payments feed. No fee is ever added to the amount."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the provider")
        PAID = "paid", _("paid")

    reference = models.CharField(_("reference"), max_length=64, unique=True)
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="payment_orders")
    amount = models.BigIntegerField(_("amount (fen)"))
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    event_id = models.CharField(max_length=80, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    late = models.BooleanField(_("confirmed after the order expired"), default=False)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")


class ContactPreference(models.Model):
    """The hours a borrower asked to be contacted in, in their own zone. It only ever narrows what the
    guard allows: outside these hours a call, SMS, push or visit is refused on top of the profile's rules."""

    borrower = models.OneToOneField("ledger.Borrower", on_delete=models.CASCADE, related_name="contact_preference")
    earliest = models.TimeField(_("not before"))
    latest = models.TimeField(_("not after"))
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")


class CallCode(models.Model):
    """The short code a collector gives on an outbound call, kept only as its keyed digest (as a
    visit's code is): the borrower checks it on the public page or by SMS reply."""

    digest = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("call code")
        verbose_name_plural = _("call codes")
