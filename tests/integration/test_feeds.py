"""Loans and payments feeds through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names).

The bulk connection is separate from Django's, so every test runs with
transaction=True: each test sees what the importer committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.db import connection, transaction

from arrears import clock
from arrears.cli import main
from arrears.contact.models import ContactPointVerification
from arrears.contact.verification import mark_unverified
from arrears.errors import EngineError
from arrears.feeds import import_loans, import_payments
from arrears.ledger.catalogue import read_catalogue, save_catalogue
from arrears.ledger.identity import IdentityVault, check_character
from arrears.ledger.models import Borrower, ContactPoint, FeedImport, Instalment, Loan, Payment
from arrears.ledger.schedule import build_schedule

pytestmark = pytest.mark.django_db(transaction=True)

LOAN_COLUMNS = (
    "loan_id borrower_id borrower_name national_id time_zone mobile email address emergency_contact_name "
    "emergency_contact_relation emergency_contact_mobile product principal term_months start_date"
).split()
PAYMENT_COLUMNS = ["reference", "loan_id", "amount", "value_date", "channel", "reverses"]
VERIFIED_COLUMNS = [*LOAN_COLUMNS, "mobile_verified", "email_verified", "address_verified"]


def national_id(sequence: int, born: str = "19850412") -> str:
    first_17 = f"310104{born}{sequence:03d}"
    return first_17 + check_character(first_17)


def loan_row(number: int, **changes: str) -> dict[str, str]:
    row = {
        "loan_id": f"L{number:04d}",
        "borrower_id": f"B{number:04d}",
        "borrower_name": f"借款人{number}",
        "national_id": national_id(number),
        "time_zone": "Asia/Shanghai",
        "mobile": f"1380000{number:04d}",
        "email": f"b{number}@example.cn",
        "address": f"上海市徐汇区某路{number}号",
        "emergency_contact_name": f"联系人{number}",
        "emergency_contact_relation": "sibling",
        "emergency_contact_mobile": f"1390000{number:04d}",
        "product": "CASH",
        "principal": "12000.00",
        "term_months": "12",
        "start_date": "2026-01-31",
    }
    row.update(changes)
    return row


def payment_row(reference: str, loan_id: str = "L0001", **changes: str) -> dict[str, str]:
    row = {
        "reference": reference,
        "loan_id": loan_id,
        "amount": "1000.00",
        "value_date": "2026-03-01",
        "channel": "app",
        "reverses": "",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def products() -> None:
    save_catalogue(read_catalogue())


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    return tmp_path


def ledger_snapshot() -> dict[str, list[tuple]]:
    """Every row the feeds write, ids and timestamps included."""
    return {
        "borrowers": list(Borrower.objects.order_by("pk").values_list()),
        "contact_points": list(ContactPoint.objects.order_by("pk").values_list()),
        "loans": list(Loan.objects.order_by("pk").values_list()),
        "instalments": list(Instalment.objects.order_by("pk").values_list()),
        "payments": list(Payment.objects.order_by("pk").values_list()),
    }


def test_good_rows_land_and_bad_rows_go_to_the_rejects_file_with_reasons(products, feeds: Path) -> None:
    # given a file with two good rows and two bad ones
    rows = [
        loan_row(1),
        loan_row(2, national_id="310104198504120010", principal="12.345"),  # wrong check digit; 3 decimals
        loan_row(3, product="NOPE"),
        loan_row(4, product="POS", principal="6000"),
    ]
    source = write_csv(feeds / "loans.csv", rows, LOAN_COLUMNS)

    # when it is imported
    outcome = import_loans(source)

    # then the good rows land, with borrowers, contact points and schedules
    assert (outcome.rows_read, outcome.landed, outcome.updated, outcome.unchanged, outcome.rejected) == (4, 2, 0, 0, 2)
    assert sorted(Loan.objects.values_list("external_id", flat=True)) == ["L0001", "L0004"]
    first = Loan.objects.get(external_id="L0001")
    assert first.principal == 1_200_000 and first.term_months == 12 and first.start_date == dt.date(2026, 1, 31)
    expected = build_schedule("annuity", 1_200_000, 1800, 12, dt.date(2026, 1, 31))
    stored = list(first.instalments.order_by("seq").values_list("seq", "due_date", "principal", "interest"))
    assert stored == [(i.seq, i.due_date, i.principal, i.interest) for i in expected]
    assert Instalment.objects.filter(loan__external_id="L0004").count() == 12
    points = set(first.borrower.contact_points.values_list("kind", "value", "owner", "relation", "owner_name"))
    assert points == {
        ("mobile", "13800000001", "borrower", "self", ""),
        ("email", "b1@example.cn", "borrower", "self", ""),
        ("address", "上海市徐汇区某路1号", "borrower", "self", ""),
        ("mobile", "13900000001", "third_party", "sibling", "联系人1"),
    }
    # and the bad ones are in the rejects file beside the input, one line per problem
    assert outcome.rejects_path == feeds / "loans.rejects.csv"
    rejects = read_rejects(outcome.rejects_path)
    assert [(r["row"], r["field"]) for r in rejects] == [("2", "national_id"), ("2", "principal"), ("3", "product")]
    assert all(r["reason_zh"] and r["reason_en"] for r in rejects)
    assert "校验位" in rejects[0]["reason_zh"] and "check character" in rejects[0]["reason_en"]
    assert (rejects[2]["loan_id"], rejects[2]["product"], rejects[2]["principal"]) == ("L0003", "NOPE", "12000.00")
    # and the run is recorded
    run = FeedImport.objects.get()
    assert (run.kind, run.rows_read, run.rows_landed, run.rows_rejected) == ("loans", 4, 2, 2)
    assert run.rejects_path == str(outcome.rejects_path) and len(run.digest) == 64 and run.finished_at


def test_the_command_prints_a_bilingual_summary(products, feeds: Path, capsys) -> None:
    source = write_csv(feeds / "loans.csv", [loan_row(1), loan_row(2, mobile="12345")], LOAN_COLUMNS)

    assert main(["import", "loans", str(source)]) == 0

    out = capsys.readouterr().out
    assert "读取 2 行，新增 1，更新 0，未变 0，拒收 1" in out
    assert "2 rows read, 1 landed, 0 updated, 0 unchanged, 1 rejected" in out
    assert str(feeds / "loans.rejects.csv") in out


def test_importing_the_same_files_twice_changes_nothing(products, feeds: Path) -> None:
    # given loans and payments imported once
    loans = write_csv(feeds / "loans.csv", [loan_row(n) for n in range(1, 6)] + [loan_row(9, mobile="x")], LOAN_COLUMNS)
    payments = write_csv(
        feeds / "payments.csv",
        [payment_row("P1"), payment_row("P2", "L0002"), payment_row("R1", amount="1000", reverses="P1")],
        PAYMENT_COLUMNS,
    )
    import_loans(loans)
    import_payments(payments)
    before = ledger_snapshot()

    # when both are imported again
    again_loans = import_loans(loans)
    again_payments = import_payments(payments)

    # then not a row nor a timestamp changed, and the counts say so
    assert ledger_snapshot() == before
    assert (again_loans.landed, again_loans.updated, again_loans.unchanged, again_loans.rejected) == (0, 0, 5, 1)
    assert (again_payments.landed, again_payments.unchanged, again_payments.rejected) == (0, 3, 0)


def test_imported_rows_are_stamped_by_the_product_clock(products, feeds: Path) -> None:
    # given the product's clock set to a night's instant
    instant = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)
    loans = write_csv(feeds / "loans.csv", [loan_row(1)], LOAN_COLUMNS)
    payments = write_csv(feeds / "payments.csv", [payment_row("P1")], PAYMENT_COLUMNS)
    # when loans and payments are imported
    with clock.set_to(instant):
        import_loans(loans)
        import_payments(payments)
    # then the rows carry that instant, not the wall clock's
    loan = Loan.objects.select_related("borrower").get()
    assert loan.created_at == loan.updated_at == loan.borrower.created_at == loan.borrower.updated_at == instant
    assert Payment.objects.get().received_at == instant


def test_a_payment_reference_is_one_payment(products, feeds: Path) -> None:
    import_loans(write_csv(feeds / "loans.csv", [loan_row(1)], LOAN_COLUMNS))
    first = write_csv(feeds / "day1.csv", [payment_row("P1"), payment_row("P1")], PAYMENT_COLUMNS)

    # a repeat within the file, identical: skipped silently
    outcome = import_payments(first)
    assert (outcome.landed, outcome.unchanged, outcome.rejected) == (1, 1, 0)
    assert outcome.rejects_path is None

    # the same reference in a later file, identical: skipped
    outcome = import_payments(write_csv(feeds / "day2.csv", [payment_row("P1"), payment_row("P2")], PAYMENT_COLUMNS))
    assert (outcome.landed, outcome.unchanged, outcome.rejected) == (1, 1, 0)

    # different: rejected with the reason, in a later file as within one
    later = write_csv(
        feeds / "day3.csv",
        [payment_row("P1", amount="999.99"), payment_row("P3"), payment_row("P3", channel="counter")],
        PAYMENT_COLUMNS,
    )
    outcome = import_payments(later)
    assert (outcome.landed, outcome.unchanged, outcome.rejected) == (1, 0, 2)
    rejects = read_rejects(outcome.rejects_path)
    assert [(r["row"], r["field"]) for r in rejects] == [("1", "reference"), ("3", "reference")]
    assert "已登记" in rejects[0]["reason_zh"] and "already recorded" in rejects[0]["reason_en"]
    assert rejects[1]["reason_en"] == "reference repeats row 2 with different values"
    assert rejects[0]["amount"] == "999.99"
    assert Payment.objects.get(reference="P1").amount == 100_000
    assert Payment.objects.count() == 3


def test_a_payment_is_reversed_once_by_the_same_amount(products, feeds: Path) -> None:
    import_loans(write_csv(feeds / "loans.csv", [loan_row(1), loan_row(2)], LOAN_COLUMNS))
    import_payments(write_csv(feeds / "p1.csv", [payment_row("P1"), payment_row("P2")], PAYMENT_COLUMNS))
    source = write_csv(
        feeds / "p2.csv",
        [
            payment_row("R1", reverses="P1", value_date="2026-03-02"),
            payment_row("R2", reverses="P1", value_date="2026-03-02"),  # P1 is reversed by R1 already
            payment_row("R3", reverses="P2", amount="999"),  # not the amount of P2
            payment_row("R4", "L0002", reverses="P2"),  # P2 is another loan's
            payment_row("R5", reverses="P404"),
            payment_row("P3", value_date="2025-12-31"),  # before the loan started
            payment_row("P4", channel="cash"),
        ],
        PAYMENT_COLUMNS,
    )

    outcome = import_payments(source)

    assert (outcome.landed, outcome.rejected) == (1, 6)
    assert Payment.objects.get(reference="R1").reverses == Payment.objects.get(reference="P1")
    reasons = {r["reference"]: (r["field"], r["reason_en"]) for r in read_rejects(outcome.rejects_path)}
    assert reasons == {
        "R2": ("reverses", "an earlier row of this file already reverses this payment"),
        "R3": ("amount", "a reversal's amount must equal the payment it reverses"),
        "R4": ("reverses", "the payment reversed belongs to another loan"),
        "R5": ("reverses", "no payment with this reference in the ledger or this file"),
        "P3": ("value_date", "the value date is before the loan's start date"),
        "P4": ("channel", "channel must be one of bank_transfer, app, withhold, counter, online"),
    }
    # and a later file cannot reverse P1 again
    again = import_payments(write_csv(feeds / "p3.csv", [payment_row("R9", reverses="P1")], PAYMENT_COLUMNS))
    assert again.rejected == 1
    assert read_rejects(again.rejects_path)[0]["reason_en"] == "this payment has already been reversed"


def test_a_corrected_row_updates_its_loan_borrower_and_contacts_and_regenerates_the_schedule(
    products, feeds: Path
) -> None:
    # given two loans imported
    import_loans(write_csv(feeds / "loans.csv", [loan_row(1), loan_row(2)], LOAN_COLUMNS))
    untouched = list(Instalment.objects.filter(loan__external_id="L0002").values_list())
    cipher = Borrower.objects.get(external_id="B0001").national_id_cipher

    # when a corrected file changes the first loan's terms, the borrower's name and mobile,
    # and the emergency contact's relation
    corrected = loan_row(
        1,
        borrower_name="借款人一",
        mobile="13811112222",
        emergency_contact_relation="parent",
        principal="24000",
        term_months="6",
        product="POS",
        start_date="2026-02-15",
    )
    outcome = import_loans(write_csv(feeds / "loans-corrected.csv", [corrected, loan_row(2)], LOAN_COLUMNS))

    # then the loan, borrower and contact points are updated
    assert (outcome.landed, outcome.updated, outcome.unchanged) == (0, 1, 1)
    loan = Loan.objects.get(external_id="L0001")
    assert (loan.principal, loan.term_months, loan.start_date, loan.product.code) == (
        2_400_000, 6, dt.date(2026, 2, 15), "POS"
    )
    borrower = loan.borrower
    assert borrower.name == "借款人一"
    assert borrower.national_id_cipher == cipher  # the ID did not change, so it was not re-encrypted
    mobiles = dict(borrower.contact_points.filter(kind="mobile").values_list("value", "relation"))
    assert mobiles["13811112222"] == "self" and mobiles["13900000001"] == "parent"
    # and the schedule is the new one, while the other loan's instalments are the very same rows
    expected = build_schedule("equal_principal", 2_400_000, 1200, 6, dt.date(2026, 2, 15))
    stored = list(loan.instalments.order_by("seq").values_list("seq", "due_date", "principal", "interest"))
    assert stored == [(i.seq, i.due_date, i.principal, i.interest) for i in expected]
    assert list(Instalment.objects.filter(loan__external_id="L0002").values_list()) == untouched


def verified_points() -> dict[tuple[str, str], bool]:
    return {(p.borrower.external_id, p.kind): p.verified for p in ContactPoint.objects.filter(owner="borrower")
            .select_related("borrower")}


def feed_verifications() -> list[tuple[str, str, bool]]:
    found = ContactPointVerification.objects.filter(method="feed").select_related("contact_point__borrower")
    return [(v.contact_point.borrower.external_id, v.contact_point.kind, v.verified) for v in found.order_by("pk")]


def test_the_lender_says_which_contact_points_it_verified(products, feeds: Path) -> None:
    # given a file that says the first borrower's mobile and address are verified, leaves their email
    # unsaid, and says the second borrower's mobile is not verified
    rows = [
        loan_row(1, mobile_verified="true", address_verified="YES"),
        loan_row(2, mobile_verified="0", email_verified=""),
    ]
    source = write_csv(feeds / "loans.csv", rows, VERIFIED_COLUMNS)
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    # when it is imported
    with clock.set_to(now):
        outcome = import_loans(source)

    # then those two points are verified, each change kept as the feed's, and nothing else changed
    assert (outcome.landed, outcome.rejected) == (2, 0)
    assert verified_points() == {
        ("B0001", "mobile"): True, ("B0001", "email"): False, ("B0001", "address"): True,
        ("B0002", "mobile"): False, ("B0002", "email"): False, ("B0002", "address"): False,
    }
    assert set(feed_verifications()) == {("B0001", "mobile", True), ("B0001", "address", True)}
    kept = ContactPointVerification.objects.filter(method="feed")
    run = FeedImport.objects.get()
    assert {(v.at, v.by_id, v.attempt_id) for v in kept} == {(now, None, None)}
    assert {v.note for v in kept} == {f"贷款文件导入 #{run.pk} / loans feed run #{run.pk}"}

    # and the same file again writes nothing: no flag, no second verification
    before = ledger_snapshot()
    again = import_loans(source)
    assert ledger_snapshot() == before and len(feed_verifications()) == 2
    assert (again.landed, again.updated, again.unchanged) == (0, 0, 2)


def test_a_false_unverifies_and_a_returned_letter_is_not_undone_by_the_same_word_again(products, feeds: Path) -> None:
    # given a first borrower whose mobile and address the lender verified
    verified = write_csv(feeds / "day1.csv", [loan_row(1, mobile_verified="1", address_verified="1")], VERIFIED_COLUMNS)
    import_loans(verified)

    # when a later file says the mobile is not verified after all
    corrected = write_csv(feeds / "day2.csv", [loan_row(1, mobile_verified="no", address_verified="1")],
                          VERIFIED_COLUMNS)
    outcome = import_loans(corrected)

    # then the mobile is unverified, kept as the feed's word, and the row counts as an update
    assert (outcome.landed, outcome.updated) == (0, 1)
    assert verified_points()[("B0001", "mobile")] is False
    assert len(feed_verifications()) == 3 and feed_verifications()[-1] == ("B0001", "mobile", False)

    # when a letter comes back, and the lender sends its daily file saying the same as before
    address = ContactPoint.objects.get(borrower__external_id="B0001", kind="address")
    mark_unverified(address.pk, method="returned_mail")
    import_loans(corrected)

    # then the returned letter stands: the feed's word is not news
    assert verified_points()[("B0001", "address")] is False
    assert len(feed_verifications()) == 3

    # and a file that changes its word is heard, even when the flag already agrees, so that changing
    # it back is news again
    import_loans(write_csv(feeds / "day3.csv", [loan_row(1, address_verified="false")], VERIFIED_COLUMNS))
    assert feed_verifications()[-1] == ("B0001", "address", False) and len(feed_verifications()) == 4
    import_loans(write_csv(feeds / "day4.csv", [loan_row(1, address_verified="true")], VERIFIED_COLUMNS))
    assert verified_points()[("B0001", "address")] is True
    assert feed_verifications()[-1] == ("B0001", "address", True) and len(feed_verifications()) == 5


def test_a_verified_flag_that_cannot_be_read_is_rejected_with_bilingual_reasons(products, feeds: Path) -> None:
    rows = [
        loan_row(1, address_verified="maybe"),
        loan_row(2, email="", email_verified="true"),
        loan_row(3, borrower_id="B0004", borrower_name="借款人4", national_id=national_id(4), mobile="13800000004",
                 mobile_verified="true"),
        loan_row(4, mobile_verified="false"),  # the borrower's first row said otherwise of the same mobile
    ]

    outcome = import_loans(write_csv(feeds / "loans.csv", rows, VERIFIED_COLUMNS))

    assert (outcome.landed, outcome.rejected) == (1, 3)
    reasons = {(r["row"], r["field"]): (r["reason_zh"], r["reason_en"]) for r in read_rejects(outcome.rejects_path)}
    assert reasons[("1", "address_verified")][1] == "must be true or false (or 1/0, yes/no); leave it empty to say nothing"
    assert reasons[("2", "email_verified")][1] == "says whether the email is verified, but the row gives no email"
    assert reasons[("4", "mobile_verified")][1] == (
        "an earlier row of this file says otherwise whether this contact point is verified"
    )
    assert all(any("\u4e00" <= c <= "\u9fff" for c in zh) for zh, _ in reasons.values())
    assert feed_verifications() == [("B0004", "mobile", True)]  # the row that spoke first landed


def test_a_changed_national_id_is_re_encrypted(products, feeds: Path) -> None:
    import_loans(write_csv(feeds / "loans.csv", [loan_row(1)], LOAN_COLUMNS))
    new_id = national_id(77)

    outcome = import_loans(write_csv(feeds / "fixed.csv", [loan_row(1, national_id=new_id)], LOAN_COLUMNS))

    borrower = Borrower.objects.get(external_id="B0001")
    vault = IdentityVault(settings.SECRET_KEY)
    assert outcome.updated == 1
    assert vault.decrypt(borrower.national_id_cipher) == new_id
    assert borrower.national_id_digest == vault.digest(new_id)
    assert borrower.national_id_masked == new_id[:6] + "********" + new_id[-4:]


def test_a_borrower_with_two_loans_is_one_borrower(products, feeds: Path) -> None:
    rows = [
        loan_row(1),
        loan_row(2, borrower_id="B0001", borrower_name="借款人1", national_id=national_id(1), mobile="13800000001",
                 emergency_contact_mobile="13700000000"),
        loan_row(3, borrower_id="B0001", borrower_name="别名"),  # disagrees about who B0001 is
    ]

    outcome = import_loans(write_csv(feeds / "loans.csv", rows, LOAN_COLUMNS))

    assert (outcome.landed, outcome.rejected) == (2, 1)
    borrower = Borrower.objects.get(external_id="B0001")
    assert borrower.loans.count() == 2
    assert borrower.contact_points.filter(kind="mobile").count() == 3  # own + two emergency contacts
    assert read_rejects(outcome.rejects_path)[0]["field"] == "borrower_name"


@pytest.mark.parametrize("extension", [".csv", ".parquet", ".jsonl"])
def test_every_format_lands_the_same_ledger(products, feeds: Path, extension: str) -> None:
    rows = [loan_row(1), loan_row(2, principal="3000.5", term_months="3"), loan_row(3, mobile="bad")]
    source = feeds / f"loans{extension}"
    if extension == ".csv":
        write_csv(source, rows, LOAN_COLUMNS)
    elif extension == ".parquet":  # typed as a core system would: dates as date32, money as decimal
        table = pa.table({name: [row[name] for row in rows] for name in LOAN_COLUMNS})
        table = table.set_column(
            LOAN_COLUMNS.index("start_date"),
            "start_date",
            pa.array([dt.date.fromisoformat(row["start_date"]) for row in rows], pa.date32()),
        )
        table = table.set_column(
            LOAN_COLUMNS.index("principal"),
            "principal",
            pa.array([Decimal(row["principal"]) for row in rows], pa.decimal128(12, 2)),
        )
        table = table.set_column(
            LOAN_COLUMNS.index("term_months"),
            "term_months",
            pa.array([int(row["term_months"]) for row in rows], pa.int32()),
        )
        pq.write_table(table, source)
    else:  # JSON numbers for the amounts, read digit for digit
        with source.open("w", encoding="utf-8") as stream:
            for row in rows:
                record = {**row, "principal": json.loads(row["principal"]), "term_months": int(row["term_months"])}
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")

    outcome = import_loans(source)

    assert (outcome.landed, outcome.rejected) == (2, 1)
    assert dict(Loan.objects.values_list("external_id", "principal")) == {"L0001": 1_200_000, "L0002": 300_050}
    assert Instalment.objects.count() == 15
    assert outcome.rejects_path == feeds / "loans.rejects.csv"
    assert read_rejects(outcome.rejects_path)[0]["field"] == "mobile"


@pytest.mark.parametrize(
    ("name", "content", "english"),
    [
        ("absent.csv", None, "file not found"),
        ("loans.xlsx", b"PK\x03\x04", "unknown file format .xlsx"),
        ("loans.parquet", b"this is not parquet", "cannot read"),
        ("loans.csv", "loan_id,borrower_id\nL1,B1\n".encode(), "lacks required columns: borrower_name"),
        ("loans.csv", "loan_id,borrower_name\n".encode("utf-8") + "张三".encode("gbk") + b"\n", "--encoding"),
        ("loans.jsonl", b'{"loan_id": "L1"}\n{not json\n', "line 2 is not valid JSON"),
        ("loans.csv", b"", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_gives_one_bilingual_error_and_lands_nothing(
    products, feeds: Path, capsys, name: str, content: bytes | None, english: str
) -> None:
    source = feeds / name
    if content is not None:
        source.write_bytes(content)

    code = main(["import", "loans", str(source)])

    captured = capsys.readouterr()
    assert code == 1
    assert english in captured.err
    assert any("\u4e00" <= character <= "\u9fff" for character in captured.err.splitlines()[0])
    assert "Traceback" not in captured.err + captured.out
    assert not Loan.objects.exists() and not FeedImport.objects.exists()
    assert not (feeds / f"{Path(name).stem}.rejects.csv").exists()


def test_a_payments_file_without_its_required_columns_is_refused(products, feeds: Path, capsys) -> None:
    source = write_csv(feeds / "payments.csv", [{"reference": "P1"}], ["reference"])

    assert main(["import", "payments", str(source)]) == 1

    err = capsys.readouterr().err
    assert "缺少必需的列" in err and "lacks required columns: loan_id, amount, value_date, channel" in err


def test_the_national_id_is_never_stored_in_clear(products, feeds: Path) -> None:
    numbers = [national_id(n) for n in range(1, 4)]
    rows = [loan_row(n, national_id=number) for n, number in enumerate(numbers, start=1)]
    rows.append(loan_row(4, national_id=national_id(4), principal="-1"))  # rejected: its ID must not leak either
    outcome = import_loans(write_csv(feeds / "loans.csv", rows, LOAN_COLUMNS))
    assert outcome.landed == 3

    # nowhere in the borrower table, nor in any other ledger table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = " ".join(str(value) for row in cursor.fetchall() for value in row)
            for number in [*numbers, national_id(4)]:
                assert number not in text, f"{table} holds a national ID in clear"
    # what is stored: the cipher opens to it, the digest finds it, the mask shows 6 + 4
    vault = IdentityVault(settings.SECRET_KEY)
    for number in numbers:
        borrower = Borrower.objects.get(national_id_digest=vault.digest(number))
        assert vault.decrypt(borrower.national_id_cipher) == number
        assert borrower.national_id_masked == number[:6] + "********" + number[-4:]
    # and the rejects file shows it masked too
    assert read_rejects(outcome.rejects_path)[0]["national_id"] == national_id(4)[:6] + "********" + national_id(4)[-4:]


@pytest.mark.sqlite_only
def test_an_import_inside_a_django_transaction_is_refused_on_sqlite(products, feeds: Path) -> None:
    source = write_csv(feeds / "loans.csv", [loan_row(1)], LOAN_COLUMNS)

    with pytest.raises(EngineError) as refused, transaction.atomic():
        import_loans(source)

    assert "事务" in refused.value.zh and "transaction.atomic" in refused.value.en
    assert not Loan.objects.exists() and not FeedImport.objects.exists()


def test_products_load_and_list(capsys, tmp_path: Path) -> None:
    assert main(["products", "load"]) == 0
    assert main(["products", "load"]) == 0
    out = capsys.readouterr().out
    assert "新增 3" in out and "3 created" in out and "3 unchanged" in out

    assert main(["products", "list"]) == 0
    listing = capsys.readouterr().out
    assert "CASH" in listing and "现金贷" in listing and "18.00 %" in listing

    broken = tmp_path / "products.yaml"
    broken.write_text("products:\n  - code: X\n    grace_days: 40\n", encoding="utf-8")
    assert main(["products", "load", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "缺少必填字段" in err and "required field is missing" in err
