"""`check_now` judges one contact at one instant from the database, with the rules the nightly plan
applies set-based."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from arrears.cases.models import AccountHold
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.errors import InputError
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from arrears.workday import contact_instant
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2026, 3, 1)


def local(hour: int, minute: int = 0, day: dt.date = dt.date(2026, 3, 2)) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def mobile(loan, **fields) -> ContactPoint:
    defaults = dict(kind="mobile", value=f"1390000{loan.pk:04d}", verified=True)
    return ContactPoint.objects.create(borrower=loan.borrower, **(defaults | fields))


def test_a_call_to_the_debtor_in_daytime_is_allowed_and_at_night_is_blocked():
    # given a borrower's verified mobile
    loan = make_loan("G-HOURS")
    point = mobile(loan)
    # when the guard is asked at 10:00 and at 22:30 Beijing time
    day = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(10))
    night = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(22, 30))
    # then the first is allowed, the second blocked by the contact-hours rule with reasons in both languages
    assert day.allowed and day.violations == ()
    assert not night.allowed and night.rule_ids == ("cn.contact_hours",)
    assert night.violations[0].reason_zh and night.violations[0].reason_en


def test_holds_and_do_not_contact_block_every_channel():
    loan = make_loan("G-HOLD")
    point = mobile(loan, do_not_contact=True)
    AccountHold.objects.create(loan=loan, kind="dispute_open", since=local(9) - dt.timedelta(days=1))
    decision = check_now(loan_id=loan.pk, channel="sms", contact_point_id=point.pk, at=local(10))
    assert set(decision.rule_ids) == {"cn.do_not_contact", "cn.hold.dispute_open"}


def test_an_opt_out_stops_that_channel_at_that_point_only():
    from arrears.contact.optouts import opt_out

    loan = make_loan("G-OPTOUT")
    point = mobile(loan)
    opt_out(contact_point_id=point.pk, channel="sms", source="sms_reply", detail="TD", at=local(9))
    assert check_now(loan_id=loan.pk, channel="sms", contact_point_id=point.pk, at=local(10)).rule_ids == ("cn.channel_opt_out",)
    assert check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(10)).allowed


def test_a_hold_lifted_before_the_instant_no_longer_blocks():
    loan = make_loan("G-LIFTED")
    point = mobile(loan)
    AccountHold.objects.create(loan=loan, kind="dispute_open", since=local(8) - dt.timedelta(days=3), until=local(8))
    assert check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(10)).allowed


def test_the_emergency_contact_may_not_be_called_while_the_debtor_is_reachable():
    # given a debtor who has not failed to answer, and their emergency contact
    loan = make_loan("G-THIRD")
    mobile(loan)
    contact = mobile(loan, value="13911112222", owner="third_party", relation="emergency_contact", owner_name="李四")
    # then calling the emergency contact is blocked until the debtor is unreachable
    decision = check_now(loan_id=loan.pk, channel="call", contact_point_id=contact.pk, at=local(10), template_kind="locate_only")
    assert "cn.third_party_unreachable" in decision.rule_ids


def test_unanswered_calls_today_count_against_the_contact_point():
    loan = make_loan("G-COUNT")
    point = mobile(loan)
    # given five unanswered calls to the mobile today: one more is still allowed
    def unanswered(hour):
        ContactAttempt.objects.create(
            idempotency_key=f"G-COUNT-{hour}", loan=loan, contact_point=point, channel="call",
            state="done", attempted_at=local(hour), outcome="no_answer",
        )

    for hour in (9, 10, 11, 12, 13):
        unanswered(hour)
    assert check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(15)).allowed
    # when a sixth goes unanswered, the cap of six a day is reached
    unanswered(14)
    decision = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(15))
    assert decision.rule_ids == ("cn.unanswered_per_contact_point",)
    # and the next day the count starts again
    assert check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(10, day=dt.date(2026, 3, 3))).allowed


def test_a_contact_point_of_another_borrower_is_refused_in_both_languages():
    loan, other = make_loan("G-MINE"), make_loan("G-THEIRS")
    theirs = mobile(other)
    with pytest.raises(InputError) as refused:
        check_now(loan_id=loan.pk, channel="call", contact_point_id=theirs.pk)
    assert "不属于" in refused.value.zh and "does not belong" in refused.value.en
    with pytest.raises(InputError):
        check_now(loan_id=10**9, channel="call", contact_point_id=None)


def test_the_single_check_agrees_with_the_nightly_plan():
    # given accounts in different situations, aged and planned
    plain = make_loan("G-PLAN-OK")
    mobile(plain)
    blocked = make_loan("G-PLAN-DNC")
    mobile(blocked, do_not_contact=True)
    held = make_loan("G-PLAN-HOLD")
    mobile(held)
    AccountHold.objects.create(loan=held, kind="cease_contact", since=timezone.now() - dt.timedelta(days=400))
    run_cycle(AS_OF)
    run_plan(AS_OF)
    planned = list(PlannedAction.objects.filter(as_of=AS_OF, channel__in=["sms", "app_push"]))
    assert len(planned) == 6
    # when each planned message is judged singly at the plan's send time
    for action in planned:
        point = ContactPoint.objects.get(borrower__loans=action.loan, kind="mobile")
        single = check_now(
            loan_id=action.loan_id, channel=action.channel, contact_point_id=point.pk, at=contact_instant(AS_OF, "Asia/Shanghai")
        )
        # then both ways give the same answer and the same rules
        assert single.allowed == action.allowed
        assert set(single.rule_ids) == set(filter(None, action.blocked_by.split(",")))


def test_the_lender_policy_in_settings_tightens_the_live_check(settings, tmp_path):
    # given a lender whose policy file ends calls at 20:00 instead of the profile's 22:00
    policy = tmp_path / "lender.yaml"
    policy.write_text('policy: lender\nextends: cn\nrules:\n  cn.contact_hours: {latest: "20:00"}\n', encoding="utf-8")
    loan = make_loan("G-POLICY")
    point = mobile(loan)
    before = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(21))
    # when the policy is configured
    settings.ARREARS_POLICY = str(policy)
    after = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(21))
    # then a call at 21:00 was allowed under the profile alone and is blocked under the policy
    assert before.allowed
    assert not after.allowed and after.rule_ids == ("cn.contact_hours",)


def test_a_policy_that_loosens_a_rule_is_refused_by_name(settings, tmp_path):
    from arrears.errors import ConfigurationError

    policy = tmp_path / "loose.yaml"
    policy.write_text('extends: cn\nrules:\n  cn.contact_hours: {latest: "23:00"}\n', encoding="utf-8")
    loan = make_loan("G-LOOSE")
    point = mobile(loan)
    settings.ARREARS_POLICY = str(policy)
    with pytest.raises(ConfigurationError) as refused:
        check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk, at=local(10))
    assert "cn.contact_hours" in refused.value.en and "cn.contact_hours" in refused.value.zh
