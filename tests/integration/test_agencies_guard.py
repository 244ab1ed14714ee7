"""The guard's agency rules fed from contracts and the registry: set-based for the plan, one contact
at a time for what an agency records."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from arrears.agencies.authority import authority_table, judge_agency_contact
from arrears.agencies.models import Agency, Placement
from arrears.bulk import BulkConnection
from arrears.contact.models import ContactAttempt
from arrears.ledger.models import ContactPoint
from tests.integration.test_agencies_placement import a_contract, an_agency
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
ZONE = ZoneInfo("Asia/Shanghai")


def test_the_plans_agency_table_has_one_row_per_authorised_channel_with_the_contract_period():
    # given a whitelisted agency allowed calls and SMS, and a suspended one allowed visits
    calls = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(calls, "C-1", channels=["call", "sms"])
    visits = an_agency("丙催收", "91310000MA1FL00003", status="suspended")
    a_contract(visits, "C-3", channels=["visit"], visits_allowed=True)
    # when the guard's table is read through the plan's bulk connection
    with BulkConnection.for_django() as db:
        table = authority_table(db)
    rows = sorted(table.to_pylist(), key=lambda r: (int(r["agency_id"]), r["channel"]))  # ids are text: 10 after 9
    # then each channel is a row; the period runs from midnight in the lender's zone to the day after the end
    start = dt.datetime(2026, 1, 1, tzinfo=ZONE).astimezone(dt.UTC)
    end = dt.datetime(2027, 1, 1, tzinfo=ZONE).astimezone(dt.UTC)
    assert [(r["agency_id"], r["channel"], r["whitelisted"]) for r in rows] == [
        (str(calls.pk), "call", True), (str(calls.pk), "sms", True), (str(visits.pk), "visit", False)
    ]
    assert all(r["valid_from_utc"] == start and r["valid_until_utc"] == end for r in rows)


def placed(agency: Agency, *, notice_sent: bool) -> Placement:
    loan = make_loan(f"L-{agency.pk}-{notice_sent}")
    ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"1370000{loan.pk:04d}", verified=True)
    notice = ContactAttempt.objects.create(
        idempotency_key=f"n-{loan.pk}", loan=loan, channel="sms", template="outsourcing_notice",
        state="sent" if notice_sent else "planned", sent_at=timezone.now() - dt.timedelta(days=2) if notice_sent else None,
    )
    return Placement.objects.create(
        loan=loan, agency=agency, contract=agency.contracts.get(), placed_on=dt.date(2026, 4, 1),
        expires_on=dt.date(2026, 5, 1), state="active", bucket="M2", overdue_at_placement=1, balance_at_placement=1,
        notice=notice, activated_on=dt.date(2026, 4, 1),
    )


def test_an_agency_contact_is_judged_by_whitelist_contract_and_notice():
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1", channels=["call"])
    told = placed(agency, notice_sent=True)
    untold = placed(agency, notice_sent=False)
    now = timezone.now()
    at = dt.datetime.combine(timezone.localdate(now), dt.time(10), tzinfo=ZONE).astimezone(dt.UTC)
    if at > now:
        at -= dt.timedelta(days=1)
    mobile = ContactPoint.objects.get(borrower=told.loan.borrower).pk

    def rules(placement, channel="call"):
        point = ContactPoint.objects.get(borrower=placement.loan.borrower).pk
        decision = judge_agency_contact(placement, channel=channel, contact_point_id=point, at=at)
        return {v.rule_id for v in decision.violations}

    # a call at 10:00 by a whitelisted agency under contract, after the borrower was told: allowed
    assert rules(told) == set() and mobile
    # a call at 10:00 on a day before the notice went out is outsourced without telling the borrower
    assert "cn.outsourcing_notice" in {v.rule_id for v in judge_agency_contact(
        told, channel="call", contact_point_id=mobile, at=at - dt.timedelta(days=3)).violations}
    # an SMS the contract does not authorise
    assert "cn.agency_authority" in rules(told, "sms")
    # before the borrower was told
    assert "cn.outsourcing_notice" in rules(untold)
    # once the agency is suspended
    Agency.objects.filter(pk=agency.pk).update(status="suspended")
    assert "cn.agency_whitelist" in rules(told)
