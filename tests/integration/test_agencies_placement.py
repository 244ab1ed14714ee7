"""Placement: the plan's agency-pool cases go to agencies by contract, score and capacity; the borrower
is told first; periods expire; recalls end access; a case is never placed twice at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from arrears import clock
from arrears.agencies.allocation import arm_of
from arrears.agencies.models import (
    Agency,
    AgencyStatus,
    Contract,
    Placement,
    PlacementEvent,
)
from arrears.agencies.placing import place, recall
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.ledger.models import ContactPoint
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 4, 9)  # the first instalment (due 2026-02-28) is 40 days past due
BIG = 6_000_000  # an instalment of about ¥5,500: past the in-house threshold, into the agency pool

SCHEDULE = [
    {"bucket": bucket, "tiers": [{"from_recovery_bp": 0, "rate_bp": 1000}, {"from_recovery_bp": 3000, "rate_bp": 1500}]}
    for bucket in ("M1", "M2", "M3", "M4", "M5", "M6", "M7+")
]


def an_agency(name: str, code: str, **fields) -> Agency:
    return Agency.objects.create(name=name, name_en=fields.pop("name_en", name), credit_code=code,
                                 registered_on=dt.date(2018, 1, 1), **fields)


def a_contract(agency: Agency, reference: str, **fields) -> Contract:
    terms = dict(
        valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31), buckets=["M2", "M3"], min_amount=0,
        max_amount=None, placement_days=30, channels=["call", "sms"], visits_allowed=False,
        shared_fields=["borrower_name", "loan_reference", "days_past_due", "bucket", "overdue_amount", "mobile"],
        commission_schedule=SCHEDULE, purpose="催收逾期贷款 / collecting the overdue loan",
        processing_duration="委案期内 / during the placement", processing_method="电话、短信 / calls and SMS",
        data_types="姓名、手机号、欠款 / name, mobile, amount owed", protection_measures="加密、访问日志 / encryption, access log",
        end_of_term="delete",
    )
    terms.update(fields)
    contract = Contract(agency=agency, reference=reference, **terms)
    contract.full_clean()
    contract.save()
    return contract


def overdue_book(count: int, prefix: str = "L") -> list:
    loans = []
    for number in range(count):
        loan = make_loan(f"{prefix}-{number:03d}", principal=BIG)
        ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"1390000{loan.pk:04d}", verified=True)
        loans.append(loan)
    run_cycle(AS_OF)
    run_plan(AS_OF)
    return loans


def send_notices() -> None:
    """What the outbox does with the notices (sent and delivered)."""
    ContactAttempt.objects.filter(template="outsourcing_notice").update(state="sent")


def test_the_plans_agency_cases_are_placed_by_contract_after_the_borrower_is_told():
    # given two whitelisted agencies under contract, a suspended one, and a book in the agency pool
    first = an_agency("甲催收", "91310000MA1FL00001")
    second = an_agency("乙催收", "91310000MA1FL00002")
    suspended = an_agency("丙催收", "91310000MA1FL00003", status=AgencyStatus.SUSPENDED)
    for agency in (first, second, suspended):
        a_contract(agency, f"C-{agency.pk}")
    loans = overdue_book(12)
    pool = set(PlannedAction.objects.filter(as_of=AS_OF, owner="agency_pool").values_list("loan_id", flat=True))
    assert pool == {loan.pk for loan in loans}
    # when the day's placement runs
    outcome = place(AS_OF)
    # then every pool case is placed once, never with the suspended agency, and waits for the notice
    placements = list(Placement.objects.all())
    assert outcome.placed == len(placements) == 12
    assert {p.agency_id for p in placements} <= {first.pk, second.pk}
    assert all(p.state == "awaiting_notice" and p.bucket == "M2" for p in placements)
    assert all(p.arm == arm_of(p.loan_id, 20) for p in placements)
    # and each borrower has an outsourcing notice for the outbox (by SMS: no address is known)
    notices = ContactAttempt.objects.filter(template="outsourcing_notice")
    assert notices.count() == 12 and set(notices.values_list("channel", flat=True)) == {"sms"}
    assert outcome.awaiting_notice == 12
    # and the outbox can render it from the shipped templates, in the borrower's language
    from arrears.messaging import render_attempt
    from arrears.messaging.defaults import load_defaults

    load_defaults()
    rendered = render_attempt(notices.first())
    assert "催收机构" in rendered.body
    # when the outbox has sent the notices and placement runs the next day
    send_notices()
    again = place(AS_OF + dt.timedelta(days=1))
    # then the placements are active, nothing is placed twice, and the history holds both steps
    assert again.activated == 12 and again.placed == 0
    assert Placement.objects.filter(state="active").count() == 12
    assert PlacementEvent.objects.filter(kind="placed").count() == 12
    assert PlacementEvent.objects.filter(kind="activated").count() == 12


def test_placements_and_their_notices_are_stamped_by_the_product_clock():
    # given an agency under contract and a book in the agency pool
    a_contract(an_agency("甲催收", "91310000MA1FL00001"), "C-1")
    overdue_book(2)
    night = dt.datetime(2026, 4, 9, 15, 30, tzinfo=dt.UTC)
    # when the day's placement runs with the product's clock at the night's instant
    with clock.set_to(night):
        place(AS_OF)
    # then the placements and the notices they made carry that instant, not the wall clock's
    assert set(Placement.objects.values_list("created_at", flat=True)) == {night}
    assert set(ContactAttempt.objects.filter(template="outsourcing_notice").values_list("created_at", flat=True)) == {night}


def test_a_notice_the_strategy_already_sent_is_reused_and_the_placement_starts_at_once():
    # given a case whose borrower already received the strategy's placement letter, and one whose letter is queued
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1")
    told, queued = overdue_book(2)
    for loan, state in ((told, "sent"), (queued, "planned")):
        address = ContactPoint.objects.create(borrower=loan.borrower, kind="address", value="上海市黄浦区南京东路1号")
        ContactAttempt.objects.create(idempotency_key=f"L{loan.pk}/letter/placement_notice/2026-04-08/1", loan=loan,
                                      contact_point=address, channel="letter", template="placement_notice", state=state)
    # when placing
    outcome = place(AS_OF)
    # then no second notice is made; the told case is active at once, the other waits for its letter
    assert ContactAttempt.objects.filter(template__in=["placement_notice", "outsourcing_notice"]).count() == 2
    assert Placement.objects.get(loan=told).state == "active" and Placement.objects.get(loan=queued).state == "awaiting_notice"
    assert outcome.placed == 2 and outcome.awaiting_notice == 1


def test_capacity_and_contract_rules_limit_what_an_agency_receives():
    # given one agency with room for 3 cases, one whose contract takes only M5, and 8 cases in M2
    small = an_agency("小机构", "91310000MA1FL00011", capacity=3)
    a_contract(small, "C-SMALL")
    other = an_agency("M5 机构", "91310000MA1FL00012")
    a_contract(other, "C-M5", buckets=["M5"])
    overdue_book(8)
    # when placing
    outcome = place(AS_OF)
    # then the small agency receives exactly its capacity; the other, none; the rest stay in the pool
    assert outcome.candidates == 8 and outcome.placed == 3
    assert Placement.objects.filter(agency=small).count() == 3
    assert not Placement.objects.filter(agency=other).exists()


def test_a_case_is_never_placed_twice_at_once():
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1")
    overdue_book(1)
    place(AS_OF)
    placement = Placement.objects.get()
    # when something tries to open a second placement of the same case
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            loan=placement.loan, agency=agency, contract=placement.contract, placed_on=AS_OF,
            expires_on=AS_OF + dt.timedelta(days=30), state="active", bucket="M2", overdue_at_placement=1,
            balance_at_placement=1,
        )


def test_a_period_expires_and_a_manual_recall_ends_access_and_marks_the_data_for_deletion(django_user_model):
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1", placement_days=10)
    overdue_book(2)
    place(AS_OF, profile_name="us-regf")  # no outsourcing-notice rule: active at once
    first, second = Placement.objects.order_by("loan_id")
    assert first.state == second.state == "active"
    lender = django_user_model.objects.create_user("lender")
    # when the lender recalls one after a complaint
    recall(first, reason="投诉：多次夜间来电 / complaint: repeated late calls", by=lender, on_date=AS_OF + dt.timedelta(days=2))
    # and the other's period runs out
    outcome = place(AS_OF + dt.timedelta(days=10), profile_name="us-regf")
    first.refresh_from_db(), second.refresh_from_db()
    # then both have ended, their shared data is marked for deletion, and the history says why
    assert first.state == "recalled" and first.ended_on == AS_OF + dt.timedelta(days=2)
    assert second.state == "expired" and second.ended_on == AS_OF + dt.timedelta(days=10)
    assert first.data_deletion_marked_at and second.data_deletion_marked_at
    assert outcome.expired == 1
    recall_event = PlacementEvent.objects.get(placement=first, kind="recalled")
    assert recall_event.by == lender and "complaint" in recall_event.reason
    # and the recalled case is never placed with the same agency again
    assert not Placement.objects.filter(loan=first.loan, state__in=["active", "awaiting_notice"]).exists()


def test_the_commission_statement_reconciles_to_the_payment_ledger_to_the_fen(capsys, tmp_path):
    from arrears.agencies.statements import build_statement
    from arrears.cli import main
    from arrears.ledger.models import Payment
    from tests.integration.test_cycle_service import pay

    # given active placements and payments before, during and after their period, one of them reversed
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1", placement_days=30)
    loans = overdue_book(3)
    place(AS_OF, profile_name="us-regf")
    before, during, reversed_one = loans
    pay(before, "P-BEFORE", 100_000, AS_OF - dt.timedelta(days=1))
    pay(during, "P-1", 123_457, AS_OF + dt.timedelta(days=3))
    pay(during, "P-2", 200_001, AS_OF + dt.timedelta(days=29))
    pay(during, "P-AFTER", 999_999, AS_OF + dt.timedelta(days=30))  # the period is over
    bad = pay(reversed_one, "P-3", 500_000, AS_OF + dt.timedelta(days=5))
    pay(reversed_one, "P-3-REV", 500_000, AS_OF + dt.timedelta(days=6), reverses=bad)
    pay(reversed_one, "P-4", 77_777, AS_OF + dt.timedelta(days=7))
    # when the April and May statements are built
    april = build_statement(agency, dt.date(2026, 4, 1))
    may = build_statement(agency, dt.date(2026, 5, 1))
    # then, line by line, the recovered amounts equal the ledger's payments in the period, to the fen
    expected: dict[str, int] = {}
    for placement in Placement.objects.select_related("loan"):
        for month, (start, end) in {"04": (dt.date(2026, 4, 1), dt.date(2026, 5, 1)), "05": (dt.date(2026, 5, 1), dt.date(2026, 6, 1))}.items():
            reversed_ids = set(Payment.objects.filter(reverses__isnull=False, value_date__lt=end).values_list("reverses_id", flat=True))
            expected[f"{placement.loan.external_id}/{month}"] = sum(
                p.amount for p in Payment.objects.filter(loan=placement.loan, reverses__isnull=True)
                if max(start, placement.activated_on) <= p.value_date < min(end, placement.expires_on) and p.id not in reversed_ids
            )
    got = {f"{line.loan_reference}/04": line.recovered for line in april.lines}
    got |= {f"{line.loan_reference}/05": line.recovered for line in may.lines}
    assert got == expected
    assert april.recovered + may.recovered == 123_457 + 200_001 + 77_777
    # and the commission is the tier's rate of what was recovered, rounded half up to the fen
    line = next(line for line in april.lines if line.loan_reference == during.external_id)
    assert line.rate_bp == 1000 and line.commission == (123_457 * 1000 * 2 + 10_000) // 20_000
    # and the command writes the same statement as CSV, with its total
    out = tmp_path / "april.csv"
    assert main(["agencies", "statement", "--agency", agency.credit_code, "--month", "2026-04", "--csv", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[-1].startswith(f"total,,,,,,{april.recovered},,,{april.commission}")
    assert main(["agencies", "statement", "--agency", "NOPE", "--month", "2026-04"]) == 1
    assert "找不到机构" in capsys.readouterr().err
    # and the league table's recoveries and commission agree with the statements
    from arrears.agencies.models import Complaint
    from arrears.agencies.performance import league

    Complaint.objects.create(agency=agency, received_on=AS_OF + dt.timedelta(days=2), summary="夜间来电")
    [row] = league(dt.date(2026, 6, 30), [agency.pk])
    assert row.placements == 3 and row.recovered == april.recovered + may.recovered
    assert row.commission == april.commission + may.commission
    assert row.complaints_per_1000 == 333 and row.contact_rate_bp == 0 and row.promise_kept_bp is None
    assert row.cost_fen_per_yuan == row.commission * 100 // row.recovered


def test_the_command_places_recalls_and_refuses_bad_input_in_both_languages(capsys):
    from arrears.cli import main

    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1")
    overdue_book(2)
    # when the day's placement runs from the command line
    assert main(["agencies", "place", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "委案 2 件" in out and "2 placed" in out
    # then a case can be recalled by loan reference, with a reason
    assert main(["agencies", "recall", "L-000", "--reason", "投诉 / complaint"]) == 0
    assert Placement.objects.get(loan__external_id="L-000").state == "recalled"
    # and bad input is refused in both languages, never with a traceback
    assert main(["agencies", "recall", "L-000", "--reason", "again"]) == 1
    assert "没有进行中的委案" in capsys.readouterr().err
    assert main(["agencies", "place", "--as-of", AS_OF.isoformat(), "--challenger-share", "150"]) == 1
    err = capsys.readouterr().err
    assert "挑战者组比例" in err and "challenger share" in err
    assert main(["agencies", "expire", "--as-of", (AS_OF + dt.timedelta(days=30)).isoformat()]) == 0
    assert "1 expired" in capsys.readouterr().out


def test_a_night_that_places_nothing_says_why():
    # given cases in the agency pool and no agency at all
    overdue_book(2)
    # then placing says so, in both languages
    assert place(AS_OF).why_none == "没有在白名单上的催收机构 / no agency is on the whitelist"
    # given a whitelisted agency whose only contract ended before the night
    agency = an_agency("甲催收", "91310000MA1FL00001", capacity=1)
    a_contract(agency, "C-OLD", valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 12, 31))
    assert place(AS_OF).why_none == f"{AS_OF} 没有生效的委外合同 / no agency contract is in force on {AS_OF}"
    # given a contract in force that takes only M5 cases
    a_contract(agency, "C-M5", buckets=["M5"])
    outcome = place(AS_OF)
    assert outcome.placed == 0
    assert outcome.why_none == "没有合同覆盖这些案件的账龄或金额 / no contract covers these cases' buckets or amounts"
    assert outcome.why_none in outcome.summary()
    # given an agency whose contract covers them but with no room left
    full = an_agency("乙催收", "91310000MA1FL00002", capacity=0)
    a_contract(full, "C-FULL")
    assert place(AS_OF).why_none == "所有机构的案件容量已满 / every agency is at its capacity"


def test_a_hold_on_one_agency_keeps_the_case_from_it_and_a_hold_on_a_channel_does_not_keep_it_in_house():
    from arrears.cases.holds import place_hold

    # given one agency under contract and three pool cases: one with a complaint hold naming that agency,
    # one with a hold on text messages only, one with a hold on the whole loan
    agency = an_agency("甲催收", "91310000MA1FL00001")
    a_contract(agency, "C-1")
    named, by_sms, whole = overdue_book(3)
    since = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    place_hold(loan_id=named.pk, kind="complaint_review", reason="投诉该机构 / about the agency", source="complaint",
               agency_id=agency.pk, since=since)
    place_hold(loan_id=by_sms.pk, kind="complaint_review", reason="投诉短信 / about SMS", source="complaint",
               channel="sms", since=since)
    place_hold(loan_id=whole.pk, kind="complaint_review", reason="投诉 / about the debt", source="complaint", since=since)
    # when the day's placement runs
    place(AS_OF)
    # then only the case held on a channel is placed; the one naming the agency never goes to it
    assert set(Placement.objects.values_list("loan_id", flat=True)) == {by_sms.pk}
