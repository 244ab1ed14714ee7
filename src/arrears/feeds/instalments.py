"""The instalment rows of many loans at once, from the ledger's schedule rules (no Django here).

    rows = expand_schedules(loans)   # loans: id, repayment_method, principal, annual_rate_bp,
                                     #        term_months, start_date

`schedule.amounts_for` is called once per distinct (method, principal, rate, term)
and `schedule.due_dates` once per distinct (start, term); numpy then lays the
results out per loan, so the Python work grows with the number of distinct
schedules, not with the number of instalments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds.parallel import map_in_chunks
from arrears.ledger.records import RepaymentMethod
from arrears.ledger.schedule import amounts_for, due_dates

INSTALMENT_SCHEMA = pa.schema(
    [
        ("loan_id", pa.int64()),
        ("seq", pa.int16()),  # the column is a smallint; PostgreSQL's binary COPY wants the exact width
        ("due_date", pa.date32()),
        ("principal", pa.int64()),
        ("interest", pa.int64()),
    ]
)
_EPOCH = dt.date(1970, 1, 1)


def expand_schedules(loans: pa.Table) -> pa.Table:
    """One row per instalment of every loan, in INSTALMENT_SCHEMA."""
    if loans.num_rows == 0:
        return INSTALMENT_SCHEMA.empty_table()
    terms = loans.column("term_months").to_numpy().astype(np.int64)
    amount_group, amount_principal, amount_interest, amount_offsets = _distinct_amounts(loans)
    date_group, date_days, date_offsets = _distinct_dates(loans, terms)

    loan_of = np.repeat(np.arange(loans.num_rows), terms)
    first_of_loan = np.cumsum(terms) - terms
    seq = np.arange(int(terms.sum())) - first_of_loan[loan_of] + 1
    amount_at = amount_offsets[amount_group][loan_of] + seq - 1
    date_at = date_offsets[date_group][loan_of] + seq - 1
    return pa.table(
        [
            pa.array(loans.column("id").to_numpy()[loan_of], pa.int64()),
            pa.array(seq.astype(np.int16), pa.int16()),
            pa.array(date_days[date_at].astype(np.int32), pa.int32()).cast(pa.date32()),
            pa.array(amount_principal[amount_at], pa.int64()),
            pa.array(amount_interest[amount_at], pa.int64()),
        ],
        schema=INSTALMENT_SCHEMA,
    )


def _distinct_amounts(loans: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per loan, which distinct amount schedule it has; those schedules laid end to end, and where each starts."""
    methods = pc.dictionary_encode(loans.column("repayment_method").combine_chunks())
    method_code = methods.indices.to_numpy().astype(np.int64)
    rate = loans.column("annual_rate_bp").to_numpy().astype(np.int64)
    term = loans.column("term_months").to_numpy().astype(np.int64)
    principal = loans.column("principal").to_numpy().astype(np.int64)
    # (method, rate, term) packed in one integer (rate < 2^31, term < 2^9), then sorted with the
    # principal: neighbours that differ start a new distinct schedule.
    terms_of = (method_code << 40) | (rate << 9) | term
    order = np.lexsort((principal, terms_of))
    starts_group = np.ones(len(order), dtype=bool)
    starts_group[1:] = (np.diff(terms_of[order]) != 0) | (np.diff(principal[order]) != 0)
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(starts_group) - 1
    representatives = order[starts_group]
    names = methods.dictionary.to_pylist()
    keys = list(
        zip(
            [names[code] for code in method_code[representatives].tolist()],
            principal[representatives].tolist(),
            rate[representatives].tolist(),
            term[representatives].tolist(),
            strict=True,
        )
    )
    parts = np.concatenate(map_in_chunks(amounts_of, keys) or [np.zeros((0, 2), np.int64)])
    return group, parts[:, 0].copy(), parts[:, 1].copy(), _offsets(term[representatives])


def amounts_of(keys: list[tuple[str, int, int, int]]) -> np.ndarray:
    """(principal, interest) rows of every instalment of each (method, principal, rate, term), end to end."""
    laid: list[tuple[int, int]] = []
    for method, principal, rate, term in keys:
        laid.extend(amounts_for(RepaymentMethod(method), principal, rate, term))
    return np.asarray(laid, dtype=np.int64).reshape(-1, 2)


def _distinct_dates(loans: pa.Table, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per loan, which distinct due-date list it has; those lists laid end to end, and where each starts."""
    starts = loans.column("start_date").combine_chunks().cast(pa.int32()).to_numpy().astype(np.int64)
    keys = starts * 1024 + terms  # terms stay below 1024
    distinct, group = np.unique(keys, return_inverse=True)
    days: list[int] = []
    lengths = []
    for key in distinct.tolist():
        start, term = divmod(key, 1024)
        dates = due_dates(_EPOCH + dt.timedelta(days=start), term)
        days.extend((day - _EPOCH).days for day in dates)
        lengths.append(term)
    return group.astype(np.int64), np.asarray(days, np.int64), _offsets(np.asarray(lengths, np.int64))


def _offsets(lengths: np.ndarray) -> np.ndarray:
    return np.cumsum(lengths) - lengths
