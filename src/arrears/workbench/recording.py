"""Recording a contact from the workbench, and what its outcome changes.

    result = record_contact(user, ContactEntry(case_id=7, version=3, channel="call", party="debtor",
                                               outcome="promise", contact_point_id=11,
                                               promise_amount=50_000, promise_date=date(2026, 5, 10)))

One transaction: the case's version is checked and raised (a stale page is refused), the attempt
is written as done with the guard's verdict at that moment, and the outcome has its effects
(arrears.contact.effects: a dispute hold, an opt-out, an invalid number, a promise, contact points
the borrower confirmed becoming verified).
A note is linted (compliance/lint.py); its findings are shown and kept with it, never dropped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from arrears.access.scope import Action, require
from arrears.cases.editing import edit_case
from arrears.compliance.lint import Finding, findings_as_data, lint  # noqa: F401 (findings_as_data: its callers import it here)
from arrears.contact.effects import OutcomeDetails, apply_outcome, check_outcome
from arrears.contact.outcomes import is_conversation
from arrears.errors import InputError
from arrears import clock



@dataclass(frozen=True, slots=True)
class ContactEntry:
    """A contact as the collector reports it; amounts in fen. Validated by the form or the API first."""

    case_id: int
    version: int
    channel: str
    party: str
    outcome: str
    contact_point_id: int | None = None
    note: str = ""
    promise_amount: int | None = None
    promise_date: dt.date | None = None
    confirmed_points: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordedContact:
    attempt_id: int
    version: int
    effects: tuple[str, ...]
    note_id: int | None = None
    findings: tuple[Finding, ...] = ()
    promise_id: int | None = None
    guard_blocked_by: tuple[str, ...] = field(default=())




def lint_note(text: str, *, loan_id: int | None = None):
    """The content lint on a collector's note, citing the sources of the lender's profile and of the
    loan's product kind; the one definition notes from the workbench and from agencies share."""
    from arrears.compliance.lender import lender_profile_name
    from arrears.ledger.models import Loan

    kind = Loan.objects.filter(pk=loan_id).values_list("product__kind", flat=True).first() if loan_id else None
    return lint(text, profile=lender_profile_name(), product=kind, channel="call_note")


def write_note(user, *, loan_id: int, case_id: int | None, text: str, attempt_id: int | None = None):
    """Keep a note with the lint's findings on it; returns the Note (its `findings` say what was found)."""
    from arrears.workbench.models import Note

    text = text.strip()
    if not text:
        raise InputError("备注不能为空", "The note is empty")
    findings = lint_note(text, loan_id=loan_id)
    note = Note.objects.create(
        loan_id=loan_id, case_id=case_id, attempt_id=attempt_id, author=user, text=text,
        findings=findings_as_data(findings),
    )
    return note, findings


def record_contact(user, entry: ContactEntry, *, now: dt.datetime | None = None) -> RecordedContact:
    from arrears.cases.models import CollectionCase
    from arrears.contact.models import ContactAttempt
    from arrears.workbench.models import ContactRecord

    now = now or clock.now()
    case = CollectionCase.objects.select_related("loan").filter(pk=entry.case_id).first()
    if case is None:
        raise InputError(f"没有编号为 {entry.case_id} 的案件", f"No case with id {entry.case_id}")
    require(user, Action.RECORD_CONTACT, case)
    point = borrowers_point(case, entry.contact_point_id)
    details = OutcomeDetails(promise_amount=entry.promise_amount, promise_due=entry.promise_date,
                             confirmed_points=tuple(entry.confirmed_points), note=entry.note)
    check_outcome(entry.outcome, channel=entry.channel, contact_point_id=entry.contact_point_id, details=details,
                  day=timezone.localdate(now))
    verdict = _guard_verdict(case.loan_id, entry.channel, entry.contact_point_id, now, collector_id=user.pk)
    with transaction.atomic():
        version = edit_case(case_id=case.pk, version=entry.version, last_worked_at=now, lease_until=None, leased_by=None)
        attempt = ContactAttempt.objects.create(
            idempotency_key=f"workbench:{uuid.uuid4()}",
            loan=case.loan,
            contact_point=point,
            channel=entry.channel,
            party=entry.party,
            state=ContactAttempt.State.DONE,
            attempted_at=now,
            as_of=timezone.localdate(now),
            outcome=entry.outcome,
            conversation=is_conversation(entry.channel, entry.outcome),
            segment=case.segment,
            rule="workbench",
            **verdict_fields(verdict),
        )
        ContactRecord.objects.create(attempt=attempt, case=case, recorded_by=user)
        effects = apply_outcome(attempt, source="workbench", by=user, details=details)
        promise = attempt.promises.first() if "promise" in effects else None
        note = findings = None
        if entry.note.strip():
            note, findings = write_note(
                user, loan_id=case.loan_id, case_id=case.pk, text=entry.note, attempt_id=attempt.pk
            )
    return RecordedContact(
        attempt_id=attempt.pk,
        version=version,
        effects=effects,
        note_id=note.pk if note else None,
        findings=tuple(findings or ()),
        promise_id=promise.pk if promise else None,
        guard_blocked_by=tuple(verdict.rule_ids) if verdict else (),
    )


def borrowers_point(case, contact_point_id: int | None):
    """The case's borrower's contact point `contact_point_id` (None for none), refused if it is another's."""
    from arrears.ledger.models import ContactPoint

    if contact_point_id is None:
        return None
    point = ContactPoint.objects.filter(pk=contact_point_id, borrower_id=case.loan.borrower_id).first()
    if point is None:
        raise InputError("该联系方式不属于此借款人", "That contact point does not belong to this borrower")
    return point


def verdict_fields(decision) -> dict[str, str]:
    """An attempt's record of the guard's refusal: the rules and their reasons (empty when it allowed)."""
    if decision is None or decision.allowed:
        return {"blocked_by": "", "reasons_zh": "", "reasons_en": ""}
    return {
        "blocked_by": ",".join(decision.rule_ids),
        "reasons_zh": "；".join(v.reason_zh for v in decision.violations),
        "reasons_en": "; ".join(v.reason_en for v in decision.violations),
    }


def _guard_verdict(loan_id: int, channel: str, contact_point_id: int | None, at: dt.datetime, *,
                   collector_id: int | None = None):
    """The guard's decision on this contact at the moment it is recorded (kept on the attempt).

    A recorded contact is never refused for it: the record is the evidence compliance reviews."""
    from arrears.guard import check_now

    decision = check_now(loan_id=loan_id, channel=channel, contact_point_id=contact_point_id, at=at, collector_id=collector_id)
    return None if decision.allowed else decision
