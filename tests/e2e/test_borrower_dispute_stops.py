"""A dispute or a complaint raised in the portal stops, the same day, everything that collects:
the planned SMS, an attempt queued in the outbox, the agency's portal contact and a scheduled visit.
Each is judged again a moment later by the check it always goes through, and the hold is named.

The world is the visits pages' scheduled agency visit (tests/e2e/test_visits_pages.py): loan L-PAGE,
placed with an agency, two field staff booked two days ahead, the borrower's mobile verified.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from arrears import clock
from arrears.agencies.authority import judge_agency_contact
from arrears.agencies.models import Placement
from arrears.contact.models import ContactAttempt
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from arrears.outbox import send_guard
from arrears.visits import services
from arrears.visits.services import StepRefused
from tests.e2e.test_visits_pages import agency_visit, lead  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def visit_day(agency_visit):  # noqa: F811
    visit, staff = agency_visit
    at = visit.starts_at + dt.timedelta(hours=1)  # the visit's day, inside its window and the contact hours
    clock.set_now(at)
    yield visit, staff, at
    clock.set_now(None)


def portal(loan) -> Client:
    client = Client()
    assert client.post("/my/", {"reference": loan.external_id, "id_last4": "1234"}).status_code == 302
    body = ContactAttempt.objects.filter(loan=loan, template="portal.sign_in_code").latest("id").body
    assert client.post("/my/code/", {"code": re.search(r"\d{6}", body).group(0)}).status_code == 302
    return client


def what_stops(visit, staff, at, *, check_in: bool = True) -> dict[str, tuple[str, ...]]:
    """The rule ids each road to the borrower meets a minute after `at` (the visit: its check-in,
    which changes it when allowed, so it is tried only once)."""
    loan = visit.loan
    mobile = ContactPoint.objects.get(borrower=loan.borrower, kind="mobile")
    later = at + dt.timedelta(minutes=1)
    queued = ContactAttempt.objects.get(idempotency_key="queued-reminder")
    placement = Placement.objects.get(loan=loan)
    visit_rules: tuple[str, ...] = ()
    if check_in:
        try:
            services.check_in(visit.pk, actor=staff[0].user, now=later)
        except StepRefused as refused:
            visit_rules = tuple(refused.rule_ids)
    roads = {
        "planned_sms": tuple(check_now(loan_id=loan.pk, channel="sms", contact_point_id=mobile.pk, at=later).rule_ids),
        "outbox": tuple(send_guard.check(queued, at=later).rule_ids),
        "agency_portal": tuple(judge_agency_contact(placement, channel="call", contact_point_id=mobile.pk, at=later).rule_ids),
    }
    if check_in:
        roads["visit"] = visit_rules
    return roads


def queue_a_reminder(loan, at):
    mobile = ContactPoint.objects.get(borrower=loan.borrower, kind="mobile")
    return ContactAttempt.objects.create(idempotency_key="queued-reminder", loan=loan, contact_point=mobile, channel="sms",
                                         template="reminder", state="planned", planned_for=at)


@pytest.mark.parametrize(("step", "hold"), [
    (lambda c, ref: c.post(f"/my/loans/{ref}/dispute/", {"reason": "not_my_debt", "details": "从未借款"}), "cn.hold.dispute_open"),
    (lambda c, ref: c.post(f"/my/loans/{ref}/complaint/", {"category": "rude_language", "details": "辱骂"}),
     "cn.hold.complaint_review"),
])
def test_raised_in_the_portal_it_stops_the_sms_the_outbox_the_agency_and_the_visit_the_same_day(visit_day, step, hold):
    visit, staff, at = visit_day
    queue_a_reminder(visit.loan, at)
    # before: no hold stands in any road
    before = what_stops(visit, staff, at - dt.timedelta(minutes=5), check_in=False)
    assert all(hold not in rules for rules in before.values()), before
    # when the borrower raises it in the portal
    client = portal(visit.loan)
    assert step(client, visit.loan.external_id).status_code == 302
    # then, a minute later the same day, each road is stopped and names the hold
    after = what_stops(visit, staff, at)
    assert {road: hold in rules for road, rules in after.items()} == dict.fromkeys(after, True), after
    visit.refresh_from_db()
    assert visit.state == "scheduled"


@pytest.mark.parametrize(("about", "stopped"), [
    # about the agency collecting now: its portal and its visit stop, the lender's own SMS and queued reminder go
    ("agency", {"planned_sms": False, "outbox": False, "agency_portal": True, "visit": True}),
    # about text messages: the SMS roads stop, the agency's call and its visit go
    ("sms", {"planned_sms": True, "outbox": True, "agency_portal": False, "visit": False}),
    # about the debt itself (nothing named): everything stops
    ("", {"planned_sms": True, "outbox": True, "agency_portal": True, "visit": True}),
])
def test_a_complaint_holds_only_what_it_is_about(visit_day, about, stopped):
    from arrears.disputes.models import BorrowerComplaint
    from arrears.disputes.services import close_complaint

    visit, staff, at = visit_day
    queue_a_reminder(visit.loan, at)
    client = portal(visit.loan)
    response = client.post(f"/my/loans/{visit.loan.external_id}/complaint/",
                           {"category": "rude_language", "details": "辱骂", "about": about})
    assert response.status_code == 302
    hold = BorrowerComplaint.objects.get().hold
    placement = Placement.objects.get(loan=visit.loan)
    assert (hold.scope_agency_id, hold.scope_channel) == (
        placement.agency_id if about == "agency" else None, about if about not in ("", "agency") else "")
    after = what_stops(visit, staff, at)
    assert {road: "cn.hold.complaint_review" in rules for road, rules in after.items()} == stopped, after
    # and when the complaint is closed, its hold ends: nothing it stopped is held any more
    close_complaint(BorrowerComplaint.objects.get().pk, upheld=False, responsible="nobody", outcome="已核实 / checked")
    later = what_stops(visit, staff, at + dt.timedelta(minutes=2), check_in=False)
    assert all("cn.hold.complaint_review" not in rules for rules in later.values()), later
