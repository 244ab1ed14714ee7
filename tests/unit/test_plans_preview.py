"""Plan previews: the new schedule, exact to the fen, before anything changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.errors import InputError
from arrears.ledger.records import ChargeTerms, Instalment, LoanBook, PaymentEntry
from arrears.ledger.rescheduling import Reschedule
from arrears.plans.preview import (
    deferral_plan,
    instalment_plan,
    opening_balance,
    waiver_allocation,
)
from tests.unit.ledger_strategies import loans, payments_for

START = dt.date(2026, 1, 31)
TERMS = ChargeTerms(penalty_rate_bp=3600, late_fee=5000, grace_days=3, cost_cap_bp=100_000)  # cap out of the way
LOAN = LoanBook(
    1,
    300_000,
    START,
    (
        Instalment(1, dt.date(2026, 2, 28), 100_000, 4_500),
        Instalment(2, dt.date(2026, 3, 31), 100_000, 3_000),
        Instalment(3, dt.date(2026, 4, 30), 100_000, 1_500),
    ),
    TERMS,
)


def test_opening_balance_of_a_loan_that_missed_its_first_instalment():
    # given a loan whose first instalment (due 28 February) was never paid
    # when a plan is to start on 10 March
    opening = opening_balance(LOAN, [], [], dt.date(2026, 3, 10))
    # then it owes all the principal, the first month's interest, one late fee, and penalty:
    # 100,000 overdue principal × 36 % / 360 = 100 fen a day from 4 March to 9 March (6 days)
    assert opening.principal == 300_000
    assert opening.interest_due == 4_500
    assert opening.fee == 5_000
    assert opening.penalty == 600
    assert [k.seq for k in opening.future_rows] == [2, 3]
    assert opening.charges == 4_500 + 5_000 + 600 + 3_000 + 1_500
    assert opening.last_seq == 3


def test_instalment_plan_spreads_the_debt_over_new_monthly_rows():
    # given the opening balance above
    opening = opening_balance(LOAN, [], [], dt.date(2026, 3, 10))
    # when it is spread over 4 instalments
    rows = instalment_plan(opening, 4)
    # then the first falls due on the plan date (the day agreed for the first payment), the others
    # monthly, numbered after the loan's own rows, and the last takes the remainder of each split
    assert rows == (
        Instalment(4, dt.date(2026, 3, 10), 75_000, 3_650),
        Instalment(5, dt.date(2026, 4, 10), 75_000, 3_650),
        Instalment(6, dt.date(2026, 5, 10), 75_000, 3_650),
        Instalment(7, dt.date(2026, 6, 10), 75_000, 3_650),
    )


def test_deferral_moves_the_rows_to_come_and_bundles_what_is_overdue_into_the_first():
    opening = opening_balance(LOAN, [], [], dt.date(2026, 3, 10))
    # when the remaining due dates move 2 months later
    rows = deferral_plan(opening, 2)
    # then the overdue 100,000 principal and 10,100 charges join the row once due 31 March
    assert rows == (
        Instalment(4, dt.date(2026, 5, 31), 200_000, 3_000 + 4_500 + 5_000 + 600),
        Instalment(5, dt.date(2026, 6, 30), 100_000, 1_500),
    )


def test_waiver_pays_penalty_then_fee_then_interest():
    # given the missed first instalment: penalty 600 (posted on the plan date: 6 days), fee 5,000, interest 4,500
    # when 5,300 is waived on 10 March
    taken = waiver_allocation(LOAN, [], [], dt.date(2026, 3, 10), 5_300)
    # then penalty goes first, then the fee, and nothing reaches principal
    assert (taken.penalty, taken.fee, taken.interest, taken.principal, taken.credit) == (600, 4_700, 0, 0, 0)


def test_waiver_may_not_reach_principal_unless_the_product_allows():
    with pytest.raises(InputError) as refused:
        waiver_allocation(LOAN, [], [], dt.date(2026, 3, 10), 20_000)
    assert "principal" in refused.value.en and "本金" in refused.value.zh
    allowed = waiver_allocation(LOAN, [], [], dt.date(2026, 3, 10), 20_000, principal_allowed=True)
    assert allowed.principal == 20_000 - 600 - 5_000 - 4_500


def test_waiver_above_what_is_due_is_refused():
    with pytest.raises(InputError) as refused:
        waiver_allocation(LOAN, [], [], dt.date(2026, 3, 10), 10_000_000, principal_allowed=True)
    assert "exceeds" in refused.value.en


def test_a_plan_on_a_paid_off_loan_is_refused():
    paid = [PaymentEntry(1, 1, 310_000, dt.date(2026, 2, 28))]
    with pytest.raises(InputError):
        # credit is held until later rows fall due: refused with the credit named
        opening_balance(LOAN, paid, [], dt.date(2026, 3, 10))


def test_bad_counts_are_refused_in_both_languages():
    opening = opening_balance(LOAN, [], [], dt.date(2026, 3, 10))
    for bad in (0, 61, "3", True):
        with pytest.raises(InputError) as refused:
            instalment_plan(opening, bad)
        assert refused.value.zh and refused.value.en
    with pytest.raises(InputError):
        deferral_plan(opening, 0)


def test_an_opening_balance_reads_the_segment_of_an_earlier_plan():
    # given a plan in force from 10 March
    first = opening_balance(LOAN, [], [], dt.date(2026, 3, 10))
    rows = instalment_plan(first, 2)
    earlier = Reschedule(1, 1, dt.date(2026, 3, 10), first.principal, rows, last_payment_id=0)
    # when a second plan is made on 1 April, nothing having been paid
    second = opening_balance(LOAN, [], [earlier], dt.date(2026, 4, 1))
    # then it starts from the first plan's rows, not the loan's own
    assert second.principal == first.principal
    assert [k.seq for k in second.future_rows] == [5]
    assert second.last_seq == 5


PREVIEW_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PREVIEW_SETTINGS
@given(data=st.data())
def test_rescheduling_plans_preserve_the_debt_to_the_fen(data):
    # given a random loan with random payments, and a plan date within its life
    loan = data.draw(loans())
    payments = data.draw(payments_for(loan))
    plan_date = data.draw(st.dates(loan.start_date + dt.timedelta(days=1), loan.instalments[-1].due_date + dt.timedelta(days=90)))
    try:
        opening = opening_balance(loan, payments, [], plan_date)
    except InputError:
        return  # paid off or holding credit: no plan is made
    # when it is rescheduled either way
    for rows in (instalment_plan(opening, data.draw(st.integers(1, 24))), deferral_plan(opening, data.draw(st.integers(1, 12)))):
        # then principal and charges are preserved exactly, no row falls due before the plan date,
        # and the rows are numbered after every row the loan has
        assert sum(k.principal for k in rows) == opening.principal
        assert sum(k.interest for k in rows) == opening.charges
        assert all(k.principal >= 0 and k.interest >= 0 for k in rows)
        assert all(k.due_date >= plan_date for k in rows)
        assert [k.seq for k in rows] == list(range(opening.last_seq + 1, opening.last_seq + 1 + len(rows)))
