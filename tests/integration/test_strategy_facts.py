"""The facts the plan reads from promises to pay and repayment plans, on a real database: a
pending promise or a plan in force holds escalation, a broken promise lets it resume."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from arrears.bulk import BulkConnection
from arrears.cli import main
from tests.nights import age
from arrears.ledger.models import ContactPoint
from arrears.plans.services import propose
from arrears.promises.models import Promise
from arrears.strategy.facts_source import read_facts
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
FIRST_DUE = dt.date(2026, 2, 28)  # the first instalment of every loan made by make_loan


def day_past_due(dpd: int) -> dt.date:
    return FIRST_DUE + dt.timedelta(days=dpd)


def overdue_account(external_id: str):
    loan = make_loan(external_id)
    ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"1380000{loan.pk:04d}", verified=True)
    return loan


def person(name: str, *roles: str) -> User:
    user = User.objects.create_user(name, password="x")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def aged_and_planned(day: dt.date) -> None:
    age(day)
    run_plan(day)


def planned(loan, day: dt.date) -> list[PlannedAction]:
    return list(PlannedAction.objects.filter(loan=loan, as_of=day).order_by("channel"))


def facts_of(loan, day: dt.date) -> dict:
    with BulkConnection.for_django() as db:
        rows = read_facts(db, day, loan_id=loan.pk).to_pylist()
    return rows[0]


def test_a_pending_promise_holds_escalation_and_a_broken_one_lets_it_resume(capsys):
    # given two accounts 13 days past due; the borrower of one promised on day 10 to pay by day 14
    plain = overdue_account("L-NO-PROMISE")
    promised = overdue_account("L-PROMISED")
    collector = person("promise-taker")
    Promise.objects.create(
        loan=promised, amount=50_000, promised_on=day_past_due(10), due_date=day_past_due(14), made_by=collector
    )
    # when day 13 is aged and planned
    aged_and_planned(day_past_due(13))
    # then the account without a promise is called in-house, the promised one only gets a reminder
    assert {a.segment for a in planned(plain, day_past_due(13))} == {"internal_collection"}
    assert [(a.segment, a.channel) for a in planned(promised, day_past_due(13))] == [("promise_watch", "sms")]
    # when nothing is paid by day 14 (the cycle judges the promise broken) and day 16 is planned
    age(day_past_due(14))
    aged_and_planned(day_past_due(16))
    # then the promise no longer holds the account: it is back in in-house collection, with calls
    assert Promise.objects.get(loan=promised).state == "broken"
    again = planned(promised, day_past_due(16))
    assert {a.segment for a in again} == {"internal_collection"} and "call" in {a.channel for a in again}
    facts = facts_of(promised, day_past_due(16))
    assert facts["promise_pending"] is False and facts["broken_promises"] == 1
    # and day 13 is still explained as it stood: under the promise, none broken yet
    assert main(["explain", "L-PROMISED", "--as-of", day_past_due(13).isoformat(), "--lang", "en"]) == 0
    assert "Promise watch" in capsys.readouterr().out


def test_an_account_on_a_repayment_plan_gets_the_plans_reminders_instead_of_collection():
    # given two accounts 15 days past due; for one a collector agreed today an instalment plan
    # starting in five days
    plain = overdue_account("L-NO-PLAN")
    on_plan = overdue_account("L-ON-PLAN")
    today = day_past_due(15)
    plan = propose(person("planner", "collector"), on_plan, "instalments", today + dt.timedelta(days=5),
                   instalments=6, today=today)
    plan.refresh_from_db()
    assert plan.status == "active"
    # when the day is aged and planned
    aged_and_planned(today)
    # then the account on the plan is reminded of it; the other one is collected in-house
    assert [(a.segment, a.channel) for a in planned(on_plan, today)] == [
        ("plan_active", "app_push"), ("plan_active", "sms")
    ]
    assert {a.segment for a in planned(plain, today)} == {"internal_collection"}
    # and the day before the plan was agreed, the account was not on it
    assert facts_of(on_plan, today)["plan_active"] is True
    with BulkConnection.for_django() as db:
        earlier = read_facts(db, today - dt.timedelta(days=1), loan_id=on_plan.pk).to_pylist()[0]
    assert earlier["plan_active"] is False


def test_score_stays_null_and_an_account_without_promises_or_plans_reads_false():
    # given an account one day past due with no promise and no plan
    loan = overdue_account("L-BARE")
    age(day_past_due(1))
    # when its facts are read
    facts = facts_of(loan, day_past_due(1))
    # then the flags are false, the count zero, and the score null (no score source exists)
    assert facts["promise_pending"] is False and facts["plan_active"] is False
    assert facts["broken_promises"] == 0 and facts["score"] is None
