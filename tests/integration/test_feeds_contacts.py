"""The contacts feed through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names): a
lender's dialer and message platform report the contacts they made, and the product counts them,
and gives their outcomes their effects, exactly as it does its own.

The bulk connection is separate from Django's, so every test runs with transaction=True.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arrears import clock
from arrears.cases.models import AccountHold
from arrears.cli import main
from arrears.contact import effects
from arrears.contact.models import ChannelOptOut, ContactAttempt, ContactPointVerification
from arrears.errors import InputError
from arrears.feeds import import_contacts, import_loans
from arrears.feeds.schemas import CONTACT_OUTCOMES, CONTACTS
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint, FeedImport, Loan
from arrears.promises.models import Promise
from tests.integration.test_feeds import LOAN_COLUMNS, loan_row, products, read_rejects, write_csv  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)
COLUMNS = list(CONTACTS.names)
CJK = re.compile(r"[\u4e00-\u9fff]")
DIGEST = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def contact_row(record_id: str, **changes: str) -> dict[str, str]:
    """A call to L0001's borrower at 09:00 Beijing time that reached them; `changes` override."""
    row = {name: "" for name in COLUMNS}
    row.update(
        record_id=record_id, source="dialer-a", loan_id="L0001", channel="call", contact="13800000001",
        attempted_at="2026-03-02T09:00:00+08:00", outcome="right_party_contact",
    )
    row.update(changes)
    return row


@pytest.fixture
def book(products, tmp_path: Path) -> dict[str, Loan]:  # noqa: F811
    """Two loans (L0001, L0002) started 2026-01-31, each borrower with a mobile (1380000000n), an email,
    an address and an emergency contact's mobile (1390000000n); the clock at 15:00 on 2026-03-02."""
    import_loans(write_csv(tmp_path / "loans.csv", [loan_row(1), loan_row(2)], LOAN_COLUMNS))
    with clock.set_to(NOW):
        yield {loan.external_id: loan for loan in Loan.objects.all()}


def point(loan: Loan, kind: str, owner: str = "borrower") -> ContactPoint:
    return ContactPoint.objects.get(borrower=loan.borrower, kind=kind, owner=owner)


def attempts() -> dict[str, ContactAttempt]:
    return {attempt.idempotency_key: attempt for attempt in ContactAttempt.objects.all()}


