"""The set-based engine ages every loan exactly as the day-by-day reference model does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyarrow as pa

from arrears.cycle.engine import age_book
import ibis

from arrears.cycle.io import apply_plans, in_force_tables, reschedules_table
from arrears.cycle.tables import book_tables, day_number, duckdb_backend, load_into
from arrears.ledger.records import PaymentEntry
from arrears.ledger.reference import age_loan, age_loan_in_force
from tests.unit.ledger_strategies import books, plans_for

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


def test_a_book_with_no_event_day_yet_is_aged_without_rounds(backend):
    # given a book aged on its start day: nothing has fallen due and nothing was paid
    loans, _payments = _fixed_book()
    as_of = loans[0].start_date
    # when both models age it
    expected, _ = reference_rows(loans, [], as_of)
    rows, _ = engine_rows(backend, loans, [], as_of)
    # then the engine walks no round and still describes every account as the reference does
    assert rows == expected
    assert age_book(backend, load_into(backend, book_tables(loans, [])), day_number(as_of)).rounds == 0


def test_loans_whose_events_end_early_keep_their_state_while_others_move_on(backend):
    # given a twelve-month loan and a three-month loan beside it, both left unpaid
    from arrears.ledger.records import RepaymentMethod
    from arrears.ledger.schedule import build_schedule

    loans, _payments = _fixed_book()
    long_loan = loans[0]
    short_schedule = build_schedule(RepaymentMethod.ANNUITY, 300_000, 1800, 3, long_loan.start_date)
    short_loan = dataclasses.replace(long_loan, loan_id=2, principal=300_000, instalments=short_schedule)
    paid_once = [PaymentEntry(1, 2, short_schedule[0].amount, short_schedule[0].due_date)]
    as_of = dt.date(2027, 2, 15)
    # when both models age them, the short loan's event days ending months before the long one's
    expected, _ = reference_rows([long_loan, short_loan], paid_once, as_of)
    rows, _ = engine_rows(backend, [long_loan, short_loan], paid_once, as_of)
    # then both accounts equal the reference
    assert rows == expected
    assert rows[1]["days_past_due"] > 0 and rows[2]["days_past_due"] > 0


def _fixed_book():
    from arrears.ledger.records import ChargeTerms, LoanBook, PaymentEntry, RepaymentMethod
    from arrears.ledger.schedule import build_schedule

    start = dt.date(2026, 1, 31)
    schedule = build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, start)
    loan = LoanBook(1, 1_200_000, start, schedule, ChargeTerms(penalty_rate_bp=2700, late_fee=5000, grace_days=3))
    payments = [PaymentEntry(1, 1, schedule[0].amount, dt.date(2026, 2, 28))]
    return [loan], payments


def reference_rows_with_plans(loans, payments, reschedules, as_of):
    rows = {}
    for loan in loans:
        if loan.start_date > as_of:
            continue
        aged, _ = age_loan_in_force(loan, reschedules, payments, as_of)
        row = dataclasses.asdict(aged)
        row.pop("as_of")
        row.pop("loan_id")
        rows[loan.loan_id] = row
    return rows


def tables_with_plans(loans, payments, reschedules) -> tuple[dict, pa.Table]:
    """The ledger as cycle/io.py reads it: every loan's own rows and every plan's rows, and the plans."""
    tables = book_tables(loans, payments)
    own = tables["instalments"]
    own = own.append_column("reschedule_id", pa.nulls(own.num_rows, pa.int64()))
    plan_rows = pa.Table.from_pylist(
        [
            {"loan_id": r.loan_id, "seq": k.seq, "due_day": day_number(k.due_date), "principal": k.principal,
             "interest": k.interest, "reschedule_id": r.reschedule_id}
            for r in reschedules
            for k in r.instalments
        ],
        schema=own.schema,
    )
    plans = pa.Table.from_pylist(
        [
            {"reschedule_id": r.reschedule_id, "loan_id": r.loan_id, "start_date": r.start_date, "principal": r.principal,
             "last_payment_id": r.last_payment_id, "reverted_from": r.reverted_from}
            for r in reschedules
        ],
        schema=pa.schema(
            [("reschedule_id", pa.int64()), ("loan_id", pa.int64()), ("start_date", pa.date32()), ("principal", pa.int64()),
             ("last_payment_id", pa.int64()), ("reverted_from", pa.date32())]
        ),
    )
    return {**tables, "instalments": pa.concat_tables([own, plan_rows])}, reschedules_table(plans)


@ENGINE_SETTINGS
@given(data=st.data())
def test_engine_equals_reference_on_random_ledgers_with_repayment_plans(backend, data):
    # given a random book with random instalment plans and deferrals, some reverted, and an as-of date
    loans, payments = data.draw(books(max_loans=3))
    reschedules = []
    for loan in loans:
        reschedules.extend(data.draw(plans_for(loan, payments, first_id=len(reschedules) + 1)))
    as_of = data.draw(as_of_within((loans, payments)))
    # when the reference ages the schedule in force, and the engine ages what cycle/io.py reads
    expected = reference_rows_with_plans(loans, payments, reschedules, as_of)
    tables, plans = tables_with_plans(loans, payments, reschedules)
    in_force = apply_plans(tables, plans, day_number(as_of))
    inputs = load_into(backend, in_force)
    rows = {row.pop("loan_id"): row for row in age_book(backend, inputs, day_number(as_of)).accounts.to_pylist()}
    # then every account is the same to the fen
    assert rows == expected
    # and the rule as Ibis expressions (what runs inside PostgreSQL) reads the same tables
    views = in_force_tables(
        *(ibis.memtable(tables[role]) for role in ("loans", "instalments", "payments")),
        ibis.memtable(plans),
        ibis.literal(day_number(as_of), "int64"),
    )
    for role, view in views.items():
        assert sorted(backend.to_pyarrow(view).to_pylist(), key=repr) == sorted(in_force[role].to_pylist(), key=repr)


def test_a_plan_row_due_on_its_plan_date_without_grace_is_charged_as_the_reference_says(backend):
    # given a loan of no grace days whose plan's first row falls due on the plan date itself
    from arrears.ledger.records import ChargeTerms, Component, Instalment, LoanBook
    from arrears.ledger.rescheduling import Reschedule

    terms = ChargeTerms(penalty_rate_bp=0, late_fee=1000, grace_days=0, cost_cap_bp=2400, charge_off_dpd=30,
                        allocation_order=(Component.PENALTY, Component.FEE, Component.INTEREST, Component.PRINCIPAL))
    loan = LoanBook(1, 0, dt.date(2024, 1, 31), (Instalment(1, dt.date(2024, 2, 29), 0, 1),), terms)
    plan = Reschedule(reschedule_id=1, loan_id=1, start_date=dt.date(2024, 2, 1), principal=0,
                      instalments=(Instalment(2, dt.date(2024, 2, 1), 0, 1),), last_payment_id=0, reverted_from=None)
    as_of = dt.date(2024, 2, 1)
    # when both age it on the plan date
    expected = reference_rows_with_plans([loan], [], [plan], as_of)
    tables, plans = tables_with_plans([loan], [], [plan])
    inputs = load_into(backend, apply_plans(tables, plans, day_number(as_of)))
    rows = {row.pop("loan_id"): row for row in age_book(backend, inputs, day_number(as_of)).accounts.to_pylist()}
    # then they agree: the start day has no end of day, so no fee is charged or withheld yet
    assert rows == expected and rows[1]["charges_withheld"] == 0
