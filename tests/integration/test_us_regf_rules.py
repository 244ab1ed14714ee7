"""The us-regf contact rules, end to end on borrowers who came in through the loans feed (their zone
derived from the ZIP): hours in the borrower's zone, 7 calls in 7 days per debt, the wait after a
conversation, and an opt-out that binds one medium only.

Through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from arrears import clock
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.guard import check_now
from tests.integration.test_feeds import products  # noqa: F401
from tests.integration.test_us_regf_debts import midday, mobile_of, us_book  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday() -> dt.date:
    day = clock.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def call(loan, key: str, at: dt.datetime, *, outcome: str = "no_answer", conversation: bool = False) -> None:
    ContactAttempt.objects.create(
        idempotency_key=key, loan=loan, contact_point_id=mobile_of(loan), channel="call", state="done",
        attempted_at=at, outcome=outcome, conversation=conversation,
    )


def test_hours_are_the_borrowers_own_from_the_zip_the_feed_read(us_book):  # noqa: F811
    new_york, chicago = us_book["US0003"], us_book["US0002"]
    assert (new_york.borrower.time_zone, chicago.borrower.time_zone) == ("America/New_York", "America/Chicago")
    # at one instant, 08:30 in New York and 07:30 in Chicago
    at = dt.datetime.combine(next_weekday(), dt.time(8, 30), tzinfo=ZoneInfo("America/New_York")).astimezone(dt.UTC)
    assert "us.contact_hours" not in check_now(loan_id=new_york.pk, channel="call", contact_point_id=mobile_of(new_york), at=at).rule_ids
    early = check_now(loan_id=chicago.pk, channel="call", contact_point_id=mobile_of(chicago), at=at)
    assert "us.contact_hours" in early.rule_ids and not early.allowed
    # and 21:00 in New York is too late
    late = at + dt.timedelta(hours=12, minutes=30)
    assert "us.contact_hours" in check_now(loan_id=new_york.pk, channel="sms", contact_point_id=mobile_of(new_york), at=late).rule_ids


def test_seven_calls_in_seven_days_about_a_debt_bar_the_eighth_but_not_a_call_about_another_debt(us_book):  # noqa: F811
    chicago = us_book["US0002"]
    at = midday(chicago, next_weekday())
    for n in range(7):  # unanswered calls that connected: they count (1006.14(b)(3))
        call(chicago, f"t-call-{n}", at - dt.timedelta(days=6) + dt.timedelta(hours=n))
    eighth = check_now(loan_id=chicago.pk, channel="call", contact_point_id=mobile_of(chicago), at=at)
    assert "us.calls_in_window" in eighth.rule_ids and not eighth.allowed
    # a week after the first of them, the window has moved on
    later = check_now(loan_id=chicago.pk, channel="call", contact_point_id=mobile_of(chicago), at=at + dt.timedelta(days=1))
    assert "us.calls_in_window" not in later.rule_ids


def test_after_a_conversation_no_call_for_seven_days_but_a_message_may_go(us_book):  # noqa: F811
    new_york = us_book["US0003"]
    at = midday(new_york, next_weekday())
    call(new_york, "t-talk", at - dt.timedelta(days=2), outcome="right_party_contact", conversation=True)
    blocked = check_now(loan_id=new_york.pk, channel="call", contact_point_id=mobile_of(new_york), at=at)
    assert "us.wait_after_conversation" in blocked.rule_ids
    assert "us.wait_after_conversation" not in check_now(
        loan_id=new_york.pk, channel="sms", contact_point_id=mobile_of(new_york), at=at
    ).rule_ids


def test_an_opt_out_binds_its_medium_only(us_book):  # noqa: F811
    chicago = us_book["US0002"]
    at = midday(chicago, next_weekday())
    ChannelOptOut.objects.create(contact_point_id=mobile_of(chicago), channel="sms", at=at - dt.timedelta(days=1),
                                 source="sms_reply", detail="STOP")
    texts = check_now(loan_id=chicago.pk, channel="sms", contact_point_id=mobile_of(chicago), at=at)
    assert "us.channel_opt_out" in texts.rule_ids and not texts.allowed
    assert "us.channel_opt_out" not in check_now(
        loan_id=chicago.pk, channel="call", contact_point_id=mobile_of(chicago), at=at
    ).rule_ids
