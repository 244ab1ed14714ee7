"""The reference model of ageing: one loan, one day at a time, written to be read.

This is the definition the vectorised nightly cycle is tested against, and it also
serves the single-account statement (allocations per payment). It is deliberately
slow and plain. The conventions (docs/ledger-conventions.md):

Each day d from the start date to `as_of`:
1. If anything happens on d (an instalment falls due or a payment arrives), the
   penalty accrued so far is first *posted*: charged as far as the cost cap allows,
   the rest withheld.
2. Instalments due on d add their interest and principal to what is due; credit
   held from earlier overpayments is applied to them.
3. Payments value-dated d are applied, in payment order, by the waterfall: the
   components in the product's allocation order (default penalty, fee, interest,
   principal), and within interest and principal the oldest instalment first.
   Whatever is left is kept as credit.
4. At the end of every day after the start date:
   - one day of principal use is counted for the cost cap;
   - one day of penalty accrues on the principal of instalments past their grace
     period: round_half_up(principal × penalty_rate_bp / 3,600,000) — an annual rate on a
     360-day year;
   - an instalment whose grace period ends on d and is still unpaid is charged the
     late fee (after posting the penalty), as far as the cost cap allows;
   - an instalment unpaid `charge_off_dpd` days after its due date charges the
     account off.
At the end of `as_of` the accrued penalty is posted once more.

The cost cap: charges (interest fallen due, penalty and fees charged) may not exceed
floor(cost_cap_bp × principal-days / 3,650,000) — the annualised cost on the
principal actually used, day by day. A reversal removes its payment as if it had
never been made, from the reversal's value date on.

A repayment plan puts a segment in force from its start date (arrears.ledger.rescheduling):
`age_loan_in_force` ages whatever is in force on `as_of` by the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from arrears.ledger.records import Component, Instalment, LoanBook, PaymentEntry
from arrears.ledger.rescheduling import Reschedule, in_force
from arrears.money import Fen, round_half_up

PENALTY_DAY_DENOMINATOR = 10_000 * 360
COST_CAP_DENOMINATOR = 10_000 * 365


@dataclass(frozen=True, slots=True)
class Allocation:
    """What one payment paid for. The five parts sum to the payment."""

    payment_id: int
    value_date: dt.date
    penalty: Fen
    fee: Fen
    interest: Fen
    principal: Fen
    credit: Fen

    @property
    def total(self) -> Fen:
        return self.penalty + self.fee + self.interest + self.principal + self.credit


@dataclass(frozen=True, slots=True)
class AgedAccount:
    """A loan's state at the end of `as_of`."""

    loan_id: int
    as_of: dt.date
    days_past_due: int
    overdue_principal: Fen
    overdue_interest: Fen
    fee_outstanding: Fen
    penalty_outstanding: Fen
    principal_outstanding: Fen
    balance: Fen
    credit: Fen
    penalty_charged: Fen
    fee_charged: Fen
    charges_withheld: Fen
    paid_total: Fen
    ever_delinquent: bool
    charged_off: bool
    closed: bool


@dataclass
class _Running:
    principal_paid: Fen = 0
    interest_paid: Fen = 0
    principal_due: Fen = 0
    interest_due: Fen = 0
    penalty_charged: Fen = 0
    penalty_paid: Fen = 0
    fee_charged: Fen = 0
    fee_paid: Fen = 0
    penalty_unposted: Fen = 0
    withheld: Fen = 0
    principal_days: int = 0
    credit: Fen = 0
    penalty_base_principal: Fen = 0
    ever_delinquent: bool = False
    charged_off: bool = False
    allocations: list[Allocation] = field(default_factory=list)

    def pools(self) -> dict[Component, Fen]:
        return {
            Component.PENALTY: self.penalty_charged - self.penalty_paid,
            Component.FEE: self.fee_charged - self.fee_paid,
            Component.INTEREST: self.interest_due - self.interest_paid,
            Component.PRINCIPAL: self.principal_due - self.principal_paid,
        }


