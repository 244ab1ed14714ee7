"""The loan book: borrowers, contact points, products, loans, schedules, payments and scores.

Amounts are fen in BigIntegerFields; timestamps are UTC; due and value dates are
business dates in the lender's zone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears import clock
from arrears.ledger import personal
from arrears.ledger.fields import SealedField
from arrears.ledger.records import DEFAULT_ALLOCATION_ORDER, MAX_SCORE, RepaymentMethod


class Borrower(models.Model):
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    name = SealedField(_("name"), max_length=100, digest_field="name_digest")
    name_digest = models.CharField(max_length=64, default="", editable=False, db_index=True, help_text="HMAC of the name")
    national_id_cipher = models.TextField(_("national id (encrypted)"))
    national_id_digest = models.CharField(max_length=64, db_index=True, help_text="HMAC for exact search")
    national_id_masked = models.CharField(_("national id"), max_length=32)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    region = models.CharField(
        _("state or province"), max_length=8, blank=True, default="",
        help_text="of the borrower's address; for a US borrower the USPS state code, whose limitation period applies",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # set by `arrears retention run` once the retention periods had passed: the name, national id
    # and contact details were replaced by placeholders
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("mobile")
        EMAIL = "email", _("email")
        ADDRESS = "address", _("address")

    class Owner(models.TextChoices):
        BORROWER = "borrower", _("borrower")
        THIRD_PARTY = "third_party", _("third party")

    class Relation(models.TextChoices):
        SELF = "self", _("self")
        SPOUSE = "spouse", _("spouse")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("sibling")
        FRIEND = "friend", _("friend")
        COLLEAGUE = "colleague", _("colleague")
        EMERGENCY_CONTACT = "emergency_contact", _("emergency contact")

    borrower = models.ForeignKey(Borrower, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = SealedField(_("value"), max_length=300, digest_field="value_digest", key=personal.CONTACT)
    value_digest = models.CharField(max_length=64, default="", editable=False, db_index=True, help_text="HMAC for exact search")
    label = models.CharField(_("label"), max_length=32, blank=True, help_text="home, work, residence…")
    owner = models.CharField(_("owner"), max_length=16, choices=Owner.choices, default=Owner.BORROWER)
    relation = models.CharField(_("relation"), max_length=32, choices=Relation.choices, default=Relation.SELF)
    owner_name = SealedField(_("owner's name"), max_length=100, blank=True, digest_field="owner_name_digest")
    owner_name_digest = models.CharField(max_length=64, default="", blank=True, editable=False)
    verified = models.BooleanField(_("verified"), default=False)
    consent = models.BooleanField(_("consent to contact"), default=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    valid = models.BooleanField(_("valid"), default=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(fields=["borrower", "kind", "value_digest"], name="contact_point_unique_per_borrower"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_relation_display()}"


class ProductKind(models.TextChoices):
    """What a product is in law, so the content lint cites the regulation for it
    (arrears.compliance.citations.PRODUCTS holds the same values)."""

    CONSUMER_LOAN = "consumer_loan", _("consumer loan")
    CREDIT_CARD = "credit_card", _("credit card")
    MICROLOAN = "microloan", _("microloan")


class Product(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(
        _("product kind"), max_length=16, choices=ProductKind.choices, default=ProductKind.CONSUMER_LOAN,
        db_default=ProductKind.CONSUMER_LOAN,
    )
    name_zh = models.CharField(_("name (zh)"), max_length=100)
    name_en = models.CharField(_("name (en)"), max_length=100)
    repayment_method = models.CharField(
        _("repayment method"), max_length=24, choices=[(m.value, m.value) for m in RepaymentMethod]
    )
    annual_rate_bp = models.PositiveIntegerField(_("annual rate (basis points)"))
    penalty_rate_bp = models.PositiveIntegerField(_("annual penalty rate (basis points)"), default=0)
    late_fee = models.BigIntegerField(_("late fee (fen)"), default=0)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    allocation_order = models.CharField(
        _("allocation order"), max_length=64, default=",".join(DEFAULT_ALLOCATION_ORDER)
    )
    cost_cap_bp = models.PositiveIntegerField(_("annualised cost cap (basis points)"), default=2400)
    charge_off_dpd = models.PositiveSmallIntegerField(_("charge-off at DPD"), default=180)
    plan_break_days = models.PositiveSmallIntegerField(
        _("plan breaks at DPD"), default=30, help_text="a repayment plan breaks when an instalment is this late"
    )
    plan_break_reverses_waivers = models.BooleanField(_("a broken plan reverses waivers"), default=True)
    waiver_principal_allowed = models.BooleanField(_("waivers may reach principal"), default=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.code


def loan_currency() -> str:
    """A new loan's currency when none is given: the lender's, under the profile in force (lender.yaml)."""
    from arrears.notices.lender import default_currency

    return default_currency()


class Loan(models.Model):
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="loans")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="loans")
    principal = models.BigIntegerField(_("principal (fen)"))
    currency = models.CharField(
        _("currency"), max_length=3, default=loan_currency, db_index=True,
        help_text="ISO 4217; every amount of the loan is in hundredths of it (arrears.money.format_money)",
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    start_date = models.DateField(_("start date"))
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return self.external_id


class Reschedule(models.Model):
    """A repayment plan's segment of a loan, in force from `start_date` (see ledger/rescheduling.py).

    `principal` is the principal outstanding at the end of the day before; the segment's rows are
    the Instalments pointing here. `reverted_from` is the first day it is no longer in force.
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="reschedules")
    plan_id = models.BigIntegerField(_("plan"), unique=True, help_text="the plans.Plan that made it")
    start_date = models.DateField(_("in force from"))
    principal = models.BigIntegerField(_("principal (fen)"))
    last_payment_id = models.BigIntegerField(default=0, help_text="newest payment in the opening balance")
    reverted_from = models.DateField(_("reverted from"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")
        indexes = [models.Index(fields=["loan", "start_date"])]


class Instalment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    reschedule = models.ForeignKey(
        Reschedule, on_delete=models.PROTECT, null=True, blank=True, related_name="instalments",
        help_text="the plan segment this row belongs to; empty for the loan's own schedule",
    )
    seq = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = models.BigIntegerField(_("principal (fen)"))
    interest = models.BigIntegerField(_("interest (fen)"))

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan", "seq"]
        constraints = [models.UniqueConstraint(fields=["loan", "seq"], name="instalment_unique_seq")]


class Payment(models.Model):
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("amount (fen)"))
    value_date = models.DateField(_("value date"), db_index=True)
    channel = models.CharField(_("channel"), max_length=32)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )
    received_at = models.DateTimeField(_("received at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["loan", "value_date"])]


class LoanScore(models.Model):
    """A loan's propensity-to-pay score (0–1000) from the lender's model, as of the day it was scored.

    A scores file sets the score of each loan it names for its `scored_on`; the latest score on or
    before a day is the loan's score that day (the strategy's `score` fact, the queue's expected value).
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="scores")
    scored_on = models.DateField(_("scored on"))
    score = models.PositiveSmallIntegerField(_("score"))
    feed_import = models.ForeignKey("FeedImport", on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["loan", "scored_on"], name="loanscore_one_per_day"),
            models.CheckConstraint(condition=models.Q(score__lte=MAX_SCORE), name="loanscore_at_most_max"),
        ]


class FeedImport(models.Model):
    """One run of a feed file through the importer, with its counts."""

    kind = models.CharField(max_length=16)
    source = models.CharField(max_length=500)
    digest = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    rows_landed = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejects_path = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(default=clock.now, editable=False)
    finished_at = models.DateTimeField(null=True)
