"""The central bank's second-generation personal credit data: the D1 account record (个人借贷账户信息记录,
record type 210), built from an account's ageing. Pure: no Django.

    record = d1_record(account, as_of)          # {"基础段": {...}, "基本信息段": {...}, "月度表现段": {...}}
    repayment_string(month_ends)               # the 24-month repayment status, oldest month first

Segments and fields (the data dictionary's Chinese names, with the field codes this product uses):

基础段 AcctBsSgmt-base
    信息记录类型 InfRecType   "210"
    账户类型 AcctType         "D1" (非循环贷账户, an instalment loan)
    账户标识码 AcctCode       the lender's loan id
    信息报告日期 RptDate      the day reported
    报告时点说明代码 RptDateCode  REPORT_CODES
    借款人姓名 Name, 证件类型 IDType ("10" 居民身份证), 证件号码 IDNum, 业务管理机构代码 MngmtOrgCode
基本信息段 AcctBsInfSgmt
    借贷业务大类 BusiLines ("1" 贷款), 借贷业务种类细分 BusiDtlLines ("91" 个人消费贷款), 开户日期 OpenDate,
    币种 Cy ("CNY"), 借款金额 LoanAmt, 到期日期 DueDate, 还款方式 RepayMode, 还款频率 RepayFreq ("03" 月),
    还款期数 RepayPrd
月度表现段 AcctMthlyBlgInfSgmt
    月份 Month, 结算/应还款日 SettDate, 账户状态 AcctStatus (ACCOUNT_STATUS), 余额 AcctBal, 剩余还款期数 RemRepPrd,
    五级分类 FiveCate (FIVE_CATEGORY), 当前逾期期数 OverdPrd, 当前逾期总额 TotOverd,
    逾期31—60天未还本金 Oved31_60Princ, 逾期61—90天未还本金 Oved61_90Princ, 逾期91—180天未还本金 Oved91_180Princ,
    逾期180天以上未还本金 OvedPrincPd180, 本月应还款 CurRpyAmt, 本月实还款 ActRpyAmt,
    最近一次实际还款日期 LatRpyDate, 当前还款状态 RpyStatus, 24个月还款状态 RpyStatus24

Amounts are whole yuan as the data dictionary asks (fen rounded half up), kept beside them in fen for
reconciling. Repayment status characters: N normal, 1–7 overdue by 30-day steps (7: over 180 days),
* no repayment fell due that month and nothing overdue, # unknown (no ageing held for the month),
C settled, B written off.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

INF_REC_TYPE = "210"
ACCT_TYPE = "D1"
REPORT_CODES = {
    "new": ("10", "新开户/首次上报", "new account / first report"),
    "closed": ("20", "账户关闭", "account closed"),
    "month_end": ("30", "月结", "month end"),
    "five_category": ("41", "五级分类调整", "five-category change"),
    "correction": ("99", "更正（异议处理）", "correction (objection upheld)"),
}
ACCOUNT_STATUS = {"normal": ("1", "正常"), "overdue": ("2", "逾期"), "settled": ("3", "结清"), "written_off": ("4", "呆账"),
                  "legal": ("8", "司法追偿")}
# 还款方式 codes as the lender's data dictionary maps its products (90: other)
REPAY_MODE = {"annuity": "11", "equal_principal": "12", "interest_first": "13"}
FIVE_CATEGORY = {1: "正常", 2: "关注", 3: "次级", 4: "可疑", 5: "损失"}
STATUS_CHARS = frozenset("N1234567*#CB")
NEGATIVE_CHARS = frozenset("1234567B")
RETENTION_YEARS = 5


@dataclass(frozen=True)
class MonthEnd:
    """What the ageing said of an account at the end of a month (or None for a month with no ageing held)."""

    dpd: int
    due_in_month: bool  # an instalment fell due in that month
    settled: bool = False
    written_off: bool = False


def month_status(month: MonthEnd | None) -> str:
    """The one character for a month: # unknown, C settled, B written off, 1–7 overdue by 30-day steps,
    N a repayment fell due and nothing is overdue, * nothing fell due and nothing is overdue."""
    if month is None:
        return "#"
    if month.settled:
        return "C"
    if month.written_off:
        return "B"
    if month.dpd > 0:
        return str(min(7, (month.dpd - 1) // 30 + 1))
    return "N" if month.due_in_month else "*"


def month_ends(as_of: dt.date, count: int = 24) -> list[dt.date]:
    """The last days of the `count` months ending with `as_of`'s month (that month ends at `as_of`), oldest first."""
    days = []
    year, month = as_of.year, as_of.month
    for _ in range(count):
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(last, as_of))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


