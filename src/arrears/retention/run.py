"""Applying the retention periods on a day: what has been kept long enough is deleted or anonymised.

    report = run_retention(dt.date(2030, 1, 1))

Four steps, each governed by one kind of `records_retention` rule of the profile (periods.py):
  collection     closed loans' collection records lose their free text (messages, notes, visit
                 reports, agency notes, hold reasons) once the period has run from the loan's
                 last collection activity;
  personal_data  a borrower whose loans have all closed, the longest period run, is anonymised:
                 name, national id and contact details replaced by placeholders;
  credit_report  the negative records of a delinquency (past-due state history, case events) are
                 deleted once the period has run from the day it ended;
  agency_copy    what an agency left with the product (the rejects reports of its uploads, which
                 repeat its rows) is deleted once every placement it names has ended.
Loans under a legal hold are kept whole. Each step writes to the audit log what it did, by ids and
counts, never the values removed. The run is one transaction, and a second run finds nothing to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from arrears import clock
from arrears.retention.periods import Period, Periods, periods_of

ENDED = ("closed", "settled")  # a loan whose collection is over (AccountStatus)
WAITING = ("planned", "claimed", "sending")  # an attempt still to be sent keeps its text until it settles
ANONYMISED_NAME = "已匿名 anonymised"
CONTACT_PLACEHOLDER = "anonymised:"
CHUNK = 1_000  # ids named in one audit entry, and bound in one query


@dataclass
class RetentionReport:
    as_of: dt.date
    periods: Periods
    collection_rows: dict[str, int] = field(default_factory=dict)
    borrowers_anonymised: int = 0
    credit_rows: dict[str, int] = field(default_factory=dict)
    agency_uploads_cleared: int = 0

    @property
    def did_anything(self) -> bool:
        return bool(sum(self.collection_rows.values()) or self.borrowers_anonymised or sum(self.credit_rows.values())
                    or self.agency_uploads_cleared)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _log(step: str, period: Period, cutoff: dt.date, **detail) -> None:
    from arrears.audit import record

    record(f"retention.{step}", subject=f"rule:{period.rule_id}",
           detail={"rule": period.rule_id, "years": period.years, "cutoff": cutoff.isoformat(), **detail})


def legal_hold_on(loan_column: str):
    """A legal hold in force on the outer query's loan: nothing of that loan is deleted while it lasts."""
    from arrears.cases.models import AccountHold

    return AccountHold.objects.filter(loan=OuterRef(loan_column), kind="legal_hold", released_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=clock.now()))


def ended_loans(cutoff: dt.date):
    """Loans closed or settled, with no collection activity after `cutoff` (no payment, contact or
    open state later), and under no legal hold: a queryset of ids, composed into other queries."""
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.models import AccountState, AccountStateHistory
    from arrears.ledger.models import Loan, Payment

    end_of_cutoff = clock.at_local(cutoff + dt.timedelta(days=1), dt.time(0))
    later_payment = Payment.objects.filter(loan=OuterRef("pk"), value_date__gt=cutoff)
    later_contact = ContactAttempt.objects.filter(loan=OuterRef("pk"), attempted_at__gte=end_of_cutoff)
    later_open = AccountStateHistory.objects.filter(loan=OuterRef("pk"), as_of__gt=cutoff).exclude(status__in=ENDED)
    return (
        Loan.objects.filter(start_date__lte=cutoff, pk__in=AccountState.objects.filter(status__in=ENDED).values("loan_id"))
        .exclude(Exists(later_payment)).exclude(Exists(later_contact)).exclude(Exists(later_open))
        .exclude(Exists(legal_hold_on("pk"))).values("pk")
    )


def _collection_text(period: Period, as_of: dt.date, report: RetentionReport) -> None:
    from arrears.agencies.models import AgencyContact
    from arrears.cases.models import AccountHold
    from arrears.contact.models import ContactAttempt
    from arrears.visits.models import Visit
    from arrears.workbench.models import Note

    cutoff = Periods.cutoff(period, as_of)
    loans = ended_loans(cutoff)
    tables = {
        "contact_attempts": (ContactAttempt.objects.filter(loan_id__in=loans).exclude(state__in=WAITING).exclude(
            body="", subject="", last_error="", recording_ref=""), "loan_id",
            dict(body="", subject="", last_error="", recording_ref="")),
        "notes": (Note.objects.filter(loan_id__in=loans).exclude(text=""), "loan_id", dict(text="")),
        "agency_notes": (AgencyContact.objects.filter(attempt__loan_id__in=loans).exclude(note=""), "attempt__loan_id",
                         dict(note="")),
        "visit_reports": (Visit.objects.filter(loan_id__in=loans).exclude(report=""), "loan_id", dict(report="")),
        "hold_reasons": (AccountHold.objects.filter(loan_id__in=loans).exclude(reason="", release_reason=""), "loan_id",
                         dict(reason="", release_reason="")),
    }
    touched: set[int] = set()
    counts = {}
    for name, (rows, loan_column, blank) in tables.items():
        touched.update(rows.values_list(loan_column, flat=True).distinct())
        counts[name] = rows.update(**blank)
    report.collection_rows = counts
    if touched:
        for chunk in _chunks(sorted(touched)):
            _log("collection_text_removed", period, cutoff, loans=chunk, rows=counts)


