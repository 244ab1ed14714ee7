"""Repayment plans on a real database: approval by role, the cycle ageing against the plan, reversion."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from arrears.cases.models import CaseEvent
from arrears.cycle.models import AccountState
from tests.nights import age
from arrears.cycle.statement import account_statement, loan_book
from arrears.ledger.models import Borrower, Instalment, Loan, Payment, Product
from arrears.ledger.records import PaymentEntry, RepaymentMethod
from arrears.ledger.reference import age_loan
from arrears.ledger.schedule import build_schedule
from arrears.plans.models import Plan, PlanEvent
from arrears.plans.services import PlanRefused, approve, propose, reject

pytestmark = pytest.mark.django_db(transaction=True)
START = dt.date(2026, 1, 31)
PLAN_DAY = dt.date(2026, 4, 10)  # the first two instalments (28 Feb, 31 Mar) are unpaid by then
STATE_FIELDS = (
    "days_past_due", "overdue_principal", "overdue_interest", "fee_outstanding", "penalty_outstanding",
    "principal_outstanding", "balance", "credit", "penalty_charged", "fee_charged", "charges_withheld", "paid_total",
)


def engines():
    return ["duckdb", "postgres"] if connection.vendor == "postgresql" else ["duckdb"]


def person(name: str, *roles: str) -> User:
    user = User.objects.create_user(name, password="x")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_loan(external_id: str, principal: int = 1_200_000) -> Loan:
    product, _ = Product.objects.get_or_create(
        code="CASH",
        defaults=dict(
            name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800,
            penalty_rate_bp=2700, late_fee=5000, grace_days=3, plan_break_days=30,
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


def stored(loan: Loan) -> dict:
    row = AccountState.objects.get(loan=loan)
    return {name: getattr(row, name) for name in STATE_FIELDS}


def reference(loan: Loan, as_of: dt.date) -> dict:
    aged = dataclasses.asdict(account_statement(loan.pk, as_of).state)
    return {name: aged[name] for name in STATE_FIELDS}


def as_if_no_plan(loan: Loan, as_of: dt.date) -> dict:
    """The loan aged on its own schedule with every payment except waivers: the reverted view."""
    payments = [
        PaymentEntry(p.pk, loan.pk, p.amount, p.value_date, p.reverses_id)
        for p in Payment.objects.filter(loan=loan).exclude(channel="waiver")
    ]
    aged = dataclasses.asdict(age_loan(loan_book(loan), payments, as_of)[0])
    return {name: aged[name] for name in STATE_FIELDS}


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres_only)])
def test_the_cycle_ages_against_an_instalment_plan_and_history_before_it_stays(engine):
    assert engine in engines()
    # given a loan two instalments behind, aged the night before the plan
    loan = make_loan("L-PLAN")
    collector = person("c1", "collector")
    day_before = PLAN_DAY - dt.timedelta(days=1)
    age(day_before, engine=engine)
    before = stored(loan)
    assert before["days_past_due"] == 40
    # when a collector proposes 6 instalments from the plan day (within a collector's limit)
    plan = propose(collector, loan, "instalments", PLAN_DAY, instalments=6, reason="job loss", today=PLAN_DAY)
    # then it is approved and in force at once, every step recorded with who took it
    plan.refresh_from_db()
    assert plan.status == "active"
    assert list(plan.events.values_list("kind", "actor__username")) == [
        ("proposed", "c1"), ("approved", "c1"), ("activated", "c1")
    ]
    rows = list(Instalment.objects.filter(reschedule=plan.reschedule).order_by("seq"))
    assert [k.seq for k in rows] == list(range(13, 19)) and rows[0].due_date == PLAN_DAY  # the first on the plan date
    opening = plan.preview["opening"]
    assert sum(k.principal + k.interest for k in rows) == opening["total"]
    # and ageing the day before the plan gives exactly what it gave before
    age(day_before, engine=engine)
    assert stored(loan) == before
    # when the cycle runs on the plan day
    age(PLAN_DAY, engine=engine)
    # then the account is aged against the plan: the first instalment due today, nothing past due,
    # the case cured, the debt the same
    state = stored(loan)
    assert state["days_past_due"] == 0
    assert state["principal_outstanding"] == opening["principal"] == before["principal_outstanding"]
    assert state == reference(loan, PLAN_DAY)
    assert CaseEvent.objects.filter(loan=loan, kind="cured", on_date=PLAN_DAY).exists()
    # when the first plan instalment is paid and the second is missed
    Payment.objects.create(
        reference="P-PLAN-1", loan=loan, amount=rows[0].principal + rows[0].interest, value_date=rows[0].due_date,
        channel="app",
    )
    age(dt.date(2026, 5, 12), engine=engine)
    assert stored(loan)["days_past_due"] == 2  # counted from the plan's own due date, 10 May
    assert stored(loan) == reference(loan, dt.date(2026, 5, 12))
    # then more than plan_break_days (30) late, the plan breaks and reverts from the next day
    age(dt.date(2026, 6, 9), engine=engine)
    plan.refresh_from_db()
    assert plan.status == "active"  # 30 days late: not yet
    broken_on = dt.date(2026, 6, 10)
    age(broken_on, engine=engine)
    plan.refresh_from_db()
    assert plan.status == "reverted" and plan.broken_on == broken_on
    assert plan.reschedule.reverted_from == broken_on + dt.timedelta(days=1)
    assert list(plan.events.filter(kind__in=["broken", "reverted"]).values_list("kind", "actor")) == [
        ("broken", None), ("reverted", None)
    ]
    age(broken_on + dt.timedelta(days=1), engine=engine)
    # and the loan is aged on its own schedule again, the payment made under the plan counted
    reverted = stored(loan)
    assert reverted == as_if_no_plan(loan, broken_on + dt.timedelta(days=1))
    # (the payment made under the plan paid February's instalment: March's is the oldest unpaid)
    assert reverted["days_past_due"] == (broken_on + dt.timedelta(days=1) - dt.date(2026, 3, 31)).days
    assert reverted == reference(loan, broken_on + dt.timedelta(days=1))


def test_a_plan_kept_to_the_end_is_marked_kept():
    # given a 1-instalment plan (a deferral of everything by one month would do the same)
    loan = make_loan("L-KEEP", principal=100_000)
    collector = person("c2", "collector")
    plan = propose(collector, loan, "instalments", PLAN_DAY, instalments=1, today=PLAN_DAY)
    row = Instalment.objects.get(reschedule__plan=plan)
    # when it is paid in full on its due date and the cycle runs
    Payment.objects.create(
        reference="P-KEEP", loan=loan, amount=row.principal + row.interest, value_date=row.due_date, channel="app"
    )
    age(row.due_date)
    # then the account is closed and the plan kept
    plan.refresh_from_db()
    assert AccountState.objects.get(loan=loan).status == "closed"
    assert plan.status == "kept"
    assert plan.events.filter(kind="kept", actor=None, business_date=row.due_date).exists()


def test_a_waiver_over_a_collectors_limit_waits_for_a_team_lead():
    loan = make_loan("L-WAIVE")
    collector, other, lead = person("c3", "collector"), person("c4", "collector"), person("t1", "team_lead")
    age(PLAN_DAY - dt.timedelta(days=1))
    penalty_before = AccountState.objects.get(loan=loan).penalty_outstanding
    # given a collector proposing to waive 300 yuan (a collector may waive 200)
    plan = propose(collector, loan, "waiver", PLAN_DAY, waiver=30_000, reason="hardship", today=PLAN_DAY)
    # then it waits, naming who may approve it, and shows what it would pay
    assert plan.status == "proposed"
    assert plan.approver_roles == ["team_lead", "admin"]
    assert plan.preview["allocation"]["principal"] == 0
    assert not Payment.objects.filter(loan=loan, channel="waiver").exists()
    # when another collector tries to approve it, then it is refused
    with pytest.raises(PlanRefused) as refused:
        approve(other, plan, today=PLAN_DAY)
    assert "team_lead" in refused.value.en and "审批额度" in refused.value.zh
    # when the team lead approves it
    approve(lead, plan, note="verified hardship", today=PLAN_DAY)
    plan.refresh_from_db()
    # then a non-cash credit is booked on the plan date and the cycle allocates it penalty first
    assert plan.status == "active" and plan.decided_by == lead
    assert plan.waiver_payment.channel == "waiver" and plan.waiver_payment.value_date == PLAN_DAY
    age(PLAN_DAY)
    state = AccountState.objects.get(loan=loan)
    assert state.fee_outstanding == 0 and state.penalty_outstanding < penalty_before  # only the plan day's own penalty
    assert stored(loan) == reference(loan, PLAN_DAY)
    # and deciding it again is refused
    with pytest.raises(PlanRefused):
        reject(lead, plan)


def test_a_broken_plan_withdraws_the_waivers_granted_under_it():
    # given a waiver, and a deferral from the next day
    loan = make_loan("L-BREAK-WAIVE")
    lead = person("t2", "team_lead")
    waiver = propose(lead, loan, "waiver", PLAN_DAY, waiver=10_000, today=PLAN_DAY)
    deferral = propose(lead, loan, "deferral", PLAN_DAY + dt.timedelta(days=1), deferral_months=1, today=PLAN_DAY)
    assert deferral.status == waiver.status == "active"
    first_due = Instalment.objects.filter(reschedule__plan=deferral).order_by("seq").first().due_date
    # when the deferred instalment goes unpaid more than 30 days
    broken_on = first_due + dt.timedelta(days=31)
    age(broken_on)
    # then the deferral reverts and the waiver is reversed from the next day
    deferral.refresh_from_db()
    waiver.refresh_from_db()
    assert deferral.status == waiver.status == "reverted"
    reversal = Payment.objects.get(reverses=waiver.waiver_payment)
    assert reversal.value_date == broken_on + dt.timedelta(days=1)
    age(broken_on + dt.timedelta(days=1))
    assert stored(loan) == as_if_no_plan(loan, broken_on + dt.timedelta(days=1))


def test_a_waiver_under_a_deferral_finds_nothing_due_and_is_refused():
    # given a deferral in force: nothing falls due on its first day
    loan = make_loan("L-NOTHING-DUE")
    lead = person("t3", "team_lead")
    propose(lead, loan, "deferral", PLAN_DAY, deferral_months=1, today=PLAN_DAY)
    # when a waiver is proposed for that day, then it is refused: a waiver pays only what is due
    with pytest.raises(Exception) as refused:
        propose(lead, loan, "waiver", PLAN_DAY, waiver=10_000, today=PLAN_DAY)
    assert "exceeds" in refused.value.en


def test_proposals_that_cannot_be_made_are_refused_in_both_languages():
    loan = make_loan("L-REFUSE")
    collector, officer = person("c5", "collector"), person("o1", "compliance_officer")
    cases = [
        (officer, dict(kind="instalments", start_date=PLAN_DAY, instalments=3)),
        (collector, dict(kind="instalments", start_date=PLAN_DAY - dt.timedelta(days=1), instalments=3)),
        (collector, dict(kind="instalments", start_date=PLAN_DAY, instalments=0)),
        (collector, dict(kind="deferral", start_date=PLAN_DAY, deferral_months=99)),
        (collector, dict(kind="waiver", start_date=PLAN_DAY, waiver=99_000_000)),
        (collector, dict(kind="holiday", start_date=PLAN_DAY)),
    ]
    for user, arguments in cases:
        kind = arguments.pop("kind")
        start_date = arguments.pop("start_date")
        with pytest.raises(Exception) as refused:
            propose(user, loan, kind, start_date, today=PLAN_DAY, **arguments)
        assert refused.value.zh and refused.value.en
    assert not Plan.objects.filter(loan=loan).exists()
    assert not PlanEvent.objects.exists()
