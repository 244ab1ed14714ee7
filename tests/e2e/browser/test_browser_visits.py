"""Field visits in a real Chromium (issue 6, browser flows 1 and 2): an agency's field collector
signs in, issues the code at the door, checks in and records the visit; the borrower, signed in
nowhere, checks the code on the public page and sees who came — never the debt."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from arrears.access.roles import Role
from arrears.agencies.models import Contract
from arrears.ledger.models import Borrower
from arrears.visits import services
from arrears.visits.models import Visit
from tests.e2e.browser.conftest import log_in, make_user
from tests.integration.test_visits_workflow import agency_with_field_staff, booking, placed_with, screened_visit, sent_by_outbox
from tests.outbox_peers import daytime_zone

pytestmark = pytest.mark.usefixtures("fast_passwords")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def visit_under_way(transactional_db, django_user_model) -> tuple[Visit, list]:
    """A visit by two field collectors of 安信外访, booked around this moment in a borrower's zone
    where it is daytime, its notice sent two days ago."""
    lead = make_user("lead1", Role.TEAM_LEAD)
    agency, staff = agency_with_field_staff("安信外访", "91310000MA1FL0001X", "陈一", "林二", django_user_model=django_user_model)
    staff[0].photo.save("chen.png", ContentFile(PNG), save=True)
    visit = screened_visit("L-DOOR")
    zone_name = daytime_zone()
    Borrower.objects.filter(pk=visit.loan.borrower_id).update(time_zone=zone_name)
    placement = placed_with(agency, visit.loan)
    # a visiting agency's contract shares whom and where to visit, and the loan it is about
    Contract.objects.filter(pk=placement.contract_id).update(shared_fields=["borrower_name", "loan_reference", "address"])
    services.approve(visit.pk, actor=lead)
    local_now = timezone.now().astimezone(ZoneInfo(zone_name))
    starts = (local_now - dt.timedelta(minutes=20)).time().replace(second=0, microsecond=0)
    ends = (local_now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    booked_at = timezone.now() - dt.timedelta(days=2)
    visit = services.schedule(
        visit.pk, actor=lead, now=booked_at,
        booking=booking([], day=local_now.date(), starts=starts, ends=ends, staff_ids=(staff[0].pk, staff[1].pk)),
    )
    sent_by_outbox(visit, booked_at + dt.timedelta(minutes=5))
    return visit, staff


def test_an_agency_collector_records_a_visit_and_the_borrower_checks_the_code(visit_under_way, new_page):
    visit, staff = visit_under_way
    collector, borrower = new_page(), new_page()
    # given the agency's field collector signed in, on the visit's page
    log_in(collector, staff[0].user.username, next_path=f"/visits/{visit.pk}/")
    assert "L-DOOR" in collector.locator("h1").inner_text()
    # when they issue a verification code at the door
    with collector.expect_navigation():
        collector.get_by_role("button", name="生成核验码").click()
    code = collector.locator("#verification-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    # then the borrower, on the public page, first mistypes it and is told plainly
    borrower.goto("/visits/verify/")
    borrower.locator("#id_code").fill("ABCD-EFGH")
    with borrower.expect_navigation():
        borrower.get_by_role("button", name="核验").click()
    assert "核验码不正确" in borrower.locator("#verify-refusal").inner_text()
    # and with the right code sees the visitors' names, a photo and the agency, never the debt
    borrower.locator("#id_code").fill(code.lower())
    with borrower.expect_navigation():
        borrower.get_by_role("button", name="核验").click()
    shown = borrower.locator("#verified").inner_text()
    assert "陈一" in shown and "林二" in shown and borrower.locator("#verified-agency").inner_text() == "安信外访"
    assert borrower.locator("#visitors img").count() == 1
    page_text = borrower.locator("body").inner_text()
    for secret in ("L-DOOR", visit.loan.borrower.name, "¥", "33,000", "逾期"):
        assert secret not in page_text
    # when the collector checks in, then fills the checklist and outcome and checks out
    with collector.expect_navigation():
        collector.get_by_role("button", name="签到").click()
    assert collector.locator("#visit-state").inner_text() == "进行中"
    collector.locator("#id_identification_shown").check()
    collector.locator("#id_purpose_stated").check()
    collector.locator("#id_no_disclosure").check()
    collector.locator("#id_outcome").select_option("promise")
    collector.locator("#id_promise_amount").fill("3000")
    collector.locator("#id_promise_due").fill((timezone.now() + dt.timedelta(days=5)).date().isoformat())
    collector.locator("#id_notes").fill("借款人同意分三期还款")
    with collector.expect_navigation():
        collector.get_by_role("button", name="签退").click()
    # then the visit is completed with its checklist and outcome, and the code no longer verifies
    assert collector.locator("#visit-state").inner_text() == "已完成"
    assert "承诺还款或签署协议" in collector.locator("#visit-outcome").inner_text()
    visit.refresh_from_db()
    assert visit.state == "completed" and visit.identification_shown and visit.no_disclosure
    from arrears.promises.models import Promise

    promise = Promise.objects.get(loan=visit.loan)  # the outcome has its effect: the promise is kept to
    assert (promise.amount, promise.state) == (300_000, "pending")
    borrower.goto("/visits/verify/")
    borrower.locator("#id_code").fill(code)
    with borrower.expect_navigation():
        borrower.get_by_role("button", name="核验").click()
    assert "已过期" in borrower.locator("#verify-refusal").inner_text()