def repayment_string(months: Iterable[MonthEnd | None]) -> str:
    """The 24-month repayment status, oldest first, from the month-end ageing (None: no ageing that month)."""
    text = "".join(month_status(month) for month in months)
    if len(text) != 24:
        raise ValueError("the repayment status covers exactly 24 months")
    return text


def five_category(dpd: int, *, written_off: bool = False) -> int:
    """五级分类 by days past due (商业银行金融资产风险分类办法 art. 11: over 90 days at least 次级, over 270
    可疑, over 360 损失; overdue at all 关注)."""
    if written_off or dpd > 360:
        return 5
    if dpd > 270:
        return 4
    if dpd > 90:
        return 3
    if dpd > 0:
        return 2
    return 1


def overdue_principal_by_age(schedule: Iterable[tuple[dt.date, int]], principal_paid: int, as_of: dt.date) -> dict[str, int]:
    """The principal still unpaid of each instalment past its due date, by how long past due (the ledger pays
    principal oldest instalment first, so what is paid covers the earliest instalments)."""
    buckets = {"1_30": 0, "31_60": 0, "61_90": 0, "91_180": 0, "180+": 0}
    left = principal_paid
    for due, principal in sorted(schedule):
        paid_here = min(principal, max(left, 0))
        left -= paid_here
        unpaid = principal - paid_here
        if due >= as_of or unpaid == 0:
            continue
        days = (as_of - due).days
        key = "1_30" if days <= 30 else "31_60" if days <= 60 else "61_90" if days <= 90 else "91_180" if days <= 180 else "180+"
        buckets[key] += unpaid
    return buckets


def overdue_periods(schedule: Iterable[tuple[dt.date, int, int]], principal_paid: int, interest_paid: int, as_of: dt.date) -> int:
    """当前逾期期数: instalments fallen due before `as_of` not wholly paid (payments cover the oldest first)."""
    left_p, left_i, count = principal_paid, interest_paid, 0
    for due, principal, interest in sorted(schedule):
        take_p, take_i = min(principal, max(left_p, 0)), min(interest, max(left_i, 0))
        left_p, left_i = left_p - take_p, left_i - take_i
        if due < as_of and (take_p < principal or take_i < interest):
            count += 1
    return count


def yuan(fen: int) -> int:
    """Whole yuan, half up."""
    return (fen + 50) // 100 if fen >= 0 else -((-fen + 50) // 100)


@dataclass(frozen=True)
class Account:
    """Everything a D1 record says of one loan on one day, gathered by arrears.credit.gather."""

    loan: str
    name: str
    id_number: str
    open_date: dt.date
    due_date: dt.date
    principal: int
    terms: int
    repay_mode: str
    dpd: int
    balance: int
    overdue_total: int
    overdue_periods: int
    remaining_periods: int
    overdue_by_age: Mapping[str, int]
    due_this_month: int
    paid_this_month: int
    last_payment: dt.date | None
    settle_date: dt.date | None
    settled: bool
    written_off: bool
    legal: bool
    months: tuple[MonthEnd | None, ...]
    org_code: str = "ARREARS0001"


