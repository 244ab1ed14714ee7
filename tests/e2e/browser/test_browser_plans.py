"""A repayment plan beyond the collector's limit, proposed with its preview and approved by the
team lead, in a real Chromium (issue 5, browser flow 4).

Limits are those of src/arrears/plans/limits.yaml: a collector may grant up to 6 instalments,
a team lead up to 12.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arrears.access.models import Team
from arrears.cases.models import CollectionCase
from arrears.ledger.models import Borrower, Instalment, Loan, Product
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule
from arrears.plans.models import Plan
from tests.e2e.browser.conftest import log_in, make_user, path_of

pytestmark = pytest.mark.usefixtures("fast_passwords")
INSTALMENTS_BEYOND_A_COLLECTOR = 10


@pytest.fixture
def overdue_loan(transactional_db) -> Loan:
    """A 12-month loan with its first two instalments fallen due and unpaid, worked by team East."""
    product = Product.objects.create(
        code="CASH", name_zh="现金贷", name_en="Cash", repayment_method="annuity", annual_rate_bp=1800,
        penalty_rate_bp=2700, late_fee=5000, grace_days=3,
    )
    borrower = Borrower.objects.create(
        external_id="B-PLAN", name="李四", national_id_cipher="c", national_id_digest="d",
        national_id_masked="1101********0000",
    )
    start = timezone.localdate() - dt.timedelta(days=75)
    loan = Loan.objects.create(
        external_id="L-PLAN-1", borrower=borrower, product=product, principal=1_200_000, term_months=12,
        start_date=start,
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, seq=k.seq, due_date=k.due_date, principal=k.principal, interest=k.interest)
        for k in build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, start)
    )
    collector = make_user("col1", "collector")
    team = Team.objects.create(name="East", lead=make_user("lead1", "team_lead"))
    team.members.add(collector)
    CollectionCase.objects.create(loan=loan, opened_on=start + dt.timedelta(days=35), team=team, assignee=collector)
    return loan


def test_a_plan_over_the_collectors_limit_is_previewed_proposed_and_approved_by_the_team_lead(overdue_loan, new_page):
    plans_page = f"/plans/loan/{overdue_loan.pk}/"
    collector, lead = new_page(), new_page()
    # given the collector on the loan's plans
    log_in(collector, "col1", next_path=plans_page)
    assert path_of(collector) == plans_page
    # when they ask for a preview of 10 monthly instalments starting today
    proposal = collector.locator("#plans form[action$='/plans/loan/%d/']" % overdue_loan.pk)
    proposal.locator("select[name=kind]").select_option("instalments")
    proposal.locator("input[name=start_date]").fill(timezone.localdate().isoformat())
    proposal.locator("input[name=instalments]").fill(str(INSTALMENTS_BEYOND_A_COLLECTOR))
    proposal.locator("textarea[name=reason]").fill("住院治疗，收入中断")
    with collector.expect_navigation():
        proposal.locator("button[value=preview]").click()
    # then the new schedule is shown, one row per instalment, and nothing is stored yet
    schedule = collector.locator("#plans table[aria-label] tbody tr")
    assert schedule.count() == INSTALMENTS_BEYOND_A_COLLECTOR
    assert not Plan.objects.exists()
    # when they propose it
    proposal = collector.locator("#plans form[action$='/plans/loan/%d/']" % overdue_loan.pk)
    with collector.expect_navigation():
        proposal.locator("button[value=propose]").click()
    # then it waits for approval: the collector has no approve button for it
    plan = Plan.objects.get(loan=overdue_loan)
    assert plan.status == Plan.Status.PROPOSED
    assert plan.proposed_by.username == "col1"
    assert collector.locator(f"form[action$='/plans/{plan.pk}/approve/']").count() == 0
    # when the team lead, at their own computer, opens the loan's plans and approves it
    log_in(lead, "lead1", next_path=plans_page)
    approve = lead.locator(f"form[action$='/plans/{plan.pk}/approve/']")
    approve.locator("input[name=note]").fill("诊断书已核实")
    with lead.expect_navigation():
        approve.locator("button[type=submit]").click()
    # then the plan is in force, decided by the team lead, and the page no longer offers a decision
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    assert plan.decided_by.username == "lead1"
    assert lead.locator(f"form[action$='/plans/{plan.pk}/approve/']").count() == 0
    assert "lead1" in lead.locator("#plans tbody tr").first.inner_text()
