"""Reading the ledger into the engine and writing account states back, in bulk.

The DuckDB engine reads the ledger as Arrow tables over ADBC; the PostgreSQL engine reads
the same tables where they lie. Both hand back Arrow, which is written in bulk.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from arrears.bulk import BulkConnection
from arrears.cycle.tables import INSTALMENT_SCHEMA, LOAN_SCHEMA, PAYMENT_SCHEMA, allocation_ranks
from arrears.ledger.records import Component

LOANS_SQL = """
SELECT l.id AS loan_id, l.principal, l.start_date, p.penalty_rate_bp, p.late_fee, p.grace_days,
       p.cost_cap_bp, p.charge_off_dpd, p.allocation_order
FROM ledger_loan l JOIN ledger_product p ON p.id = l.product_id
"""
INSTALMENTS_SQL = "SELECT loan_id, seq, due_date, principal, interest FROM ledger_instalment"
PAYMENTS_SQL = "SELECT id AS payment_id, loan_id, amount, value_date, reverses_id AS reverses FROM ledger_payment"


def _day_numbers(table: pa.Table, date_column: str, day_column: str) -> pa.Table:
    index = table.schema.get_field_index(date_column)
    days = pc.cast(pc.cast(table.column(index), pa.int32()), pa.int64())
    return table.set_column(index, pa.field(day_column, pa.int64()), days)


def read_book(db: BulkConnection) -> dict[str, pa.Table]:
    """The ledger as the engine's three Arrow tables."""
    loans = _day_numbers(db.fetch(LOANS_SQL, dates=["start_date"]), "start_date", "start_day")
    orders = loans.column("allocation_order")
    rank_columns = {name: [] for name in ("rank_penalty", "rank_fee", "rank_interest", "rank_principal")}
    ranks_by_order = {order: allocation_ranks(order.split(",")) for order in pc.unique(orders).to_pylist()}
    for order in orders.to_pylist():
        for name, rank in ranks_by_order[order].items():
            rank_columns[name].append(rank)
    loans = loans.drop_columns(["allocation_order"])
    for name, values in rank_columns.items():
        loans = loans.append_column(name, pa.array(values, pa.int64()))
    instalments = _day_numbers(db.fetch(INSTALMENTS_SQL, dates=["due_date"]), "due_date", "due_day")
    payments = _day_numbers(db.fetch(PAYMENTS_SQL, dates=["value_date"]), "value_date", "value_day")
    return {
        "loans": loans.select(LOAN_SCHEMA.names).cast(LOAN_SCHEMA),
        "instalments": instalments.select(INSTALMENT_SCHEMA.names).cast(INSTALMENT_SCHEMA),
        "payments": payments.select(PAYMENT_SCHEMA.names).cast(PAYMENT_SCHEMA),
    }


def postgres_inputs(backend) -> dict[str, str]:
    """The ledger tables as engine inputs, inside PostgreSQL (temporary views): nothing leaves
    the database."""
    loan = backend.table("ledger_loan")
    product = backend.table("ledger_product")
    joined = loan.inner_join(product, loan.product_id == product.id)
    order = joined.allocation_order
    positions = {name.value: order.find(name.value) for name in Component}
    ranks = {
        f"rank_{name}": sum(
            (ibis.ifelse(positions[other] < positions[name], 1, 0) for other in positions if other != name),
            ibis.literal(0, "int64"),
        )
        for name in positions
    }
    loans = joined.select(
        loan_id=joined.id,
        principal=joined.principal,
        start_day=joined.start_date.epoch_days(),
        penalty_rate_bp=joined.penalty_rate_bp,
        late_fee=joined.late_fee,
        grace_days=joined.grace_days,
        cost_cap_bp=joined.cost_cap_bp,
        charge_off_dpd=joined.charge_off_dpd,
        **ranks,
    )
    k = backend.table("ledger_instalment")
    instalments = k.select("loan_id", "seq", due_day=k.due_date.epoch_days(), principal=k.principal, interest=k.interest)
    p = backend.table("ledger_payment")
    payments = p.select(
        payment_id=p.id, loan_id=p.loan_id, amount=p.amount, value_day=p.value_date.epoch_days(), reverses=p.reverses_id
    )
    names = {}
    for role, expression in (("loans", loans), ("instalments", instalments), ("payments", payments)):
        typed = expression.cast({name: "int64" for name in expression.columns})
        name = f"arrears_ledger_{role}"
        backend.raw_sql(f'CREATE OR REPLACE TEMPORARY VIEW "{name}" AS {ibis.to_sql(typed, dialect="postgres")}')
        names[role] = name
    return names


STATE_WRITE_COLUMNS = (
    "loan_id",
    "as_of",
    "days_past_due",
    "bucket",
    "status",
    "overdue_principal",
    "overdue_interest",
    "fee_outstanding",
    "penalty_outstanding",
    "principal_outstanding",
    "balance",
    "credit",
    "penalty_charged",
    "fee_charged",
    "charges_withheld",
    "paid_total",
)


def state_rows(accounts: pa.Table, as_of: dt.date, buckets: pa.Array, statuses: pa.Array) -> pa.Table:
    table = accounts.append_column("bucket", buckets).append_column("status", statuses)
    table = table.append_column("as_of", pa.array([as_of] * table.num_rows, pa.date32()))
    return table.select(list(STATE_WRITE_COLUMNS))


def previous_states(db: BulkConnection) -> pa.Table:
    schema = pa.schema([("loan_id", pa.int64()), ("days_past_due", pa.int64()), ("status", pa.string())])
    table = db.fetch("SELECT loan_id, days_past_due, status FROM cycle_accountstate")
    if table.num_rows == 0:
        return schema.empty_table()
    return table.cast(schema)


def write_states(db: BulkConnection, rows: pa.Table, as_of: dt.date) -> None:
    """Replace the current states and the history of `as_of`, in one transaction."""
    db.execute("DELETE FROM cycle_accountstate")
    db.ingest("cycle_accountstate", rows)
    db.execute(f"DELETE FROM cycle_accountstatehistory WHERE as_of = '{as_of.isoformat()}'")
    db.ingest("cycle_accountstatehistory", rows)
