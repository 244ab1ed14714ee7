"""The set-based engine ages every loan exactly as the day-by-day reference model does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.cycle.engine import age_book
from arrears.cycle.tables import book_tables, day_number, duckdb_backend, load_into
from arrears.ledger.reference import age_loan
from tests.unit.ledger_strategies import books

ENGINE_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def reference_rows(loans, payments, as_of):
    rows, allocations = {}, {}
    for loan in loans:
        aged, allocated = age_loan(loan, [p for p in payments if p.loan_id == loan.loan_id], as_of)
        if loan.start_date > as_of:
            continue
        row = dataclasses.asdict(aged)
        row.pop("as_of")
        row.pop("loan_id")
        rows[loan.loan_id] = row
        for allocation in allocated:
            allocations[allocation.payment_id] = {
                "penalty": allocation.penalty,
                "fee": allocation.fee,
                "interest": allocation.interest,
                "principal": allocation.principal,
                "credit": allocation.credit,
            }
    return rows, allocations


def engine_rows(backend, loans, payments, as_of):
    inputs = load_into(backend, book_tables(loans, payments))
    aged = age_book(backend, inputs, day_number(as_of), with_allocations=True)
    rows = {row.pop("loan_id"): row for row in aged.accounts.to_pylist()}
    allocations = {
        row["payment_id"]: {name: row[name] for name in ("penalty", "fee", "interest", "principal", "credit")}
        for row in aged.allocations.to_pylist()
    }
    return rows, allocations


@pytest.fixture(scope="module")
def backend():
    return duckdb_backend()


def as_of_within(book):
    loans, _payments = book
    first = min(loan.start_date for loan in loans)
    last = max(loan.instalments[-1].due_date for loan in loans) + dt.timedelta(days=230)
    return st.dates(first, last)


@ENGINE_SETTINGS
@given(data=st.data())
def test_engine_equals_reference_on_random_ledgers(backend, data):
    # given a random book and a random as-of date within its life
    loans, payments = data.draw(books())
    as_of = data.draw(as_of_within((loans, payments)))
    # when both models age it
    expected_rows, expected_allocations = reference_rows(loans, payments, as_of)
    rows, allocations = engine_rows(backend, loans, payments, as_of)
    # then every account and every payment's allocation is the same to the fen
    assert rows == expected_rows
    assert allocations == expected_allocations


@ENGINE_SETTINGS
@given(data=st.data())
def test_payments_fed_in_any_order_give_the_same_state(backend, data):
    # given a book, and the same payments renumbered as if they had arrived in another order
    loans, payments = data.draw(books(max_loans=2))
    as_of = data.draw(as_of_within((loans, payments)))
    ids = [p.payment_id for p in payments]
    shuffled = ids[:]
    random.Random(data.draw(st.integers(0, 10**6))).shuffle(shuffled)
    renumber = dict(zip(ids, shuffled, strict=True))
    renumbered = [
        dataclasses.replace(p, payment_id=renumber[p.payment_id], reverses=renumber.get(p.reverses))
        for p in reversed(payments)
    ]
    # when both are aged
    rows, _ = engine_rows(backend, loans, payments, as_of)
    rows_renumbered, _ = engine_rows(backend, loans, renumbered, as_of)
    # then the accounts are identical
    assert rows_renumbered == rows


@ENGINE_SETTINGS
@given(data=st.data())
def test_every_payment_is_allocated_in_full(backend, data):
    loans, payments = data.draw(books())
    as_of = data.draw(as_of_within((loans, payments)))
    inputs = load_into(backend, book_tables(loans, payments))
    aged = age_book(backend, inputs, day_number(as_of), with_allocations=True)
    amounts = {p.payment_id: p.amount for p in payments}
    for row in aged.allocations.to_pylist():
        parts = row["penalty"] + row["fee"] + row["interest"] + row["principal"] + row["credit"]
        assert parts == amounts[row["payment_id"]]
        assert min(row["penalty"], row["fee"], row["interest"], row["principal"], row["credit"]) >= 0


def test_running_the_same_day_twice_gives_the_same_state(backend):
    loans, payments = books().example() if False else _fixed_book()
    as_of = dt.date(2026, 7, 15)
    first, _ = engine_rows(backend, loans, payments, as_of)
    second, _ = engine_rows(backend, loans, payments, as_of)
    assert first == second
    assert first[1]["days_past_due"] > 0


def _fixed_book():
    from arrears.ledger.records import ChargeTerms, LoanBook, PaymentEntry, RepaymentMethod
    from arrears.ledger.schedule import build_schedule

    start = dt.date(2026, 1, 31)
    schedule = build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, start)
    loan = LoanBook(1, 1_200_000, start, schedule, ChargeTerms(penalty_rate_bp=2700, late_fee=5000, grace_days=3))
    payments = [PaymentEntry(1, 1, schedule[0].amount, dt.date(2026, 2, 28))]
    return [loan], payments
