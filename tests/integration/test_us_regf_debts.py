"""The us-regf rules on validation and time-barred debt block, on debts that came in through the
loans feed: the guard's debt facts are read from the ledger (arrears.guard.debts).

Through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from arrears import clock
from arrears.compliance.limitation import limitation_for, us_limitations
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.feeds import import_loans
from arrears.guard import check_now
from arrears.guard.debts import debt_facts
from arrears.ledger.models import ContactPoint, Loan
from tests.integration.test_feeds import products  # noqa: F401
from tests.integration.test_feeds_us import us_row, write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def us_book(products, settings, tmp_path):  # noqa: F811
    """Three US loans from the feed, aged by the nightly cycle: two never paid since early 2021
    (North Carolina: 3 years to sue; Illinois: 10), one new in New York."""
    settings.ARREARS_PROFILE = "us-regf"
    rows = [
        us_row(1, state="NC", zip="27601", address="1 Fayetteville St", start_date="2021-01-31"),
        us_row(2, state="IL", zip="60611", address="500 Lake Shore Dr", start_date="2021-01-31"),
        us_row(3, start_date=(clock.today() - dt.timedelta(days=70)).isoformat()),
    ]
    outcome = import_loans(write(tmp_path / "loans.csv", rows))
    assert outcome.landed == 3
    run_cycle(clock.today())
    return {loan.external_id: loan for loan in Loan.objects.select_related("borrower", "state")}


def midday(loan: Loan, day: dt.date) -> dt.datetime:
    """Noon on a weekday in the borrower's own zone: inside every hours rule."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo(loan.borrower.time_zone)).astimezone(dt.UTC)


def mobile_of(loan: Loan) -> int:
    return ContactPoint.objects.get(borrower=loan.borrower, kind="mobile", owner="borrower").pk


def test_a_debt_past_its_states_limitation_is_time_barred_and_no_suit_is_allowed(us_book):
    north_carolina, illinois = us_book["US0001"], us_book["US0002"]
    assert north_carolina.state.days_past_due > 3 * 366 and illinois.borrower.region == "IL"
    at = midday(north_carolina, clock.today() + dt.timedelta(days=1))
    # when a legal review is asked of each, then the North Carolina debt is time-barred (3 years)
    barred = check_now(loan_id=north_carolina.pk, channel="legal", contact_point_id=None, at=at)
    assert "us.time_barred" in barred.rule_ids and not barred.allowed
    reason = next(v for v in barred.violations if v.rule_id == "us.time_barred")
    assert "time-barred" in reason.reason_en and "诉讼时效" in reason.reason_zh
    # and the Illinois one (10 years) is not
    assert "us.time_barred" not in check_now(loan_id=illinois.pk, channel="legal", contact_point_id=None, at=at).rule_ids
    # and a message is no suit: time-barred debt may still be asked for
    assert "us.time_barred" not in check_now(
        loan_id=north_carolina.pk, channel="sms", contact_point_id=mobile_of(north_carolina), at=at
    ).rule_ids


def test_the_limitation_table_covers_the_ten_largest_states_each_with_its_statute():
    table = us_limitations()
    assert {"CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI"} <= set(table)
    assert all(entry.citation and entry.years > 0 for entry in table.values())
    assert limitation_for("WY").years == min(entry.years for entry in table.values())  # not listed: the shortest


def test_after_five_days_without_the_validation_notice_only_the_notice_may_go_out(us_book):
    new_york = us_book["US0003"]
    mobile = mobile_of(new_york)
    first = midday(new_york, clock.today() - dt.timedelta(days=8))
    # given the debtor was first reached about the debt eight days ago (an SMS that went out)
    ContactAttempt.objects.create(
        idempotency_key="t-first", loan=new_york, contact_point_id=mobile, channel="sms", template="sms_overdue_notice",
        state="sent", attempted_at=first, sent_at=first,
    )
    at = midday(new_york, clock.today() + dt.timedelta(days=1))
    # when another SMS is asked for, then the guard blocks it: no validation notice within 5 days
    blocked = check_now(loan_id=new_york.pk, channel="sms", contact_point_id=mobile, at=at)
    assert "us.validation_notice" in blocked.rule_ids and not blocked.allowed
    # but the notice itself may go out
    address = ContactPoint.objects.get(borrower=new_york.borrower, kind="address").pk
    notice = check_now(loan_id=new_york.pk, channel="letter", contact_point_id=address, at=at, template_kind="notice")
    assert "us.validation_notice" not in notice.rule_ids
    # and once the written notice has gone out, the SMS is no longer blocked by that rule
    ContactAttempt.objects.create(
        idempotency_key="t-notice", loan=new_york, contact_point_id=address, channel="letter",
        template="written_collection_notice", state="sent", attempted_at=at - dt.timedelta(days=1),
        sent_at=at - dt.timedelta(days=1),
    )
    assert "us.validation_notice" not in check_now(loan_id=new_york.pk, channel="sms", contact_point_id=mobile, at=at).rule_ids