def effective_payments(payments: Iterable[PaymentEntry], as_of: dt.date) -> list[PaymentEntry]:
    """Payments that count on `as_of`: value-dated by then, and not reversed by then."""
    payments = list(payments)
    reversed_ids = {p.reverses for p in payments if p.reverses is not None and p.value_date <= as_of}
    return sorted(
        (
            p
            for p in payments
            if p.reverses is None and p.value_date <= as_of and p.payment_id not in reversed_ids
        ),
        key=lambda p: (p.value_date, p.payment_id),
    )


def age_loan(loan: LoanBook, payments: Iterable[PaymentEntry], as_of: dt.date) -> tuple[AgedAccount, list[Allocation]]:
    """Age one loan to the end of `as_of`; return its state and every payment's allocation."""
    terms = loan.terms
    counted = [p for p in effective_payments(payments, as_of) if p.value_date >= loan.start_date]
    payments_by_day: dict[dt.date, list[PaymentEntry]] = {}
    for payment in counted:
        payments_by_day.setdefault(payment.value_date, []).append(payment)
    cumulative = _cumulative(loan.instalments)
    running = _Running()

    day = loan.start_date
    while day <= as_of:
        due_today = [k for k in loan.instalments if k.due_date == day]
        paid_today = payments_by_day.get(day, [])
        if due_today or paid_today:
            _post_penalty(running, terms.cost_cap_bp)
        principal_due_before, interest_due_before = running.principal_due, running.interest_due
        for instalment in due_today:
            running.principal_due += instalment.principal
            running.interest_due += instalment.interest
        if due_today and running.credit:
            held, running.credit = running.credit, 0
            _taken, running.credit = _waterfall(running, held, terms.allocation_order)
        for payment in paid_today:
            taken, left = _waterfall(running, payment.amount, terms.allocation_order)
            running.credit += left
            running.allocations.append(
                Allocation(
                    payment.payment_id,
                    day,
                    taken[Component.PENALTY],
                    taken[Component.FEE],
                    taken[Component.INTEREST],
                    taken[Component.PRINCIPAL],
                    left,
                )
            )
        if day > loan.start_date:
            _end_of_day(running, loan, cumulative, day)
        if running.principal_paid < principal_due_before or running.interest_paid < interest_due_before:
            running.ever_delinquent = True
        day += dt.timedelta(days=1)
    _post_penalty(running, terms.cost_cap_bp)
    return _aged(loan, running, cumulative, as_of, counted), running.allocations


def age_loan_in_force(
    loan: LoanBook, reschedules: Iterable[Reschedule], payments: Iterable[PaymentEntry], as_of: dt.date
) -> tuple[AgedAccount, list[Allocation]]:
    """Age the schedule in force on `as_of`: the loan's own, or the segment of the plan in force."""
    book, counted = in_force(loan, reschedules, payments, as_of)
    return age_loan(book, counted, as_of)


def _cumulative(instalments: tuple[Instalment, ...]) -> list[tuple[Instalment, Fen, Fen]]:
    """Each instalment with the principal and interest due up to and including it."""
    rows, principal, interest = [], 0, 0
    for instalment in sorted(instalments, key=lambda k: k.seq):
        principal += instalment.principal
        interest += instalment.interest
        rows.append((instalment, principal, interest))
    return rows


def _is_unpaid(running: _Running, cumulative_principal: Fen, cumulative_interest: Fen) -> bool:
    return running.principal_paid < cumulative_principal or running.interest_paid < cumulative_interest


def _cost_headroom(running: _Running, cost_cap_bp: int) -> Fen:
    ceiling = cost_cap_bp * running.principal_days // COST_CAP_DENOMINATOR
    cost = running.interest_due + running.penalty_charged + running.fee_charged
    return max(0, ceiling - cost)


