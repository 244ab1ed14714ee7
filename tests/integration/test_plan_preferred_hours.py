"""The night plans a borrower's contacts inside the hours they chose in the portal: a borrower who
prefers 18:00–20:00 has the early-reminder SMS judged at 18:00 and queued in the outbox for 18:00
their time, while a borrower with no preference keeps the usual 10:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from arrears.borrower.preferences import planned_start, set_preferences
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.outbox.enqueue import enqueue
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan
from tests.integration.test_plan_and_guard import with_mobile

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 3, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_sms_times(loan) -> list[dt.time]:
    rows = ContactAttempt.objects.filter(loan=loan, channel="sms", as_of=AS_OF).order_by("planned_for")
    return [row.planned_for.astimezone(SHANGHAI).time() for row in rows]


def test_a_borrower_preferring_the_evening_gets_the_sms_planned_in_the_evening():
    # given two reachable accounts one day past due, one borrower preferring 18:00–20:00
    evening = with_mobile(make_loan("L-EVENING"))
    usual = with_mobile(make_loan("L-USUAL"))
    set_preferences(evening.borrower, earliest=dt.time(18), latest=dt.time(20))
    run_cycle(AS_OF)
    # when the day is planned and the outbox filled
    run_plan(AS_OF)
    enqueue(AS_OF)
    # then both SMS are allowed, and each is queued at its borrower's time
    assert PlannedAction.objects.get(loan=evening, channel="sms").allowed
    assert PlannedAction.objects.get(loan=usual, channel="sms").allowed
    assert local_sms_times(evening) == [dt.time(18)]
    assert local_sms_times(usual) == [dt.time(10)]


def test_a_preference_that_holds_the_usual_time_changes_nothing_and_text_times_are_read():
    usual = planned_start(AS_OF, "Asia/Shanghai")
    assert planned_start(AS_OF, "Asia/Shanghai", "09:00:00", "12:00:00") == usual
    assert planned_start(AS_OF, "Asia/Shanghai", dt.time(18), dt.time(20)).astimezone(SHANGHAI).time() == dt.time(18)
    assert planned_start(AS_OF, "Asia/Urumqi", "18:30:00", "20:00:00").astimezone(ZoneInfo("Asia/Urumqi")).time() == dt.time(18, 30)
