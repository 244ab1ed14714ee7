"""The synthetic book: determinism, valid identities, payments that fit their loans, and behaviours
that show in the payments."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import numpy as np
import pyarrow.parquet as pq
import pytest

from arrears.cli import main
from arrears.errors import InputError
from arrears.ledger.catalogue import read_catalogue
from arrears.ledger.identity import mobile_error, national_id_error
from arrears.ledger.schedule import add_months, build_schedule
from arrears.money import to_fen
from arrears.simulate import (
    BEHAVIOUR_SHARES,
    LOANS_SCHEMA,
    PAYMENTS_SCHEMA,
    Behaviour,
    BookOptions,
    BookWriter,
    generate_book,
    iter_book,
)
from arrears.simulate import book as book_module
from arrears.simulate.identifiers import MOBILE_PREFIXES
from arrears.simulate.products import LENDING_PATTERNS
from arrears.simulate.regions import PROVINCES, XINJIANG
from arrears.simulate.text import numbered_text, yuan_text

OPTIONS = BookOptions(loans=3_000, seed=11, start=dt.date(2026, 1, 1), days=120)
HORIZON = OPTIONS.horizon_end
TWO_DECIMALS = re.compile(r"[0-9]+\.[0-9]{2}")
CATALOGUE = {spec.code: spec for spec in read_catalogue()}


@pytest.fixture(scope="module")
def book():
    # small chunks, so that the book spans several of them as a large one does
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(book_module, "CHUNK_LOANS", 1_000)
        return generate_book(OPTIONS)


@pytest.fixture(scope="module")
def loans(book):
    return book.loans.to_pylist()


@pytest.fixture(scope="module")
def payments(book):
    return book.payments.to_pylist()


@pytest.fixture(scope="module")
def payments_by_loan(payments):
    by_loan = defaultdict(list)
    for payment in payments:
        by_loan[payment["loan_id"]].append(payment)
    return by_loan


@pytest.fixture(scope="module")
def behaviour_by_loan(book, loans):
    return {loan["loan_id"]: Behaviour(code) for loan, code in zip(loans, book.behaviour, strict=True)}


def schedule_of(loan):
    spec = CATALOGUE[loan["product"]]
    return build_schedule(
        spec.repayment_method, to_fen(loan["principal"]), spec.annual_rate_bp, loan["term_months"], loan["start_date"]
    )


def due_by_horizon(loan):
    return [instalment for instalment in schedule_of(loan) if instalment.due_date <= HORIZON]


def net_paid(loan_payments) -> int:
    """What reached the lender: payments less the reversals of bounced ones."""
    return sum(to_fen(p["amount"]) * (-1 if p["reverses"] else 1) for p in loan_payments)


def loans_of(behaviour, loans, behaviour_by_loan):
    return [loan for loan in loans if behaviour_by_loan[loan["loan_id"]] is behaviour]


# --- determinism ----------------------------------------------------------------------------


def test_the_same_seed_writes_byte_identical_files(tmp_path):
    # given two runs with the same options
    options = BookOptions(loans=700, seed=OPTIONS.seed)

    # when
    for name in ("first", "second"):
        with BookWriter(tmp_path / name) as writer:
            for chunk in iter_book(options):
                writer.write(chunk)

    # then
    for file in ("loans.parquet", "payments.parquet"):
        assert (tmp_path / "first" / file).read_bytes() == (tmp_path / "second" / file).read_bytes()


def test_another_seed_makes_another_book():
    first = generate_book(BookOptions(loans=300, seed=OPTIONS.seed))
    second = generate_book(BookOptions(loans=300, seed=OPTIONS.seed + 1))

    assert first.loans["national_id"].to_pylist() != second.loans["national_id"].to_pylist()
    assert first.payments["amount"].to_pylist() != second.payments["amount"].to_pylist()


def test_a_bigger_book_begins_with_the_smaller_one(monkeypatch):
    # each chunk has its own random stream, so more loans do not reshuffle the earlier chunks
    monkeypatch.setattr(book_module, "CHUNK_LOANS", 100)
    small = generate_book(BookOptions(loans=200, seed=OPTIONS.seed))
    large = generate_book(BookOptions(loans=300, seed=OPTIONS.seed))

    assert large.loans.slice(0, 200).equals(small.loans)


# --- loans ------------------------------------------------------------------------------------


def test_tables_have_the_feed_schemas(book):
    assert book.loans.schema.equals(LOANS_SCHEMA)
    assert book.payments.schema.equals(PAYMENTS_SCHEMA)
    assert book.loans.num_rows == OPTIONS.loans


def test_every_national_id_is_valid_and_plausible(loans):
    province_codes = {province.code for province in PROVINCES}
    for loan in loans:
        number = loan["national_id"]
        assert national_id_error(number, today=HORIZON) is None, number
        assert number[:2] in province_codes and number[4:6] != "00", number
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        started = loan["start_date"]
        age = started.year - born.year - ((started.month, started.day) < (born.month, born.day))
        assert 20 <= age <= 60, (number, started)


def test_a_repeat_borrower_keeps_the_same_identity(loans):
    by_borrower = defaultdict(set)
    for loan in loans:
        by_borrower[loan["borrower_id"]].add((loan["borrower_name"], loan["national_id"], loan["mobile"]))

    assert all(len(identities) == 1 for identities in by_borrower.values())
    assert 0.85 * len(loans) < len(by_borrower) < len(loans)  # some, not many, borrowers have two loans


def test_mobiles_are_valid_and_the_contact_has_another_number(loans):
    prefixes = {str(prefix) for prefix in MOBILE_PREFIXES}
    for loan in loans:
        for mobile in (loan["mobile"], loan["emergency_contact_mobile"]):
            assert mobile_error(mobile) is None and len(mobile) == 11 and mobile[:3] in prefixes
        assert loan["mobile"] != loan["emergency_contact_mobile"]


def test_contact_details_take_the_documented_forms(loans):
    relations = {loan["emergency_contact_relation"] for loan in loans}
    zones = [loan["time_zone"] for loan in loans]
    emails = [loan["email"] for loan in loans]

    assert relations == {"spouse", "parent", "sibling", "friend", "colleague"}
    assert set(zones) == {"Asia/Shanghai", "Asia/Urumqi"}
    assert zones.count("Asia/Shanghai") > 0.95 * len(zones)
    assert all(loan["national_id"][:2] == XINJIANG for loan in loans if loan["time_zone"] == "Asia/Urumqi")
    assert all(email == "" or re.fullmatch(r"[a-z0-9._]+@[a-z0-9.]+\.[a-z]+", email) for email in emails)
    assert 0.2 * len(emails) < emails.count("") < 0.5 * len(emails)
    assert all(loan["address"].endswith(("号", "室")) and len(loan["borrower_name"]) >= 2 for loan in loans)


def test_the_lender_says_every_mobile_and_most_addresses_are_verified_and_nothing_of_emails(loans):
    by_borrower = {loan["borrower_id"]: loan["address_verified"] for loan in loans}

    assert all(loan["mobile_verified"] is True and loan["email_verified"] is None for loan in loans)
    assert all(loan["address_verified"] is by_borrower[loan["borrower_id"]] for loan in loans)  # one word per borrower
    assert set(by_borrower.values()) == {True, None}
    assert 0.55 * len(by_borrower) < list(by_borrower.values()).count(True) < 0.65 * len(by_borrower)


def test_the_verified_flags_draw_from_their_own_stream(monkeypatch):
    # given the same book with the flags drawn from another stream
    options = BookOptions(loans=400, seed=OPTIONS.seed)
    book = generate_book(options)
    monkeypatch.setattr(book_module, "VERIFIED_STREAM", 2)
    other = generate_book(options)

    # then every other column, and every payment, is the same; only the addresses chosen differ
    flags = ["mobile_verified", "email_verified", "address_verified"]
    assert other.loans.drop_columns(flags).equals(book.loans.drop_columns(flags))
    assert other.payments.equals(book.payments)
    assert other.loans["address_verified"].to_pylist() != book.loans["address_verified"].to_pylist()


def test_the_book_passes_the_loans_feed_rules(book, tmp_path):
    from arrears.feeds.readers import read_feed
    from arrears.feeds.schemas import LOANS
    from arrears.feeds.validation import check_loans

    pq.write_table(book.loans, tmp_path / "loans.parquet")
    checked = check_loans(read_feed(tmp_path / "loans.parquet", LOANS), products=set(CATALOGUE), today=HORIZON)

    assert checked.rejects.num_rows == 0 and checked.rows.num_rows == OPTIONS.loans


def test_products_amounts_terms_and_start_dates_follow_the_catalogue(loans):
    products = {loan["product"] for loan in loans}
    assert products == set(CATALOGUE)
    for loan in loans:
        pattern = LENDING_PATTERNS[CATALOGUE[loan["product"]].repayment_method]
        assert TWO_DECIMALS.fullmatch(loan["principal"]), loan["principal"]
        yuan = to_fen(loan["principal"]) // 100
        assert pattern.principal_min <= yuan <= pattern.principal_max
        assert loan["term_months"] in pattern.terms_months
        assert OPTIONS.earliest_start <= loan["start_date"] <= HORIZON
    counts = {code: sum(loan["product"] == code for loan in loans) for code in products}
    assert counts["BULLET"] < counts["POS"] < counts["CASH"]


def test_loans_of_many_ages_are_in_the_book(loans):
    starts = sorted(loan["start_date"] for loan in loans)

    assert starts[0] < OPTIONS.start - dt.timedelta(days=270)
    assert starts[-1] > HORIZON - dt.timedelta(days=30)
    assert sum(start > OPTIONS.start for start in starts) > 0.15 * len(starts)  # new loans during the run


# --- payments ----------------------------------------------------------------------------------


def test_every_payment_belongs_to_a_loan_and_falls_between_its_start_and_the_horizon(loans, payments):
    start_of = {loan["loan_id"]: loan["start_date"] for loan in loans}

    assert len({payment["reference"] for payment in payments}) == len(payments)
    for payment in payments:
        assert start_of[payment["loan_id"]] <= payment["value_date"] <= HORIZON
        assert TWO_DECIMALS.fullmatch(payment["amount"]) and to_fen(payment["amount"]) > 0, payment
        assert payment["channel"] in {"bank_transfer", "app", "withhold", "counter"}


def test_a_reversal_undoes_an_earlier_withholding_of_the_same_loan(payments):
    position = {payment["reference"]: index for index, payment in enumerate(payments)}
    reversals = [payment for payment in payments if payment["reverses"] is not None]

    assert reversals, "a book of this size has some bounced withholding"
    reversed_references = [reversal["reverses"] for reversal in reversals]
    assert len(set(reversed_references)) == len(reversed_references)
    for reversal in reversals:
        original = payments[position[reversal["reverses"]]]
        assert position[original["reference"]] < position[reversal["reference"]]
        assert original["loan_id"] == reversal["loan_id"]
        assert original["amount"] == reversal["amount"]
        assert original["channel"] == reversal["channel"] == "withhold"
        assert original["reverses"] is None
        assert 1 <= (reversal["value_date"] - original["value_date"]).days <= 3


# --- behaviours -------------------------------------------------------------------------------


def test_the_behaviour_mix_follows_the_documented_shares(book):
    for behaviour, share in BEHAVIOUR_SHARES.items():
        assert abs(np.mean(book.behaviour == behaviour) - share) < 0.04, behaviour


def test_an_always_payer_has_paid_every_instalment_due_by_the_horizon(loans, payments_by_loan, behaviour_by_loan):
    payers = loans_of(Behaviour.ALWAYS_PAYS, loans, behaviour_by_loan)

    assert len(payers) > 1_000
    for loan in payers:
        due = due_by_horizon(loan)
        made = payments_by_loan[loan["loan_id"]]
        assert net_paid(made) == sum(instalment.amount for instalment in due), loan["loan_id"]
        if due:
            assert all(payment["value_date"] <= due[-1].due_date + dt.timedelta(days=3) for payment in made)


def test_a_late_payer_pays_5_to_25_days_after_the_due_date(loans, payments_by_loan, behaviour_by_loan):
    checked = 0
    for loan in loans_of(Behaviour.PAYS_LATE, loans, behaviour_by_loan):
        made = payments_by_loan[loan["loan_id"]]
        if made:
            days_late = (made[0]["value_date"] - schedule_of(loan)[0].due_date).days
            assert 5 <= days_late <= 25, loan["loan_id"]
            checked += 1
    assert checked > 100


def test_a_refuser_stops_after_a_few_instalments(loans, payments_by_loan, behaviour_by_loan):
    stopped = 0
    for loan in loans_of(Behaviour.REFUSES, loans, behaviour_by_loan):
        schedule = schedule_of(loan)
        made = payments_by_loan[loan["loan_id"]]
        if len(schedule) >= 4:
            # four instalments at most, the last of them possibly withheld again after a bounce
            assert all(payment["value_date"] <= schedule[3].due_date + dt.timedelta(days=3) for payment in made)
        due = due_by_horizon(loan)
        if len(due) >= 5:
            assert net_paid(made) < sum(instalment.amount for instalment in due)
            stopped += 1
    assert stopped > 10


def test_an_unreachable_borrower_pays_the_first_instalment_at_most(loans, payments_by_loan, behaviour_by_loan):
    for loan in loans_of(Behaviour.UNREACHABLE, loans, behaviour_by_loan):
        first = schedule_of(loan)[0]
        made = payments_by_loan[loan["loan_id"]]
        assert all(p["value_date"] <= first.due_date for p in made if p["reverses"] is None)
        assert net_paid(made) in (0, first.amount)


def test_a_self_curer_falls_behind_and_then_catches_up(loans, payments_by_loan, behaviour_by_loan):
    checked = 0
    for loan in loans_of(Behaviour.SELF_CURES, loans, behaviour_by_loan):
        due = due_by_horizon(loan)
        if not due or due[-1].due_date > HORIZON - dt.timedelta(days=31):
            continue  # the catch-up may still lie beyond the horizon
        made = payments_by_loan[loan["loan_id"]]

        def paid_by(day, made=made):
            return net_paid([payment for payment in made if payment["value_date"] <= day])

        owed_so_far = np.cumsum([instalment.amount for instalment in due])
        behind = [paid_by(i.due_date + dt.timedelta(days=4)) < owed for i, owed in zip(due, owed_so_far, strict=True)]
        assert any(behind), loan["loan_id"]
        assert net_paid(made) >= owed_so_far[-1], loan["loan_id"]
        checked += 1
    assert checked > 50


def test_a_borrower_in_hardship_pays_part_then_pauses_then_pays_part_again(loans, payments_by_loan, behaviour_by_loan):
    came_back = 0
    for loan in loans_of(Behaviour.HARDSHIP, loans, behaviour_by_loan):
        due = due_by_horizon(loan)
        made = payments_by_loan[loan["loan_id"]]
        payments = [payment for payment in made if payment["reverses"] is None]
        assert net_paid(made) <= 0.7 * sum(instalment.amount for instalment in due) + 100
        if due and due[0].due_date + dt.timedelta(days=15) <= HORIZON:
            assert any(due[0].due_date <= p["value_date"] <= due[0].due_date + dt.timedelta(days=15) for p in payments)
        if len(due) >= 5:
            assert len(payments) <= len(due) - 2  # after one to three instalments, a gap of two or three
        if len(due) >= 7 and due[6].due_date + dt.timedelta(days=15) <= HORIZON:
            assert any(payment["value_date"] >= due[6].due_date for payment in payments)
            came_back += 1
    assert came_back > 10


def test_some_payments_are_more_than_was_due(loans, payments_by_loan, behaviour_by_loan):
    overpaid = 0
    for loan in loans_of(Behaviour.PAYS_LATE, loans, behaviour_by_loan):
        due = due_by_horizon(loan)
        overpaid += net_paid(payments_by_loan[loan["loan_id"]]) > sum(instalment.amount for instalment in due)
    assert overpaid > 20


# --- pieces ---------------------------------------------------------------------------------------


def test_amounts_and_numbers_become_text():
    assert yuan_text(np.array([1_200_000, 5, 10, 100, 123_456_789])).to_pylist() == [
        "12000.00",
        "0.05",
        "0.10",
        "1.00",
        "1234567.89",
    ]
    assert numbered_text("LN", np.array([1, 1234567890]), digits=10).to_pylist() == ["LN0000000001", "LN1234567890"]


def test_birth_dates_make_everyone_20_to_60_throughout_the_book():
    earliest, latest = OPTIONS.birth_days

    assert latest == add_months(OPTIONS.earliest_start, -240)
    assert earliest == add_months(HORIZON, -732) + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("changes", "english"),
    [
        ({"loans": 0}, "the number of loans must be a whole number from 1"),
        ({"seed": -1}, "the seed must be a whole number of 0 or more"),
        ({"days": 0}, "the number of days must be a whole number from 1 to 3650"),
        ({"start": dt.date(1999, 12, 31)}, "the start date must fall in the years 2000 to 2099"),
    ],
)
def test_bad_options_are_refused_in_both_languages(changes, english):
    arguments = {"loans": 10, "seed": 1} | changes

    with pytest.raises(InputError) as raised:
        BookOptions(**arguments)

    assert english in raised.value.en
    assert raised.value.zh and raised.value.zh != raised.value.en


# --- the command ----------------------------------------------------------------------------------


def test_generate_writes_both_feeds_and_says_what_it_wrote(tmp_path, capsys):
    # when
    status = main(["generate", "--loans", "400", "--seed", "9", "--days", "60", "--out", str(tmp_path)])

    # then
    out = capsys.readouterr().out
    loans = pq.read_table(tmp_path / "loans.parquet")
    payments = pq.read_table(tmp_path / "payments.parquet")
    assert status == 0
    assert loans.num_rows == 400 and payments.num_rows > 0
    assert "400" in out and str(tmp_path / "payments.parquet") in out and f"{payments.num_rows:,}" in out
    assert max(payments["value_date"].to_pylist()) <= dt.date(2026, 3, 2)
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(
    ("arguments", "english"),
    [
        (["--loans", "many", "--seed", "1"], "--loans must be a whole number, got 'many'"),
        (["--loans", "10", "--seed", "1", "--start", "2026-02-30"], "--start must be a date as YYYY-MM-DD"),
        (["--loans", "10", "--seed", "1", "--days", "0"], "the number of days must be a whole number"),
    ],
)
def test_generate_refuses_bad_options_in_both_languages(tmp_path, capsys, arguments, english):
    status = main(["generate", *arguments, "--out", str(tmp_path)])

    err = capsys.readouterr().err
    assert status == 1
    assert english in err and re.search(r"[\u4e00-\u9fff]", err)
    assert not (tmp_path / "loans.parquet").exists()


def test_name_pools_depend_only_on_the_seed():
    from arrears.simulate.people import NamePools

    cached = NamePools.build(OPTIONS.seed)
    NamePools.build.cache_clear()

    rebuilt = NamePools.build(OPTIONS.seed)
    assert rebuilt is not cached
    assert all(getattr(rebuilt, name).equals(getattr(cached, name)) for name in NamePools.__slots__)