def _post_penalty(running: _Running, cost_cap_bp: int) -> None:
    if running.penalty_unposted == 0:
        return
    charged = min(running.penalty_unposted, _cost_headroom(running, cost_cap_bp))
    running.penalty_charged += charged
    running.withheld += running.penalty_unposted - charged
    running.penalty_unposted = 0


def _waterfall(running: _Running, cash: Fen, order: tuple[Component, ...]) -> tuple[dict[Component, Fen], Fen]:
    """Pay the due components in `order`; return what each took and what is left."""
    pools = running.pools()
    taken: dict[Component, Fen] = {}
    for component in order:
        take = min(cash, pools[component])
        taken[component] = take
        cash -= take
    running.penalty_paid += taken[Component.PENALTY]
    running.fee_paid += taken[Component.FEE]
    running.interest_paid += taken[Component.INTEREST]
    running.principal_paid += taken[Component.PRINCIPAL]
    return taken, cash


def _end_of_day(running: _Running, loan: LoanBook, cumulative, day: dt.date) -> None:
    terms = loan.terms
    running.principal_days += loan.principal - running.principal_paid
    penalty_base = max(0, running.penalty_base_principal - running.principal_paid)
    running.penalty_unposted += round_half_up(penalty_base * terms.penalty_rate_bp, PENALTY_DAY_DENOMINATOR)
    for instalment, cumulative_principal, cumulative_interest in cumulative:
        if instalment.due_date + dt.timedelta(days=terms.grace_days) == day:
            _post_penalty(running, terms.cost_cap_bp)
            if _is_unpaid(running, cumulative_principal, cumulative_interest):
                fee = min(terms.late_fee, _cost_headroom(running, terms.cost_cap_bp))
                running.fee_charged += fee
                running.withheld += terms.late_fee - fee
            running.penalty_base_principal = max(running.penalty_base_principal, cumulative_principal)
        if instalment.due_date + dt.timedelta(days=terms.charge_off_dpd) == day:
            if _is_unpaid(running, cumulative_principal, cumulative_interest):
                running.charged_off = True


def _aged(loan: LoanBook, running: _Running, cumulative, as_of: dt.date, counted) -> AgedAccount:
    unpaid_due_dates = [
        k.due_date for k, p, i in cumulative if k.due_date <= as_of and _is_unpaid(running, p, i)
    ]
    days_past_due = (as_of - min(unpaid_due_dates)).days if unpaid_due_dates else 0
    past_due = [(p, i) for k, p, i in cumulative if k.due_date < as_of]
    principal_past_due, interest_past_due = past_due[-1] if past_due else (0, 0)
    total_interest = sum(k.interest for k in loan.instalments)
    fee_outstanding = running.fee_charged - running.fee_paid
    penalty_outstanding = running.penalty_charged - running.penalty_paid
    principal_outstanding = loan.principal - running.principal_paid
    closed = (
        principal_outstanding == 0
        and running.interest_paid == total_interest
        and fee_outstanding == 0
        and penalty_outstanding == 0
    )
    return AgedAccount(
        loan_id=loan.loan_id,
        as_of=as_of,
        days_past_due=days_past_due,
        overdue_principal=max(0, principal_past_due - running.principal_paid),
        overdue_interest=max(0, interest_past_due - running.interest_paid),
        fee_outstanding=fee_outstanding,
        penalty_outstanding=penalty_outstanding,
        principal_outstanding=principal_outstanding,
        balance=principal_outstanding
        + (running.interest_due - running.interest_paid)
        + fee_outstanding
        + penalty_outstanding,
        credit=running.credit,
        penalty_charged=running.penalty_charged,
        fee_charged=running.fee_charged,
        charges_withheld=running.withheld,
        paid_total=sum(p.amount for p in counted),
        ever_delinquent=running.ever_delinquent,
        charged_off=running.charged_off,
        closed=closed,
    )