def _personal_data(period: Period, as_of: dt.date, report: RetentionReport) -> None:
    from arrears.contact.models import ChannelOptOut, ContactPointVerification
    from arrears.ledger.models import Borrower, ContactPoint, Loan

    cutoff = Periods.cutoff(period, as_of)
    loans = ended_loans(cutoff)
    still_needed = Loan.objects.exclude(pk__in=loans).values("borrower_id")
    borrowers = sorted(
        Borrower.objects.filter(anonymised_at__isnull=True, loans__isnull=False).exclude(pk__in=still_needed)
        .values_list("pk", flat=True).distinct()
    )
    now = clock.now()
    for chunk in _chunks(borrowers):
        Borrower.objects.filter(pk__in=chunk).update(
            name=ANONYMISED_NAME, name_digest="", national_id_cipher="", national_id_digest="", national_id_masked="", anonymised_at=now)
        points = ContactPoint.objects.filter(borrower_id__in=chunk)
        placeholder = Concat(Value(CONTACT_PLACEHOLDER), Cast("pk", CharField()))
        point_count = points.update(value=placeholder, value_digest=placeholder, owner_name="", owner_name_digest="",
                                    label="")
        ChannelOptOut.objects.filter(contact_point__borrower_id__in=chunk).exclude(detail="").update(detail="")
        ContactPointVerification.objects.filter(contact_point__borrower_id__in=chunk).exclude(note="").update(note="")
        _log("personal_data_anonymised", period, cutoff, borrowers=chunk, contact_points=point_count)
    report.borrowers_anonymised = len(borrowers)


def _credit_report(period: Period, as_of: dt.date, report: RetentionReport) -> None:
    from arrears.cases.models import CaseEvent
    from arrears.cycle.models import AccountState, AccountStateHistory

    cutoff = Periods.cutoff(period, as_of)
    overdue = AccountStateHistory.objects.filter(loan=OuterRef("loan_id"), days_past_due__gt=0)
    loans = sorted(
        AccountState.objects.filter(days_past_due=0).exclude(status__in=("delinquent", "charged_off"))
        .filter(Exists(overdue.filter(as_of__lte=cutoff))).exclude(Exists(overdue.filter(as_of__gt=cutoff)))
        .exclude(Exists(legal_hold_on("loan_id")))
        .values_list("loan_id", flat=True)
    )
    history = events = 0
    for chunk in _chunks(loans):
        history_rows, _ = AccountStateHistory.objects.filter(loan_id__in=chunk, days_past_due__gt=0).delete()
        event_rows, _ = CaseEvent.objects.filter(loan_id__in=chunk, on_date__lte=cutoff).delete()
        history, events = history + history_rows, events + event_rows
        _log("credit_records_deleted", period, cutoff, loans=chunk, state_history=history_rows, case_events=event_rows)
    report.credit_rows = {"state_history": history, "case_events": events}


def _loans_named(rejects_csv: str) -> set[str]:
    reader = csv.DictReader(io.StringIO(rejects_csv))
    return {(row.get("loan") or "").strip() for row in reader} - {""}


def _agency_copy(period: Period, as_of: dt.date, report: RetentionReport) -> None:
    from arrears.agencies.models import Placement, ResultUpload

    cutoff = Periods.cutoff(period, as_of)
    cleared = []
    for upload in ResultUpload.objects.exclude(rejects_csv="").order_by("pk").iterator(chunk_size=200):
        named = _loans_named(upload.rejects_csv)
        placements = Placement.objects.filter(agency_id=upload.agency_id, loan__external_id__in=named)
        if placements.readable_on(as_of).exists():
            continue
        ends = [p.ended_on or p.expires_on for p in placements.only("ended_on", "expires_on")]
        if any(end > cutoff for end in ends):
            continue
        cleared.append(upload.pk)
    for chunk in _chunks(cleared):
        ResultUpload.objects.filter(pk__in=chunk).update(rejects_csv="")
        _log("agency_copy_deleted", period, cutoff, uploads=chunk)
    report.agency_uploads_cleared = len(cleared)


def run_retention(as_of: dt.date | None = None, *, profile=None) -> RetentionReport:
    """Apply the periods of `profile` (default: the lender's) on `as_of` (default today)."""
    from arrears.compliance.lender import lender_profile

    as_of = as_of or clock.today()
    periods = periods_of(profile or lender_profile())
    report = RetentionReport(as_of=as_of, periods=periods)
    with transaction.atomic():
        if periods.collection is not None:
            _collection_text(periods.collection, as_of, report)
        if periods.personal_data is not None:
            _personal_data(periods.personal_data, as_of, report)
        if periods.credit_report is not None:
            _credit_report(periods.credit_report, as_of, report)
        if periods.agency_copy is not None:
            _agency_copy(periods.agency_copy, as_of, report)
    return report
