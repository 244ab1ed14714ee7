"""The nightly cycle on a real database: states, history, case events, re-ageing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection

from arrears.cases.models import CaseEvent, CollectionCase
from arrears.cycle.models import AccountState, AccountStateHistory, CycleRun
from arrears.cycle.service import run_cycle, run_cycles
from arrears.cycle.statement import account_statement
from arrears.ledger.models import Borrower, Instalment, Loan, Payment, Product
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule

pytestmark = pytest.mark.django_db(transaction=True)
START = dt.date(2026, 1, 31)


def make_loan(external_id: str, principal: int = 1_200_000) -> Loan:
    product, _ = Product.objects.get_or_create(
        code="CASH",
        defaults=dict(
            name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800,
            penalty_rate_bp=2700, late_fee=5000, grace_days=3,
        ),
    )
    borrower = Borrower.objects.create(
        external_id=f"B-{external_id}", name="张三", national_id_cipher="x", national_id_digest="d",
        national_id_masked="110105********1234",
    )
    loan = Loan.objects.create(
        external_id=external_id, borrower=borrower, product=product, principal=principal, term_months=12,
        start_date=START,
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, principal, 1800, 12, START)
    )
    return loan


def pay(loan: Loan, reference: str, amount: int, value_date: dt.date, reverses: Payment | None = None) -> Payment:
    return Payment.objects.create(
        reference=reference, loan=loan, amount=amount, value_date=value_date, channel="app", reverses=reverses
    )


def stored_state(loan: Loan) -> dict:
    row = AccountState.objects.get(loan=loan)
    return {field: getattr(row, field) for field in (
        "days_past_due", "overdue_principal", "overdue_interest", "fee_outstanding", "penalty_outstanding",
        "principal_outstanding", "balance", "credit", "penalty_charged", "fee_charged", "charges_withheld",
        "paid_total",
    )}


def reference_state(loan: Loan, as_of: dt.date) -> dict:
    aged = dataclasses.asdict(account_statement(loan.pk, as_of).state)
    return {name: aged[name] for name in stored_state(loan)}


def test_cycle_stores_the_reference_state_for_every_account():
    # given one loan paid on time and one never paid
    good, bad = make_loan("L-GOOD"), make_loan("L-BAD")
    first = Instalment.objects.get(loan=good, seq=1)
    pay(good, "P-1", first.principal + first.interest, first.due_date)
    as_of = dt.date(2026, 5, 10)
    # when the cycle runs
    run = run_cycle(as_of)
    # then each state equals the reference model's, with its bucket and status
    assert run.accounts == 2
    for loan in (good, bad):
        assert stored_state(loan) == reference_state(loan, as_of)
    assert AccountState.objects.get(loan=bad).bucket == "M3"
    assert AccountState.objects.get(loan=bad).status == "delinquent"
    assert AccountStateHistory.objects.filter(as_of=as_of).count() == 2


def test_running_the_same_day_twice_changes_nothing():
    loan = make_loan("L-TWICE")
    as_of = dt.date(2026, 4, 15)
    run_cycle(as_of)
    first = stored_state(loan)
    run_cycle(as_of)
    assert stored_state(loan) == first
    assert AccountStateHistory.objects.filter(loan=loan).count() == 1
    assert CaseEvent.objects.filter(loan=loan).count() == 1


def test_a_day_aged_again_keeps_one_cycle_record():
    # given a day aged once
    make_loan("L-ONE-RECORD")
    as_of = dt.date(2026, 4, 15)
    first = run_cycle(as_of)
    # when it is aged again (a night run again, or resumed after a kill)
    again = run_cycle(as_of)
    # then the day has one record, finished, of the last ageing: a new one, so the work queue sees it
    assert list(CycleRun.objects.filter(as_of=as_of).values_list("pk", flat=True)) == [again.pk] != [first.pk]
    assert CycleRun.objects.get(as_of=as_of).finished_at is not None


def test_a_back_dated_payment_and_a_reversal_re_age_the_account():
    # given an account aged while unpaid
    loan = make_loan("L-LATE")
    run_cycle(dt.date(2026, 4, 20))
    assert AccountState.objects.get(loan=loan).days_past_due == 51
    # when a payment value-dated in the past arrives, and a later one is reversed
    payment = pay(loan, "P-BACK", 300_000, dt.date(2026, 3, 1))
    bounced = pay(loan, "P-BOUNCE", 500_000, dt.date(2026, 4, 18))
    pay(loan, "P-BOUNCE-R", 500_000, dt.date(2026, 4, 21), reverses=bounced)
    run_cycle(dt.date(2026, 4, 21))
    # then the next night's state is what a fresh computation of the whole ledger gives
    assert stored_state(loan) == reference_state(loan, dt.date(2026, 4, 21))
    assert AccountState.objects.get(loan=loan).paid_total == payment.amount


def test_cases_open_when_an_account_falls_overdue_and_close_when_it_cures():
    loan = make_loan("L-CURE")
    first = Instalment.objects.get(loan=loan, seq=1)
    run_cycles(dt.date(2026, 2, 27), dt.date(2026, 3, 2))
    assert CollectionCase.objects.get(loan=loan).closed_on is None
    pay(loan, "P-CURE", first.principal + first.interest + 10_000, dt.date(2026, 3, 3))
    run_cycle(dt.date(2026, 3, 3))
    case = CollectionCase.objects.get(loan=loan)
    assert case.closed_on == dt.date(2026, 3, 3)
    assert case.close_reason == "cured"
    kinds = list(CaseEvent.objects.filter(loan=loan).values_list("kind", "on_date"))
    assert kinds == [("opened", dt.date(2026, 3, 1)), ("cured", dt.date(2026, 3, 3))]
    assert AccountState.objects.get(loan=loan).status == "cured"


def test_every_engine_available_on_this_database_gives_the_same_states():
    loans = [make_loan(f"L-ENG-{i}", 300_000 + i * 10_000) for i in range(3)]
    pay(loans[0], "P-E1", 50_000, dt.date(2026, 3, 5))
    pay(loans[1], "P-E2", 900_000, dt.date(2026, 2, 28))
    engines = ["duckdb", "postgres"] if connection.vendor == "postgresql" else ["duckdb"]
    results = []
    for engine in engines:
        run_cycle(dt.date(2026, 6, 30), engine=engine)
        results.append([stored_state(loan) for loan in loans])
    assert all(result == results[0] for result in results)
    assert results[0][2] == reference_state(loans[2], dt.date(2026, 6, 30))
