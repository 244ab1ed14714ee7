"""The day's credit report: every loan's D1 record as of the day, compared with what was last sent, the
day's events written as the submission file with its validation report.

    report = run_report(dt.date(2026, 4, 30), directory=Path("var/credit"))

An account is sent when something happened to it (arrears.credit.d1.event_of: a first report, a closing,
a five-category change, the month end); a record that fails validation is held back and named in the
validation report; a negative record of a debt settled 5 years ago is never sent (d1.reportable). Corrections
and deletions from upheld objections go out in the next file. The file is UTF-8 JSON Lines, one record a
line ({"event", "record"} or {"event": "delete", "AcctCode", "RptDate"}); the lender's gateway turns it into
the centre's message format.

Month statuses read the ageing the nightly cycle kept (cycle_accountstatehistory) for each month's last
day, or for the day reported in its own month: a month with no ageing held is '#'.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from arrears import clock
from arrears.credit import d1
from arrears.errors import InputError

SETTLED = ("settled", "closed")


def _months(loan_id: int, as_of: dt.date, history: dict, due_months: set[tuple[int, int]]) -> tuple:
    out = []
    for day in d1.month_ends(as_of):
        row = history.get((loan_id, day))
        if row is None:
            out.append(None)
            continue
        dpd, status = row
        out.append(d1.MonthEnd(dpd=dpd, due_in_month=(day.year, day.month) in due_months,
                               settled=status in SETTLED, written_off=status == "charged_off"))
    return tuple(out)


def gather(as_of: dt.date, *, loan_ids=None) -> dict[int, d1.Account]:
    """The D1 facts of every loan aged on `as_of` (or of `loan_ids`), a few queries for the whole book."""
    from django.db.models import Max

    from arrears.cycle.models import AccountStateHistory
    from arrears.ledger.models import Instalment, Loan, Payment
    from arrears.legal.models import LegalCase

    days = d1.month_ends(as_of)
    rows = AccountStateHistory.objects.filter(as_of__in=days)
    if loan_ids is not None:
        rows = rows.filter(loan_id__in=list(loan_ids))
    history = {}
    current = {}
    for row in rows.values("loan_id", "as_of", "days_past_due", "status", "balance", "overdue_principal",
                           "overdue_interest", "fee_outstanding", "penalty_outstanding", "principal_outstanding"):
        history[(row["loan_id"], row["as_of"])] = (row["days_past_due"], row["status"])
        if row["as_of"] == as_of:
            current[row["loan_id"]] = row
    if not current:
        return {}
    ids = list(current)
    loans = {loan.pk: loan for loan in Loan.objects.filter(pk__in=ids).select_related("borrower", "product")}
    schedules: dict[int, list] = {}
    for k in Instalment.objects.filter(loan_id__in=ids, reschedule__isnull=True).order_by("loan_id", "seq"):
        schedules.setdefault(k.loan_id, []).append((k.due_date, k.principal, k.interest))
    month_start = as_of.replace(day=1)
    paid_month: dict[int, int] = {}
    last_paid: dict[int, dt.date] = {}
    from arrears.ledger.recoveries import WAIVER_CHANNEL

    payments = Payment.objects.filter(loan_id__in=ids, value_date__lte=as_of, reverses__isnull=True).exclude(
        channel=WAIVER_CHANNEL).exclude(reversal__value_date__lte=as_of)
    for loan_id, amount, value_date in payments.values_list("loan_id", "amount", "value_date"):
        if value_date >= month_start:
            paid_month[loan_id] = paid_month.get(loan_id, 0) + amount
        if loan_id not in last_paid or value_date > last_paid[loan_id]:
            last_paid[loan_id] = value_date
    unsettled_until = dict(AccountStateHistory.objects.filter(loan_id__in=ids, as_of__lte=as_of)
                           .exclude(status__in=SETTLED).values("loan_id").annotate(last=Max("as_of"))
                           .values_list("loan_id", "last"))
    settled_since = {}
    for loan_id, day in (AccountStateHistory.objects.filter(loan_id__in=ids, as_of__lte=as_of, status__in=SETTLED)
                         .values_list("loan_id", "as_of")):
        if day > unsettled_until.get(loan_id, dt.date.min) and (loan_id not in settled_since or day < settled_since[loan_id]):
            settled_since[loan_id] = day
    in_court = set(LegalCase.objects.filter(loan_id__in=ids, state="open").values_list("loan_id", flat=True))

    accounts = {}
    for loan_id, state in current.items():
        loan, schedule = loans[loan_id], schedules.get(loan_id, [])
        if not schedule:
            continue
        principal_paid = loan.principal - state["principal_outstanding"]
        interest_past_due = sum(i for due, _p, i in schedule if due < as_of)
        interest_paid = max(0, interest_past_due - state["overdue_interest"])
        due_months = {(due.year, due.month) for due, _p, _i in schedule}
        settled = state["status"] in SETTLED
        accounts[loan_id] = d1.Account(
            loan=loan.external_id, name=loan.borrower.name, id_number=loan.borrower.national_id_masked,
            open_date=loan.start_date, due_date=max(due for due, _p, _i in schedule), principal=loan.principal,
            terms=len(schedule), repay_mode=d1.REPAY_MODE.get(loan.product.repayment_method, "90"),
            dpd=state["days_past_due"], balance=max(state["balance"], 0),
            overdue_total=state["overdue_principal"] + state["overdue_interest"] + state["fee_outstanding"]
            + state["penalty_outstanding"],
            overdue_periods=d1.overdue_periods(schedule, principal_paid, interest_paid, as_of),
            remaining_periods=sum(1 for due, _p, _i in schedule if due > as_of),
            overdue_by_age=d1.overdue_principal_by_age([(due, p) for due, p, _i in schedule], principal_paid, as_of),
            due_this_month=sum(p + i for due, p, i in schedule if (due.year, due.month) == (as_of.year, as_of.month)),
            paid_this_month=paid_month.get(loan_id, 0), last_payment=last_paid.get(loan_id),
            settle_date=settled_since.get(loan_id) if settled else None, settled=settled,
            written_off=state["status"] == "charged_off", legal=loan_id in in_court,
            months=_months(loan_id, as_of, history, due_months),
        )
    return accounts


def last_sent(loan_ids=None) -> dict[int, dict]:
    """The record the centre holds for each loan: the last one sent (none after a deletion)."""
    from arrears.credit.models import SentRecord

    rows = SentRecord.objects.order_by("loan_id", "as_of", "pk")
    if loan_ids is not None:
        rows = rows.filter(loan_id__in=list(loan_ids))
    held = {}
    for loan_id, deleted, record in rows.values_list("loan_id", "deleted", "record"):
        if deleted:
            held.pop(loan_id, None)
        else:
            held[loan_id] = record
    return held


@dataclass(frozen=True)
class ReportOutcome:
    as_of: dt.date
    path: Path
    validation_path: Path
    sent: int
    held_back: int
    events: dict[str, int]


def run_report(as_of: dt.date, *, directory: Path) -> ReportOutcome:
    """Write the day's submission file and validation report, and record what was sent."""
    from arrears.credit.models import CreditObjection, CreditReport, SentRecord

    if CreditReport.objects.filter(as_of=as_of).exists():
        raise InputError(f"{as_of} 的征信报送已生成", f"the credit report for {as_of} was made already")
    later = CreditReport.objects.filter(as_of__gt=as_of).order_by("as_of").first()
    if later is not None:
        raise InputError(f"已有更晚的报送（{later.as_of}）", f"a later report exists ({later.as_of})")
    accounts = gather(as_of)
    if not accounts:
        raise InputError(f"{as_of} 没有夜间账龄数据", f"no nightly ageing is held for {as_of}")
    held = last_sent(accounts)
    lines, faults, events, to_store = [], [], {}, []
    for loan_id, account in sorted(accounts.items(), key=lambda item: item[1].loan):
        previous = held.get(loan_id)
        probe = d1.d1_record(account, as_of)
        event = d1.event_of(previous, probe, as_of)
        if event is None:
            continue
        if previous is not None and previous["月度表现段"]["AcctStatus"] == "3" and probe["月度表现段"]["AcctStatus"] == "3":
            continue  # a settled account was reported closed already
        record = d1.d1_record(account, as_of, event=event)
        if not d1.reportable(record, as_of):
            continue
        problems = d1.validate(record)
        if problems:
            faults.extend((account.loan, *problem) for problem in problems)
            continue
        lines.append({"event": event, "record": record})
        to_store.append((loan_id, event, False, record, None))
        events[event] = events.get(event, 0) + 1
    corrections = list(CreditObjection.objects.filter(outcome="corrected", correction__isnull=False,
                                                     correction_sent__isnull=True).order_by("pk"))
    for objection in corrections:
        change = objection.correction
        if change.get("event") == "delete":
            lines.append(change)
            to_store.append((objection.loan_id, "delete", True, change, objection))
        else:
            lines.append({"event": "correction", "record": change["record"]})
            to_store.append((objection.loan_id, "correction", False, change["record"], objection))
        events[change.get("event", "correction")] = events.get(change.get("event", "correction"), 0) + 1
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"D1-{as_of:%Y%m%d}"
    path, check_path = directory / f"{stem}.jsonl", directory / f"{stem}.validation.txt"
    path.write_text("".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines), encoding="utf-8")
    report_lines = [f"征信报送校验报告 / credit report validation: {as_of}",
                    f"报送记录 / records sent: {len(lines)}", f"校验未通过而暂缓 / held back: {len({f[0] for f in faults})}"]
    for name, count in sorted(events.items()):
        report_lines.append(f"  {name}: {count}")
    for loan, field, zh, en in faults:
        report_lines.append(f"{loan}\t{field}\t{zh} / {en}")
    check_path.write_text("\n".join(report_lines) + "\n", encoding="utf-8")
    with transaction.atomic():
        report = CreditReport.objects.create(as_of=as_of, path=str(path), records=len(lines),
                                             held_back=len({f[0] for f in faults}), created_at=clock.now())
        for loan_id, event, deleted, record, objection in to_store:
            row = SentRecord.objects.create(report=report, loan_id=loan_id, as_of=as_of, event=event,
                                            deleted=deleted, record=record)
            if objection is not None:
                objection.correction_sent = row
                objection.save(update_fields=["correction_sent"])
    return ReportOutcome(as_of, path, check_path, len(lines), report.held_back, events)


