"""Under us-regf the nightly plan sends the validation notice within 5 days of the first contact
(12 CFR 1006.34(a)(1)): borrowers from the loans feed, the strategy shipped for the profile, the
guard, the outbox's enqueue, and the letter read back against the ledger.

Through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears import clock
from arrears.contact.models import ContactAttempt
from arrears.guard.debts import debt_facts
from arrears.notices import letter_pdf
from arrears.notices.content import validation_end_date
from arrears.notices.lender import lender_for
from arrears.outbox.enqueue import enqueue
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_feeds import products  # noqa: F401
from tests.integration.test_notices_pdf import pdf_text, squeeze
from tests.integration.test_us_regf_debts import midday, mobile_of, us_book  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
NOTICE = "written_collection_notice"


def first_contact(loan, at: dt.datetime, key: str = "t-first") -> None:
    """The debtor is reached about the debt: an SMS that went out. The lender has verified the
    mailing address (a letter to an unverified one is refused by us.contact_point_verified)."""
    from arrears.ledger.models import ContactPoint

    ContactPoint.objects.filter(borrower=loan.borrower, kind="address").update(verified=True)
    ContactAttempt.objects.create(
        idempotency_key=key, loan=loan, contact_point_id=mobile_of(loan), channel="sms",
        template="sms_overdue_notice", state="sent", attempted_at=at, sent_at=at,
    )


def notices_planned(loan, as_of: dt.date):
    return PlannedAction.objects.filter(loan=loan, as_of=as_of, template=NOTICE)


def test_the_night_after_the_first_contact_the_notice_is_planned_allowed_and_queued_within_five_days(us_book):  # noqa: F811
    new_york = us_book["US0003"]
    today = clock.today()
    first = midday(new_york, today - dt.timedelta(days=3))
    # given the debtor was first reached about the debt a few days ago, and no notice has gone
    first_contact(new_york, first)
    assert [f.validation_notice_utc for f in debt_facts(today, loan_ids=[new_york.pk])] == [None]
    # when the night plans the day under us-regf
    outcome = run_plan(today, profile_name="us-regf")
    assert outcome.strategy.startswith("us_regf")
    # then the notice is the account's one action, as a letter, allowed by the guard
    planned = PlannedAction.objects.filter(loan=new_york, as_of=today)
    assert [(p.segment, p.channel, p.template, p.allowed, p.reasons_en) for p in planned] == [("validation_notice", "letter", NOTICE, True, "")]
    # and the outbox queues it for the day, within 5 days of the first contact
    enqueue(today)
    letter = ContactAttempt.objects.get(loan=new_york, template=NOTICE)
    assert letter.channel == "letter" and letter.planned_for - first <= dt.timedelta(days=5)
    # and the loans nobody has reached yet get no notice
    assert not PlannedAction.objects.filter(template=NOTICE, as_of=today).exclude(loan=new_york).exists()
    # when the night is run again, nothing more is planned or queued
    run_plan(today, profile_name="us-regf")
    enqueue(today)
    assert ContactAttempt.objects.filter(template=NOTICE).count() == 1
    # and while the letter waits to go, the next night plans no second one
    assert not debt_facts_due(new_york, today)


def debt_facts_due(loan, as_of: dt.date) -> bool:
    from arrears.bulk import BulkConnection
    from arrears.strategy.facts_source import read_facts

    with BulkConnection.for_django() as db:
        facts = read_facts(db, as_of, loan_id=loan.pk).to_pylist()
    return facts[0]["validation_notice_due"]


def test_once_the_notice_went_the_account_returns_to_its_collection_segment(us_book):  # noqa: F811
    new_york = us_book["US0003"]
    today = clock.today()
    first_contact(new_york, midday(new_york, today - dt.timedelta(days=4)))
    assert debt_facts_due(new_york, today)
    sent_at = midday(new_york, today - dt.timedelta(days=1))
    ContactAttempt.objects.create(
        idempotency_key="t-notice", loan=new_york, channel="letter", template=NOTICE, state="sent",
        attempted_at=sent_at, sent_at=sent_at,
    )
    assert not debt_facts_due(new_york, today)
    run_plan(today, profile_name="us-regf")
    segments = set(PlannedAction.objects.filter(loan=new_york, as_of=today).values_list("segment", flat=True))
    assert "validation_notice" not in segments and not notices_planned(new_york, today).exists()


def test_a_failed_notice_is_planned_again(us_book):  # noqa: F811
    new_york = us_book["US0003"]
    today = clock.today()
    first_contact(new_york, midday(new_york, today - dt.timedelta(days=2)))
    ContactAttempt.objects.create(idempotency_key="t-notice", loan=new_york, channel="letter", template=NOTICE, state="failed")
    assert debt_facts_due(new_york, today)


def test_the_planned_letter_read_back_carries_every_model_notice_field_equal_to_the_ledger(us_book):  # noqa: F811
    from arrears.cycle.models import AccountStateHistory
    from arrears.money import format_money

    new_york = us_book["US0003"]
    today = clock.today()
    first_contact(new_york, midday(new_york, today - dt.timedelta(days=1)))
    run_plan(today, profile_name="us-regf")
    enqueue(today)
    letter = ContactAttempt.objects.get(loan=new_york, template=NOTICE)
    # when the letter the plan queued is printed: in English, the US borrower's language
    text = pdf_text(letter_pdf(letter))
    zh, shown = False, "en"
    assert "Itemizationdate" in text
    # then each field of the model validation notice (12 CFR 1006.34(c)) equals the ledger
    state = new_york.state
    state.refresh_from_db()
    history = list(AccountStateHistory.objects.filter(loan=new_york).order_by("as_of"))
    itemized = history[0] if history else state
    money = lambda cents: format_money(cents, "USD", shown)  # noqa: E731
    fees = state.penalty_charged + state.fee_charged - itemized.penalty_charged - itemized.fee_charged
    paid = state.paid_total - itemized.paid_total
    interest = state.balance - itemized.balance - fees + paid
    lender = lender_for("us-regf")
    for field in (
        lender.text("name", shown), lender.text("address", shown),  # the collector
        "Jordan Smith 3", "3 Main Street, NY 10001", new_york.external_id,  # the consumer and the debt
        itemized.as_of.isoformat(), money(itemized.balance),  # the itemization date and the amount on it
        "+" + money(interest), "+" + money(fees), "-" + money(paid),  # interest, fees, payments and credits since
        money(state.balance),  # the current amount
        validation_end_date(letter.as_of or today).isoformat(),  # the end of the validation period
        "这不是我的债务" if zh else "This is not my debt", "金额有误" if zh else "The amount is wrong",  # dispute prompts
        "原始债权人" if zh else "original creditor",  # the original-creditor prompt
        "www.cfpb.gov/debt-collection",
    ):
        assert squeeze(field) in text, field
    assert itemized.balance + interest + fees - paid == state.balance
    assert "¥" not in text
