"""A lender recalls a placed case and the agency loses access at once, in a real Chromium
(issue 6, browser flow 3): the agency collector's open page of that case answers 404 on its next
request, and the case leaves the agency's list."""

from __future__ import annotations

import pytest

from arrears.access.roles import Role
from arrears.agencies.models import Placement
from tests.e2e.browser.conftest import log_in, make_user, path_of
from tests.e2e.test_agencies_portal import agency, agency_user, placed_loan

pytestmark = pytest.mark.usefixtures("fast_passwords")
AGENCY_PASSWORD = "a-long-password-1"  # the portal tests' agency users' password


@pytest.fixture
def placed(transactional_db, django_user_model) -> Placement:
    """Agency 甲催收 holds one active case, L-A1, of the team "lead1" leads; its collector "a-collector" works it."""
    from arrears.access.models import Team
    from arrears.cases.models import CollectionCase

    full = agency("甲催收", "91310000MA1FL000A1",
                  ["borrower_name", "loan_reference", "days_past_due", "overdue_amount", "mobile"])
    agency_user(django_user_model, full, "a-collector")
    lead = make_user("lead1", Role.TEAM_LEAD)
    placement = placed_loan("L-A1", full)
    CollectionCase.objects.create(loan=placement.loan, opened_on=placement.placed_on,
                                  team=Team.objects.create(name="East", lead=lead))
    return placement


def test_a_recall_by_the_lender_ends_the_agencys_access_at_once(placed, new_page):
    case_page = f"/agencies/portal/cases/{placed.pk}/"
    agent, lender = new_page(), new_page()
    # given the agency collector on the case's page in the portal
    log_in(agent, "a-collector", AGENCY_PASSWORD, next_path="/agencies/portal/")
    assert agent.locator(f"#agency-cases tr[data-placement='{placed.pk}']").count() == 1
    agent.goto(case_page)
    assert agent.locator("#case-fields").is_visible()
    assert "L-A1" in agent.locator("#case-fields").inner_text()
    # when the lender's team lead recalls the case from the placements page, giving a reason
    log_in(lender, "lead1", next_path="/agencies/placements/")
    row = lender.locator(f"#placements tr[data-placement='{placed.pk}']")
    row.locator("input[name=reason]").fill("借款人投诉，收回复核")
    with lender.expect_navigation():
        row.locator("form.recall-form button[type=submit]").click()
    # then the placement is recalled, and the row no longer offers a recall
    assert path_of(lender).startswith("/agencies/placements/")
    placed.refresh_from_db()
    assert placed.state == "recalled"
    assert lender.locator(f"#placements tr[data-placement='{placed.pk}'] form.recall-form").count() == 0
    # and the agency collector's next request for the case is refused, its fields gone
    response = agent.goto(case_page)
    assert response.status == 404
    assert agent.locator("#case-fields").count() == 0
    # and the case has left the agency's list
    agent.goto("/agencies/portal/")
    assert agent.locator(f"#agency-cases tr[data-placement='{placed.pk}']").count() == 0
