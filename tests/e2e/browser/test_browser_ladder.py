"""A team lead reads what the ladder did to an account, in a real Chromium: the agency that holds it
(the placements page and the account page), the home visit made (the visits list and the visit's
page), the number the borrower opted out of SMS by replying TD, and the dispute hold a compliance
officer released, with who and why.

The world is the page tests' book (tests/e2e/conftest.py: L-1001, 45 days past due) and the
simulator's organisation (arrears.simulate.organisation: a team and its lead, a collector, a
compliance officer, two field collectors, two agencies under contract). People act through the
product's services: the visit is approved, booked, its notice sent by the outbox worker to a local
SMSC, the code checked by the borrower and the visit checked in and out; the borrower's TD comes
back through the SMSC; the collector's call records a dispute, which places the hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from arrears import clock
from arrears.ledger.models import Borrower, ContactPoint
from tests.e2e.browser.conftest import PASSWORD, log_in
from tests.outbox_peers import daytime_zone, wait_until

pytestmark = pytest.mark.usefixtures("fast_passwords")
LOAN = "L-1001"
RELEASE_REASON = "已核实：借款合同与还款记录无误 / reviewed: the contract and payment record confirm the debt"


@dataclass(frozen=True)
class World:
    organisation: object
    placement: object
    visit: object
    mobile: ContactPoint
    hold: object


def _placed(loan, agency_people, day: dt.date):
    """The night's placement of the case with the agency, its notice letter sent (what `place` and the
    outbox leave behind; the nightly bulk writes stay out of a browser test, see docs/testing.md)."""
    from arrears.agencies.models import Agency, Contract, Placement
    from arrears.contact.models import ContactAttempt

    agency = Agency.objects.get(pk=agency_people.agency_id)
    contract = Contract.objects.get(agency=agency)
    notice = ContactAttempt.objects.create(
        idempotency_key=f"placement:{loan.pk}:{agency.pk}", loan=loan, channel="letter", template="placement_notice",
        state="sent", sent_at=clock.at_local(day, dt.time(10)), as_of=day - dt.timedelta(days=1),
    )
    return Placement.objects.create(
        loan=loan, agency=agency, contract=contract, placed_on=day - dt.timedelta(days=1),
        expires_on=day - dt.timedelta(days=1) + dt.timedelta(days=contract.placement_days), state="active",
        bucket="M2", overdue_at_placement=200_000, balance_at_placement=1_000_000, notice=notice, activated_on=day,
    )


def _screened(loan, address):
    """The night's screening: the visit_review segment asked for a visit of the account."""
    from arrears.visits.models import Visit

    return Visit.objects.create(loan=loan, screened_on=clock.today() - dt.timedelta(days=3), days_past_due=45,
                                overdue_amount=200_000, address=address, segment="visit_review",
                                rule="default/v1/visit_review/visit_request")


@pytest.fixture
def world(book, transactional_db) -> World:
    from arrears.cases.holds import release_hold
    from arrears.cases.models import AccountHold, CollectionCase
    from arrears.messaging.defaults import load_defaults
    from arrears.outbox.local import start_local_peers
    from arrears.outbox.worker import Worker
    from arrears.simulate.organisation import assign_open_cases_to_team, ensure_organisation
    from arrears.visits import services
    from arrears.workbench.recording import ContactEntry, record_contact

    now = timezone.now().replace(microsecond=0)
    zone = daytime_zone()  # the borrower's zone is where it is daytime now: visits and calls are allowed
    loan = book.loans[LOAN]
    Borrower.objects.filter(pk=loan.borrower_id).update(time_zone=zone)
    organisation = ensure_organisation(collectors=1, password=PASSWORD, since=dt.date(2026, 1, 1))
    load_defaults()
    assign_open_cases_to_team()
    mobile = ContactPoint.objects.get(borrower_id=loan.borrower_id, owner="borrower", kind="mobile")
    address = ContactPoint.objects.create(borrower_id=loan.borrower_id, kind="address", value="北京市朝阳区建国路 88 号",
                                          verified=True)
    placement = _placed(loan, organisation.agencies[0], now.date() - dt.timedelta(days=20))
    # the lead approves the screened visit and books it two days ahead of a window around this moment
    visit = _screened(loan, address)
    services.approve(visit.pk, actor=organisation.lead, note="地址已核实 / verified address")
    local_now = now.astimezone(ZoneInfo(zone))
    booked_at = now - dt.timedelta(days=2)
    booking = services.Booking(day=local_now.date(), starts=(local_now - dt.timedelta(minutes=20)).time().replace(second=0),
                               ends=(local_now + dt.timedelta(hours=1)).time().replace(second=0),
                               user_ids=tuple(u.pk for u in organisation.field_collectors))
    services.schedule(visit.pk, actor=organisation.lead, booking=booking, now=booked_at)
    with start_local_peers() as peers:
        worker = Worker(peers.config, owner="browser-ladder")
        try:
            # the outbox sends the visit's notice soon after the booking
            with clock.set_to(booked_at + dt.timedelta(minutes=5)):
                assert worker.drain().sent == 1
            notice = peers.take_new()[0]
            # a day later the borrower replies TD to it: the number is opted out of SMS
            with clock.set_to(booked_at + dt.timedelta(days=1)):
                peers.smsc.reply(notice.to, "TD")
                assert wait_until(lambda: worker.drain(listen_seconds=0.5).opt_outs == 1, timeout=10)
        finally:
            worker.close()
    # at the door: the code, the borrower checking it, check-in, the talk, check-out
    collector = organisation.field_collectors[0]
    code = services.issue_code(visit.pk, actor=collector, now=now - dt.timedelta(minutes=10))
    services.verify(code, client="borrower-phone", now=now - dt.timedelta(minutes=9))
    services.check_in(visit.pk, actor=collector, now=now - dt.timedelta(minutes=8))
    services.check_out(visit.pk, actor=collector, now=now - dt.timedelta(minutes=1), report=services.Report(
        identification_shown=True, purpose_stated=True, no_disclosure=True, outcome="right_party_contact",
        notes="上门面谈 / met at home"))
    # the collector's call: the borrower disputes the debt, which holds collection; compliance releases it
    case = CollectionCase.objects.get(loan=loan, closed_on__isnull=True)
    record_contact(organisation.collectors[0], ContactEntry(
        case_id=case.pk, version=case.version, channel="call", party="debtor", outcome="dispute",
        contact_point_id=mobile.pk), now=now)
    hold = AccountHold.objects.get(loan=loan, kind="dispute_open")
    release_hold(hold.pk, by=organisation.compliance, reason=RELEASE_REASON)
    visit.refresh_from_db()
    hold.refresh_from_db()
    return World(organisation, placement, visit, mobile, hold)