def retention_lines_for(loan_id: int, as_of: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The account page's line on the credit record: from the record last sent for the loan, if any."""
    record = last_sent([loan_id]).get(loan_id)
    if record is None:
        return (), ()
    close = record["月度表现段"].get("CloseDate")
    return d1.retention_lines(dt.date.fromisoformat(close) if close else None, d1.is_negative(record), as_of)


def nightly_report(as_of: dt.date, *, directory: Path, profile) -> dict:
    """The nightly run's credit step: on the profile's reporting day, the day's file (cn: the D1 records and
    their validation report; us-regf: the Metro 2 file). Run again for the day, it writes nothing new and
    says what the day's report holds: a D1 report is recorded once (CreditReport), the Metro 2 file is the
    same bytes written again."""
    from arrears.credit.models import CreditReport
    from arrears.credit.schedule import is_reporting_day

    if not is_reporting_day(as_of, profile):
        return {"reporting_day": 0}
    if profile.profile_id == "us-regf":
        from arrears.credit.furnishing import write_metro2

        outcome = write_metro2(as_of, directory=directory)
        return {"reporting_day": 1, "records": outcome.records, "held_back": outcome.held_back}
    made = CreditReport.objects.filter(as_of=as_of).first()
    if made is None and CreditReport.objects.filter(as_of__gt=as_of).exists():
        return {"reporting_day": 1, "later_report": 1}
    if made is None:
        if not gather(as_of):
            return {"reporting_day": 1, "records": 0, "held_back": 0}
        run_report(as_of, directory=directory)
        made = CreditReport.objects.get(as_of=as_of)
    return {"reporting_day": 1, "records": made.records, "held_back": made.held_back}
