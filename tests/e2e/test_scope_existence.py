"""Scope and existence: a visit is scoped like its account (a team lead who cannot open an account
does not see its visit nor the address on it), and an object outside one's scope answers exactly as
one that does not exist: 404, with the same body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests.e2e.access_world import LOAN_IDS, build_world

pytestmark = pytest.mark.django_db
MISSING = 987_654_321
WEST_ADDRESS = "世纪大道2号"  # the other team's borrower's address (access_world numbers them)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from arrears.ledger.models import ContactPoint
    from arrears.visits import services as visits
    from arrears.visits.models import Visit

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        west_loan = built.loans["other_team"]
        west = Visit.objects.create(
            loan=west_loan, screened_on=built.today - dt.timedelta(days=3), days_past_due=70, overdue_amount=3_300_000,
            address=ContactPoint.objects.get(borrower=west_loan.borrower, kind="address"), segment="visit_review",
            rule="default/v1/visit_review/visit_request",
        )
        visits.approve(west.pk, actor=built.users["admin"])
        built.visits["west_visit"] = west
        yield built
        transaction.set_rollback(True)


def test_a_team_lead_does_not_see_another_teams_visit_or_its_address(world):
    lead = world.client("team_lead")
    west = world.visits["west_visit"].pk
    assert lead.get(f"/visits/{west}/").status_code == 404
    assert lead.get(f"/api/visits/{west}").status_code == 404
    listed = lead.get("/visits/").content.decode()
    assert WEST_ADDRESS not in listed and LOAN_IDS["other_team"] not in listed
    assert west not in {row["id"] for row in lead.get("/api/visits/").json()}
    # and cannot act on it either
    assert lead.post(f"/api/visits/{west}/reject", {"note": "x"}, content_type="application/json").status_code == 404
    # while the visits of the accounts the lead may open are there
    own = world.visits["lender_visit"].pk
    assert lead.get(f"/visits/{own}/").status_code == 200
    assert own in {row["id"] for row in lead.get("/api/visits/").json()}


def test_the_administrator_and_compliance_still_see_every_visit(world):
    west = world.visits["west_visit"].pk
    for who in ("admin", "compliance_officer"):
        client = world.client(who)
        assert client.get(f"/visits/{west}/").status_code == 200
        assert WEST_ADDRESS in client.get(f"/visits/{west}/").content.decode()


@pytest.mark.parametrize("who", ["team_lead", "collector", "agency_manager", "field_collector"])
def test_an_account_outside_ones_scope_answers_as_a_missing_one(world, who):
    client = world.client(who)
    west = world.loans["other_team"].pk
    hidden, missing = client.get(f"/api/workbench/accounts/{west}"), client.get(f"/api/workbench/accounts/{MISSING}")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404 and "zh" in hidden.json()["error"]
    assert client.get(f"/accounts/{LOAN_IDS['other_team']}/").status_code == client.get("/accounts/NO-SUCH-LOAN/").status_code == 404


@pytest.mark.parametrize("who", ["team_lead", "agency_manager"])
def test_a_visit_outside_ones_scope_answers_as_a_missing_one(world, who):
    client = world.client(who)
    west = world.visits["west_visit"].pk
    hidden, missing = client.get(f"/api/visits/{west}"), client.get(f"/api/visits/{MISSING}")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) and hidden.status_code == 404
    assert client.get(f"/visits/{west}/").status_code == client.get(f"/visits/{MISSING}/").status_code == 404
