"""Collection cases: opened when an account falls overdue, closed when it cures, closes or is charged off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("opened")
    CURED = "cured", _("cured")
    CHARGED_OFF = "charged_off", _("charged off")
    CLOSED = "closed", _("closed")


class CollectionCase(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="cases")
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=16, choices=CaseEventKind.choices, blank=True)

    # who works it (the access app's scope reads these)
    team = models.ForeignKey(
        "access.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    # optimistic locking: every edit of the case raises it; an edit made on an older version is refused
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)

    # The work queue's order, refreshed set-based from the night's plan (workbench/queue.py).
    # Database defaults: the nightly cycle opens cases with plain SQL that names none of these.
    in_queue = models.BooleanField(_("in the in-house queue"), default=False, db_default=False)
    segment = models.CharField(_("segment"), max_length=64, blank=True, default="", db_default="")
    priority = models.IntegerField(_("priority"), default=0, db_default=0)
    expected_value = models.BigIntegerField(_("expected value (fen)"), default=0, db_default=0)
    overdue_amount = models.BigIntegerField(_("overdue amount (fen)"), default=0, db_default=0)
    days_past_due = models.IntegerField(_("days past due"), default=0, db_default=0)
    bucket = models.CharField(_("bucket"), max_length=8, blank=True, default="", db_default="")
    promise_state = models.CharField(_("promise"), max_length=16, blank=True, default="", db_default="")
    last_worked_at = models.DateTimeField(_("last worked at"), null=True, blank=True)
    # a short lease while a collector has the account open from "next account"
    leased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=models.Q(closed_on__isnull=True), name="one_open_case_per_loan"
            )
        ]
        indexes = [
            # the work queue in working order (arrears.workbench.queue): per team, per assignee, whole
            models.Index(
                fields=["team", "-priority", "-expected_value", "-days_past_due"],
                condition=models.Q(in_queue=True, closed_on__isnull=True),
                name="case_queue_by_team",
            ),
            models.Index(
                fields=["assignee", "-priority", "-expected_value", "-days_past_due"],
                condition=models.Q(in_queue=True, closed_on__isnull=True),
                name="case_queue_by_assignee",
            ),
            models.Index(
                fields=["-priority", "-expected_value", "-days_past_due"],
                condition=models.Q(in_queue=True, closed_on__isnull=True),
                name="case_queue_whole",
            ),
        ]


class CaseEvent(models.Model):
    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="case_events")
    on_date = models.DateField(_("date"))
    kind = models.CharField(_("event"), max_length=16, choices=CaseEventKind.choices)
    days_past_due = models.IntegerField(_("days past due"))
    bucket = models.CharField(_("bucket"), max_length=8)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["loan", "on_date", "id"]
        constraints = [models.UniqueConstraint(fields=["loan", "on_date", "kind"], name="case_event_unique")]


class HoldKind(models.TextChoices):
    CEASE_CONTACT = "cease_contact", _("cease contact")
    DISPUTE_OPEN = "dispute_open", _("dispute open")
    COMPLAINT_REVIEW = "complaint_review", _("complaint under review")
    BANKRUPTCY = "bankruptcy", _("bankruptcy")
    DECEASED = "deceased", _("deceased")
    LEGAL_HOLD = "legal_hold", _("legal hold")


class AccountHold(models.Model):
    """A reason not to collect: while a hold is in force the guard allows only what its profile's
    rule for the kind allows (cases/holds.py places, releases and reads them).

    In force from `since` until `until` (None: until released). `until` is the end date set when it
    was placed, or the moment it was released, whichever came first; a release also records who,
    when and why.
    """

    loan = models.ForeignKey("ledger.Loan", on_delete=models.CASCADE, related_name="holds")
    kind = models.CharField(_("kind"), max_length=24, choices=HoldKind.choices)
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("placed through"), max_length=24, blank=True, default="", db_default="")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("placed by"),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("released by"),
    )
    release_reason = models.TextField(_("reason for release"), blank=True, default="", db_default="")
    # what the hold covers: one agency, one collector or one channel; none of them: the whole loan
    scope_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("only the agency"))
    scope_collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("only the collector"))
    scope_channel = models.CharField(_("only the channel"), max_length=16, blank=True, default="", db_default="")

    @property
    def whole_loan(self) -> bool:
        return self.scope_agency_id is None and self.scope_collector_id is None and not self.scope_channel

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes = [models.Index(fields=["loan", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.loan_id}"