def test_good_rows_land_and_bad_rows_go_to_the_rejects_file_with_bilingual_reasons(book, tmp_path: Path) -> None:
    # given a dialer's file with good rows and every kind of bad one
    rows = [
        contact_row("R01", contact="+86 138-0000-0001", duration_seconds="95", recording_ref="rec/R01.wav",
                    recording_sha256=DIGEST),
        contact_row("R02", channel="sms", outcome="delivered", attempted_at="2026-03-02T01:30:00Z"),
        contact_row("R03", channel="email", contact="b1@example.cn", outcome="undelivered"),
        contact_row("R04", channel="letter", contact="上海市徐汇区某路1号", outcome="delivered"),
        contact_row("R05", contact="13900000001", party="third_party", outcome="third_party_answered"),
        contact_row("R06", loan_id="NOPE"),  # 6: no such loan
        contact_row("R07", contact="13812345678"),  # 7: not the borrower's number
        contact_row("R08", outcome="hung_up"),  # 8
        contact_row("R09", channel="fax"),  # 9
        contact_row("R10", attempted_at="2026-03-02T09:00:00"),  # 10: no time zone
        contact_row("R11", attempted_at="2026-03-02T15:10:00+08:00"),  # 11: ten minutes ahead of the clock
        contact_row("R12", outcome="promise"),  # 12: a promise with no amount or date
        contact_row("R13", outcome="no_answer", promise_amount="100.00"),  # 13: an amount without a promise
        contact_row("R14", outcome="promise", promise_amount="100.00", promise_date="2026-03-01"),  # 14: due before
        contact_row("R01", outcome="refusal"),  # 15: row 1's record with other values
        contact_row("R16", recording_ref="rec/R16.wav", recording_sha256="abc"),  # 16
        contact_row("R17", contact="13900000001"),  # 17: the emergency contact's number, as the debtor
        contact_row("R02", channel="sms", outcome="delivered", attempted_at="2026-03-02T01:30:00Z"),  # 18: a repeat
        contact_row("R19", outcome="promise", promise_amount="500.50", promise_date="2026-03-09"),
    ]
    source = write_csv(tmp_path / "contacts.csv", rows, COLUMNS)

    # when it is imported
    outcome = import_contacts(source)

    # then the good rows land as done attempts of that source, the time in UTC, the day in Beijing time
    assert (outcome.rows_read, outcome.landed, outcome.updated, outcome.unchanged, outcome.rejected) == (19, 6, 0, 1, 12)
    held = attempts()
    assert sorted(held) == [f"feed:dialer-a:R{n:02d}" for n in (1, 2, 3, 4, 5, 19)]
    loan = book["L0001"]
    first = held["feed:dialer-a:R01"]
    assert (first.loan_id, first.contact_point_id, first.channel, first.party, first.state, first.rule) == (
        loan.pk, point(loan, "mobile").pk, "call", "debtor", "done", "feed/dialer-a"
    )
    assert first.attempted_at == local(9) and first.as_of == DAY and first.conversation
    assert (first.duration_seconds, first.recording_ref, first.recording_sha256) == (95, "rec/R01.wav", DIGEST.lower())
    assert held["feed:dialer-a:R02"].attempted_at == local(9, 30) and not held["feed:dialer-a:R02"].conversation
    assert held["feed:dialer-a:R03"].contact_point_id == point(loan, "email").pk
    assert held["feed:dialer-a:R04"].contact_point_id == point(loan, "address").pk
    third = held["feed:dialer-a:R05"]
    assert (third.party, third.contact_point_id, third.conversation) == (
        "third_party", point(loan, "mobile", owner="third_party").pk, False
    )
    assert (third.duration_seconds, third.recording_ref, third.recording_sha256) == (None, "", "")
    assert Promise.objects.get().amount == 50_050
    # and the bad ones are in the rejects file, one line per problem, in both languages
    rejects = read_rejects(outcome.rejects_path)
    reasons = {(int(r["row"]), r["field"]): r["reason_en"] for r in rejects}
    assert reasons == {
        (6, "loan_id"): "no loan with this loan_id in the ledger",
        (7, "contact"): "not a mobile number the ledger holds for this loan's borrower (send it in the loans feed first)",
        (8, "outcome"): "outcome must be one of " + ", ".join(CONTACT_OUTCOMES),
        (9, "channel"): "channel must be one of call, sms, app_push, email, letter",
        (10, "attempted_at"): "the time has no time zone: add its offset from UTC (such as +08:00) or Z",
        (11, "attempted_at"): "the time is in the future",
        (12, "promise_amount"): "a promise needs promise_amount and promise_date",
        (12, "promise_date"): "a promise needs promise_amount and promise_date",
        (13, "promise_amount"): "promise_amount and promise_date go with the outcome promise only",
        (14, "promise_date"): "the promised date cannot be before the day of the contact",
        (15, "record_id"): "record_id repeats row 1 with different values",
        (16, "recording_sha256"): "must be a SHA-256 digest: 64 hexadecimal characters",
        (17, "party"): "this contact point is a third party's (an emergency contact): party must be third_party",
    }
    assert all(CJK.search(r["reason_zh"]) for r in rejects)
    assert rejects[0]["loan_id"] == "NOPE" and rejects[1]["contact"] == "13812345678"  # the values as sent
    # and the run is recorded
    run = FeedImport.objects.get(kind="contacts")
    assert (run.rows_read, run.rows_landed, run.rows_rejected) == (19, 6, 12)


def snapshot() -> dict[str, list[tuple]]:
    return {
        "attempts": list(ContactAttempt.objects.order_by("pk").values_list()),
        "promises": list(Promise.objects.order_by("pk").values_list()),
        "holds": list(AccountHold.objects.order_by("pk").values_list()),
        "opt_outs": list(ChannelOptOut.objects.order_by("pk").values_list()),
        "verifications": list(ContactPointVerification.objects.order_by("pk").values_list()),
        "points": list(ContactPoint.objects.order_by("pk").values_list()),
    }


