"""Every contact with a borrower or a third party, planned, blocked, made or received.

A contact attempt is the compliance record of an action: the guard counts them, the outbox
sends them, and the collector's outcome is written on them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("email")
    APP_PUSH = "app_push", _("app notice")
    LETTER = "letter", _("letter")
    CALL = "call", _("call")
    VISIT = "visit", _("visit")


class Party(models.TextChoices):
    DEBTOR = "debtor", _("debtor")
    THIRD_PARTY = "third_party", _("third party")


class Outcome(models.TextChoices):
    RIGHT_PARTY_CONTACT = "right_party_contact", _("right-party contact")
    NO_ANSWER = "no_answer", _("no answer")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    THIRD_PARTY_ANSWERED = "third_party_answered", _("someone else answered (the debt was not disclosed)")
    PROMISE = "promise", _("promise to pay")
    REFUSAL = "refusal", _("refusal")
    DISPUTE = "dispute", _("dispute")
    HARDSHIP_CLAIM = "hardship_claim", _("hardship claim")
    CALLBACK_REQUESTED = "callback_requested", _("callback requested")
    STOP_CHANNEL = "stop_channel", _("request to stop this channel")
    DELIVERED = "delivered", _("delivered")
    UNDELIVERED = "undelivered", _("not delivered")
    RETURNED_MAIL = "returned_mail", _("letter returned")


class ContactAttempt(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        CLAIMED = "claimed", _("claimed by a worker")
        SENDING = "sending", _("sending")
        BLOCKED = "blocked", _("blocked")
        SENT = "sent", _("sent")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        REVIEW = "review", _("uncertain, to review")

    idempotency_key = models.CharField(max_length=120, unique=True, help_text="account, action, date, attempt")
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="contact_attempts")
    contact_point = models.ForeignKey(
        "ledger.ContactPoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    party = models.CharField(_("party"), max_length=16, choices=Party.choices, default=Party.DEBTOR)
    template = models.CharField(_("template"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PLANNED)
    planned_for = models.DateTimeField(_("planned for"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    conversation = models.BooleanField(_("telephone conversation took place"), default=False)
    segment = models.CharField(_("segment"), max_length=64, blank=True)
    rule = models.CharField(_("rule"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)  # the night's clock for the night's attempts
    # the outbox: which plan row made it, how often it was tried, who holds it, what the provider said
    as_of = models.DateField(_("business date"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True, help_text="set: sent as is; empty: rendered")
    body = models.TextField(_("body"), blank=True)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    lease_owner = models.CharField(_("lease owner"), max_length=80, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=64, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    receipt_at = models.DateTimeField(_("delivery receipt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    blocked_by = models.CharField(_("blocked by (rule ids)"), max_length=300, blank=True)
    reasons_zh = models.TextField(_("reasons (zh)"), blank=True)
    reasons_en = models.TextField(_("reasons (en)"), blank=True)
    # what the lender's dialer or message platform reported with an attempt it made (the contacts feed);
    # database defaults, so the set-based inserts that name their columns need not know them
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    recording_ref = models.CharField(
        _("call recording"), max_length=300, blank=True, default="", db_default="",
        help_text="where the source system keeps the recording",
    )
    recording_sha256 = models.CharField(
        _("recording SHA-256"), max_length=64, blank=True, default="", db_default="",
        help_text="lower-case hex digest of the recording, to show it was not altered",
    )
    transcript = models.TextField(_("call transcript"), blank=True, default="", db_default="")
    content_findings = models.JSONField(
        _("content lint findings"), default=list, blank=True, db_default=[],
        help_text="what the content lint found in the transcript when it was imported",
    )

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        indexes = [
            models.Index(fields=["loan", "attempted_at"]),
            models.Index(fields=["state", "channel", "next_try_at"], name="contact_due"),
            models.Index(fields=["provider", "provider_message_id"], name="contact_provider_id"),
            models.Index(fields=["channel", "claimed_at"], name="contact_claimed"),
            models.Index(fields=["provider", "claimed_at"], name="contact_provider_claimed"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class ChannelOptOut(models.Model):
    """A request to stop one channel for one contact point: binding at once, and kept."""

    contact_point = models.ForeignKey(
        "ledger.ContactPoint", on_delete=models.CASCADE, related_name="opt_outs", verbose_name=_("contact point")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    at = models.DateTimeField(_("at"))
    source = models.CharField(_("source"), max_length=32, help_text="sms_reply, email_unsubscribe, collector…")
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("channel opt-out")
        verbose_name_plural = _("channel opt-outs")
        indexes = [models.Index(fields=["contact_point", "channel"])]

    def __str__(self) -> str:
        return f"{self.contact_point_id}/{self.channel}"


class VerificationMethod(models.TextChoices):
    FEED = "feed", _("the lender's loans feed")
    CALL = "call", _("confirmed on a call")
    VISIT = "visit", _("confirmed at a visit")
    BORROWER = "borrower", _("confirmed by the borrower")
    STAFF = "staff", _("checked by staff")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    RETURNED_MAIL = "returned_mail", _("letter returned")


class ContactPointVerification(models.Model):
    """A contact point became verified or unverified: who, how and when (the point keeps the result)."""

    contact_point = models.ForeignKey(
        "ledger.ContactPoint", on_delete=models.CASCADE, related_name="verifications", verbose_name=_("contact point")
    )
    verified = models.BooleanField(_("verified"))
    # what the point was before this change (None where the writer did not say): an audit of the past
    # judges a contact with the point as it stood then (arrears.guard._reading)
    was_verified = models.BooleanField(_("verified before"), null=True, blank=True)
    was_valid = models.BooleanField(_("valid before"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=16, choices=VerificationMethod.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    attempt = models.ForeignKey(
        ContactAttempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("contact attempt"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact point verification")
        verbose_name_plural = _("contact point verifications")
        indexes = [models.Index(fields=["contact_point", "at"])]
