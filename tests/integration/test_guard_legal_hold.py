"""Under a legal hold ordinary collection stops, and what the court process needs still goes out
(arrears/legal/court_process.yaml), each contact still judged by every other rule of the guard."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from arrears.cases.models import AccountHold
from arrears.compliance.profiles import load_profile
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from arrears.legal.court_process import allowed_contacts, court_contacts, routes_of
from arrears.legal.routes import routes_for
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, tzinfo=SHANGHAI)


def held_loan(name: str):
    loan = make_loan(name)
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"1390000{loan.pk:04d}", verified=True)
    address = ContactPoint.objects.create(borrower=loan.borrower, kind="address", value="北京市朝阳区某路1号", verified=True)
    AccountHold.objects.create(loan=loan, kind="legal_hold", since=local(9) - dt.timedelta(days=2), reason="支付令")
    return loan, mobile, address


def test_a_reminder_sms_is_blocked_and_a_court_process_letter_goes_out():
    loan, mobile, address = held_loan("G-LEGAL")
    reminder = check_now(loan_id=loan.pk, channel="sms", contact_point_id=mobile.pk, at=local(10))
    call = check_now(loan_id=loan.pk, channel="call", contact_point_id=mobile.pk, at=local(10))
    letter = check_now(loan_id=loan.pk, channel="letter", contact_point_id=address.pk, at=local(10), template_kind="notice")
    dunning_letter = check_now(loan_id=loan.pk, channel="letter", contact_point_id=address.pk, at=local(10))
    assert reminder.rule_ids == ("cn.hold.legal_hold",) and call.rule_ids == ("cn.hold.legal_hold",)
    assert dunning_letter.rule_ids == ("cn.hold.legal_hold",)  # a collection letter is ordinary collection
    assert letter.allowed and letter.violations == ()
    assert "legal hold" in reminder.violations[0].reason_en and "法律程序" in reminder.violations[0].reason_zh


def test_the_settlement_contact_is_allowed_but_still_governed_by_the_other_rules():
    loan, mobile, _ = held_loan("G-LEGAL-NIGHT")
    day = check_now(loan_id=loan.pk, channel="legal", contact_point_id=None, at=local(10))
    assert day.allowed
    # a court-process letter to an unverified address is still refused by the address rule
    unverified = ContactPoint.objects.create(borrower=loan.borrower, kind="address", value="上海市某路2号", verified=False)
    letter = check_now(loan_id=loan.pk, channel="letter", contact_point_id=unverified.pk, at=local(10), template_kind="notice")
    assert letter.rule_ids == ("cn.contact_point_verified",)


def test_every_route_has_its_court_contacts_and_the_profiles_read_them():
    for family in ("cn", "us-regf"):
        assert set(routes_of(family)) == {route.code for route in routes_for(family)}
        assert ("letter", "notice") in court_contacts(family) and ("sms", "collection") not in court_contacts(family)
        assert all(contact.purpose_zh and contact.purpose_en for contact in allowed_contacts(family))
    assert load_profile("cn").rule("cn.hold.legal_hold").court_process == "cn"
    assert load_profile("us-regf").rule("us.hold.legal_hold").court_process == "us-regf"