def account_status(account: Account) -> str:
    if account.settled:
        return ACCOUNT_STATUS["settled"][0]
    if account.written_off:
        return ACCOUNT_STATUS["written_off"][0]
    if account.legal:
        return ACCOUNT_STATUS["legal"][0]
    return ACCOUNT_STATUS["overdue" if account.dpd > 0 else "normal"][0]


def d1_record(account: Account, as_of: dt.date, *, event: str = "month_end") -> dict:
    """The record as a mapping of its three segments (field code → value)."""
    status24 = repayment_string(account.months)
    return {
        "基础段": {
            "InfRecType": INF_REC_TYPE, "AcctType": ACCT_TYPE, "AcctCode": account.loan, "RptDate": as_of.isoformat(),
            "RptDateCode": REPORT_CODES[event][0], "Name": account.name, "IDType": "10", "IDNum": account.id_number,
            "MngmtOrgCode": account.org_code,
        },
        "基本信息段": {
            "BusiLines": "1", "BusiDtlLines": "91", "OpenDate": account.open_date.isoformat(), "Cy": "CNY",
            "LoanAmt": yuan(account.principal), "DueDate": account.due_date.isoformat(), "RepayMode": account.repay_mode,
            "RepayFreq": "03", "RepayPrd": account.terms,
        },
        "月度表现段": {
            "Month": as_of.strftime("%Y-%m"), "SettDate": as_of.isoformat(), "AcctStatus": account_status(account),
            "AcctBal": yuan(account.balance), "RemRepPrd": account.remaining_periods,
            "FiveCate": str(five_category(account.dpd, written_off=account.written_off)),
            "OverdPrd": account.overdue_periods, "TotOverd": yuan(account.overdue_total),
            "Oved31_60Princ": yuan(account.overdue_by_age["31_60"]),
            "Oved61_90Princ": yuan(account.overdue_by_age["61_90"]),
            "Oved91_180Princ": yuan(account.overdue_by_age["91_180"]),
            "OvedPrincPd180": yuan(account.overdue_by_age["180+"]),
            "CurRpyAmt": yuan(account.due_this_month), "ActRpyAmt": yuan(account.paid_this_month),
            "LatRpyDate": "" if account.last_payment is None else account.last_payment.isoformat(),
            "RpyStatus": status24[-1], "RpyStatus24": status24,
            "CloseDate": "" if account.settle_date is None else account.settle_date.isoformat(),
        },
    }


def is_negative(record: Mapping) -> bool:
    monthly = record["月度表现段"]
    return bool(NEGATIVE_CHARS & set(monthly["RpyStatus24"])) or monthly["AcctStatus"] in ("2", "4", "8")


def falls_away_on(settle_date: dt.date) -> dt.date:
    """The day a settled debt's negative record stops being reported: 5 years after it was settled
    (征信业管理条例 art. 16)."""
    try:
        return settle_date.replace(year=settle_date.year + RETENTION_YEARS)
    except ValueError:
        return settle_date.replace(year=settle_date.year + RETENTION_YEARS, day=28)


def reportable(record: Mapping, as_of: dt.date) -> bool:
    """Whether the record may still be reported on `as_of`: not a negative record of a debt settled 5 years ago."""
    close = record["月度表现段"].get("CloseDate")
    if not close or not is_negative(record):
        return True
    return as_of < falls_away_on(dt.date.fromisoformat(close))


