"""The league table on real rows: recovery, contact and promise-kept rates, complaints per 1,000 cases
and cost per yuan, exactly (basis points and fen); counted by `as_of`; the commission the monthly
statements give; and outcomes split by champion and challenger arm."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from arrears.agencies.models import Agency, AgencyContact, Complaint, Contract, Placement
from arrears.agencies.performance import arm_totals, league
from arrears.contact.models import ContactAttempt
from arrears.ledger.models import Payment
from arrears.promises.models import Promise
from tests.integration.test_cycle_service import make_loan, pay

pytestmark = pytest.mark.django_db(transaction=True)
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = timezone.localdate()
AS_OF = TODAY - dt.timedelta(days=5)
OVERDUE = 100_000
SCHEDULE = [{"bucket": "M2", "tiers": [{"from_recovery_bp": 0, "rate_bp": 1000}, {"from_recovery_bp": 3000, "rate_bp": 1500}]}]
PIPL = dict(
    purpose="催收 / collection", processing_duration="委案期内 / while placed", processing_method="电话 / calls",
    data_types="姓名、手机 / name, mobile", protection_measures="加密 / encryption", end_of_term="delete",
)


def an_agency(name: str, code: str) -> Agency:
    agency = Agency.objects.create(name=name, name_en=f"{name} Ltd", credit_code=code,
                                   registered_on=TODAY - dt.timedelta(days=3 * 365))
    Contract.objects.create(
        agency=agency, reference=f"C-{code}", valid_from=TODAY - dt.timedelta(days=400),
        valid_until=TODAY + dt.timedelta(days=400), buckets=["M2"], channels=["call", "sms"],
        shared_fields=["loan_reference", "mobile"], commission_schedule=SCHEDULE, **PIPL,
    )
    return agency


def placed(agency: Agency, reference: str, *, activated_on: dt.date = AS_OF - dt.timedelta(days=20),
           days: int = 60, arm: str = "champion") -> Placement:
    return Placement.objects.create(
        loan=make_loan(reference), agency=agency, contract=agency.contracts.get(), placed_on=activated_on,
        expires_on=activated_on + dt.timedelta(days=days), state="active", arm=arm, bucket="M2",
        overdue_at_placement=OVERDUE, balance_at_placement=5 * OVERDUE, activated_on=activated_on,
    )


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def contact(placement: Placement, outcome: str, at: dt.datetime, *, through_agency: bool = True,
            blocked_by: str = "") -> ContactAttempt:
    attempt = ContactAttempt.objects.create(
        idempotency_key=f"test:{placement.pk}:{outcome}:{at.isoformat()}:{through_agency}", loan=placement.loan,
        channel="call", state="done", attempted_at=at, outcome=outcome, blocked_by=blocked_by,
        segment="agency" if through_agency else "in_house",
    )
    if through_agency:
        AgencyContact.objects.create(placement=placement, attempt=attempt)
    return attempt


def promise(placement: Placement, state: str, judged_on: dt.date | None, *, through_agency: bool = True) -> Promise:
    made = AS_OF - dt.timedelta(days=15)
    attempt = contact(placement, "promise", local(made, 10, Promise.objects.count()), through_agency=through_agency)
    user, _ = get_user_model().objects.get_or_create(username="collector")
    return Promise.objects.create(loan=placement.loan, attempt=attempt, amount=10_000, promised_on=made,
                                  due_date=made + dt.timedelta(days=5), made_by=user, state=state, judged_on=judged_on)


def complaint(agency: Agency, placement: Placement | None, received_on: dt.date = AS_OF, upheld: bool | None = None) -> Complaint:
    return Complaint.objects.create(agency=agency, placement=placement, received_on=received_on, summary="夜间来电",
                                    upheld=upheld)


@pytest.fixture
def book():
    """Agency A: four placements (two per arm) with contacts, promises, payments and two complaints;
    agency B: three champion placements, no contact, one complaint."""
    a, b = an_agency("甲催收", "91310000MA1FL00001"), an_agency("乙催收", "91310000MA1FL00002")
    day = AS_OF - dt.timedelta(days=10)
    first = placed(a, "A-1")
    contact(first, "no_answer", local(day, 9))
    contact(first, "right_party_contact", local(day, 11))
    second = placed(a, "A-2")
    contact(second, "no_answer", local(day, 9))
    contact(second, "wrong_number", local(day, 12))
    contact(second, "right_party_contact", local(day, 13), through_agency=False)  # the lender's own call
    third = placed(a, "A-3", arm="challenger")
    promise(third, "kept", AS_OF - dt.timedelta(days=3))
    promise(third, "partly_kept", AS_OF - dt.timedelta(days=2))
    fourth = placed(a, "A-4", arm="challenger")
    contact(fourth, "refusal", local(day, 15))
    promise(fourth, "broken", AS_OF - dt.timedelta(days=1))
    promise(fourth, "pending", None)  # not judged yet
    promise(second, "kept", AS_OF - dt.timedelta(days=1), through_agency=False)  # taken in house
    pay(first.loan, "P-A1", 20_000, AS_OF - dt.timedelta(days=8))
    pay(third.loan, "P-A3", 10_000, AS_OF - dt.timedelta(days=1))
    # a waiver granted during the placement brings no money in: never recovered, never commission
    Payment.objects.create(reference="W-A3", loan=third.loan, amount=50_000, value_date=AS_OF - dt.timedelta(days=2),
                           channel="waiver")
    complaint(a, first)
    complaint(a, None)
    b_placements = [placed(b, f"B-{n}") for n in range(3)]
    complaint(b, b_placements[0])
    return {"a": a, "b": b, "placements": [first, second, third, fourth]}


def test_every_league_metric_is_measured_exactly_from_contacts_promises_payments_and_complaints(book):
    # given the book of two agencies
    a, b = book["a"], book["b"]
    # when the league is read on the day measured
    row_a, row_b = league(AS_OF, [a.pk, b.pk])
    # then agency A: 3 of 4 placements reached the right party (the lender's own call does not count)
    assert (row_a.agency_id, row_a.placements, row_a.contacted) == (a.pk, 4, 3)
    assert row_a.contact_rate_bp == 7_500
    # and of its promises judged (kept, partly kept, broken; not the pending one, not the in-house one) one was kept
    assert (row_a.promises_kept, row_a.promises_judged, row_a.promise_kept_bp) == (1, 3, 3_333)
    # and it recovered ¥300.00 of ¥4,000.00 placed, 7.50 %
    assert (row_a.placed, row_a.recovered, row_a.recovery_bp) == (400_000, 30_000, 750)
    # and two complaints over four placements are 500 per 1,000
    assert (row_a.complaints, row_a.complaints_per_1000) == (2, 500)
    # and the commission at 10 % is ¥30.00: ten fen per yuan recovered
    assert (row_a.commission, row_a.cost_fen_per_yuan) == (3_000, 10)
    # and agency B, never in touch, with one complaint over three placements
    assert (row_b.placements, row_b.contact_rate_bp, row_b.promise_kept_bp) == (3, 0, None)
    assert (row_b.complaints_per_1000, row_b.recovery_bp, row_b.commission, row_b.cost_fen_per_yuan) == (333, 0, 0, None)
    assert all(isinstance(value, int) for value in (row_a.contact_rate_bp, row_a.promise_kept_bp, row_a.recovery_bp))


def test_contacts_and_promises_count_only_once_they_happened_by_the_day_measured(book):
    # given agency A's book, and on the day measured a right-party call at 23:30 in the lender's zone
    a = book["a"]
    late = placed(a, "A-5")
    contact(late, "right_party_contact", local(AS_OF, 23, 30))
    # and one ten minutes after midnight the next day (still the day measured in UTC)
    next_day = placed(a, "A-6")
    contact(next_day, "callback_requested", local(AS_OF + dt.timedelta(days=1), 0, 10))
    # and one at midnight exactly, when the next day begins
    midnight = placed(a, "A-7")
    contact(midnight, "refusal", local(AS_OF + dt.timedelta(days=1), 0))
    # and a promise judged kept the next day
    promise(late, "kept", AS_OF + dt.timedelta(days=1))
    # when the league is read on the day measured
    [row] = league(AS_OF, [a.pk])
    # then the call of that evening counts; those from midnight on and the promise judged later do not
    assert (row.placements, row.contacted, row.contact_rate_bp) == (7, 4, 5_714)
    assert (row.promises_kept, row.promises_judged) == (1, 3)
    # when it is read the next day: both count
    [later] = league(AS_OF + dt.timedelta(days=1), [a.pk])
    assert (later.contacted, later.promises_kept, later.promises_judged) == (6, 2, 4)
    # and nothing recorded before the placements were active is measured on a day before any of them
    [before] = league(AS_OF - dt.timedelta(days=30), [a.pk])
    assert (before.placements, before.contacted, before.promises_judged, before.contact_rate_bp) == (0, 0, 0, None)


def month_start(day: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before `day`'s."""
    month = day.replace(day=1)
    for _ in range(back):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def test_the_leagues_commission_is_the_sum_of_the_monthly_statements_when_a_tier_is_crossed_between_months():
    from arrears.agencies.statements import build_statement

    # given a placement active from the 10th of a month, recovering 20 % that month (tier 10 %)
    agency = an_agency("甲催收", "91310000MA1FL00001")
    first_month, second_month = month_start(TODAY, 2), month_start(TODAY, 1)
    placement = placed(agency, "A-1", activated_on=first_month + dt.timedelta(days=9), days=70)
    pay(placement.loan, "P-1", 20_000, first_month + dt.timedelta(days=14))
    # and 20 % more on the 5th of the next month, crossing into the 15 % tier, and 10 % on the 25th
    pay(placement.loan, "P-2", 20_000, second_month + dt.timedelta(days=4))
    pay(placement.loan, "P-3", 10_000, second_month + dt.timedelta(days=24))
    # when the league is read at the end of the second month
    end_of_second = month_start(TODAY, 0) - dt.timedelta(days=1)
    [row] = league(end_of_second, [agency.pk])
    # then its commission is the two statements' sum: 10 % of the first month's, 15 % of the second's
    statements = [build_statement(agency, first_month), build_statement(agency, second_month)]
    assert [s.commission for s in statements] == [2_000, 4_500]
    assert row.commission == 6_500 and row.recovered == 50_000
    assert row.cost_fen_per_yuan == 13  # not 15: the first month's tier was 10 %
    # and read on the 20th of the second month it is the statements to that day: the 25th's payment not yet
    [mid_month] = league(second_month + dt.timedelta(days=19), [agency.pk])
    assert (mid_month.recovered, mid_month.commission) == (40_000, 2_000 + 3_000)