def test_within_five_days_of_the_first_contact_the_rule_does_not_block(us_book):
    new_york = us_book["US0003"]
    mobile = mobile_of(new_york)
    at = midday(new_york, clock.today() + dt.timedelta(days=1))
    ContactAttempt.objects.create(
        idempotency_key="t-first", loan=new_york, contact_point_id=mobile, channel="sms",
        template="sms_overdue_notice", state="sent", attempted_at=at - dt.timedelta(days=2),
        sent_at=at - dt.timedelta(days=2),
    )
    assert "us.validation_notice" not in check_now(loan_id=new_york.pk, channel="sms", contact_point_id=mobile, at=at).rule_ids


def test_the_nightly_batch_reads_the_same_debt_facts(us_book):
    # the set-based guard of the night reads its debts table from the same home
    from arrears.bulk import BulkConnection
    from arrears.guard.debts import debt_facts_table

    with BulkConnection.for_django() as db:
        table = debt_facts_table(db, clock.today()).to_pylist()
    barred = {row["debt_id"]: row["time_barred"] for row in table}
    assert barred == {str(us_book["US0001"].pk): True, str(us_book["US0002"].pk): False, str(us_book["US0003"].pk): False}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_validation_notice_of_a_us_borrower_from_the_feed_states_every_field_in_dollars(us_book, language):
    from arrears.cycle.models import AccountStateHistory
    from arrears.money import format_money
    from arrears.notices import written_notice_pdf
    from arrears.notices.content import validation_end_date
    from arrears.notices.lender import lender_for
    from tests.integration.test_notices_pdf import pdf_text, squeeze

    new_york = us_book["US0003"]
    state = new_york.state
    today = clock.today()
    text = pdf_text(written_notice_pdf(new_york.external_id, today, profile="us-regf", language=language))
    lender = lender_for("us-regf")
    itemized = AccountStateHistory.objects.filter(loan=new_york).order_by("as_of").first() or state
    money = lambda cents: format_money(cents, "USD", language)  # noqa: E731
    for field in (
        lender.text("name", language), lender.text("address", language),  # the collector
        "Jordan Smith 3", "3 Main Street, NY 10001",  # the consumer, with state and ZIP
        itemized.as_of.isoformat(), money(itemized.balance),  # the itemization date and the amount then
        money(state.balance), validation_end_date(today).isoformat(),
        "cfpb.gov/debt-collection",
    ):
        assert squeeze(field) in text, field
    assert "¥" not in text


def test_in_new_york_a_payment_after_the_period_ran_does_not_revive_it(products, settings, tmp_path):  # noqa: F811
    """Two five-year loans never paid since early 2021, one in New York (N.Y. C.P.L.R. § 214-i: no
    revival), one in North Carolina (revival not modelled): each time-barred on a stored night; then
    a payment clears all but the last year's instalments."""
    from arrears.cycle.models import AccountState
    from arrears.ledger.models import Instalment, Payment

    settings.ARREARS_PROFILE = "us-regf"
    assert limitation_for("NY").payment_revives is False and "214-i" in limitation_for("NY").revival
    assert limitation_for("NC").payment_revives is None
    rows = [
        us_row(11, start_date="2021-01-31", term_months="60"),
        us_row(12, state="NC", zip="27601", address="1 Fayetteville St", start_date="2021-01-31", term_months="60"),
    ]
    assert import_loans(write(tmp_path / "loans.csv", rows)).landed == 2
    today = clock.today()
    run_cycle(today - dt.timedelta(days=1))
    loans = {loan.external_id: loan for loan in Loan.objects.all()}
    assert all(debt.time_barred for debt in debt_facts(today - dt.timedelta(days=1)))
    # when each borrower pays everything but the instalments of the last year
    year_ago = today - dt.timedelta(days=365)
    for number, loan in enumerate(loans.values()):
        state = AccountState.objects.get(loan=loan)
        recent = sum(i.principal + i.interest for i in Instalment.objects.filter(loan=loan, due_date__gte=year_ago, due_date__lt=today))
        amount = state.overdue_principal + state.overdue_interest + state.fee_outstanding + state.penalty_outstanding - recent
        Payment.objects.create(reference=f"P-REV-{number}", loan=loan, amount=amount, value_date=today, channel="app")
    run_cycle(today)
    # then on the day alone neither debt is past its period any more
    for loan in loans.values():
        assert 0 < AccountState.objects.get(loan=loan).days_past_due < 3 * 365
    barred = {fact.debt_id: fact.time_barred for fact in debt_facts(today)}
    # but the New York one stays time-barred: the payment did not revive the period
    assert barred == {str(loans["US0011"].pk): True, str(loans["US0012"].pk): False}
    # and the night's whole-book read says the same
    from arrears.bulk import BulkConnection
    from arrears.guard.debts import debt_facts_table

    with BulkConnection.for_django() as db:
        assert {r["debt_id"]: r["time_barred"] for r in debt_facts_table(db, today).to_pylist()} == barred
