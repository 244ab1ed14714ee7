"""The guard's debt facts read for the whole book in one statement (the nightly guard's read) equal
the per-loan read of `check_now`, loan for loan, on a generated US book that came in through the
feeds with contact attempts of every kind, state and party; and the strategy's
`validation_notice_due` says the same as those facts.

Through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.feeds import import_loans
from arrears.feeds.payments import import_payments
from arrears.guard.debts import ON_ITS_WAY, WENT_OUT, debt_facts, debt_facts_table
from arrears.ledger.catalogue import read_catalogue, save_catalogue, shipped_catalogue
from arrears.ledger.models import Loan
from arrears.notices import NOTICE_TEMPLATES
from arrears.simulate import BookOptions, generate_book
from arrears.strategy.facts_source import read_facts

pytestmark = pytest.mark.django_db(transaction=True)

LOANS = 240
CHANNELS = ("sms", "call", "letter", "email")
TEMPLATES = ("sms_overdue_notice", "call_early_delinquency", "written_collection_notice", "formal_demand_letter",
             "placement_notice")
STATES = ("planned", "claimed", "sending", "blocked", "sent", "done", "failed", "review")


@pytest.fixture
def generated_book(settings, tmp_path):
    """A US book started four and a half years ago (some debts past their state's limitation), fed
    through the loans and payments feeds, aged tonight, with random contact attempts."""
    settings.ARREARS_PROFILE = "us-regf"
    save_catalogue(read_catalogue(shipped_catalogue("us-regf")))
    today = clock.today()
    book = generate_book(BookOptions(loans=LOANS, seed=11, profile="us-regf", start=today - dt.timedelta(days=1300),
                                     days=1300))
    loans = book.loans.filter(pc.less(book.loans.column("start_date"), pa.scalar(today, pa.date32())))
    payments = book.payments.filter(pc.less(book.payments.column("value_date"), pa.scalar(today, pa.date32())))
    pq.write_table(loans, tmp_path / "loans.parquet")
    pq.write_table(payments, tmp_path / "payments.parquet")
    assert import_loans(tmp_path / "loans.parquet").rejected == 0
    import_payments(tmp_path / "payments.parquet")
    run_cycle(today)
    rng = np.random.default_rng(4)
    attempts = []
    for loan_id in Loan.objects.values_list("pk", flat=True):
        for number in range(int(rng.integers(0, 5))):
            attempted = clock.now() - dt.timedelta(days=int(rng.integers(0, 40)), seconds=int(rng.integers(0, 86_400)),
                                                   microseconds=int(rng.integers(0, 1_000_000)))
            sent = attempted + dt.timedelta(seconds=int(rng.integers(1, 600))) if rng.random() < 0.7 else None
            attempts.append(ContactAttempt(
                idempotency_key=f"g-{loan_id}-{number}", loan_id=loan_id, channel=str(rng.choice(CHANNELS)),
                template=str(rng.choice(TEMPLATES)), state=str(rng.choice(STATES)),
                party="debtor" if rng.random() < 0.85 else "third_party", conversation=bool(rng.random() < 0.4),
                attempted_at=attempted, sent_at=sent,
            ))
    ContactAttempt.objects.bulk_create(attempts)
    return today


def test_the_set_based_debt_facts_equal_the_per_loan_read_for_every_loan(generated_book):
    today = generated_book
    with BulkConnection.for_django() as db:
        whole_book = debt_facts_table(db, today).to_pylist()
    loan_by_loan = [debt_facts(today, loan_ids=[loan_id])[0] for loan_id in Loan.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(whole_book) == len(loan_by_loan) == Loan.objects.count() > 150
    for row, fact in zip(whole_book, loan_by_loan, strict=True):
        assert (row["debt_id"], row["initial_communication_utc"], row["validation_notice_utc"], row["time_barred"]) == (
            fact.debt_id, fact.initial_communication_utc, fact.validation_notice_utc, fact.time_barred
        )
    # and the book has every case in it: reached and not, noticed and not, barred and not
    assert {row["initial_communication_utc"] is None for row in whole_book} == {True, False}
    assert {row["validation_notice_utc"] is None for row in whole_book} == {True, False}
    assert {row["time_barred"] for row in whole_book} == {True, False}


def test_the_strategys_validation_notice_due_is_the_debt_facts_less_a_notice_on_its_way(generated_book):
    today = generated_book
    with BulkConnection.for_django() as db:
        due = dict(zip(*read_facts(db, today).select(["loan_id", "validation_notice_due"]).to_pydict().values(), strict=True))
    notice_attempts = set(
        ContactAttempt.objects.filter(party="debtor", template__in=NOTICE_TEMPLATES, state__in=WENT_OUT + ON_ITS_WAY)
        .values_list("loan_id", flat=True)
    )
    expected = {
        int(fact.debt_id): fact.initial_communication_utc is not None and int(fact.debt_id) not in notice_attempts
        for fact in debt_facts(today)
    }
    assert due == expected and set(due.values()) == {True, False}
