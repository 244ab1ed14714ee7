"""What the engine reads: three tables, with days counted from 1970-01-01.

loans:        loan_id, principal, start_day, penalty_rate_bp, late_fee, grace_days, cost_cap_bp,
              charge_off_dpd, rank_penalty, rank_fee, rank_interest, rank_principal
instalments:  loan_id, seq, due_day, principal, interest
payments:     payment_id, loan_id, amount, value_day, reverses (payment_id or null)

The rank columns give each component's place in the product's allocation order (0 first).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

LOAN_COLUMNS = (
    "loan_id",
    "principal",
    "start_day",
    "penalty_rate_bp",
    "late_fee",
    "grace_days",
    "cost_cap_bp",
    "charge_off_dpd",
    "rank_penalty",
    "rank_fee",
    "rank_interest",
    "rank_principal",
)
INSTALMENT_COLUMNS = ("loan_id", "seq", "due_day", "principal", "interest")
PAYMENT_COLUMNS = ("payment_id", "loan_id", "amount", "value_day", "reverses")


@dataclass(frozen=True)
class BookInputs:
    """The ledger as engine tables."""

    loans: ir.Table
    instalments: ir.Table
    payments: ir.Table

    def __post_init__(self) -> None:
        for name, table, expected in (
            ("loans", self.loans, LOAN_COLUMNS),
            ("instalments", self.instalments, INSTALMENT_COLUMNS),
            ("payments", self.payments, PAYMENT_COLUMNS),
        ):
            missing = set(expected) - set(table.columns)
            if missing:
                raise ValueError(f"{name} lacks columns {sorted(missing)}")
