"""Hypothesis strategies for random ledgers: schedules, terms, payments, reversals."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from arrears.ledger.records import DEFAULT_ALLOCATION_ORDER, ChargeTerms, Instalment, LoanBook, PaymentEntry
from arrears.ledger.schedule import add_months

# Month ends, 29 February and year ends are where date arithmetic breaks.
EDGE_STARTS = [
    dt.date(2024, 1, 31),
    dt.date(2024, 2, 29),
    dt.date(2023, 12, 31),
    dt.date(2025, 8, 31),
    dt.date(2027, 11, 30),
    dt.date(2028, 1, 29),
]


@st.composite
def charge_terms(draw) -> ChargeTerms:
    return ChargeTerms(
        penalty_rate_bp=draw(st.sampled_from([0, 1800, 2700, 3600, 18250])),
        late_fee=draw(st.sampled_from([0, 1000, 5000, 20000])),
        grace_days=draw(st.integers(0, 27)),
        cost_cap_bp=draw(st.sampled_from([2400, 3600, 0, 100000])),
        charge_off_dpd=draw(st.sampled_from([30, 90, 180])),
        allocation_order=tuple(draw(st.permutations(list(DEFAULT_ALLOCATION_ORDER))))
        if draw(st.booleans())
        else DEFAULT_ALLOCATION_ORDER,
    )


@st.composite
def loans(draw, loan_id: int = 1) -> LoanBook:
    start = draw(
        st.one_of(st.sampled_from(EDGE_STARTS), st.dates(dt.date(2023, 1, 1), dt.date(2028, 12, 31)))
    )
    term = draw(st.integers(1, 8))
    instalments = tuple(
        Instalment(
            seq,
            add_months(start, seq),
            draw(st.integers(0, 300_000)),
            draw(st.integers(0, 5_000)),
        )
        for seq in range(1, term + 1)
    )
    principal = sum(k.principal for k in instalments)
    return LoanBook(loan_id, principal, start, instalments, draw(charge_terms()))


@st.composite
def payments_for(draw, loan: LoanBook, first_id: int = 1) -> list[PaymentEntry]:
    horizon = loan.instalments[-1].due_date + dt.timedelta(days=200)
    dates = st.dates(loan.start_date, horizon)
    typical = max(1, loan.instalments[0].amount)
    amounts = st.one_of(
        st.integers(1, typical * 3 + 10),  # partial, exact-ish and overpayments
        st.sampled_from([k.amount for k in loan.instalments if k.amount > 0] or [1]),
    )
    payments: list[PaymentEntry] = []
    next_id = first_id
    for _ in range(draw(st.integers(0, 10))):
        payments.append(PaymentEntry(next_id, loan.loan_id, draw(amounts), draw(dates)))
        next_id += 1
    for original in list(payments):
        if draw(st.integers(0, 5)) == 0:  # about one in six is reversed, sometimes the same day
            reversal_day = original.value_date + dt.timedelta(days=draw(st.integers(0, 20)))
            payments.append(PaymentEntry(next_id, loan.loan_id, original.amount, reversal_day, reverses=original.payment_id))
            next_id += 1
    return payments


@st.composite
def books(draw, max_loans: int = 4) -> tuple[list[LoanBook], list[PaymentEntry]]:
    count = draw(st.integers(1, max_loans))
    book, payments = [], []
    for loan_id in range(1, count + 1):
        loan = draw(loans(loan_id))
        book.append(loan)
        payments.extend(draw(payments_for(loan, first_id=len(payments) + 1 + loan_id * 1000)))
    return book, payments


@st.composite
def plans_for(draw, loan: LoanBook, payments: list[PaymentEntry], first_id: int = 1) -> list:
    """Zero to two repayment-plan segments on `loan` (instalment plans or deferrals, some reverted),
    each made from the opening balance the day before it starts, as the plans service makes them."""
    from arrears.errors import InputError
    from arrears.ledger.rescheduling import Reschedule
    from arrears.plans.preview import deferral_plan, instalment_plan, opening_balance

    reschedules: list[Reschedule] = []
    day = loan.start_date + dt.timedelta(days=1)
    horizon = loan.instalments[-1].due_date + dt.timedelta(days=120)
    payment_ids = sorted(p.payment_id for p in payments) or [0]
    for number in range(draw(st.integers(0, 2))):
        if day > horizon:
            break
        start = draw(st.dates(day, horizon))
        try:
            opening = opening_balance(loan, payments, reschedules, start)
        except InputError:
            break
        if draw(st.booleans()):
            rows = instalment_plan(opening, draw(st.integers(1, 6)))
        else:
            rows = deferral_plan(opening, draw(st.integers(1, 3)))
        reverted = draw(st.one_of(st.none(), st.integers(1, 200)))
        reschedules.append(
            Reschedule(
                first_id + number,
                loan.loan_id,
                start,
                opening.principal,
                rows,
                # sometimes a payment value-dated before the plan was recorded after it was made
                last_payment_id=draw(st.sampled_from(payment_ids)),
                reverted_from=None if reverted is None else start + dt.timedelta(days=reverted),
            )
        )
        day = start + dt.timedelta(days=1)
    return reschedules