def _opted_out_on(point) -> dt.date:
    from arrears.contact.models import ChannelOptOut

    (opt_out,) = ChannelOptOut.objects.filter(contact_point=point)
    assert (opt_out.channel, opt_out.source) == ("sms", "sms_reply")
    return timezone.localtime(opt_out.at).date()


def test_a_team_lead_sees_the_agency_the_visit_the_opt_out_and_the_released_hold(world, new_page):
    lead_name = world.organisation.lead.get_username()
    agency_name = world.placement.agency.name
    page = new_page()
    # given the team lead signed in
    log_in(page, lead_name, next_path="/agencies/placements/")
    # then the placements page lists the account with its agency, its state in words
    row = page.locator(f"#placements tr[data-placement='{world.placement.pk}']")
    assert LOAN in row.inner_text() and agency_name in row.inner_text()
    assert row.locator("td").nth(3).inner_text() == "委案中"
    # and the visits list shows the visit completed; its page the outcome and the code checked
    page.goto("/visits/")
    assert "已完成" in page.locator(f"[data-visit='{world.visit.pk}']").inner_text()
    page.goto(f"/visits/{world.visit.pk}/")
    assert page.locator("#visit-state").inner_text() == "已完成"
    assert LOAN in page.locator("h1").inner_text()
    # and the account page shows the agency that holds the account
    page.goto(f"/accounts/{LOAN}/")
    placement_row = page.locator(f"#placement-table tr[data-placement='{world.placement.pk}']")
    assert agency_name in placement_row.inner_text() and "委案中" in placement_row.inner_text()
    # and the mobile opted out of SMS, with the day
    opted = page.locator(f"#contact-table tr[data-contact-point='{world.mobile.pk}'] td.opt-outs")
    assert opted.inner_text() == f"{_opted_out_on(world.mobile):%Y-%m-%d} 起退订短信"
    # and the dispute hold, released: by whom and why
    hold_row = page.locator(f"#hold-table tr[data-hold='{world.hold.pk}']")
    assert hold_row.get_attribute("data-state") != "in_force"
    release = hold_row.locator(".release")
    assert release.get_attribute("data-released-by") == world.organisation.compliance.get_username()
    assert RELEASE_REASON in release.inner_text()


def test_the_account_page_says_the_same_in_english(world, new_page):
    page = new_page("en-US")
    log_in(page, world.organisation.lead.get_username(), next_path=f"/accounts/{LOAN}/")
    assert page.locator("#placements-title").inner_text() == "Agency placements"
    placement_row = page.locator(f"#placement-table tr[data-placement='{world.placement.pk}']")
    assert world.placement.agency.name_en in placement_row.inner_text() and "active" in placement_row.inner_text()
    opted = page.locator(f"#contact-table tr[data-contact-point='{world.mobile.pk}'] td.opt-outs").inner_text()
    assert opted == f"SMS opted out on {_opted_out_on(world.mobile):%Y-%m-%d}"