def test_the_league_splits_outcomes_by_champion_and_challenger_arm(book):
    # given the book: A's first two placements are champions, the other two challengers; B's three champions
    a, b = book["a"], book["b"]
    # when the league is read by arm
    rows = league(AS_OF, [a.pk, b.pk], by_arm=True)
    by_key = {(row.agency_id, row.arm): row for row in rows}
    # then each agency's arms are measured apart
    assert list(by_key) == [(a.pk, "challenger"), (a.pk, "champion"), (b.pk, "champion")]
    champion_a, challenger_a = by_key[(a.pk, "champion")], by_key[(a.pk, "challenger")]
    assert (champion_a.placements, champion_a.contact_rate_bp, champion_a.promise_kept_bp) == (2, 5_000, None)
    assert (champion_a.recovered, champion_a.recovery_bp, champion_a.commission) == (20_000, 1_000, 2_000)
    assert champion_a.complaints_per_1000 == 500  # the complaint about no placement belongs to no arm
    assert (challenger_a.placements, challenger_a.contact_rate_bp, challenger_a.promise_kept_bp) == (2, 10_000, 3_333)
    assert (challenger_a.recovered, challenger_a.commission, challenger_a.complaints) == (10_000, 1_000, 0)
    # and over all agencies the champion arm has five placements, the challenger arm two
    champion, challenger = sorted(arm_totals(rows), key=lambda row: row.arm != "champion")
    assert (champion.agency_id, champion.arm, champion.placements, champion.contacted) == (None, "champion", 5, 1)
    assert (champion.complaints_per_1000, champion.recovery_bp, champion.cost_fen_per_yuan) == (400, 400, 10)
    assert (challenger.placements, challenger.recovered, challenger.promise_kept_bp) == (2, 10_000, 3_333)
    # and the arms add up to the agency's own row, except the complaint about no placement
    [overall_a, _] = league(AS_OF, [a.pk, b.pk])
    assert overall_a.placements == champion_a.placements + challenger_a.placements
    assert overall_a.commission == champion_a.commission + challenger_a.commission
    assert overall_a.complaints == champion_a.complaints + challenger_a.complaints + 1
