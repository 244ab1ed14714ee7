"""An account's daily state history folded into periods: runs of days in the same bucket and status.

    >>> rows = [Day(dt.date(2026, 3, d), d, "M1", "delinquent", 100, 900, 0) for d in (3, 2, 1)]
    >>> [(p.start.day, p.end.day, p.dpd_first, p.dpd_last) for p in fold_periods(rows)]
    [(1, 3, 1, 3)]

A collector reads where the account has been, not 120 near-identical rows; the daily rows stay
available (the page's daily view, the API). Pure: takes any objects with the fields of `Day`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from arrears.money import Fen


class DailyState(Protocol):
    as_of: dt.date
    days_past_due: int
    bucket: str
    status: str
    overdue_principal: Fen
    balance: Fen
    paid_total: Fen


@dataclass(frozen=True, slots=True)
class Day:
    as_of: dt.date
    days_past_due: int
    bucket: str
    status: str
    overdue_principal: Fen
    balance: Fen
    paid_total: Fen


@dataclass(frozen=True, slots=True)
class Period:
    """Consecutive history rows in one bucket and status; amounts as on the period's last day."""

    start: dt.date
    end: dt.date
    days: int
    bucket: str
    status: str
    dpd_first: int
    dpd_last: int
    overdue_principal: Fen
    balance: Fen
    paid_total: Fen


def fold_periods(newest_first: Iterable[DailyState]) -> list[Period]:
    """Rows ordered newest first → periods newest first. A gap in the dates does not split a period."""
    periods: list[Period] = []
    for row in newest_first:
        last = periods[-1] if periods else None
        if last is not None and (last.bucket, last.status) == (row.bucket, row.status):
            periods[-1] = Period(row.as_of, last.end, last.days + 1, last.bucket, last.status, row.days_past_due,
                                 last.dpd_last, last.overdue_principal, last.balance, last.paid_total)
        else:
            periods.append(Period(row.as_of, row.as_of, 1, row.bucket, row.status, row.days_past_due,
                                  row.days_past_due, row.overdue_principal, row.balance, row.paid_total))
    return periods
