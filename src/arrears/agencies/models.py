"""Agencies the lender outsources to, and the people who collect for them.

Timestamps are UTC; authorisation dates are business dates in the lender's zone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrears import clock


def media_storage() -> FileSystemStorage:
    """Files agencies give us (staff photos) live under var/media, outside the web root."""
    return FileSystemStorage(location=settings.VAR_DIR / "media")


class AgencyStatus(models.TextChoices):
    WHITELISTED = "whitelisted", _("whitelisted")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")


class Agency(models.Model):
    """A collection agency (委外催收机构); only a whitelisted one receives cases or appears on the public whitelist."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, help_text="统一社会信用代码, 18 characters"
    )
    licence_number = models.CharField(_("business licence number"), max_length=64, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registration_authority = models.CharField(_("registration authority"), max_length=120, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    complaints_phone = models.CharField(_("complaints phone"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.WHITELISTED)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (open placements)"), default=1000)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("manager")
    COLLECTOR = "collector", _("collector")
    FIELD_COLLECTOR = "field_collector", _("field collector")


class AgencyStaffQuerySet(models.QuerySet):
    def authorised_on(self, day: dt.date) -> "AgencyStaffQuerySet":
        """Active staff of a whitelisted agency, trained, whose authorisation, credential and
        training all cover `day`."""
        still = models.Q()
        for field in ("authorised_until", "credential_expires_on", "training_expires_on"):
            still &= models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": day})
        return self.filter(
            active=True,
            agency__status=AgencyStatus.WHITELISTED,
            training_completed_on__isnull=False,
            training_completed_on__lte=day,
            authorised_from__lte=day,
        ).filter(still)


class AgencyStaff(models.Model):
    """A person collecting for an agency, with the credential a borrower may ask to see."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff", verbose_name=_("agency"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agency_staff",
        verbose_name=_("user"),
    )
    full_name = models.CharField(_("full name"), max_length=60)
    photo = models.FileField(_("photo"), upload_to="agency-staff/", storage=media_storage, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices, default=StaffRole.COLLECTOR)
    credential_number = models.CharField(_("credential number"), max_length=64)
    credential_expires_on = models.DateField(
        _("credential expires on"), null=True, blank=True, help_text=_("the last day the credential is valid; empty: no expiry")
    )
    training_completed_on = models.DateField(_("training completed on"), null=True, blank=True)
    training_expires_on = models.DateField(
        _("training valid until"), null=True, blank=True, help_text=_("the last day before refresher training is due; empty: no expiry")
    )
    authorised_from = models.DateField(_("authorised from"))
    authorised_until = models.DateField(_("authorised until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency staff member")
        verbose_name_plural = _("agency staff")
        ordering = ["agency", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "credential_number"], name="agency_staff_credential_unique"),
            models.CheckConstraint(
                condition=models.Q(authorised_until__isnull=True)
                | models.Q(authorised_until__gte=models.F("authorised_from")),
                name="agency_staff_authorisation_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.agency})"

    def is_authorised_on(self, day: dt.date) -> bool:
        return (
            self.active
            and self.agency.status == AgencyStatus.WHITELISTED
            and self.training_completed_on is not None
            and self.training_completed_on <= day
            and self.authorised_from <= day
            and all(until is None or day <= until
                    for until in (self.authorised_until, self.credential_expires_on, self.training_expires_on))
        )


class EndOfTerm(models.TextChoices):
    RETURN = "return", _("return the data")
    DELETE = "delete", _("delete the data")


class Contract(models.Model):
    """What an agency may do with which cases, for how long, for what commission; and the personal-data
    processing terms PIPL art. 21 requires of outsourced processing (个人信息保护法 第二十一条).

    Lists are JSON: `buckets` ["M2", "M3"]; `channels` ["call", "sms"]; `shared_fields` (see
    arrears.agencies.terms.SHAREABLE_FIELDS); `commission_schedule` [{"bucket": "M2", "tiers":
    [{"from_recovery_bp": 0, "rate_bp": 1200}, …]}, …]. Dates are business dates; `valid_until` is
    the last day in force. Validated by arrears.agencies.terms (zh/en errors)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("agency"))
    reference = models.CharField(_("contract reference"), max_length=64, unique=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    buckets = models.JSONField(_("buckets placed"), default=list)
    min_amount = models.BigIntegerField(_("smallest overdue amount (fen)"), default=0)
    max_amount = models.BigIntegerField(_("largest overdue amount (fen)"), null=True, blank=True)
    placement_days = models.PositiveSmallIntegerField(_("placement period (days)"), default=30)
    channels = models.JSONField(_("authorised channels"), default=list)
    visits_allowed = models.BooleanField(_("home visits allowed"), default=False)
    shared_fields = models.JSONField(_("data fields shared"), default=list)
    commission_schedule = models.JSONField(_("commission schedule"), default=list)
    purpose = models.TextField(_("purpose of processing"))
    processing_duration = models.CharField(_("duration of processing"), max_length=200)
    processing_method = models.TextField(_("method of processing"))
    data_types = models.TextField(_("types of personal data"))
    protection_measures = models.TextField(_("protection measures"))
    end_of_term = models.CharField(_("at the end"), max_length=8, choices=EndOfTerm.choices, default=EndOfTerm.DELETE)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("agency contract")
        verbose_name_plural = _("agency contracts")
        ordering = ["agency", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="agency_contract_period_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.agency})"

    def terms(self):
        from arrears.agencies.terms import ContractTerms

        return ContractTerms.from_mapping(
            {field: getattr(self, field) for field in ContractTerms.field_names()}
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problems = self.terms().problems()
        if problems:
            raise ValidationError({p.field if p.field != "__all__" else None: f"{p.zh} / {p.en}" for p in problems})

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class PlacementState(models.TextChoices):
    AWAITING_NOTICE = "awaiting_notice", _("awaiting notice to the borrower")
    ACTIVE = "active", pgettext_lazy("placement", "active")  # not a member of staff's "active" (在职)
    RECALLED = "recalled", _("recalled")
    EXPIRED = "expired", _("expired")


OPEN_STATES = (PlacementState.AWAITING_NOTICE, PlacementState.ACTIVE)


class PlacementQuerySet(models.QuerySet):
    def readable_on(self, day: dt.date) -> "PlacementQuerySet":
        """Placements an agency may read on `day` (a business date in the lender's zone): active, the
        period not yet over, under a contract still in force, with an agency still whitelisted. The
        nightly job (placing.end_placements) records the end; access does not wait for it."""
        return self.filter(
            state=PlacementState.ACTIVE,
            expires_on__gt=day,
            contract__valid_from__lte=day,
            contract__valid_until__gte=day,
            agency__status=AgencyStatus.WHITELISTED,
        )


class Placement(models.Model):
    """A case placed with an agency for a period. The agency sees it only while it is active."""

    loan = models.ForeignKey("ledger.Loan", on_delete=models.PROTECT, related_name="placements", verbose_name=_("loan"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="placements", verbose_name=_("agency"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="placements", verbose_name=_("contract"))
    placed_on = models.DateField(_("placed on"))
    expires_on = models.DateField(_("expires on"), help_text="the first day the agency no longer holds the case")
    state = models.CharField(_("state"), max_length=16, choices=PlacementState.choices)
    arm = models.CharField(_("arm"), max_length=16, default="champion")
    bucket = models.CharField(_("bucket at placement"), max_length=8)
    overdue_at_placement = models.BigIntegerField(_("overdue at placement (fen)"))
    balance_at_placement = models.BigIntegerField(_("balance at placement (fen)"))
    notice = models.ForeignKey(
        "contact.ContactAttempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("outsourcing notice"),
    )
    activated_on = models.DateField(_("active from"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason it ended"), max_length=300, blank=True)
    data_deletion_marked_at = models.DateTimeField(_("shared data marked for deletion at"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)  # the night's clock when a night places it

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            # a case is never with two agencies (or twice with one) at once
            models.UniqueConstraint(
                fields=["loan"], condition=models.Q(state__in=["awaiting_notice", "active"]), name="one_open_placement_per_loan"
            ),
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("placed_on")), name="placement_period_ordered"),
        ]
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["state", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.loan_id} → {self.agency_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == PlacementState.ACTIVE

    def is_readable_on(self, day: dt.date) -> bool:
        """The same test as PlacementQuerySet.readable_on, for a placement already loaded."""
        return (
            self.state == PlacementState.ACTIVE
            and day < self.expires_on
            and self.contract.in_force_on(day)
            and self.agency.status == AgencyStatus.WHITELISTED
        )


class PlacementEventKind(models.TextChoices):
    PLACED = "placed", _("placed")
    ACTIVATED = "activated", _("activated")
    RECALLED = "recalled", _("recalled")
    EXPIRED = "expired", _("expired")


class PlacementEvent(models.Model):
    """The history of placements: every placement and recall, never updated."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=PlacementEventKind.choices)
    on_date = models.DateField(_("business date"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        ordering = ["placement", "at", "id"]


class AccessAction(models.TextChoices):
    LIST = "list", _("listed cases")
    VIEW = "view", _("viewed a case")
    REVEAL = "reveal", _("revealed a full number")
    EXPORT = "export", _("exported")
    RECORD = "record", _("recorded an action")
    DENIED = "denied", _("was refused")


class DataAccess(models.Model):
    """Every read of borrower data by an agency user (架构不变量 6): who, which case, which fields, how."""

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="accesses")
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    fields = models.CharField(_("fields"), max_length=300, blank=True)
    via = models.CharField(_("via"), max_length=8, default="web")
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("agency data access")
        verbose_name_plural = _("agency data accesses")
        ordering = ["-at"]


class AgencyContact(models.Model):
    """A contact an agency collector made, on the shared contact record (a promise is an arrears.promises row)."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="contacts")
    attempt = models.OneToOneField("contact.ContactAttempt", on_delete=models.PROTECT, related_name="agency_contact")
    staff = models.ForeignKey(AgencyStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    note_findings = models.JSONField(_("content lint findings"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=8, default="web")

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")


class ProposalState(models.TextChoices):
    PENDING = "pending", _("awaiting the lender")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class PlanProposal(models.Model):
    """An instalment plan an agency proposes for a case; only the lender approves it. On approval the
    lender's user proposes it as an arrears.plans Plan, under the lender's own approval limits."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    instalments = models.PositiveSmallIntegerField(_("instalments"))
    instalment_amount = models.BigIntegerField(_("instalment amount (fen)"))
    first_due_on = models.DateField(_("first due on"))
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    plan = models.OneToOneField("plans.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="agency_proposal")

    class Meta:
        verbose_name = _("plan proposal")
        verbose_name_plural = _("plan proposals")
        constraints = [
            models.CheckConstraint(condition=models.Q(instalments__gte=1, instalment_amount__gt=0), name="plan_proposal_positive")
        ]


class ResultUpload(models.Model):
    """A daily results file an agency uploaded: counts, and the rejected rows with their reasons."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="uploads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file"), max_length=200)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_landed = models.PositiveIntegerField(_("rows landed"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rejects_csv = models.TextField(_("rejects report (CSV)"), blank=True)

    class Meta:
        verbose_name = _("results upload")
        verbose_name_plural = _("results uploads")
        ordering = ["-uploaded_at"]


class Complaint(models.Model):
    """A complaint about an agency's collection; an upheld one counts against it, and may recall the case."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints")
    placement = models.ForeignKey(Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints")
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("summary"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint about an agency")
        verbose_name_plural = _("complaints about agencies")


class Feedback(models.Model):
    """The lender's rating of an agency's service over a period (客户反馈), 1 to 5."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="feedback")
    on_date = models.DateField(_("date"))
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("feedback on an agency")
        verbose_name_plural = _("feedback on agencies")
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="agency_feedback_rating_range")]


class ScoreWeight(models.Model):
    """The weight of one scorecard criterion, in basis points of the total (data, not code)."""

    criterion = models.CharField(_("criterion"), max_length=32, unique=True)
    weight_bp = models.PositiveIntegerField(_("weight (basis points)"))

    class Meta:
        verbose_name = _("scorecard weight")
        verbose_name_plural = _("scorecard weights")
        ordering = ["criterion"]


class DisputeState(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class StatementDispute(models.Model):
    """An agency disputes one line of its monthly commission statement; the lender answers."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="disputes")
    month = models.DateField(_("month"), help_text="the first day of the statement's month")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="disputes")
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    state = models.CharField(_("state"), max_length=16, choices=DisputeState.choices, default=DisputeState.OPEN)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("statement dispute")
        verbose_name_plural = _("statement disputes")
        ordering = ["-raised_at"]
