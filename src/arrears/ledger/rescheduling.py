"""The schedule in force: a loan's own schedule, or the one a repayment plan put in its place.

A plan that reschedules a loan (instalments 分期, deferral 延期) does not edit the loan's rows. It
adds a *reschedule*: from its start date D the loan is aged as a fresh segment that opens with
what was outstanding at the end of D − 1 (the plan's opening balance) and carries the plan's own
instalments. The conventions (docs/repayment-plans.md):

- Before D nothing changes: ageing to any day before D reads the loan's own schedule and
  payments, so history already written stays true.
- From D the segment is in force: its principal is the principal outstanding at D − 1, its
  schedule is the plan's rows, and it counts the payments value-dated D or later, plus any
  payment recorded after the plan was made but value-dated before D (late news of a payment is
  never lost: it counts on D).
- A reverted plan is in force from D up to the day before its reversion date R; from R the loan
  is aged as if the plan had never been made (the schedule that was in force before it comes
  back, with every payment, including those made under the plan, on its own value date).
- With several plans, the latest that started and is not reverted is in force.

Pure: no Django. `cycle/io.py` states the same rule set-based; the tests prove them equal.

    book, counted = in_force(loan, reschedules, payments, as_of)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from arrears.ledger.records import Instalment, LoanBook, PaymentEntry
from arrears.money import Fen


@dataclass(frozen=True, slots=True)
class Reschedule:
    """A plan's segment of a loan.

    start_date: the plan date D, the first day the segment is in force.
    principal: principal outstanding at the end of D − 1; the segment's rows repay it exactly.
    instalments: the plan's rows (their interest carries the capitalised interest, fees and penalty).
    last_payment_id: the newest payment known when the opening balance was taken; a payment with a
        higher id value-dated before D was not in that balance and counts on D.
    reverted_from: the first day the plan is no longer in force (None while it is).
    """

    reschedule_id: int
    loan_id: int
    start_date: dt.date
    principal: Fen
    instalments: tuple[Instalment, ...]
    last_payment_id: int = 0
    reverted_from: dt.date | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.reverted_from is None or day < self.reverted_from)


def reschedule_in_force(reschedules: Iterable[Reschedule], as_of: dt.date) -> Reschedule | None:
    """The latest reschedule in force on `as_of` (latest start, then latest id), or None."""
    current = [r for r in reschedules if r.in_force_on(as_of)]
    return max(current, key=lambda r: (r.start_date, r.reschedule_id), default=None)


def in_force(
    loan: LoanBook, reschedules: Iterable[Reschedule], payments: Iterable[PaymentEntry], as_of: dt.date
) -> tuple[LoanBook, list[PaymentEntry]]:
    """The loan and payments to age on `as_of`: the loan's own, or its segment under a plan."""
    payments = [p for p in payments if p.loan_id == loan.loan_id]
    current = reschedule_in_force((r for r in reschedules if r.loan_id == loan.loan_id), as_of)
    if current is None:
        return loan, payments
    segment = replace(loan, principal=current.principal, start_date=current.start_date, instalments=current.instalments)
    counted = [
        replace(p, value_date=max(p.value_date, current.start_date))
        for p in payments
        if p.value_date >= current.start_date or p.payment_id > current.last_payment_id
    ]
    return segment, counted