def test_the_same_file_again_lands_nothing_and_a_changed_record_is_refused(book, tmp_path: Path) -> None:
    # given a file with plain outcomes and outcomes that have effects, imported once
    rows = [
        contact_row("R1"),
        contact_row("R2", channel="sms", outcome="stop_channel"),
        contact_row("R3", outcome="promise", promise_amount="300", promise_date="2026-03-10",
                    attempted_at="2026-03-02T10:20:30.250+08:00"),
        contact_row("R4", loan_id="L0002", contact="13800000002", outcome="dispute", note="借款人称已结清"),
        contact_row("R5", outcome="no_answer", duration_seconds="0", attempted_at="2026-03-02T02:20:30.123456Z"),
        contact_row("R6", loan_id="NOPE"),
    ]
    source = write_csv(tmp_path / "contacts.csv", rows, COLUMNS)
    first = import_contacts(source)
    assert (first.landed, first.unchanged, first.rejected) == (5, 0, 1)
    before = snapshot()

    # when the same file is imported again
    again = import_contacts(source)

    # then nothing is written, not even an effect, and every good row counts as unchanged
    assert snapshot() == before
    assert (again.rows_read, again.landed, again.updated, again.unchanged, again.rejected) == (6, 0, 0, 5, 1)

    # and a record sent again with other values is refused, while the same record_id from another source lands
    changed = [contact_row("R1", outcome="refusal"), contact_row("R1", source="sms-gw", channel="sms", outcome="delivered")]
    later = import_contacts(write_csv(tmp_path / "later.csv", changed, COLUMNS))
    assert (later.landed, later.rejected) == (1, 1)
    [refused] = read_rejects(later.rejects_path)
    assert (refused["field"], refused["reason_en"]) == (
        "record_id", "this source's record_id is already recorded with different values"
    )
    assert "已登记" in refused["reason_zh"]
    assert attempts()["feed:dialer-a:R1"].outcome == "right_party_contact"
    assert attempts()["feed:sms-gw:R1"].rule == "feed/sms-gw"


def test_imported_calls_count_in_the_guard_exactly_like_the_products_own(book, tmp_path: Path) -> None:
    # given two borrowers the guard would let a collector call at 16:00
    answered, unanswered = book["L0001"], book["L0002"]
    mobile_1, mobile_2 = point(answered, "mobile"), point(unanswered, "mobile")

    def blocked_by(loan: Loan, mobile: ContactPoint) -> tuple[str, ...]:
        return check_now(loan_id=loan.pk, channel="call", contact_point_id=mobile.pk, at=local(16)).rule_ids

    assert blocked_by(answered, mobile_1) == () and blocked_by(unanswered, mobile_2) == ()

    # when the dialer reports three answered calls to the first today, and six unanswered ones to the second
    rows = [contact_row(f"A{hour}", attempted_at=f"2026-03-02T{hour:02d}:00:00+08:00") for hour in (9, 10, 11)]
    rows += [
        contact_row(f"U{hour}", loan_id="L0002", contact="13800000002", outcome="no_answer",
                    attempted_at=f"2026-03-02T{hour:02d}:15:00+08:00")
        for hour in range(9, 15)
    ]
    assert import_contacts(write_csv(tmp_path / "dialer.csv", rows, COLUMNS)).landed == 9

    # then the guard blocks a fourth effective call to the first debtor and a seventh unanswered one to the
    # second number, on the same local day only
    assert "cn.effective_calls_per_debtor" in blocked_by(answered, mobile_1)
    assert "cn.unanswered_per_contact_point" in blocked_by(unanswered, mobile_2)
    tomorrow = local(10, day=DAY + dt.timedelta(days=1))
    assert check_now(loan_id=answered.pk, channel="call", contact_point_id=mobile_1.pk, at=tomorrow).allowed
    assert check_now(loan_id=unanswered.pk, channel="call", contact_point_id=mobile_2.pk, at=tomorrow).allowed


