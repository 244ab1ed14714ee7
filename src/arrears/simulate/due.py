"""The instalments of a chunk of loans that fall due by the horizon, as NumPy grids.

The amounts and dates come from the ledger's own schedule (`amounts_for`, `due_dates`), computed
once per distinct (product, principal, term) and once per distinct start date, then spread over
the loans: a chunk of fifty thousand loans has only a few thousand distinct schedules and a few
hundred start dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arrears.ledger.schedule import amounts_for, due_dates
from arrears.simulate.products import LoanTerms, ProductProfile

EPOCH = dt.date(1970, 1, 1)
"""Days are counted from here, as Arrow's date32 counts them."""


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True, slots=True)
class DueGrid:
    """One row per loan, one column per instalment (column 0 is instalment 1).

    Cells of instalments that do not exist, or fall due after the horizon, have is_due False
    and amount 0.
    """

    day: np.ndarray  # int64 due day, days since 1970-01-01
    amount: np.ndarray  # int64 fen due: principal + interest
    is_due: np.ndarray  # bool
    count: np.ndarray  # int64 per loan: instalments due on or before the horizon

    @property
    def columns(self) -> int:
        return self.day.shape[1]


def due_grid(
    terms: LoanTerms, start_day: np.ndarray, horizon_day: int, profiles: Sequence[ProductProfile]
) -> DueGrid:
    longest = int(terms.term_months.max())
    starts, start_of = np.unique(start_day, return_inverse=True)
    dates = np.array(
        [[day_number(due) for due in due_dates(day_date(start), longest)] for start in starts], dtype=np.int64
    )
    day = dates[start_of]
    is_due = (np.arange(longest)[None, :] < terms.term_months[:, None]) & (day <= horizon_day)
    count = is_due.sum(axis=1)
    columns = max(int(count.max()), 1)
    day, is_due = day[:, :columns], is_due[:, :columns]

    # principal (fen) < 2^40 and term <= 360 < 2^9, so the key fits comfortably in int64
    key = (terms.principal * len(profiles) + terms.product) * 512 + terms.term_months
    _, first, schedule_of = np.unique(key, return_index=True, return_inverse=True)
    table = np.zeros((first.size, columns), dtype=np.int64)
    for row, loan in enumerate(first):
        profile = profiles[terms.product[loan]]
        amounts = amounts_for(
            profile.method, int(terms.principal[loan]), profile.annual_rate_bp, int(terms.term_months[loan])
        )[:columns]
        table[row, : len(amounts)] = [principal + interest for principal, interest in amounts]
    amount = np.where(is_due, table[schedule_of], 0)
    return DueGrid(day=day, amount=amount, is_due=is_due, count=count)
