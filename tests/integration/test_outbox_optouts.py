"""An opt-out binds at once: the plan's guard blocks the channel for that contact point, and
attempts already waiting in the outbox are blocked."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.contact.optouts import opt_out
from arrears.cycle.service import run_cycle
from arrears.errors import InputError
from arrears.ledger.models import ContactPoint
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 3, 1)


def test_an_sms_opt_out_blocks_planned_sms_but_not_the_app_notice():
    # given an account one day past due with a mobile that asked to stop SMS
    loan = make_loan("L-STOP")
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000001", verified=True)
    opt_out(contact_point_id=mobile.pk, channel="sms", source="sms_reply", detail="STOP",
            at=dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC))  # before the day's send instant
    run_cycle(AS_OF)
    # when the day is planned
    run_plan(AS_OF)
    # then the SMS is blocked by the opt-out rule, the app notice still goes
    actions = {a.channel: a for a in PlannedAction.objects.filter(loan=loan, as_of=AS_OF)}
    assert not actions["sms"].allowed and "cn.channel_opt_out" in actions["sms"].blocked_by.split(",")
    assert actions["app_push"].allowed


def test_an_opt_out_blocks_attempts_already_waiting_and_is_recorded():
    # given an SMS attempt waiting in the outbox, and an email one to another point
    loan = make_loan("L-WAIT")
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000002")
    email = ContactPoint.objects.create(borrower=loan.borrower, kind="email", value="a@example.org")
    sms = ContactAttempt.objects.create(idempotency_key="k-sms", loan=loan, contact_point=mobile, channel="sms")
    mail = ContactAttempt.objects.create(idempotency_key="k-mail", loan=loan, contact_point=email, channel="email")
    # when the mobile opts out of SMS
    record = opt_out(contact_point_id=mobile.pk, channel="sms", source="collector", detail="asked on a call")
    # then the SMS attempt is blocked with the reason, the email is untouched, and the request is kept
    sms.refresh_from_db()
    mail.refresh_from_db()
    assert sms.state == "blocked" and sms.blocked_by == "channel_opt_out" and sms.reasons_en
    assert mail.state == "planned"
    assert ChannelOptOut.objects.get(pk=record.pk).source == "collector"


def test_an_opt_out_for_an_unknown_channel_or_point_is_refused_in_both_languages():
    loan = make_loan("L-BAD")
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000003")
    with pytest.raises(InputError) as unknown_channel:
        opt_out(contact_point_id=mobile.pk, channel="pigeon", source="collector")
    assert unknown_channel.value.zh and "pigeon" in unknown_channel.value.en
    with pytest.raises(InputError):
        opt_out(contact_point_id=999_999, channel="sms", source="collector")