def test_outcomes_have_the_same_effects_as_anywhere_else(book, tmp_path: Path) -> None:
    # given a day of contacts whose outcomes change something
    first, second = book["L0001"], book["L0002"]
    rows = [
        contact_row("E1", channel="sms", outcome="stop_channel", attempted_at="2026-03-02T10:00:00+08:00"),
        contact_row("E2", outcome="promise", promise_amount="1200.50", promise_date="2026-03-09",
                    attempted_at="2026-03-02T11:00:00+08:00"),
        contact_row("E3", loan_id="L0002", contact="13800000002", outcome="dispute", note="借款人称已还清 / says paid"),
        contact_row("E4", loan_id="L0002", contact="13900000002", party="third_party", outcome="wrong_number"),
        contact_row("E5", loan_id="L0002", channel="letter", contact="上海市徐汇区某路2号", outcome="returned_mail"),
    ]

    # when they are imported
    outcome = import_contacts(write_csv(tmp_path / "effects.csv", rows, COLUMNS))

    # then each attempt lands with its effect
    assert (outcome.landed, outcome.rejected) == (5, 0)
    held = attempts()
    mobile = point(first, "mobile")
    opt_out = ChannelOptOut.objects.get()
    assert (opt_out.contact_point_id, opt_out.channel, opt_out.source, opt_out.at) == (mobile.pk, "sms", "feed", local(10))
    assert check_now(loan_id=first.pk, channel="sms", contact_point_id=mobile.pk, at=local(16)).rule_ids == (
        "cn.channel_opt_out",
    )
    promise = Promise.objects.get()
    assert (promise.loan_id, promise.amount, promise.promised_on, promise.due_date, promise.made_by_id) == (
        first.pk, 120_050, DAY, dt.date(2026, 3, 9), None
    )
    assert promise.attempt_id == held["feed:dialer-a:E2"].pk and promise.state == "pending"
    hold = AccountHold.objects.get()
    assert (hold.loan_id, hold.kind, hold.source, hold.since, hold.until) == (second.pk, "dispute_open", "feed", local(9), None)
    assert hold.reason == "借款人称已还清 / says paid"
    assert "cn.hold.dispute_open" in check_now(
        loan_id=second.pk, channel="call", contact_point_id=point(second, "mobile").pk, at=local(16)
    ).rule_ids
    wrong = point(second, "mobile", owner="third_party")
    assert (wrong.valid, wrong.verified) == (False, False)
    address = point(second, "address")
    changes = set(ContactPointVerification.objects.values_list("contact_point_id", "verified", "method", "attempt_id"))
    assert changes == {
        (wrong.pk, False, "wrong_number", held["feed:dialer-a:E4"].pk),
        (address.pk, False, "returned_mail", held["feed:dialer-a:E5"].pk),
    }
    assert {attempt.state for attempt in held.values()} == {"done"}


def test_a_row_whose_effect_is_refused_is_not_lost(book, tmp_path: Path, monkeypatch) -> None:
    # given an effect that refuses the dispute of one row, as a rule added after the checks might
    apply = effects.apply_outcome

    def refusing(attempt, **kwargs):
        if attempt.outcome == "dispute":
            raise InputError("暂时无法设置争议暂停", "a dispute hold cannot be placed just now")
        return apply(attempt, **kwargs)

    monkeypatch.setattr(effects, "apply_outcome", refusing)
    rows = [
        contact_row("F1", outcome="dispute"),
        contact_row("F2", outcome="promise", promise_amount="100", promise_date="2026-03-05"),
        contact_row("F3"),
    ]
    source = write_csv(tmp_path / "contacts.csv", rows, COLUMNS)

    # when the file is imported
    outcome = import_contacts(source)

    # then that row's attempt is not held without its effect: it is in the rejects file with the reason
    assert (outcome.landed, outcome.rejected) == (2, 1)
    assert sorted(attempts()) == ["feed:dialer-a:F2", "feed:dialer-a:F3"]
    assert not AccountHold.objects.exists() and Promise.objects.count() == 1
    [refused] = read_rejects(outcome.rejects_path)
    assert (refused["row"], refused["field"], refused["record_id"]) == ("1", "outcome", "F1")
    assert (refused["reason_zh"], refused["reason_en"]) == ("暂时无法设置争议暂停", "a dispute hold cannot be placed just now")

    # and once the effect can be had, the same file lands it, with its effect, and only it
    monkeypatch.setattr(effects, "apply_outcome", apply)
    again = import_contacts(source)
    assert (again.landed, again.unchanged, again.rejected) == (1, 2, 0)
    assert AccountHold.objects.get().kind == "dispute_open" and Promise.objects.count() == 1


