"""A complaint's hold covers what the complaint is about. One naming an in-house collector stops
that collector's calls (the workbench asks the guard with the collector), and nobody else's; the
automated SMS still goes. The hold is shown with its scope on the account page and in the API, and
ends when the complaint is closed.

The world is tests/e2e/workbench_world.py (collectors col1, col2 in team East; lead1 their lead);
the clock stands at Tuesday 2026-05-12 10:30 in Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest

from arrears import clock
from arrears.cases.holds import place_hold
from arrears.disputes import services
from arrears.errors import InputError
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from tests.e2e import workbench_world
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 2, 30, tzinfo=dt.UTC)
HOLD = "cn.hold.complaint_review"


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(NOW)
    yield
    clock.set_now(None)


def held(loan, channel: str, collector=None) -> bool:
    mobile = ContactPoint.objects.get(borrower=loan.borrower, kind="mobile", owner="borrower")
    decision = check_now(loan_id=loan.pk, channel=channel, contact_point_id=mobile.pk, at=NOW + dt.timedelta(minutes=1),
                         collector_id=None if collector is None else collector.pk)
    return HOLD in decision.rule_ids


def test_a_complaint_about_a_collector_stops_their_calls_only(client, world):
    loan, col1, col2 = world.book.loans["L-1001"], world.users["col1"], world.users["col2"]
    complaint = services.raise_complaint(loan=loan, category="rude_language", details="辱骂", source="phone", collector=col1)
    assert complaint.hold.scope_collector_id == col1.pk and complaint.hold.scope_agency_id is None
    # then col1's call is held, col2's is not, and the automated SMS goes on
    assert (held(loan, "call", col1), held(loan, "call", col2), held(loan, "sms")) == (True, False, False)
    # and the workbench's "may I call" answers col1 with the hold
    mobile = ContactPoint.objects.get(borrower=loan.borrower, kind="mobile", owner="borrower")
    asked = f"/api/workbench/accounts/{loan.pk}/may-i-call?contact_point={mobile.pk}&channel=call"
    answer = signed_in(client, col1).get(asked).json()
    assert HOLD in [v["rule_id"] for v in answer["violations"]]
    answer = signed_in(client, col2).get(asked).json()
    assert HOLD not in [v["rule_id"] for v in answer["violations"]]
    # and the account page names what the hold covers
    page = signed_in(client, world.users["lead1"]).get(f"/accounts/{loan.external_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "only the collector col1" in page
    # when the complaint is closed, the hold ends
    services.close_complaint(complaint.pk, upheld=True, responsible="collector", outcome="已警告 / warned")
    assert not held(loan, "call", col1)


def test_a_complaint_about_the_debt_stops_every_road_and_one_about_a_channel_only_that_channel(world):
    loan = world.book.loans["L-1001"]
    about_sms = services.raise_complaint(loan=loan, category="night_contact", details="夜里短信", source="phone", channel="sms")
    assert (held(loan, "sms"), held(loan, "call", world.users["col1"])) == (True, False)
    services.raise_complaint(loan=loan, category="other", details="不认可催收 / about the debt", source="phone")
    assert (held(loan, "sms"), held(loan, "call", world.users["col1"]), held(loan, "call")) == (True, True, True)
    assert about_sms.hold.scope_channel == "sms"


def test_a_hold_names_at_most_one_thing_and_a_known_channel(world):
    loan = world.book.loans["L-1001"]
    with pytest.raises(InputError, match="one agency, one collector or one channel"):
        place_hold(loan_id=loan.pk, kind="complaint_review", reason="r", source="cli", collector_id=world.users["col1"].pk,
                   channel="sms")
    with pytest.raises(InputError, match="unknown channel"):
        place_hold(loan_id=loan.pk, kind="complaint_review", reason="r", source="cli", channel="pigeon")
