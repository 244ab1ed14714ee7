"""us-regf: the month's Metro 2® file from the ledger, the ageing history and the borrowers (SSN, address).

    outcome = write_metro2(date(2026, 11, 30), directory=Path("var/credit"))

One Base segment per loan aged on the day (a loan's own lender reports it: no K1, which is for collection
accounts), between a Header and a Trailer, each record on its own line. The layout, the status codes and
the retention are arrears.credit.metro2's; this module only reads the facts:

- Account Status and Payment Rating from the day's ageing (days past due, charged off, settled);
- the Payment History Profile from the ageing held for the 24 month ends before the reported month
  (newest first; a month with no ageing held is `D`, before the account opened `B`);
- Date of First Delinquency: the due date of the oldest unpaid instalment, for an account 30 or more days
  past due or charged off (the delinquency that was never cured); blank otherwise;
- SSN (decrypted from the feed's token: only a full nine-digit number is reported, a last-4 is left blank
  and named in the validation report), name (surname the last word), mobile, the address the feed gave
  (street line, then state and ZIP; the city is the ZIP's USPS city).

Held back, and named in the validation report beside the file: a delinquent account whose borrower was
never reached, by a conversation or a letter 14 days before (Reg F 12 CFR 1006.30(a): no passive
reporting), and a record past 7 years from its DOFD + 180 days (FCRA 605(c)). The file is rewritten whole
for the day: written again it is the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from arrears.credit import metro2
from arrears.credit.d1 import month_ends
from arrears.errors import InputError

SETTLED = ("settled", "closed")
FURNISHER_ID = "MAPLERIDGE0001"  # the lender's identification number with the bureaus (the demo lender's)


@dataclass(frozen=True)
class Metro2Outcome:
    as_of: dt.date
    path: Path
    validation_path: Path
    records: int
    held_back: int


def _name(full: str) -> dict:
    words = full.split()
    if not words:
        return {"surname": "", "first_name": ""}
    if len(words) == 1:
        return {"surname": words[0], "first_name": ""}
    return {"surname": words[-1], "first_name": words[0], "middle_name": " ".join(words[1:-1])}


def _address(line: str) -> dict:
    """The feed's address ('12 Oak St Springfield, IL 62701') as Metro 2 fields; the city is the ZIP's."""
    street, _, place = line.rpartition(", ")
    parts = place.split()
    if not street or len(parts) != 2 or len(parts[0]) != 2:
        return {"address_1": line[:32]}
    state, zip_code = parts
    city = ""
    try:
        import zipcodes

        found = zipcodes.matching(zip_code[:5])
        city = found[0]["city"] if found else ""
    except (TypeError, ValueError):
        pass
    if city and street.upper().endswith(" " + city.upper()):
        street = street[: -len(city) - 1]
    return {"address_1": street[:32], "city": city[:20], "state": state, "postal_code": zip_code.replace("-", "")[:9]}


def _ssn(token: str, vault) -> str:
    if not token:
        return ""
    try:
        digits = "".join(ch for ch in vault.decrypt(token) if ch.isdigit())
    except Exception:  # a token no key opens: reported blank, named in the validation report
        return ""
    return digits if len(digits) == 9 else ""


def gather_metro2(as_of: dt.date) -> tuple[list[tuple[str, dict]], list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(loan, Base segment values) of every loan aged on `as_of`; what was held back and what went out with a
    note (each: loan, zh, en)."""
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.models import AccountStateHistory
    from arrears.ledger.models import ContactPoint, Instalment, Loan, Payment
    from arrears.ledger.recoveries import WAIVER_CHANNEL
    from arrears.secret import vault as identity_vault

    current = {row["loan_id"]: row for row in AccountStateHistory.objects.filter(as_of=as_of).values(
        "loan_id", "days_past_due", "status", "balance", "overdue_principal", "overdue_interest", "fee_outstanding",
        "penalty_outstanding")}
    if not current:
        raise InputError(f"{as_of} 没有夜间账龄数据", f"no nightly ageing is held for {as_of}")
    ids = list(current)
    ends = month_ends(as_of.replace(day=1) - dt.timedelta(days=1))[::-1]  # the 24 months before, newest first
    history = {(loan_id, day): (dpd, balance) for loan_id, day, dpd, balance in AccountStateHistory.objects.filter(
        loan_id__in=ids, as_of__in=ends).values_list("loan_id", "as_of", "days_past_due", "balance")}
    loans = {loan.pk: loan for loan in Loan.objects.filter(pk__in=ids).select_related("borrower")}
    schedules: dict[int, list] = {}
    for loan_id, due, principal, interest in Instalment.objects.filter(loan_id__in=ids, reschedule__isnull=True).order_by(
            "loan_id", "seq").values_list("loan_id", "due_date", "principal", "interest"):
        schedules.setdefault(loan_id, []).append((due, principal + interest))
    month_start = as_of.replace(day=1)
    paid_month: dict[int, int] = {}
    last_paid: dict[int, dt.date] = {}
    payments = Payment.objects.filter(loan_id__in=ids, value_date__lte=as_of, reverses__isnull=True).exclude(
        channel=WAIVER_CHANNEL).exclude(reversal__value_date__lte=as_of)
    for loan_id, amount, value_date in payments.values_list("loan_id", "amount", "value_date"):
        if value_date >= month_start:
            paid_month[loan_id] = paid_month.get(loan_id, 0) + amount
        last_paid[loan_id] = max(value_date, last_paid.get(loan_id, value_date))
    borrower_ids = {loan.borrower_id for loan in loans.values()}
    points: dict[tuple[int, str], str] = {}
    for borrower_id, kind, value in ContactPoint.objects.filter(borrower_id__in=borrower_ids, owner="borrower",
                                                               kind__in=("mobile", "address")).order_by("pk").values_list(
            "borrower_id", "kind", "value"):
        points.setdefault((borrower_id, kind), value)
    reached = set(ContactAttempt.objects.filter(loan_id__in=ids, conversation=True).values_list("loan_id", flat=True))
    letters: dict[int, dt.date] = {}
    for loan_id, sent_at in ContactAttempt.objects.filter(loan_id__in=ids, channel="letter", sent_at__isnull=False,
                                                          state__in=("sent", "done")).values_list("loan_id", "sent_at"):
        day = sent_at.date()
        letters[loan_id] = min(day, letters.get(loan_id, day))
    vault = identity_vault()

    records, held, notes = [], [], []
    for loan_id, state in sorted(current.items(), key=lambda item: loans[item[0]].external_id):
        loan, schedule = loans[loan_id], schedules.get(loan_id, [])
        if not schedule:
            continue
        dpd, settled = state["days_past_due"], state["status"] in SETTLED
        charged_off = state["status"] == "charged_off"
        if dpd > 0 and not metro2.may_furnish(spoke_with_consumer=loan_id in reached,
                                              letter_sent_on=letters.get(loan_id), undeliverable=False, on=as_of):
            held.append((loan.external_id, "借款人尚未被联系到，不得被动报送（Reg F 1006.30(a)）",
                         "the consumer was not yet reached: no passive reporting (Reg F 1006.30(a))"))
            continue
        dofd = as_of - dt.timedelta(days=dpd) if dpd >= 30 or (charged_off and dpd > 0) else None
        if dofd is not None and as_of >= metro2.dofd_retention_ends(dofd):
            held.append((loan.external_id, "已超过首次逾期日+180天后7年，不再报送", "past 7 years from DOFD + 180 days"))
            continue
        balance = max(state["balance"], 0)
        status = metro2.status_for(dpd, balance=balance, collection=False, charged_off=charged_off, paid_in_full=settled)
        months = []
        for day in ends:
            found = history.get((loan_id, day))
            if day < loan.start_date:
                break
            months.append((None, None) if found is None else found)
        borrower = loan.borrower
        mobile = "".join(ch for ch in points.get((borrower.pk, "mobile"), "") if ch.isdigit())[-10:]
        ssn = _ssn(borrower.national_id_cipher, vault)
        if not ssn:
            notes.append((loan.external_id, "无完整社会安全号，记录照报但缺少 SSN",
                         "no full SSN: the record goes out without one"))
        values = {
            "time_stamp": "", "identification_number": FURNISHER_ID, "account_number": loan.external_id,
            "portfolio_type": "I", "account_type": "01", "date_opened": metro2.mmddyyyy(loan.start_date),
            "credit_limit": 0, "highest_credit": metro2.dollars(loan.principal),
            "terms_duration": f"{len(schedule):03d}", "terms_frequency": "M",
            "scheduled_payment": metro2.dollars(schedule[0][1]), "actual_payment": metro2.dollars(paid_month.get(loan_id, 0)),
            "account_status": status, "payment_rating": metro2.rating_for(dpd, status),
            "payment_history": metro2.payment_history(months),
            "current_balance": metro2.dollars(balance),
            "amount_past_due": metro2.dollars(state["overdue_principal"] + state["overdue_interest"]
                                              + state["fee_outstanding"] + state["penalty_outstanding"]),
            "original_charge_off": metro2.dollars(balance) if charged_off else 0,
            "date_of_account_information": metro2.mmddyyyy(as_of), "date_of_first_delinquency": metro2.mmddyyyy(dofd),
            "date_closed": metro2.mmddyyyy(as_of) if settled else "",
            "date_of_last_payment": metro2.mmddyyyy(last_paid.get(loan_id)),
            **_name(borrower.name), "ssn": ssn, "telephone": mobile, "ecoa_code": "1", "country_code": "US",
            **_address(points.get((borrower.pk, "address"), "")),
        }
        records.append((loan.external_id, values))
    return records, held, notes


