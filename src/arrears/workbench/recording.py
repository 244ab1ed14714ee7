"""Recording a contact from the workbench, and what its outcome changes.

    result = record_contact(user, ContactEntry(case_id=7, version=3, channel="call", party="debtor",
                                               outcome="promise", contact_point_id=11,
                                               promise_amount=50_000, promise_date=date(2026, 5, 10)))

One transaction: the case's version is checked and raised (a stale page is refused), the attempt
is written as done with the guard's verdict at that moment, and the outcome's effects follow:
    dispute        a dispute hold on the account (the guard then blocks every contact)
    stop_channel   the contact point is opted out of that channel
    wrong_number   the contact point is marked invalid
    promise        a promise to pay (amount in fen, pay-by date)
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
from arrears.compliance.lint import Finding, lint
from arrears.errors import InputError
from arrears.workbench import clock

REACHED_OUTCOMES = frozenset(
    {"right_party_contact", "promise", "refusal", "dispute", "hardship_claim", "callback_requested", "stop_channel"}
)
NEEDS_CONTACT_POINT = frozenset({"wrong_number", "stop_channel"})


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


@dataclass(frozen=True, slots=True)
class RecordedContact:
    attempt_id: int
    version: int
    effects: tuple[str, ...]
    note_id: int | None = None
    findings: tuple[Finding, ...] = ()
    promise_id: int | None = None
    guard_blocked_by: tuple[str, ...] = field(default=())


def findings_as_data(findings) -> list[dict]:
    return [
        {
            "rule_id": f.rule_id,
            "excerpt": f.excerpt,
            "start": f.start,
            "end": f.end,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "severity": str(getattr(f.severity, "value", f.severity)),
        }
        for f in findings
    ]


def write_note(user, *, loan_id: int, case_id: int | None, text: str, attempt_id: int | None = None):
    """Keep a note with the lint's findings on it; returns the Note (its `findings` say what was found)."""
    from arrears.workbench.models import Note

    text = text.strip()
    if not text:
        raise InputError("备注不能为空", "The note is empty")
    findings = lint(text)
    note = Note.objects.create(
        loan_id=loan_id, case_id=case_id, attempt_id=attempt_id, author=user, text=text,
        findings=findings_as_data(findings),
    )
    return note, findings


def record_contact(user, entry: ContactEntry, *, now: dt.datetime | None = None) -> RecordedContact:
    from arrears.cases.models import AccountHold, CollectionCase, HoldKind
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import ContactPoint
    from arrears.promises.models import Promise
    from arrears.workbench.models import ContactRecord

    now = now or clock.now()
    case = CollectionCase.objects.select_related("loan").filter(pk=entry.case_id).first()
    if case is None:
        raise InputError(f"没有编号为 {entry.case_id} 的案件", f"No case with id {entry.case_id}")
    require(user, Action.RECORD_CONTACT, case)
    point = None
    if entry.contact_point_id is not None:
        point = ContactPoint.objects.filter(pk=entry.contact_point_id, borrower_id=case.loan.borrower_id).first()
        if point is None:
            raise InputError("该联系方式不属于此借款人", "That contact point does not belong to this borrower")
    if entry.outcome in NEEDS_CONTACT_POINT and point is None:
        raise InputError("此结果需要选择联系方式", "This outcome needs the contact point it is about")
    verdict = _guard_verdict(case.loan_id, entry.channel, entry.contact_point_id, now)
    effects: list[str] = []
    with transaction.atomic():
        version = edit_case(case_id=case.pk, version=entry.version, last_worked_at=now, lease_until=None, leased_by=None)
        attempt = ContactAttempt.objects.create(
            idempotency_key=f"workbench:{uuid.uuid4()}",
            loan_id=case.loan_id,
            contact_point=point,
            channel=entry.channel,
            party=entry.party,
            state=ContactAttempt.State.DONE,
            attempted_at=now,
            as_of=timezone.localdate(now),
            outcome=entry.outcome,
            conversation=entry.channel == "call" and entry.outcome in REACHED_OUTCOMES,
            segment=case.segment,
            rule="workbench",
            blocked_by=",".join(verdict.rule_ids) if verdict else "",
            reasons_zh="；".join(v.reason_zh for v in verdict.violations) if verdict else "",
            reasons_en="; ".join(v.reason_en for v in verdict.violations) if verdict else "",
        )
        ContactRecord.objects.create(attempt=attempt, case=case, recorded_by=user)
        promise = None
        if entry.outcome == "dispute":
            AccountHold.objects.create(
                loan_id=case.loan_id, kind=HoldKind.DISPUTE_OPEN, since=now,
                reason=entry.note.strip() or f"recorded by {user.get_username()}",
            )
            effects.append("dispute_hold")
        elif entry.outcome == "stop_channel":
            from arrears.contact.optouts import opt_out

            opt_out(contact_point_id=point.pk, channel=entry.channel, source="collector",
                    detail=f"recorded by {user.get_username()}", at=now)
            effects.append("opted_out")
        elif entry.outcome == "wrong_number":
            ContactPoint.objects.filter(pk=point.pk).update(valid=False)
            effects.append("contact_point_invalid")
        elif entry.outcome == "promise":
            if entry.promise_amount is None or entry.promise_date is None:
                raise InputError("承诺还款需要金额和日期", "A promise needs an amount and a date")
            promise = Promise.objects.create(
                loan_id=case.loan_id, case=case, attempt=attempt, amount=entry.promise_amount,
                promised_on=timezone.localdate(now), due_date=entry.promise_date, made_by=user,
            )
            CollectionCase.objects.filter(pk=case.pk).update(promise_state="pending")
            effects.append("promise")
        note = findings = None
        if entry.note.strip():
            note, findings = write_note(
                user, loan_id=case.loan_id, case_id=case.pk, text=entry.note, attempt_id=attempt.pk
            )
    return RecordedContact(
        attempt_id=attempt.pk,
        version=version,
        effects=tuple(effects),
        note_id=note.pk if note else None,
        findings=tuple(findings or ()),
        promise_id=promise.pk if promise else None,
        guard_blocked_by=tuple(verdict.rule_ids) if verdict else (),
    )


def _guard_verdict(loan_id: int, channel: str, contact_point_id: int | None, at: dt.datetime):
    """The guard's decision on this contact at the moment it is recorded (kept on the attempt).

    A recorded contact is never refused for it: the record is the evidence compliance reviews."""
    from arrears.guard import check_now

    decision = check_now(loan_id=loan_id, channel=channel, contact_point_id=contact_point_id, at=at)
    return None if decision.allowed else decision
