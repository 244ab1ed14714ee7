"""Ledger records as the engine's Arrow tables, and those tables loaded into a backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import pyarrow as pa

from arrears.ledger.records import Component, LoanBook, PaymentEntry

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=number)


def allocation_ranks(order: Iterable[str]) -> dict[str, int]:
    """{'rank_penalty': 0, …} from an allocation order such as ('penalty', 'fee', …)."""
    ranks = {f"rank_{Component(name).value}": position for position, name in enumerate(order)}
    if len(ranks) != len(Component):
        raise ValueError(f"allocation order must name every component once: {list(order)!r}")
    return ranks


def book_tables(loans: Iterable[LoanBook], payments: Iterable[PaymentEntry]) -> dict[str, pa.Table]:
    loans = list(loans)
    loan_rows = []
    instalment_rows = []
    for loan in loans:
        terms = loan.terms
        loan_rows.append(
            {
                "loan_id": loan.loan_id,
                "principal": loan.principal,
                "start_day": day_number(loan.start_date),
                "penalty_rate_bp": terms.penalty_rate_bp,
                "late_fee": terms.late_fee,
                "grace_days": terms.grace_days,
                "cost_cap_bp": terms.cost_cap_bp,
                "charge_off_dpd": terms.charge_off_dpd,
                **allocation_ranks(terms.allocation_order),
            }
        )
        for k in loan.instalments:
            instalment_rows.append(
                {
                    "loan_id": loan.loan_id,
                    "seq": k.seq,
                    "due_day": day_number(k.due_date),
                    "principal": k.principal,
                    "interest": k.interest,
                }
            )
    payment_rows = [
        {
            "payment_id": p.payment_id,
            "loan_id": p.loan_id,
            "amount": p.amount,
            "value_day": day_number(p.value_date),
            "reverses": p.reverses,
        }
        for p in payments
    ]
    return {
        "loans": _int_table(loan_rows, LOAN_SCHEMA),
        "instalments": _int_table(instalment_rows, INSTALMENT_SCHEMA),
        "payments": _int_table(payment_rows, PAYMENT_SCHEMA),
    }


def _int_schema(*names: str) -> pa.Schema:
    return pa.schema([(name, pa.int64()) for name in names])


LOAN_SCHEMA = _int_schema(
    "loan_id", "principal", "start_day", "penalty_rate_bp", "late_fee", "grace_days", "cost_cap_bp",
    "charge_off_dpd", "rank_penalty", "rank_fee", "rank_interest", "rank_principal",
)
INSTALMENT_SCHEMA = _int_schema("loan_id", "seq", "due_day", "principal", "interest")
PAYMENT_SCHEMA = _int_schema("payment_id", "loan_id", "amount", "value_day", "reverses")


def _int_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def load_into(backend, tables: dict[str, pa.Table], prefix: str = "arrears_input") -> dict[str, str]:
    """Create the three input tables in an Ibis backend (temporary, replaced if present); return their names."""
    names = {}
    for role, table in tables.items():
        name = f"{prefix}_{role}"
        if backend.name == "duckdb":
            # DuckDB scans Arrow in place: registering is free, copying a book costs seconds
            backend.con.register(name, table)
        elif backend.name == "pyspark":
            from arrears.cycle.spark import register

            register(backend, name, table)
        else:
            backend.create_table(name, table, temp=True, overwrite=True)
        names[role] = name
    return names


def duckdb_backend(*, memory_limit: str | None = None, spill_directory: str | None = None):
    """An in-process DuckDB. With a memory limit it spills to `spill_directory` rather than grow:
    the nightly cycle keeps a whole book within the machine's budget that way."""
    backend = ibis.duckdb.connect()
    if memory_limit:
        backend.raw_sql(f"SET memory_limit = '{memory_limit}'")
    if spill_directory:
        backend.raw_sql(f"SET temp_directory = '{spill_directory}'")
    return backend
