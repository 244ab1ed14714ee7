"""The limitation date of a debt: one home for it, read by the account page, `arrears explain`, the legal
pages and cases, and by the compliance guard's debt facts (`us.time_barred`).

    limitation_date(last_due=d1, resets=[d2, d3])             # cn: 3 years from the later of them
    limitation_dates(as_of)                                    # {loan_id: Limitation}, set-based

cn (Civil Code arts. 188, 195; the Supreme People's Court's provisions on limitation, art. 4): three
years, running for an instalment loan from the due date of its last instalment, and interrupted —
started again — by a demand that reached the debtor, the debtor's agreeing to perform (a payment or a
promise to pay), or a suit or arbitration. Only delivery proof from the channels counts as a demand
reaching the debtor: a contact attempt with a delivery receipt (`receipt_at`). us-regf: the state
table of arrears.compliance.limitation (the borrower's state), with its statute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CN_YEARS = 3
CN_CITATION = ("《民法典》第一百八十八条、第一百九十五条", "PRC Civil Code arts. 188, 195")
NEARING_DAYS = 180

# us-regf: the state's period and its statute come from the one table the guard's time-barred rule
# reads too (arrears.compliance.limitation, us_states.yaml), by the borrower's state (`region`).

@dataclass(frozen=True)
class Limitation:
    loan_id: int
    runs_from: dt.date
    reason: str  # "last_due", "demand", "acknowledgement", "suit"
    expires_on: dt.date
    citation_zh: str
    citation_en: str

    def time_barred(self, on: dt.date) -> bool:
        return on >= self.expires_on

    def days_left(self, on: dt.date) -> int:
        return (self.expires_on - on).days


REASON_WORDS = {
    "last_due": ("最后一期到期", "the last instalment's due date"),
    "demand": ("催告送达", "a demand delivered"),
    "acknowledgement": ("债务人同意履行（还款或承诺）", "the debtor's acknowledgement (a payment or a promise)"),
    "suit": ("提起诉讼或仲裁", "a suit or arbitration filed"),
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def limitation_date(last_due: dt.date, resets: Iterable[dt.date] = (), *, years: int = CN_YEARS) -> dt.date:
    """When the debt becomes time-barred: `years` after the later of the last due date and the latest reset
    (a reset before the last due date changes nothing: the period has not started yet)."""
    start = max([last_due, *resets])
    return add_years(start, years)


def _reasoned(loan_id: int, last_due: dt.date, resets: dict[str, dt.date | None], *, years: int,
              citation: tuple[str, str]) -> Limitation:
    runs_from, reason = last_due, "last_due"
    for kind in ("demand", "acknowledgement", "suit"):
        day = resets.get(kind)
        if day is not None and day > runs_from:
            runs_from, reason = day, kind
    return Limitation(loan_id, runs_from, reason, add_years(runs_from, years), *citation)


# One row per loan with its last due date and the latest of each kind of reset, up to the day asked about.
# The demand's day is the delivery receipt's UTC date (receipts come at any hour; the day is the
# conservative reading to within one day).
LIMITATION_SQL = """
SELECT l.id,
       (SELECT MAX(i.due_date) FROM ledger_instalment i WHERE i.loan_id = l.id),
       (SELECT MAX(a.receipt_at) FROM contact_contactattempt a
         WHERE a.loan_id = l.id AND a.party = 'debtor' AND a.receipt_at IS NOT NULL AND a.receipt_at < %s),
       (SELECT MAX(p.value_date) FROM ledger_payment p
         WHERE p.loan_id = l.id AND p.reverses_id IS NULL AND p.channel <> 'waiver' AND p.value_date <= %s),
       (SELECT MAX(pr.promised_on) FROM promises_promise pr WHERE pr.loan_id = l.id AND pr.promised_on <= %s),
       (SELECT MIN(s.entered_on) FROM legal_legalstage s JOIN legal_legalcase c ON c.id = s.case_id
         WHERE c.loan_id = l.id AND s.stage IN ('filed', 'complaint', 'notarised') AND s.entered_on <= %s),
       b.region
FROM ledger_loan l JOIN ledger_borrower b ON b.id = l.borrower_id
"""


def _day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def limitation_dates(as_of: dt.date, *, loan_ids: Iterable[int] | None = None,
                     profile: str = "cn") -> dict[int, Limitation]:
    """The limitation of every loan (or of `loan_ids`) as the facts stood at the end of `as_of`, in one query."""
    from django.db import connection

    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    day = connection.ops.adapt_datefield_value(as_of)
    params: list = [connection.ops.adapt_datetimefield_value(end), day, day, day]
    sql = LIMITATION_SQL
    if loan_ids is not None:
        ids = list(loan_ids)
        if not ids:
            return {}
        sql += f" WHERE l.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    from arrears.compliance.limitation import limitation_for

    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for loan_id, last_due, demand, paid, promised, suit, region in cursor.fetchall():
            if last_due is None:
                continue
            if profile == "us-regf":
                period = limitation_for(region)
                years, citation = period.years, (period.citation, period.citation)
            else:
                years, citation = CN_YEARS, CN_CITATION
            acknowledged = max([d for d in (_day(paid), _day(promised)) if d is not None], default=None)
            found[loan_id] = _reasoned(
                loan_id, _day(last_due), {"demand": _day(demand), "acknowledgement": acknowledged, "suit": _day(suit)},
                years=years, citation=citation,
            )
    return found


def limitation_of(loan_id: int, as_of: dt.date, **kwargs) -> Limitation | None:
    return limitation_dates(as_of, loan_ids=[loan_id], **kwargs).get(loan_id)


def nearing(as_of: dt.date, *, within_days: int = NEARING_DAYS, loan_ids: Iterable[int] | None = None) -> list[Limitation]:
    """Loans whose limitation runs out within `within_days` of `as_of` (or already has), soonest first."""
    rows = limitation_dates(as_of, loan_ids=loan_ids)
    return sorted((row for row in rows.values() if row.days_left(as_of) <= within_days), key=lambda row: row.expires_on)


def limitation_lines(loan_id: int, as_of: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the account page and `arrears explain` say of the limitation date, in Chinese and English."""
    from arrears.compliance.lender import lender_profile_name

    profile = "us-regf" if lender_profile_name() == "us-regf" else "cn"
    found = limitation_of(loan_id, as_of, profile=profile)
    if found is None:
        return (), ()
    zh_reason, en_reason = REASON_WORDS[found.reason]
    if found.time_barred(as_of):
        return ((f"诉讼时效已于 {found.expires_on} 届满（自 {found.runs_from} 起算：{zh_reason}；依据 {found.citation_zh}）：不得起诉。",),
                (f"The limitation period ran out on {found.expires_on} (running from {found.runs_from}: {en_reason}; "
                 f"{found.citation_en}): no suit may be brought.",))
    return ((f"诉讼时效届满日 {found.expires_on}（自 {found.runs_from} 起算：{zh_reason}；依据 {found.citation_zh}），"
             f"尚余 {found.days_left(as_of)} 天。",),
            (f"Limitation date {found.expires_on} (running from {found.runs_from}: {en_reason}; {found.citation_en}), "
             f"{found.days_left(as_of)} days left.",))