def write_metro2(as_of: dt.date, *, directory: Path) -> Metro2Outcome:
    """Write the day's Metro 2 file (Header, Base segments, Trailer) and its validation report."""
    from arrears.notices.lender import lender_for

    records, held, notes = gather_metro2(as_of)
    lender = lender_for("us-regf")
    lines = []
    faults = list(held)
    for loan, values in records:
        try:
            lines.append(metro2.base_segment(values))
        except metro2.LayoutError as problem:
            faults.append((loan, f"字段不符合格式：{problem}", f"a field does not fit the layout: {problem}"))
    head = metro2.header({
        "cycle_identifier": "", "equifax_program_identifier": FURNISHER_ID[:10], "experian_program_identifier": FURNISHER_ID[:5],
        "transunion_program_identifier": FURNISHER_ID[:10], "activity_date": metro2.mmddyyyy(as_of),
        "date_created": metro2.mmddyyyy(as_of), "program_date": metro2.mmddyyyy(as_of),
        "program_revision_date": metro2.mmddyyyy(as_of), "reporter_name": lender.text("name", "en"),
        "reporter_address": lender.text("address", "en").encode("ascii", "ignore").decode(),
        "reporter_telephone": "".join(ch for ch in lender.hotline if ch.isdigit())[-10:],
    })
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"METRO2-{as_of:%Y%m%d}.txt"
    check = directory / f"METRO2-{as_of:%Y%m%d}.validation.txt"
    partial = path.with_suffix(".part")
    partial.write_text("\n".join([head, *lines, metro2.trailer(lines)]) + "\n", encoding="ascii")
    partial.replace(path)
    report = [f"Metro 2 校验报告 / validation: {as_of}", f"报送记录 / records sent: {len(lines)}",
              f"暂缓 / held back: {len(faults)}"]
    report += [f"{loan}\t{zh} / {en}" for loan, zh, en in faults]
    report += [f"{loan}\t{zh} / {en}" for loan, zh, en in notes]
    check.write_text("\n".join(report) + "\n", encoding="utf-8")
    return Metro2Outcome(as_of, path, check, len(lines), len(faults))