@pytest.mark.parametrize("extension", [".parquet", ".jsonl"])
def test_typed_parquet_and_json_lines_land_the_same_attempts(book, tmp_path: Path, extension: str) -> None:
    # given a promise with its amount as a decimal or a JSON number, the time typed, the duration a number
    source = tmp_path / f"contacts{extension}"
    if extension == ".parquet":
        pq.write_table(
            pa.table({
                "record_id": ["P1"], "source": ["dialer-a"], "loan_id": ["L0001"], "channel": ["call"],
                "contact": ["13800000001"], "outcome": ["promise"],
                "attempted_at": pa.array([local(9)], pa.timestamp("ms", tz="Asia/Shanghai")),
                "promise_amount": pa.array([Decimal("88.80")], pa.decimal128(12, 2)),
                "promise_date": pa.array([dt.date(2026, 3, 6)], pa.date32()),
                "duration_seconds": pa.array([42], pa.int32()),
            }),
            source,
        )
    else:
        source.write_text(
            '{"record_id": "P1", "source": "dialer-a", "loan_id": "L0001", "channel": "call", '
            '"contact": "13800000001", "outcome": "promise", "attempted_at": "2026-03-02T01:00:00Z", '
            '"promise_amount": 88.80, "promise_date": "2026-03-06", "duration_seconds": 42}\n',
            encoding="utf-8",
        )

    # when it is imported
    outcome = import_contacts(source)

    # then it lands exactly so
    assert (outcome.landed, outcome.rejected) == (1, 0)
    attempt = ContactAttempt.objects.get()
    assert (attempt.attempted_at, attempt.duration_seconds) == (local(9), 42)
    assert (Promise.objects.get().amount, Promise.objects.get().due_date) == (8_880, dt.date(2026, 3, 6))


def test_promise_amounts_in_floating_point_are_refused_whole(book, tmp_path: Path) -> None:
    source = tmp_path / "contacts.parquet"
    pq.write_table(pa.table({name: [contact_row("P1")[name]] for name in COLUMNS if name != "promise_amount"})
                   .append_column("promise_amount", pa.array([88.8], pa.float64())), source)

    with pytest.raises(InputError) as refused:
        import_contacts(source)

    assert "promise_amount" in refused.value.en and "floating point" in refused.value.en
    assert not ContactAttempt.objects.exists() and not FeedImport.objects.filter(kind="contacts").exists()


def test_the_command_prints_a_bilingual_summary_and_a_missing_file_a_bilingual_error(book, tmp_path: Path,
                                                                                     capsys) -> None:
    good = write_csv(tmp_path / "contacts.csv", [contact_row("C1"), contact_row("C2", loan_id="NOPE")], COLUMNS)

    assert main(["import", "contacts", str(good)]) == 0
    out = capsys.readouterr().out
    assert "读取 2 行，新增 1，更新 0，未变 0，拒收 1" in out
    assert "2 rows read, 1 landed, 0 updated, 0 unchanged, 1 rejected" in out
    assert str(tmp_path / "contacts.rejects.csv") in out

    assert main(["import", "contacts", str(tmp_path / "absent.csv")]) == 1
    captured = capsys.readouterr()
    assert "找不到文件" in captured.err and "file not found" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert ContactAttempt.objects.count() == 1
