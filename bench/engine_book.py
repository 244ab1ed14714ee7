"""A synthetic book straight in the engine's three input tables: for comparing engines at scale.

    tables = engine_book(100_000, seed=1)      # loans, instalments, payments (cycle/engine/_inputs.py)
    as_of_day = AS_OF_DAY

Twelve monthly instalments a loan, terms drawn from the catalogue's range (penalty rates, late
fees, grace days, cost caps, charge-off ages, allocation orders), 0–16 payments a loan (partial,
exact and overpayments, late and early), about one in twenty reversed. Not a lender's book (the
bench's generated ledgers are that): a book that exercises every path of the ageing in bulk,
made in a second without a database.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa

from arrears.cycle.tables import INSTALMENT_SCHEMA, LOAN_SCHEMA, PAYMENT_SCHEMA

FIRST_START_DAY = 20_089  # 2025-01-01
AS_OF_DAY = FIRST_START_DAY + 420
TERM = 12
ORDERS = np.array(list(itertools.permutations(range(4))), dtype=np.int64)


def engine_book(loans: int, seed: int = 1) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    loan_id = np.arange(1, loans + 1, dtype=np.int64)
    start = FIRST_START_DAY + rng.integers(0, 360, loans)
    per_instalment = rng.integers(1_000, 300_000, loans)
    order = np.where(rng.random(loans) < 0.7, 0, rng.integers(0, len(ORDERS), loans))
    ranks = ORDERS[order]
    loan_table = {
        "loan_id": loan_id,
        "principal": per_instalment * TERM,
        "start_day": start,
        "penalty_rate_bp": rng.choice([0, 1800, 3600, 18250], loans),
        "late_fee": rng.choice([0, 1000, 5000, 20000], loans),
        "grace_days": rng.integers(0, 15, loans),
        "cost_cap_bp": rng.choice([2400, 3600, 100000], loans),
        "charge_off_dpd": rng.choice([30, 90, 180], loans),
        "rank_penalty": ranks[:, 0],
        "rank_fee": ranks[:, 1],
        "rank_interest": ranks[:, 2],
        "rank_principal": ranks[:, 3],
    }
    seq = np.tile(np.arange(1, TERM + 1, dtype=np.int64), loans)
    instalment_table = {
        "loan_id": np.repeat(loan_id, TERM),
        "seq": seq,
        "due_day": np.repeat(start, TERM) + seq * 30 + rng.integers(-2, 2, loans * TERM),
        "principal": np.repeat(per_instalment, TERM),
        "interest": rng.integers(0, 5_000, loans * TERM),
    }
    counts = rng.integers(0, 17, loans)
    payers = np.repeat(loan_id, counts)
    paid = len(payers)
    typical = np.repeat(per_instalment, counts)
    amount = np.maximum(1, (typical * rng.uniform(0.2, 1.6, paid)).astype(np.int64))
    value_day = np.repeat(start, counts) + rng.integers(0, 430, paid)
    payment_id = np.arange(1, paid + 1, dtype=np.int64)
    reversed_ = rng.random(paid) < 0.05
    reversal_id = np.arange(paid + 1, paid + 1 + int(reversed_.sum()), dtype=np.int64)
    payment_table = {
        "payment_id": np.concatenate([payment_id, reversal_id]),
        "loan_id": np.concatenate([payers, payers[reversed_]]),
        "amount": np.concatenate([amount, amount[reversed_]]),
        "value_day": np.concatenate([value_day, value_day[reversed_] + rng.integers(0, 11, len(reversal_id))]),
        "reverses": pa.array(np.concatenate([np.zeros(paid, np.int64), payment_id[reversed_]]),
                             mask=np.concatenate([np.ones(paid, bool), np.zeros(len(reversal_id), bool)])),
    }
    return {
        "loans": pa.table(loan_table, schema=LOAN_SCHEMA),
        "instalments": pa.table(instalment_table, schema=INSTALMENT_SCHEMA),
        "payments": pa.table(payment_table, schema=PAYMENT_SCHEMA),
    }
