"""The feeds' rules without a database: each rule, its Chinese and English reason, and the
vectorised checks agreeing with the plain ones they stand for."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.errors import InputError
from arrears.feeds import columns as col
from arrears.feeds.instalments import expand_schedules
from arrears.feeds.readers import read_feed
from arrears.feeds.rejects import mask_identifier
from arrears.feeds.schemas import CONTACTS, LOANS, PAYMENTS
from arrears.feeds.validation import (
    LedgerView,
    check_contacts,
    check_contacts_against_ledger,
    check_loans,
    check_national_ids,
    check_payments,
    check_payments_against_ledger,
    empty_contacts_ledger,
    empty_recorded,
)
from arrears.ledger.catalogue import SHIPPED_CATALOGUE, parse_catalogue, read_catalogue
from arrears.ledger.identity import check_character, national_id_error
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import build_schedule
from arrears.money import to_fen

TODAY = dt.date(2026, 3, 1)
PRODUCTS = {"CASH", "POS"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def national_id(sequence: int = 1, born: str = "19850412") -> str:
    first_17 = f"310104{born}{sequence:03d}"
    return first_17 + check_character(first_17)


def loan(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "loan_id": "L1",
        "borrower_id": "B1",
        "borrower_name": "张三",
        "national_id": national_id(),
        "time_zone": "Asia/Shanghai",
        "mobile": "13812345678",
        "email": "zhang@example.cn",
        "address": "上海市徐汇区某路1号",
        "emergency_contact_name": "李四",
        "emergency_contact_relation": "spouse",
        "emergency_contact_mobile": "13912345678",
        "product": "CASH",
        "principal": "12000.00",
        "term_months": "12",
        "start_date": "2026-01-31",
    }
    row.update(changes)
    return row


def payment(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "reference": "P1",
        "loan_id": "L1",
        "amount": "100.00",
        "value_date": "2026-02-01",
        "channel": "app",
        "reverses": "",
    }
    row.update(changes)
    return row


def table(rows: list[dict[str, str | None]], names: tuple[str, ...]) -> pa.Table:
    return pa.table({name: pa.array([row.get(name) for row in rows], pa.string()) for name in names})


def loans(*rows: dict[str, str | None]):
    return check_loans(table(list(rows), LOANS.names), products=PRODUCTS, today=TODAY)


def problems(checked) -> list[tuple[int, str, str, str]]:
    return [tuple(row.values()) for row in checked.rejects.to_pylist()]


def assert_bilingual(zh: str, en: str) -> None:
    assert CJK.search(zh), zh
    assert en.isascii() and en, en


# --- the loans feed, rule by rule -------------------------------------------------------


def test_a_good_row_is_accepted_and_typed() -> None:
    checked = loans(loan(principal="12000.5", time_zone="", national_id=national_id().lower() + " "))

    assert checked.rejects.num_rows == 0
    row = checked.rows.to_pylist()[0]
    assert row["principal"] == 1_200_050
    assert row["term_months"] == 12
    assert row["start_date"] == dt.date(2026, 1, 31)
    assert row["time_zone"] == "Asia/Shanghai"  # the default
    assert row["national_id"] == national_id()  # trimmed, check character upper-cased


@pytest.mark.parametrize(
    ("changes", "field", "english"),
    [
        ({"loan_id": ""}, "loan_id", "required field is empty"),
        ({"loan_id": "L" * 65}, "loan_id", "at most 64 characters"),
        ({"borrower_id": None}, "borrower_id", "required field is empty"),
        ({"borrower_name": "  "}, "borrower_name", "required field is empty"),
        ({"borrower_name": "名" * 101}, "borrower_name", "at most 100 characters"),
        ({"national_id": "31010419850412001"}, "national_id", "has 18 characters"),
        ({"national_id": "3101041985041200AX"}, "national_id", "17 digits followed by a digit or X"),
        ({"national_id": national_id(born="19850230")}, "national_id", "birth date"),
        ({"national_id": national_id(born="20260302")}, "national_id", "birth date"),
        ({"national_id": national_id()[:17] + "0"}, "national_id", "check character"),
        ({"time_zone": "Asia/Beijing"}, "time_zone", "IANA time zone"),
        ({"mobile": "12812345678"}, "mobile", "11 digits"),
        ({"mobile": "1381234567"}, "mobile", "11 digits"),
        ({"email": "zhang.example.cn"}, "email", "not an email address"),
        ({"address": "路" * 301}, "address", "at most 300 characters"),
        ({"emergency_contact_name": ""}, "emergency_contact_name", "needs a name, a relation and a mobile"),
        ({"emergency_contact_relation": "boss"}, "emergency_contact_relation", "relation must be one of"),
        ({"emergency_contact_mobile": "13812345678"}, "emergency_contact_mobile", "the borrower's own"),
        ({"emergency_contact_mobile": "123"}, "emergency_contact_mobile", "11 digits"),
        ({"product": "GOLD"}, "product", "no product with this code"),
        ({"principal": "12.345"}, "principal", "at most two decimals"),
        ({"principal": "-5"}, "principal", "at most two decimals"),
        ({"principal": "1,000.00"}, "principal", "at most two decimals"),
        ({"principal": "1e3"}, "principal", "at most two decimals"),
        ({"principal": "0.00"}, "principal", "more than 0"),
        ({"term_months": "0"}, "term_months", "from 1 to 360"),
        ({"term_months": "361"}, "term_months", "from 1 to 360"),
        ({"term_months": "12.5"}, "term_months", "from 1 to 360"),
        ({"start_date": "2026-02-30"}, "start_date", "a real date"),
        ({"start_date": "2026/01/31"}, "start_date", "a real date"),
        ({"start_date": "1899-12-31"}, "start_date", "a real date"),
        ({"start_date": "1900-01-01"}, "start_date", "not a plausible start date"),
        ({"start_date": "1995-12-31"}, "start_date", "not a plausible start date"),
        ({"start_date": "2027-06-01"}, "start_date", "not a plausible start date"),
        ({"mobile_verified": "verified"}, "mobile_verified", "must be true or false"),
        ({"address_verified": "2"}, "address_verified", "must be true or false"),
        ({"email": "", "email_verified": "yes"}, "email_verified", "the row gives no email"),
        ({"address": None, "address_verified": "0"}, "address_verified", "the row gives no address"),
    ],
)
def test_each_loan_rule_rejects_with_a_chinese_and_an_english_reason(changes, field: str, english: str) -> None:
    checked = loans(loan(), loan(**{"loan_id": "L2", "borrower_id": "B2", **changes}))

    assert checked.rows.column("loan_id").to_pylist() == ["L1"]
    [(row, rejected_field, zh, en)] = problems(checked)
    assert (row, rejected_field) == (2, field)
    assert english in en
    assert_bilingual(zh, en)


def test_verified_flags_are_read_as_booleans_and_empty_says_nothing() -> None:
    checked = loans(
        loan(mobile_verified="TRUE", email_verified=" no ", address_verified=""),
        loan(loan_id="L2", borrower_id="B2", mobile="13700000000", mobile_verified="1", email_verified="0",
             address_verified="Yes"),
    )

    assert checked.rejects.num_rows == 0
    flags = checked.rows.select(["mobile_verified", "email_verified", "address_verified"]).to_pylist()
    assert flags == [
        {"mobile_verified": True, "email_verified": False, "address_verified": None},
        {"mobile_verified": True, "email_verified": False, "address_verified": True},
    ]


def test_rows_naming_one_contact_point_must_not_say_otherwise_whether_it_is_verified() -> None:
    checked = loans(
        loan(mobile_verified=""),
        loan(loan_id="L2", mobile_verified="true"),  # the first that says something
        loan(loan_id="L3", mobile_verified="yes"),  # agrees
        loan(loan_id="L4", mobile_verified="false"),  # disagrees
        loan(loan_id="L5", mobile="13700000000", mobile_verified="false"),  # another mobile of the same borrower
    )

    assert checked.rows.column("loan_id").to_pylist() == ["L1", "L2", "L3", "L5"]
    [(row, field, zh, en)] = problems(checked)
    assert (row, field) == (4, "mobile_verified")
    assert en == "an earlier row of this file says otherwise whether this contact point is verified"
    assert_bilingual(zh, en)


def test_optional_contacts_may_be_left_out_entirely() -> None:
    checked = loans(
        loan(email="", address=None, emergency_contact_name="", emergency_contact_relation="",
             emergency_contact_mobile="")
    )
    assert checked.rejects.num_rows == 0


def test_every_bad_field_of_a_row_is_reported_once() -> None:
    checked = loans(loan(mobile="x", principal="x", term_months="", product="GOLD"))

    assert [(row, field) for row, field, *_ in problems(checked)] == [
        (1, "term_months"),  # empty: reported as required, not again as out of range
        (1, "mobile"),
        (1, "product"),
        (1, "principal"),
    ]
    assert checked.rows.num_rows == 0 and checked.rejected_rows == 1


def test_a_repeated_loan_is_skipped_when_identical_and_rejected_when_not() -> None:
    checked = loans(loan(), loan(loan_id=" L1 "), loan(principal="1.00"), loan(loan_id="L2"))

    assert checked.rows.column("loan_id").to_pylist() == ["L1", "L2"]
    assert checked.repeats == 1
    [(row, field, zh, en)] = problems(checked)
    assert (row, field, en) == (3, "loan_id", "loan_id repeats row 1 with different values")
    assert "第 1 行" in zh


def test_rows_of_one_borrower_must_agree_on_who_the_borrower_is() -> None:
    checked = loans(
        loan(),
        loan(loan_id="L2", mobile="13700000000"),  # another loan, another mobile: fine
        loan(loan_id="L3", national_id=national_id(2)),
        loan(loan_id="L4", time_zone="Asia/Urumqi"),
    )

    assert checked.rows.column("loan_id").to_pylist() == ["L1", "L2"]
    assert [(row, field) for row, field, *_ in problems(checked)] == [(3, "national_id"), (4, "time_zone")]
    assert checked.rows.column("borrower_first").to_pylist() == [True, False]
    assert checked.rows.column("borrower_shared").to_pylist() == [True, True]


# --- the payments feed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "english"),
    [
        ({"reference": ""}, "reference", "required field is empty"),
        ({"reference": "R" * 65}, "reference", "at most 64 characters"),
        ({"loan_id": None}, "loan_id", "required field is empty"),
        ({"amount": "0"}, "amount", "more than 0"),
        ({"amount": "-100.00"}, "amount", "at most two decimals"),
        ({"amount": "100.001"}, "amount", "at most two decimals"),
        ({"value_date": "2026-13-01"}, "value_date", "a real date"),
        ({"channel": "cash"}, "channel", "channel must be one of bank_transfer, app, withhold, counter"),
        ({"reverses": "P2"}, "reverses", "cannot reverse itself"),
    ],
)
def test_each_payment_rule_rejects_with_a_chinese_and_an_english_reason(changes, field: str, english: str) -> None:
    rows = [payment(reference="P0"), payment(**{"reference": "P2", **changes})]
    checked = check_payments(table(rows, PAYMENTS.names))

    [(row, rejected_field, zh, en)] = problems(checked)
    assert (row, rejected_field) == (2, field)
    assert english in en
    assert_bilingual(zh, en)


def ledger(recorded: list[dict] | None = None) -> LedgerView:
    loans_held = pa.table(
        {
            "loan_id": pa.array(["L1", "L2"]),
            "id": pa.array([1, 2], pa.int64()),
            "start_date": pa.array([dt.date(2026, 1, 1), dt.date(2026, 1, 1)], pa.date32()),
        }
    )
    held = empty_recorded()
    if recorded:
        held = pa.Table.from_pylist(
            [{"reverses": "", "reversed_by": "", "channel": "app", **r} for r in recorded], schema=held.schema
        )
    return LedgerView(loans=loans_held, recorded=held)


def against_ledger(rows: list[dict], view: LedgerView):
    return check_payments_against_ledger(check_payments(table(rows, PAYMENTS.names)), view)


def recorded_payment(reference: str, **changes) -> dict:
    return {"reference": reference, "loan_id": "L1", "amount": 10_000, "value_date": dt.date(2026, 2, 1), **changes}


def test_a_payment_needs_a_loan_that_had_started() -> None:
    checked = against_ledger(
        [payment(loan_id="L9"), payment(reference="P2", value_date="2025-12-31"), payment(reference="P3")], ledger()
    )

    assert checked.rows.column("reference").to_pylist() == ["P3"]
    assert [(row, field, en) for row, field, _, en in problems(checked)] == [
        (1, "loan_id", "no loan with this loan_id in the ledger"),
        (2, "value_date", "the value date is before the loan's start date"),
    ]


def test_a_recorded_reference_is_the_same_payment_or_refused() -> None:
    view = ledger([recorded_payment("P1"), recorded_payment("P2")])

    checked = against_ledger([payment(), payment(reference="P2", channel="counter")], view)

    assert checked.rows.num_rows == 0 and checked.repeats == 1
    [(row, field, zh, en)] = problems(checked)
    assert (row, field, en) == (2, "reference", "this reference is already recorded with different values")
    assert_bilingual(zh, en)


@pytest.mark.parametrize(
    ("reversal", "english"),
    [
        (payment(reference="R1", reverses="P404"), "no payment with this reference in the ledger or this file"),
        (payment(reference="R1", reverses="R0"), "a reversal cannot be reversed"),
        (payment(reference="R1", loan_id="L2", reverses="P1"), "the payment reversed belongs to another loan"),
        (payment(reference="R1", amount="99.99", reverses="P1"), "amount must equal the payment it reverses"),
        (payment(reference="R1", value_date="2026-01-31", reverses="P1"), "cannot be value-dated before"),
        (payment(reference="R1", reverses="P5"), "this payment has already been reversed"),
    ],
)
def test_a_reversal_names_an_unreversed_payment_of_the_same_loan_and_amount(reversal, english: str) -> None:
    view = ledger(
        [
            recorded_payment("P1"),
            recorded_payment("P5", reversed_by="R5"),
            recorded_payment("R0", reverses="P0"),
        ]
    )

    checked = against_ledger([reversal], view)

    [(row, _field, zh, en)] = problems(checked)
    assert english in en
    assert_bilingual(zh, en)


def test_a_reversal_may_name_a_payment_of_the_same_file_but_only_one_reversal_stands() -> None:
    rows = [
        payment(reference="R1", reverses="P1", value_date="2026-02-02"),
        payment(reference="P1"),
        payment(reference="R2", reverses="P1", value_date="2026-02-03"),
    ]

    checked = against_ledger(rows, ledger())

    assert checked.rows.column("reference").to_pylist() == ["R1", "P1"]
    [(row, field, _, en)] = problems(checked)
    assert (row, field, en) == (3, "reverses", "an earlier row of this file already reverses this payment")


def test_a_reversal_of_a_rejected_payment_is_rejected_too() -> None:
    checked = against_ledger([payment(channel="cash"), payment(reference="R1", reverses="P1")], ledger())

    assert checked.rows.num_rows == 0
    assert [(row, field) for row, field, *_ in problems(checked)] == [(1, "channel"), (2, "reverses")]


# --- the contacts feed, rule by rule ---------------------------------------------------

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # 15:00 in Beijing


def contact(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {name: "" for name in CONTACTS.names}
    row.update(
        record_id="C1", source="dialer-a", loan_id="L1", channel="call", contact="13812345678",
        attempted_at="2026-03-02T09:30:00+08:00", outcome="right_party_contact",
    )
    row.update(changes)
    return row


def contacts(*rows: dict[str, str | None]):
    return check_contacts(table(list(rows), CONTACTS.names), now=NOW, zone="Asia/Shanghai")


def test_a_good_contact_is_accepted_and_typed() -> None:
    checked = contacts(
        contact(contact="+86 138-1234-5678", attempted_at="2026-03-01T23:30:00.5-01:00", outcome="promise",
                promise_amount="1200.5", promise_date="2026-03-05", duration_seconds="61",
                recording_ref="rec/1.wav", recording_sha256="AB" * 32),
        contact(record_id="C2", channel="sms", outcome="delivered", party="third_party"),
    )

    assert checked.rejects.num_rows == 0
    first, second = checked.rows.to_pylist()
    assert first["idempotency_key"] == "feed:dialer-a:C1" and first["kind"] == "mobile"
    assert first["contact"] == "13812345678"  # as the loans feed keeps a mobile
    assert first["attempted_at"] == dt.datetime(2026, 3, 2, 0, 30, 0, 500_000, tzinfo=dt.UTC)
    assert first["as_of"] == dt.date(2026, 3, 2)  # the day in the lender's zone, not the sender's
    assert (first["promise_amount"], first["promise_date"], first["duration_seconds"]) == (120_050, dt.date(2026, 3, 5), 61)
    assert first["conversation"] and first["party"] == "debtor"
    assert first["recording_sha256"] == "ab" * 32
    assert not second["conversation"] and second["party"] == "third_party"
    assert (second["promise_amount"], second["promise_date"], second["duration_seconds"]) == (None, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "english"),
    [
        ({"record_id": ""}, "record_id", "required field is empty"),
        ({"source": "dialer:a"}, "source", "only letters, digits"),
        ({"source": "d" * 33}, "source", "at most 32 characters"),
        ({"channel": "visit"}, "channel", "channel must be one of call, sms, app_push, email, letter"),
        ({"party": "spouse"}, "party", "party must be one of debtor, third_party"),
        ({"outcome": "busy"}, "outcome", "outcome must be one of"),
        ({"outcome": "returned_mail"}, "outcome", "returned_mail goes with the channel letter only"),
        ({"outcome": "delivered"}, "outcome", "a call is not delivered"),
        ({"contact": "0571-88886666"}, "contact", "11 digits"),
        ({"channel": "email", "contact": "zhang.example.cn"}, "contact", "not an email address"),
        ({"attempted_at": "2026-03-02 09:30"}, "attempted_at", "the time has no time zone"),
        ({"attempted_at": "2026-03-02"}, "attempted_at", "ISO 8601 time with its offset"),
        ({"attempted_at": "2026-02-30T09:30:00+08:00"}, "attempted_at", "ISO 8601 time with its offset"),
        ({"attempted_at": "2026-03-02T24:00:00+08:00"}, "attempted_at", "ISO 8601 time with its offset"),
        ({"attempted_at": "2026-03-02T09:30:00+15:00"}, "attempted_at", "ISO 8601 time with its offset"),
        ({"attempted_at": "2026-03-02T07:06:00Z"}, "attempted_at", "the time is in the future"),
        ({"outcome": "promise", "promise_date": "2026-03-05"}, "promise_amount", "a promise needs"),
        ({"outcome": "promise", "promise_amount": "10"}, "promise_date", "a promise needs"),
        ({"promise_date": "2026-03-05"}, "promise_date", "go with the outcome promise only"),
        ({"outcome": "promise", "promise_amount": "0", "promise_date": "2026-03-05"}, "promise_amount", "more than 0"),
        ({"outcome": "promise", "promise_amount": "1e3", "promise_date": "2026-03-05"}, "promise_amount", "yuan"),
        ({"outcome": "promise", "promise_amount": "10", "promise_date": "2026-03-01"}, "promise_date",
         "cannot be before the day of the contact"),
        ({"duration_seconds": "86401"}, "duration_seconds", "from 0 to 86400"),
        ({"duration_seconds": "1.5"}, "duration_seconds", "from 0 to 86400"),
        ({"recording_ref": "r", "recording_sha256": "g" * 64}, "recording_sha256", "64 hexadecimal characters"),
        ({"recording_sha256": "a" * 64}, "recording_sha256", "needs its recording_ref"),
        ({"note": "记" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_each_contact_rule_rejects_with_a_chinese_and_an_english_reason(changes, field: str, english: str) -> None:
    checked = contacts(contact(), contact(**{"record_id": "C2", **changes}))

    assert checked.rows.column("record_id").to_pylist() == ["C1"]
    [(row, rejected_field, zh, en)] = problems(checked)
    assert (row, rejected_field) == (2, field)
    assert english in en
    assert_bilingual(zh, en)


def test_a_record_is_known_by_its_source_and_record_id() -> None:
    checked = contacts(
        contact(), contact(), contact(source="sms-gw", channel="sms"), contact(outcome="refusal"),
    )

    assert checked.rows.column("idempotency_key").to_pylist() == ["feed:dialer-a:C1", "feed:sms-gw:C1"]
    assert checked.repeats == 1
    [(row, field, _, en)] = problems(checked)
    assert (row, field, en) == (4, "record_id", "record_id repeats row 1 with different values")


def ledger_line(row: int, **found) -> dict:
    line = {"row": row, "loan_pk": 7, "start_date": dt.date(2026, 1, 31), "point_id": 70, "owner": "borrower",
            "held": 0, "same": 0}
    return line | found


def test_a_contact_needs_the_loan_the_borrowers_point_and_a_record_not_held_otherwise() -> None:
    checked = contacts(
        contact(record_id="C1"),
        contact(record_id="C2", loan_id="L9"),
        contact(record_id="C3", channel="letter", contact="某路1号", outcome="delivered"),
        contact(record_id="C4", party="third_party"),
        contact(record_id="C5", contact="13912345678"),
        contact(record_id="C6", attempted_at="2026-01-30T12:00:00+08:00"),
        contact(record_id="C7"),
        contact(record_id="C8"),
    )
    lines = [
        ledger_line(1),
        ledger_line(2, loan_pk=None, start_date=None, point_id=None, owner=None),
        ledger_line(3, point_id=None, owner=None),
        ledger_line(4),
        ledger_line(5, point_id=71, owner="third_party"),
        ledger_line(6),
        ledger_line(7, held=1, same=1),
        ledger_line(8, held=1, same=0),
    ]

    checked = check_contacts_against_ledger(checked, pa.Table.from_pylist(lines, schema=empty_contacts_ledger().schema))

    assert checked.rows.column("record_id").to_pylist() == ["C1"]
    assert checked.rows.select(["loan_pk", "point_id"]).to_pylist() == [{"loan_pk": 7, "point_id": 70}]
    assert checked.repeats == 1  # C7: already held, the same
    assert [(row, field, en) for row, field, _, en in problems(checked)] == [
        (2, "loan_id", "no loan with this loan_id in the ledger"),
        (3, "contact", "not an address the ledger holds for this loan's borrower (send it in the loans feed first)"),
        (4, "party", "this contact point is the borrower's own: party must be debtor"),
        (5, "party", "this contact point is a third party's (an emergency contact): party must be third_party"),
        (6, "attempted_at", "the contact is dated before the loan's start date"),
        (8, "record_id", "this source's record_id is already recorded with different values"),
    ]
    for _, _, zh, en in problems(checked):
        assert_bilingual(zh, en)


# --- the vectorised checks agree with the plain rules ----------------------------------

id_like = st.one_of(
    st.builds(
        lambda born, sequence: national_id(sequence, f"{born:%Y%m%d}"),
        st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)),
        st.integers(0, 999),
    ),
    st.text(alphabet="0123456789Xx", min_size=16, max_size=19),
    st.builds(lambda d, y, m, day: f"310104{y:04d}{m:02d}{day:02d}{d}", st.text("0123456789", min_size=4,
              max_size=4), st.integers(1890, 2030), st.integers(0, 13), st.integers(0, 32)),
    st.text(min_size=18, max_size=18),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(id_like, min_size=1, max_size=20))
def test_the_column_wise_id_check_matches_identity_national_id_error(values: list[str]) -> None:
    numbers = [value.strip().upper() for value in values]
    found = check_national_ids(pa.array(numbers, pa.string()), TODAY)
    for index, number in enumerate(numbers):
        expected = national_id_error(number, today=TODAY)
        flagged = [error for error, mask in found.items() if mask[index]]
        assert flagged == ([expected] if expected else []), number


@settings(deadline=None)
@given(st.lists(st.from_regex(r"[0-9]{1,12}(\.[0-9]{1,2})?", fullmatch=True), min_size=1, max_size=20))
def test_yuan_to_fen_matches_to_fen(amounts: list[str]) -> None:
    values = pa.array(amounts, pa.string())
    shaped = col.matches(values, col.YUAN_PATTERN)
    assert shaped.all()
    assert col.yuan_to_fen(values, shaped).tolist() == [to_fen(amount) for amount in amounts]


@settings(deadline=None)
@given(st.text(alphabet="0123456789.-+e, ", max_size=16))
def test_whatever_the_yuan_pattern_accepts_to_fen_reads_the_same(text: str) -> None:
    values = pa.array([text], pa.string())
    shaped = col.matches(values, col.YUAN_PATTERN)
    if shaped[0]:
        assert col.yuan_to_fen(values, shaped)[0] == to_fen(text)


@settings(deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "", None]), max_size=30))
def test_first_positions_finds_each_keys_first_row(keys: list[str | None]) -> None:
    found = col.first_positions(pa.array(keys, pa.string())).tolist()
    expected = [keys.index(key) if key is not None else -1 for key in keys]
    assert found == expected


@settings(deadline=None)
@given(
    st.datetimes(dt.datetime(1900, 1, 2), dt.datetime(2999, 12, 30)),
    st.sampled_from(["Z", "+08:00", "+0800", "+08", "-05:30", "+14:00", "-00:00"]),
    st.sampled_from(["T", " "]),
    st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"]),
)
def test_iso_instants_agree_with_datetime(moment: dt.datetime, zone: str, separator: str, precision: str) -> None:
    text = moment.isoformat(separator, timespec=precision) + zone
    valid, micros = col.iso_instants(pa.array([text]))
    expected = dt.datetime.fromisoformat(text.replace(" ", "T")).astimezone(dt.UTC)
    assert valid[0], text
    assert col.as_instants(micros).to_pylist() == [expected]
    assert col.instants_as_text(col.as_instants(micros)).to_pylist() == [str(expected.replace(tzinfo=None))]


@settings(deadline=None)
@given(st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32))
def test_calendar_dates_agree_with_datetime(year: int, month: int, day: int) -> None:
    valid, days = col.calendar_dates(np.array([year]), np.array([month]), np.array([day]))
    try:
        expected = dt.date(year, month, day)
    except ValueError:
        assert not valid[0]
    else:
        assert valid[0] and int(days[0]) == (expected - dt.date(1970, 1, 1)).days


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(RepaymentMethod)),
            st.integers(1, 10**9),
            st.sampled_from([0, 1200, 1800, 2399]),
            st.integers(1, 36),
            st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_expanded_schedules_equal_build_schedule_loan_by_loan(loans_given) -> None:
    loans_given = loans_given + loans_given[:2]  # repeats share their distinct schedule
    table_given = pa.table(
        {
            "id": pa.array(range(100, 100 + len(loans_given)), pa.int64()),
            "repayment_method": pa.array([m.value for m, *_ in loans_given]),
            "principal": pa.array([p for _, p, *_ in loans_given], pa.int64()),
            "annual_rate_bp": pa.array([r for _, _, r, *_ in loans_given], pa.int64()),
            "term_months": pa.array([t for *_, t, _ in loans_given], pa.int16()),
            "start_date": pa.array([d for *_, d in loans_given], pa.date32()),
        }
    )

    rows = expand_schedules(table_given).to_pylist()

    expected = [
        {"loan_id": 100 + index, "seq": i.seq, "due_date": i.due_date, "principal": i.principal, "interest": i.interest}
        for index, (method, principal, rate, term, start) in enumerate(loans_given)
        for i in build_schedule(method, principal, rate, term, start)
    ]
    assert rows == expected


def test_the_rejects_file_masks_the_national_id() -> None:
    masked = mask_identifier(pa.array(["11010519491231002X", "1234567", ""])).to_pylist()
    assert masked == ["110105********002X", "*******", ""]


# --- reading files ------------------------------------------------------------------------


def test_csv_is_read_as_text_keeping_leading_zeros(tmp_path: Path) -> None:
    source = tmp_path / "payments.csv"
    source.write_text("\ufeffreference,loan_id,amount,value_date,channel,extra\n007,L1,0100.50,2026-02-01,app,x\n",
                      encoding="utf-8")

    read = read_feed(source, PAYMENTS)

    assert read.column_names == list(PAYMENTS.names)
    assert read.to_pylist() == [
        {"reference": "007", "loan_id": "L1", "amount": "0100.50", "value_date": "2026-02-01", "channel": "app",
         "reverses": None}
    ]


def test_json_numbers_are_read_digit_for_digit(tmp_path: Path) -> None:
    source = tmp_path / "payments.jsonl"
    source.write_text(
        '{"reference": "P1", "loan_id": "L1", "amount": "100.10", "value_date": "2026-02-01", "channel": "app"}\n'
        '{"reference": "P2", "loan_id": "L1", "amount": 100.10, "value_date": "2026-02-01", "channel": "app"}\n',
        encoding="utf-8",
    )

    read = read_feed(source, PAYMENTS)

    assert read.column("amount").to_pylist() == ["100.10", "100.10"]  # never through a float


def test_parquet_dates_and_decimals_become_text_and_floats_for_money_are_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    pq.write_table(
        pa.table(
            {
                "reference": ["P1"],
                "loan_id": ["L1"],
                "amount": pa.array([Decimal("100.50")], pa.decimal128(10, 2)),
                "value_date": pa.array([dt.date(2026, 2, 1)], pa.date32()),
                "channel": ["app"],
            }
        ),
        good,
    )
    assert read_feed(good, PAYMENTS).to_pylist()[0] == {
        "reference": "P1", "loan_id": "L1", "amount": "100.50", "value_date": "2026-02-01", "channel": "app",
        "reverses": None,
    }

    floats = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"reference": ["P1"], "loan_id": ["L1"], "amount": [100.5], "value_date": ["2026-02-01"],
                             "channel": ["app"]}), floats)
    with pytest.raises(InputError) as refused:
        read_feed(floats, PAYMENTS)
    assert "浮点" in refused.value.zh and "binary floating point" in refused.value.en


@pytest.mark.parametrize(
    ("name", "content", "english"),
    [
        ("payments.txt", "reference\n", "unknown file format .txt"),
        ("payments.csv", "reference,loan_id\nP1,L1\n", "lacks required columns: amount, value_date, channel"),
        ("payments.jsonl", '{"reference": "P1"}\n', "lacks required columns: loan_id"),
        ("payments.jsonl", '["P1"]\n', "line 1 must be a JSON object"),
    ],
)
def test_a_file_that_cannot_be_used_raises_one_bilingual_error(tmp_path: Path, name: str, content: str,
                                                               english: str) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as refused:
        read_feed(source, PAYMENTS)

    assert english in refused.value.en
    assert_bilingual(refused.value.zh, refused.value.en.replace(str(source), ""))


# --- the product catalogue a loans feed refers to --------------------------------------


def test_the_shipped_catalogue_is_valid() -> None:
    codes = {spec.code: spec for spec in read_catalogue(SHIPPED_CATALOGUE)}
    assert set(codes) == {"CASH", "POS", "BULLET"}
    assert codes["CASH"].late_fee == 5_000 and codes["CASH"].grace_days == 3


@pytest.mark.parametrize(
    ("changes", "where", "english"),
    [
        ({"repayment_method": "balloon"}, "repayment_method", "must be one of annuity"),
        ({"grace_days": 28}, "grace_days", "from 0 to 27"),
        ({"grace_days": -1}, "grace_days", "from 0 to 27"),
        ({"late_fee": 50.0}, "late_fee", "quoted text"),
        ({"late_fee": "50.001"}, "late_fee", "at most two decimals"),
        ({"late_fee": "-1"}, "late_fee", "must not be negative"),
        ({"allocation_order": ["fee", "fee", "interest", "principal"]}, "allocation_order", "exactly once"),
        ({"allocation_order": ["penalty", "fee", "interest"]}, "allocation_order", "exactly once"),
        ({"annual_rate_bp": "1800"}, "annual_rate_bp", "whole number"),
        ({"charge_off_dpd": 0}, "charge_off_dpd", "from 1 to"),
        ({"code": "现金"}, "code", "letters, digits"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_each_catalogue_field_is_checked_with_a_bilingual_message(changes, where: str, english: str) -> None:
    product = {
        "code": "CASH", "name_zh": "现金贷", "name_en": "Cash loan", "repayment_method": "annuity",
        "annual_rate_bp": 1800, "late_fee": "50.00", "grace_days": 3,
        "allocation_order": ["penalty", "fee", "interest", "principal"],
    }
    product.update(changes)

    with pytest.raises(InputError) as refused:
        parse_catalogue({"products": [product]})

    assert f"products[0].{where}: " in refused.value.en and english in refused.value.en
    assert f"products[0].{where}: " in refused.value.zh and CJK.search(refused.value.zh)


def test_a_catalogue_may_not_name_a_code_twice() -> None:
    product = {"code": "X", "name_zh": "甲", "name_en": "X", "repayment_method": "annuity", "annual_rate_bp": 0}
    with pytest.raises(InputError) as refused:
        parse_catalogue({"products": [product, product]})
    assert "code X repeats products[0]" in refused.value.en
