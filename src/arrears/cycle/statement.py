"""One account's statement: its state and what each payment paid for, as of a date.

It runs the reference model for the one loan — the same definition the nightly engine is
proven equal to — so a collector sees exactly how each payment was allocated.

    statement = account_statement(loan_id=42, as_of=date(2026, 3, 1))
    statement.allocations[0].principal
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.ledger.models import Instalment, Loan, Payment, Reschedule
from arrears.ledger.records import ChargeTerms, Component, LoanBook, PaymentEntry
from arrears.ledger.records import Instalment as InstalmentRecord
from arrears.ledger.reference import AgedAccount, Allocation, age_loan_in_force
from arrears.ledger.rescheduling import Reschedule as RescheduleRecord


@dataclass(frozen=True)
class AccountStatement:
    state: AgedAccount
    allocations: tuple[Allocation, ...]


def loan_book(loan: Loan) -> LoanBook:
    product = loan.product
    terms = ChargeTerms(
        penalty_rate_bp=product.penalty_rate_bp,
        late_fee=product.late_fee,
        grace_days=product.grace_days,
        cost_cap_bp=product.cost_cap_bp,
        charge_off_dpd=product.charge_off_dpd,
        allocation_order=tuple(Component(name) for name in product.allocation_order.split(",")),
    )
    instalments = tuple(
        InstalmentRecord(k.seq, k.due_date, k.principal, k.interest)
        for k in Instalment.objects.filter(loan=loan, reschedule__isnull=True).order_by("seq")
    )
    return LoanBook(loan.pk, loan.principal, loan.start_date, instalments, terms, loan.currency)


def loan_reschedules(loan: Loan) -> list[RescheduleRecord]:
    """The loan's repayment-plan segments (ledger/rescheduling.py), with their rows."""
    rows: dict[int, list[InstalmentRecord]] = {}
    for k in Instalment.objects.filter(loan=loan, reschedule__isnull=False).order_by("seq"):
        rows.setdefault(k.reschedule_id, []).append(InstalmentRecord(k.seq, k.due_date, k.principal, k.interest))
    return [
        RescheduleRecord(r.pk, loan.pk, r.start_date, r.principal, tuple(rows.get(r.pk, ())), r.last_payment_id, r.reverted_from)
        for r in Reschedule.objects.filter(loan=loan)
    ]


def account_statement(loan_id: int, as_of: dt.date) -> AccountStatement:
    loan = Loan.objects.select_related("product").get(pk=loan_id)
    payments = [
        PaymentEntry(p.pk, loan.pk, p.amount, p.value_date, p.reverses_id)
        for p in Payment.objects.filter(loan=loan).only("id", "amount", "value_date", "reverses_id")
    ]
    state, allocations = age_loan_in_force(loan_book(loan), loan_reschedules(loan), payments, as_of)
    return AccountStatement(state=state, allocations=tuple(allocations))