def validate(record: Mapping) -> list[tuple[str, str, str]]:
    """The record's faults as (field, zh, en); empty when it passes."""
    faults = []
    base, info, monthly = record["基础段"], record["基本信息段"], record["月度表现段"]
    for segment, fields in ((base, ("InfRecType", "AcctType", "AcctCode", "RptDate", "RptDateCode", "Name", "IDType", "IDNum")),
                            (info, ("OpenDate", "LoanAmt", "DueDate", "RepayPrd")),
                            (monthly, ("Month", "AcctStatus", "FiveCate", "RpyStatus24"))):
        for name in fields:
            if segment.get(name) in (None, ""):
                faults.append((name, f"{name} 不能为空", f"{name} is required"))
    if base.get("InfRecType") != INF_REC_TYPE:
        faults.append(("InfRecType", "信息记录类型须为 210", "InfRecType must be 210"))
    status24 = monthly.get("RpyStatus24", "")
    if len(status24) != 24 or not set(status24) <= STATUS_CHARS:
        faults.append(("RpyStatus24", "24个月还款状态须为 24 个有效字符", "RpyStatus24 must be 24 valid characters"))
    if monthly.get("FiveCate") not in {str(k) for k in FIVE_CATEGORY}:
        faults.append(("FiveCate", "五级分类须为 1—5", "FiveCate must be 1 to 5"))
    amounts = ("AcctBal", "TotOverd", "Oved31_60Princ", "Oved61_90Princ", "Oved91_180Princ", "OvedPrincPd180",
               "CurRpyAmt", "ActRpyAmt")
    for name in amounts:
        value = monthly.get(name)
        if not isinstance(value, int) or value < 0:
            faults.append((name, f"{name} 须为非负整数（元）", f"{name} must be a whole number of yuan, not negative"))
    if (monthly.get("OverdPrd", 0) > 0) != (monthly.get("TotOverd", 0) > 0) and monthly.get("TotOverd", 0) >= 1:
        faults.append(("OverdPrd", "当前逾期期数与逾期总额不一致", "OverdPrd and TotOverd disagree"))
    if monthly.get("AcctStatus") == "3" and not monthly.get("CloseDate"):
        faults.append(("CloseDate", "结清账户须有结清日期", "A settled account needs its close date"))
    return faults


def diff(before: Mapping[str, Mapping], after: Mapping[str, Mapping]) -> dict:
    """What turns the report `before` (account code → record) into `after`: records to put, codes to delete."""
    put = {code: record for code, record in after.items() if before.get(code) != record}
    delete = sorted(code for code in before if code not in after)
    return {"put": put, "delete": delete}


def apply(before: Mapping[str, Mapping], change: Mapping) -> dict:
    result = {code: record for code, record in before.items() if code not in set(change["delete"])}
    result.update(change["put"])
    return result


def event_of(previous: Mapping | None, current: Mapping, as_of: dt.date) -> str | None:
    """The day's event for an account, or None when nothing is to be sent: a first report, a closing, a
    change of five-category classification, or the month end (every open account, and one closed this month)."""
    if previous is None:
        return "new"
    was, now = previous["月度表现段"], current["月度表现段"]
    if now["AcctStatus"] == "3" and was["AcctStatus"] != "3":
        return "closed"
    if now["FiveCate"] != was["FiveCate"]:
        return "five_category"
    month_end = (as_of + dt.timedelta(days=1)).day == 1
    if month_end and (now["AcctStatus"] != "3" or was["Month"] == now["Month"]):
        return "month_end"
    return None


def retention_lines(settle_date: dt.date | None, negative: bool, as_of: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the account page says of the credit record's retention: when a negative record falls away."""
    if not negative:
        return (), ()
    if settle_date is None:
        return (("征信负面记录自结清之日起保留 5 年，之后不再报送。",),
                ("A negative credit record is kept 5 years from the day the debt is settled, then no longer reported.",))
    ends = falls_away_on(settle_date)
    if as_of >= ends:
        return ((f"征信负面记录已于 {ends} 起不再报送（结清于 {settle_date}）。",),
                (f"The negative credit record has not been reported since {ends} (settled on {settle_date}).",))
    return ((f"征信负面记录将于 {ends} 起不再报送（结清于 {settle_date}，保留 5 年）。",),
            (f"The negative credit record stops being reported on {ends} (settled on {settle_date}; kept 5 years).",))
