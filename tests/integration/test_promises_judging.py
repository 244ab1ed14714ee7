"""Promises judged by the nightly cycle from the payments: kept, partly kept, broken — set-based."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.contrib.auth import get_user_model

from arrears.cases.models import CollectionCase
from arrears.ledger.models import Payment
from tests.nights import age
from arrears.promises.judging import judge_promises_now
from arrears.promises.models import Promise
from arrears.workbench.queue import BROKEN_PROMISE_PRIORITY, ensure_fresh
from tests.integration.test_cycle_service import make_loan, pay

pytestmark = pytest.mark.django_db(transaction=True)

MADE = dt.date(2026, 4, 1)
DUE = dt.date(2026, 4, 10)


@pytest.fixture
def collector():
    return get_user_model().objects.create_user(username="col", password="a-long-test-password-1")


def promise(loan, collector, amount=100_000, due=DUE, made=MADE) -> Promise:
    return Promise.objects.create(loan=loan, amount=amount, promised_on=made, due_date=due, made_by=collector)


def states() -> dict[str, tuple[str, int, dt.date | None]]:
    return {p.loan.external_id: (p.state, p.paid_amount, p.judged_on) for p in Promise.objects.select_related("loan")}


def test_each_promise_is_judged_from_the_payments_in_its_window(collector):
    # given five loans, each with a promise of ¥1,000.00 made on 04-01, due 04-10
    loans = {name: make_loan(name) for name in ("KEPT", "PART", "BROKEN", "EARLY", "LATE", "REVERSED", "WAIVED")}
    for loan in loans.values():
        promise(loan, collector)
    pay(loans["KEPT"], "k1", 60_000, dt.date(2026, 4, 3))
    pay(loans["KEPT"], "k2", 40_000, DUE)  # the last day counts
    pay(loans["PART"], "p1", 30_000, dt.date(2026, 4, 5))
    pay(loans["BROKEN"], "b0", 100_000, dt.date(2026, 3, 31))  # before the promise: not towards it
    pay(loans["EARLY"], "e1", 100_000, dt.date(2026, 4, 2))
    pay(loans["LATE"], "l1", 100_000, dt.date(2026, 4, 11))  # after the date: too late
    # a reversal as the payments feed carries it: a positive amount naming the payment it reverses
    original = pay(loans["REVERSED"], "r1", 100_000, dt.date(2026, 4, 4))
    pay(loans["REVERSED"], "r1R", 100_000, dt.date(2026, 4, 6), reverses=original)
    # a waiver is booked as a payment of the channel `waiver`, but no money came in
    Payment.objects.create(reference="w1", loan=loans["WAIVED"], amount=100_000, value_date=dt.date(2026, 4, 5),
                           channel="waiver")
    # when judged before the date: nothing is settled yet, not even a promise already paid
    judge_promises_now(dt.date(2026, 4, 5))
    assert {state for state, _paid, _on in states().values()} == {"pending"}
    # when judged on the due date
    judge_promises_now(DUE)
    # then
    assert states() == {
        "KEPT": ("kept", 100_000, DUE),
        "PART": ("partly_kept", 30_000, DUE),
        "BROKEN": ("broken", 0, DUE),
        "EARLY": ("kept", 100_000, DUE),
        "LATE": ("broken", 0, DUE),
        "REVERSED": ("broken", 0, DUE),
        "WAIVED": ("broken", 0, DUE),
    }
    # and judging again changes nothing: judged promises stay as judged
    judge_promises_now(dt.date(2026, 4, 20))
    assert states()["LATE"] == ("broken", 0, DUE)


def test_the_nightly_cycle_judges_promises_and_a_broken_one_returns_to_the_queue(collector):
    # given an overdue loan with an open case outside the in-house queue and a promise due 03-10
    loan = make_loan("L-1")
    for day in (dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 1)):
        age(day)
    case = CollectionCase.objects.get(loan=loan, closed_on__isnull=True)
    promise(loan, collector, amount=50_000, made=dt.date(2026, 3, 1), due=dt.date(2026, 3, 10))
    # when the cycle runs on the due date with nothing paid
    age(dt.date(2026, 3, 10))
    # then the promise is broken and the case is back in the queue, above every segment
    assert states()["L-1"] == ("broken", 0, dt.date(2026, 3, 10))
    assert ensure_fresh()
    case.refresh_from_db()
    assert case.in_queue and case.promise_state == "broken" and case.priority >= BROKEN_PROMISE_PRIORITY


# --- the SQL judgement against a plain model of it ------------------------------------------------



def expected_state(amount: int, payments: list[tuple[int, int]], made: int, due: int) -> tuple[str, int]:
    """The rule in plain Python: payments (day, amount) from `made` to `due` count."""
    paid = sum(value for day, value in payments if made <= day <= due)
    return ("kept" if paid >= amount else "partly_kept" if paid > 0 else "broken"), paid


_loan_numbers = itertools.count()
payment_lists = st.lists(st.tuples(st.integers(0, 20), st.integers(1, 60_000)), max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(1, 150_000), payments=payment_lists, made=st.integers(0, 10), length=st.integers(0, 10))
def test_the_judgement_agrees_with_the_plain_rule(collector, amount, payments, made, length):
    # given a fresh loan, its payments on days after 04-01 and a promise over [made, made + length]
    Promise.objects.all().delete()
    loan = make_loan(f"H-{next(_loan_numbers)}")
    day0 = dt.date(2026, 4, 1)
    for index, (day, value) in enumerate(payments):
        pay(loan, f"{loan.external_id}-{index}", value, day0 + dt.timedelta(days=day))
    due = made + length
    promise(loan, collector, amount=amount, made=day0 + dt.timedelta(days=made), due=day0 + dt.timedelta(days=due))
    # when judged on its date
    judge_promises_now(day0 + dt.timedelta(days=due))
    # then
    judged = Promise.objects.get(loan=loan)
    assert (judged.state, judged.paid_amount) == expected_state(amount, payments, made, due)
