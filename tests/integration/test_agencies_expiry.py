"""An agency's access ends the moment its placement does — the period run out, the contract ended, the
agency suspended — whether or not the nightly expiry job has run yet; and that job, when it runs,
recalls what a contract end or a suspension took away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arrears.agencies import portal
from arrears.agencies.models import (
    AgencyStaff,
    Contract,
    DataAccess,
    Placement,
    PlacementEvent,
)
from arrears.agencies.placing import end_placements
from arrears.cycle.models import AccountState
from tests.e2e.test_agencies_portal import agency, agency_user, placed_loan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SHARED = ["borrower_name", "loan_reference", "overdue_amount"]


@pytest.fixture
def collector(django_user_model):
    firm = agency("甲催收", "91310000MA1FL000A1", SHARED)
    return agency_user(django_user_model, firm, "a-collector"), firm


def test_a_period_that_ran_out_today_is_unreadable_before_the_expiry_job_runs(client, collector):
    # given a placement whose period ends today, still marked active (the expiry job has not run)
    user, firm = collector
    live = placed_loan("L-LIVE", firm)
    ran_out = placed_loan("L-OVER", firm)
    Placement.objects.filter(pk=ran_out.pk).update(expires_on=TODAY)
    staff = portal.staff_of(user)
    # when the agency's collector looks for its cases
    listed = list(portal.active_placements(staff))
    client.force_login(user)
    page = client.get("/agencies/portal/").content.decode()
    # then only the live one is there, by page and by API, and the other is not found
    assert listed == [live]
    assert "L-LIVE" in page and "L-OVER" not in page
    assert [row["placement_id"] for row in client.get("/api/agencies/cases").json()] == [live.pk]
    assert portal.placement_for(staff, ran_out.pk) is None
    assert client.get(f"/agencies/portal/cases/{ran_out.pk}/").status_code == 404
    assert client.get("/agencies/portal/export.csv").content.decode("utf-8-sig").count("L-OVER") == 0


def test_a_contract_that_ended_yesterday_stops_access_today(client, collector):
    # given the agency's contract ended yesterday, its placement still marked active
    user, firm = collector
    placement = placed_loan("L-ENDED", firm)
    Contract.objects.filter(pk=placement.contract_id).update(valid_until=TODAY - dt.timedelta(days=1))
    # when the collector opens the case
    client.force_login(user)
    # then it is not found, and the refusal is logged
    assert client.get(f"/agencies/portal/cases/{placement.pk}/").status_code == 404
    assert client.get(f"/api/agencies/cases/{placement.pk}").status_code == 404
    assert not portal.active_placements(portal.staff_of(user)).exists()
    assert DataAccess.objects.filter(user=user, action="denied").count() == 2


def test_a_suspended_agency_reads_nothing(collector):
    # given the agency's staff row, then the agency suspended
    user, firm = collector
    placed_loan("L-SUSP", firm)
    staff = AgencyStaff.objects.select_related("agency").get(user=user)
    assert portal.active_placements(staff).count() == 1
    firm.status = "suspended"
    firm.save()
    # when its placements are asked for (even by a staff object loaded before the suspension)
    # then there are none, and the portal refuses the user altogether
    assert not portal.active_placements(staff).exists()
    assert portal.staff_of(user) is None


def test_the_expiry_job_recalls_placements_whose_contract_ended_or_whose_agency_is_suspended(collector):
    # given three agencies: one whose contract ended yesterday, one suspended, one in good standing
    _, ended_firm = collector
    suspended_firm = agency("乙催收", "91310000MA1FL000B2", SHARED)
    good_firm = agency("丙催收", "91310000MA1FL000C3", SHARED)
    ended = placed_loan("L-C1", ended_firm)
    waiting = placed_loan("L-C2", ended_firm, state="awaiting_notice")
    suspended = placed_loan("L-S1", suspended_firm)
    good = placed_loan("L-G1", good_firm)
    Contract.objects.filter(agency=ended_firm).update(valid_until=TODAY - dt.timedelta(days=1))
    suspended_firm.status = "suspended"
    suspended_firm.save()
    now = timezone.now()
    # when the expiry job runs today
    outcome = end_placements(TODAY, now=now)
    # then the ended contract's and the suspended agency's open placements are recalled today, none expired
    assert outcome == {"expired": 0, "recalled": 3}
    for placement in (ended, waiting, suspended):
        placement.refresh_from_db()
        assert placement.state == "recalled" and placement.ended_on == TODAY
        assert placement.data_deletion_marked_at == now
        assert "the contract ended or the agency is no longer whitelisted" in placement.end_reason
        event = PlacementEvent.objects.get(placement=placement, kind="recalled")
        assert event.on_date == TODAY and event.by is None and "合同终止" in event.reason
    # and the agency in good standing keeps its case
    good.refresh_from_db()
    assert good.state == "active" and good.ended_on is None
    # and running the job again changes nothing
    assert end_placements(TODAY, now=now) == {"expired": 0, "recalled": 0}


def test_an_account_no_longer_overdue_is_recalled_from_its_agency_that_night(collector):
    # given two placed accounts with the same agency, one of which the night found current again
    user, firm = collector
    cured = placed_loan("L-P1", firm)
    still_overdue = placed_loan("L-P2", firm)
    AccountState.objects.filter(loan=cured.loan).update(days_past_due=0, bucket="M0", status="cured",
                                                        overdue_principal=0, overdue_interest=0)
    now = timezone.now()
    # when the night ends placements
    outcome = end_placements(TODAY, now=now)
    # then the cured account is recalled today, with the reason in both languages, and the agency reads it no more
    assert outcome == {"expired": 0, "recalled": 1}
    cured.refresh_from_db()
    assert cured.state == "recalled" and cured.ended_on == TODAY and cured.data_deletion_marked_at == now
    assert "账户已不再逾期" in cured.end_reason and "the account is no longer overdue" in cured.end_reason
    assert [p.pk for p in portal.active_placements(portal.staff_of(user))] == [still_overdue.pk]
    # and the one still overdue stays with the agency; a second run changes nothing
    still_overdue.refresh_from_db()
    assert still_overdue.state == "active"
    assert end_placements(TODAY, now=now) == {"expired": 0, "recalled": 0}
