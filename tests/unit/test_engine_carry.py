"""A night carried from the night before equals a night that ages every loan from its start.

Random books (tests/unit/ledger_strategies.py) live through a run of consecutive nights. Each
payment becomes known to the lender on an arrival day: most on their value date, some days later
(a back-dated payment), and reversals arrive when they arrive. Each night ages the book twice:
from the start, and from the states the previous carried night kept. Every account must match.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.cycle.engine import age_book
from arrears.cycle.engine._carry import carry_in, to_keep
from arrears.cycle.tables import book_tables, day_number, duckdb_backend, load_into
from arrears.ledger.records import ChargeTerms, Instalment, LoanBook, PaymentEntry
from arrears.ledger.schedule import add_months
from tests.unit.ledger_strategies import books

CARRY_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _known(payments, arrivals, night):
    return [p for p in payments if arrivals[p.payment_id] <= night]


@CARRY_SETTINGS
@given(data=st.data())
def test_carried_nights_equal_full_nights(data):
    # given a random book, a first night within its life and a run of nights after it
    loans, payments = data.draw(books())
    first_start = min(loan.start_date for loan in loans)
    last_due = max(loan.instalments[-1].due_date for loan in loans)
    first = data.draw(st.dates(first_start - dt.timedelta(days=3), last_due + dt.timedelta(days=40)))
    nights = data.draw(st.integers(2, 7))
    # and each payment known from its value date, or some days later
    arrivals = {
        p.payment_id: p.value_date + dt.timedelta(days=data.draw(st.sampled_from([0, 0, 0, 1, 3, 20])))
        for p in payments
    }
    backend = duckdb_backend()
    kept = None
    carried_loans = 0
    for offset in range(nights):
        night = first + dt.timedelta(days=offset)
        known = _known(payments, arrivals, night)
        inputs = load_into(backend, book_tables(loans, known))
        day = day_number(night)
        # when the night is aged from the start, and from what the night before kept
        full = age_book(backend, inputs, day).accounts.sort_by("loan_id").to_pylist()
        carried = None
        if kept is not None:
            carried, count = carry_in(backend, inputs, kept, day)
            carried_loans += count
        tonight = age_book(backend, inputs, day, carried=carried, keep_settled=True)
        kept = to_keep(backend, inputs, tonight.settled, day)
        # then every account is the same, field by field
        assert tonight.accounts.sort_by("loan_id").to_pylist() == full, (night, offset)
    backend.disconnect()
    assert carried_loans > 0 or all(loan.start_date > first + dt.timedelta(days=nights - 2) for loan in loans)


def a_loan(loan_id: int, start: dt.date) -> LoanBook:
    instalments = tuple(Instalment(seq, add_months(start, seq), 100_000, 1_500) for seq in range(1, 7))
    return LoanBook(loan_id, 600_000, start, instalments, ChargeTerms(penalty_rate_bp=1800, late_fee=2000))


def test_a_late_payment_makes_its_loan_age_from_the_start_and_the_others_carry():
    # given two loans and a night that kept their states
    loans = [a_loan(1, dt.date(2026, 1, 15)), a_loan(2, dt.date(2026, 1, 15))]
    backend = duckdb_backend()
    night = dt.date(2026, 3, 20)
    inputs = load_into(backend, book_tables(loans, []))
    settled = age_book(backend, inputs, day_number(night), keep_settled=True).settled
    kept = to_keep(backend, inputs, settled, day_number(night))
    # when a payment on loan 1, value-dated two days before, arrives the next night
    late = PaymentEntry(payment_id=1, loan_id=1, amount=1_000, value_date=night - dt.timedelta(days=2))
    tomorrow = night + dt.timedelta(days=1)
    inputs = load_into(backend, book_tables(loans, [late]))
    carried, count = carry_in(backend, inputs, kept, day_number(tomorrow))
    # then only loan 2 is carried, and loan 1 is aged from its start with the payment counted
    assert count == 1
    assert [row[0] for row in backend.raw_sql(f'SELECT loan_id FROM "{carried}"').fetchall()] == [2]
    aged = age_book(backend, inputs, day_number(tomorrow), carried=carried).accounts.sort_by("loan_id").to_pylist()
    full = age_book(backend, inputs, day_number(tomorrow)).accounts.sort_by("loan_id").to_pylist()
    assert aged == full and aged[0]["paid_total"] == 1_000
    backend.disconnect()
