"""The selection scorecard measured from the database: track record from placements and payments,
compliance findings from the agency contacts the guard would have blocked, complaints and feedback,
each counted by the day measured."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.agencies.models import Agency, Contract, Feedback, Placement
from arrears.agencies.scorecard import DEFAULT_WEIGHTS, scorecard
from arrears.agencies.scoring import measures, scorecards
from arrears.ledger.models import Loan
from tests.integration.test_agencies_league import AS_OF, PIPL, SCHEDULE, TODAY, complaint, contact, local
from tests.integration.test_cycle_service import make_loan, pay

pytestmark = pytest.mark.django_db(transaction=True)
PLACED_EACH = 10_000


def an_agency(name: str, code: str, registered_on: dt.date) -> Agency:
    agency = Agency.objects.create(name=name, credit_code=code, registered_on=registered_on)
    Contract.objects.create(
        agency=agency, reference=f"C-{code}", valid_from=TODAY - dt.timedelta(days=400),
        valid_until=TODAY + dt.timedelta(days=400), buckets=["M2"], channels=["call"], shared_fields=["mobile"],
        commission_schedule=SCHEDULE, **PIPL,
    )
    return agency


def track_record(agency: Agency, count: int, *, activated_on: dt.date, prefix: str) -> list[Placement]:
    """`count` past placements of ¥100.00 each, on loans of their own."""
    template = make_loan(f"{prefix}-template")
    loans = Loan.objects.bulk_create(
        Loan(external_id=f"{prefix}-{n:03d}", borrower=template.borrower, product=template.product, principal=500_000,
             term_months=12, start_date=template.start_date)
        for n in range(count)
    )
    loans = list(Loan.objects.filter(external_id__in=[loan.external_id for loan in loans]).order_by("external_id"))
    Placement.objects.bulk_create(
        Placement(loan=loan, agency=agency, contract=agency.contracts.get(), placed_on=activated_on,
                  expires_on=activated_on + dt.timedelta(days=30), state="expired", bucket="M2",
                  overdue_at_placement=PLACED_EACH, balance_at_placement=5 * PLACED_EACH, activated_on=activated_on,
                  ended_on=activated_on + dt.timedelta(days=30))
        for loan in loans
    )
    return list(Placement.objects.filter(loan__in=loans).select_related("loan").order_by("loan__external_id"))


def test_the_scorecard_is_measured_from_track_record_findings_complaints_and_feedback():
    # given agency A, registered three years ago, with 100 past placements of ¥100.00 (¥10,000.00 placed)
    a = an_agency("甲催收", "91310000MA1FL00001", TODAY - dt.timedelta(days=3 * 365))
    start = AS_OF - dt.timedelta(days=20)
    placements = track_record(a, 100, activated_on=start, prefix="A")
    # and one placed only after the day measured
    track_record(a, 1, activated_on=AS_OF + dt.timedelta(days=1), prefix="A-LATER")
    # and ¥1,500.00 recovered in their periods; a payment reversed, and one after the day measured, do not count
    pay(placements[0].loan, "P-1", 100_000, start + dt.timedelta(days=3))
    pay(placements[1].loan, "P-2", 50_000, AS_OF)
    reversed_payment = pay(placements[2].loan, "P-3", 70_000, start + dt.timedelta(days=4))
    pay(placements[2].loan, "P-3-REV", 70_000, start + dt.timedelta(days=6), reverses=reversed_payment)
    pay(placements[3].loan, "P-4", 40_000, AS_OF + dt.timedelta(days=1))
    # and a contact the guard would have blocked at 22:30 on the day measured, in the lender's zone
    contact(placements[4], "right_party_contact", local(AS_OF, 22, 30), blocked_by="cn.contact_hours")
    # and another half an hour after midnight the next day, and one it allowed
    contact(placements[5], "right_party_contact", local(AS_OF + dt.timedelta(days=1), 0, 30), blocked_by="cn.contact_hours")
    contact(placements[6], "right_party_contact", local(AS_OF, 10))
    # and two complaints by the day measured, one upheld, and an upheld one received later
    complaint(a, placements[4], upheld=True)
    complaint(a, None)
    complaint(a, placements[5], received_on=AS_OF + dt.timedelta(days=1), upheld=True)
    # and the lender's ratings of 4 and 2 by then, and 1 afterwards
    for day, rating in ((AS_OF - dt.timedelta(days=10), 4), (AS_OF, 2), (AS_OF + dt.timedelta(days=1), 1)):
        Feedback.objects.create(agency=a, on_date=day, rating=rating)
    # and agency B, registered eleven years ago, with one placement and one blocked contact
    b = an_agency("乙催收", "91310000MA1FL00002", TODAY - dt.timedelta(days=11 * 365))
    [b_placement] = track_record(b, 1, activated_on=start, prefix="B")
    contact(b_placement, "no_answer", local(AS_OF - dt.timedelta(days=2), 21, 45), blocked_by="cn.contact_hours")

    # when the scorecard is measured on the day
    measured = {m.agency_id: m for m in measures(AS_OF)}

    # then agency A's measures are what the rows say, by that day
    m = measured[a.pk]
    assert (m.placements, m.placed_amount, m.recovered) == (100, 1_000_000, 150_000)
    assert m.days_active == 3 * 365 - 5
    assert (m.blocked_actions, m.complaints, m.upheld_complaints) == (1, 2, 1)
    assert (m.ratings, m.rating_sum) == (2, 6)
    # and its scores: recovery 15 %, experience 1,090 of 3,650 days, two findings and two complaints per 100 cases
    card = scorecard(m, DEFAULT_WEIGHTS)
    assert card.scores == {"recovery": 1_500, "experience": 2_986, "compliance": 8_000, "complaints": 8_000, "feedback": 5_000}
    assert card.total == (1_500 * 3_500 + 2_986 * 1_000 + 8_000 * 2_000 + 8_000 * 2_000 + 5_000 * 1_500) // 10_000 == 4_773
    # and agency B: full experience, its one finding in one case takes all of compliance
    b_card = scorecard(measured[b.pk], DEFAULT_WEIGHTS)
    assert (measured[b.pk].placements, measured[b.pk].blocked_actions) == (1, 1)
    assert b_card.scores == {"recovery": 0, "experience": 10_000, "compliance": 0, "complaints": 10_000, "feedback": 5_000}
    assert b_card.total == 3_750
    # and the stored weights give the same totals
    assert {card.agency_id: card.total for card in scorecards(AS_OF)} == {a.pk: 4_773, b.pk: 3_750}

    # when it is measured the next day: the later placement, payment, finding, complaint and rating count
    later = {m.agency_id: m for m in measures(AS_OF + dt.timedelta(days=1))}[a.pk]
    assert (later.placements, later.recovered, later.blocked_actions) == (101, 190_000, 2)
    assert (later.complaints, later.upheld_complaints, later.ratings, later.rating_sum) == (3, 2, 3, 7)
