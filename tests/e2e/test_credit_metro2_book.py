"""The us-regf Metro 2 file from a generated US book: `arrears generate --profile us-regf`, imported through
the loans and payments feeds, aged at three month ends; `arrears credit report --format metro2` writes the
file, and each Base segment's fields, read at the positions the published layout gives, match the ledger,
the ageing history and the borrower (SSN, address). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.cli import main
from arrears.contact.models import ContactAttempt
from arrears.cycle.models import AccountStateHistory
from arrears.cycle.service import run_cycle
from arrears.ledger.catalogue import read_catalogue, save_catalogue
from arrears.ledger.models import ContactPoint, Loan
from arrears.secret import vault

pytestmark = pytest.mark.django_db(transaction=True)
MONTH_ENDS = (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31))
AS_OF = MONTH_ENDS[-1]


def field(line: str, first: int, last: int) -> str:
    """The layout's positions, 1-based and inclusive."""
    return line[first - 1:last]


def expected_history(loan, history: dict) -> str:
    """The Payment History Profile by the layout's definition: the 24 months before the reported one, newest
    first; 0 current or under 30 days, 1–6 by 30 days past due (6: 180 and more), E zero balance, D no history
    reported that month, B before the account opened."""
    chars = []
    year, month = AS_OF.year, AS_OF.month
    for _ in range(24):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        if end < loan.start_date:
            chars.append("B")
            continue
        found = history.get((loan.pk, end))
        if found is None:
            chars.append("D")
        elif found[1] <= 0:
            chars.append("E")
        else:
            chars.append("0" if found[0] < 30 else str(min(6, found[0] // 30)))
    return "".join(chars)


def test_the_metro2_file_matches_the_ledger_of_a_generated_us_book(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    settings.ARREARS_PROFILE = "us-regf"
    book = tmp_path / "book"
    assert main(["generate", "--profile", "us-regf", "--loans", "80", "--seed", "11", "--out", str(book)]) == 0
    save_catalogue(read_catalogue())  # the products the book's loans name
    assert main(["import", "loans", str(book / "loans.parquet")]) == 0
    assert main(["import", "payments", str(book / "payments.parquet")]) == 0
    for day in MONTH_ENDS:
        run_cycle(day, full=True)
    # half the delinquent borrowers were spoken to; the rest were never reached
    late = list(AccountStateHistory.objects.filter(as_of=AS_OF, days_past_due__gt=0).order_by("loan_id")
                .values_list("loan_id", flat=True))
    assert len(late) >= 4, "the book has delinquent accounts"
    reached = set(late[::2])
    for loan_id in reached:
        ContactAttempt.objects.create(idempotency_key=f"m2-{loan_id}", loan_id=loan_id, channel="call", state="done",
                                      conversation=True, outcome="right_party_contact",
                                      attempted_at=dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC))
    capsys.readouterr()
    out = tmp_path / "credit"
    assert main(["credit", "report", "--format", "metro2", "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    lines = (out / "METRO2-20260331.txt").read_text(encoding="ascii").splitlines()
    assert all(len(line) == 426 for line in lines)  # no K1: the lender reports its own loans
    head, bases, tail = lines[0], lines[1:-1], lines[-1]
    assert field(head, 1, 4) == "0426" and field(head, 5, 10) == "HEADER" and field(head, 48, 55) == "03312026"
    assert field(tail, 5, 11) == "TRAILER" and int(field(tail, 12, 20)) == len(bases)

    states = {row.loan_id: row for row in AccountStateHistory.objects.filter(as_of=AS_OF)}
    history = {(loan_id, day): (dpd, balance) for loan_id, day, dpd, balance in
               AccountStateHistory.objects.values_list("loan_id", "as_of", "days_past_due", "balance")}
    loans = {loan.external_id: loan for loan in Loan.objects.select_related("borrower")}
    sent = {field(line, 43, 72).strip(): line for line in bases}
    held = {loan.pk for ext, loan in loans.items() if ext not in sent and loan.pk in states}
    # no passive reporting: exactly the delinquent accounts nobody reached are held back
    assert held == set(late) - reached
    validation = (out / "METRO2-20260331.validation.txt").read_text(encoding="utf-8")
    assert all(ext in validation for ext, loan in loans.items() if loan.pk in held)
    statuses = {}
    for ext, line in sent.items():
        loan, state = loans[ext], states[loans[ext].pk]
        dpd, balance = state.days_past_due, max(state.balance, 0)
        status = field(line, 124, 125)
        statuses[status] = statuses.get(status, 0) + 1
        if state.status in ("settled", "closed") or balance == 0:
            assert status == "13"
        elif state.status == "charged_off":
            assert status == "97"
        else:
            assert status == {0: "11", 1: "71", 2: "78", 3: "80", 4: "82", 5: "83"}.get(dpd // 30 if dpd >= 30 else 0, "84")
        assert field(line, 1, 4) == "0426" and field(line, 74, 75) == "01" and field(line, 73, 73) == "I"
        assert field(line, 76, 83) == loan.start_date.strftime("%m%d%Y")
        assert int(field(line, 93, 101)) == loan.principal // 100
        assert int(field(line, 155, 163)) == balance // 100
        assert int(field(line, 164, 172)) == (state.overdue_principal + state.overdue_interest + state.fee_outstanding
                                              + state.penalty_outstanding) // 100
        assert field(line, 127, 150) == expected_history(loan, history), ext
        assert field(line, 182, 189) == "03312026"
        dofd = field(line, 190, 197)
        if dpd >= 30:
            assert dofd == (AS_OF - dt.timedelta(days=dpd)).strftime("%m%d%Y")
        elif state.status != "charged_off":
            assert dofd == "00000000"
        digits = "".join(ch for ch in vault().decrypt(loan.borrower.national_id_cipher) if ch.isdigit())
        assert field(line, 298, 306) == (digits if len(digits) == 9 else "000000000")
        assert field(line, 232, 256).strip() == loan.borrower.name.split()[-1].upper()
        address = ContactPoint.objects.filter(borrower=loan.borrower, kind="address").order_by("pk").first()
        state_code, zip_code = address.value.rsplit(", ", 1)[1].split()
        assert field(line, 414, 415) == state_code and field(line, 416, 424).strip() == zip_code.replace("-", "")
        assert field(line, 330, 361).strip() and address.value.upper().startswith(field(line, 330, 361).strip())
    # the Trailer counts each status it reports
    assert int(field(tail, 84, 92)) == statuses.get("11", 0) and int(field(tail, 93, 101)) == statuses.get("13", 0)
    assert sum(statuses.values()) == len(bases) and len(bases) > 40 and len(statuses) >= 2
    assert any(ch in "123456" for line in bases for ch in field(line, 127, 150))  # late months in the histories
    # written again, the same bytes; refused for a lender under cn
    again = (out / "METRO2-20260331.txt").read_bytes()
    assert main(["credit", "report", "--format", "metro2", "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    assert (out / "METRO2-20260331.txt").read_bytes() == again
    settings.ARREARS_PROFILE = "cn"
    assert main(["credit", "report", "--format", "metro2", "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 1
    assert "us-regf" in capsys.readouterr().err
