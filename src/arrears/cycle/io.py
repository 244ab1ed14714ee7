"""Reading the ledger into the engine and writing account states back, in bulk.

The DuckDB engine reads the ledger as Arrow tables over ADBC; the PostgreSQL engine reads
the same tables where they lie. Both hand back Arrow, which is written in bulk.

Both read the schedule in force on the as-of day (ledger/rescheduling.py states the rule one loan
at a time): a loan under a repayment plan is aged as the plan's segment — its principal, start
date, rows and payments — and otherwise as itself. `in_force_tables` is that rule set-based, as
Ibis expressions, so the same definition runs on DuckDB and inside PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from arrears.bulk import BulkConnection
from arrears.cycle.tables import INSTALMENT_SCHEMA, LOAN_SCHEMA, PAYMENT_SCHEMA, allocation_ranks, day_number
from arrears.ledger.records import Component

LOANS_SQL = """
SELECT l.id AS loan_id, l.principal, l.start_date, p.penalty_rate_bp, p.late_fee, p.grace_days,
       p.cost_cap_bp, p.charge_off_dpd, p.allocation_order
FROM ledger_loan l JOIN ledger_product p ON p.id = l.product_id
"""
INSTALMENTS_SQL = "SELECT loan_id, seq, due_date, principal, interest, reschedule_id FROM ledger_instalment"
PAYMENTS_SQL = "SELECT id AS payment_id, loan_id, amount, value_date, reverses_id AS reverses FROM ledger_payment"
RESCHEDULES_SQL = (
    "SELECT id AS reschedule_id, loan_id, start_date, principal, last_payment_id, reverted_from FROM ledger_reschedule"
)
RESCHEDULE_SCHEMA = pa.schema(
    [(name, pa.int64()) for name in ("reschedule_id", "loan_id", "start_day", "principal", "last_payment_id", "reverted_day")]
)
LATEST_DAY = day_number(dt.date.max)
"""As of 'no particular day': every plan that started and is not reverted is in force."""


def in_force_tables(loans: ir.Table, instalments: ir.Table, payments: ir.Table, reschedules: ir.Table, as_of_day):
    """The engine's three tables as they stand on `as_of_day`, plans applied.

    instalments carries `reschedule_id` (null for a loan's own rows); reschedules are
    (reschedule_id, loan_id, start_day, principal, last_payment_id, reverted_day).
    """
    r = reschedules
    current = r.filter((r.start_day <= as_of_day) & (r.reverted_day.isnull() | (r.reverted_day > as_of_day)))
    latest = ibis.window(group_by=current.loan_id, order_by=[ibis.desc(current.start_day), ibis.desc(current.reschedule_id)])
    current = current.mutate(place=ibis.row_number().over(latest))
    segment = current.filter(current.place == 0).select(
        seg_loan=current.loan_id,
        seg_id=current.reschedule_id,
        seg_start=current.start_day,
        seg_principal=current.principal,
        seg_last=current.last_payment_id,
    )
    l = loans.left_join(segment, loans.loan_id == segment.seg_loan)
    loans_out = l.mutate(
        principal=ibis.coalesce(l.seg_principal, l.principal), start_day=ibis.coalesce(l.seg_start, l.start_day)
    ).select(*LOAN_SCHEMA.names)
    k = instalments.left_join(segment, instalments.loan_id == segment.seg_loan)
    instalments_out = k.filter(
        (k.seg_id.isnull() & k.reschedule_id.isnull()) | (k.reschedule_id == k.seg_id)
    ).select(*INSTALMENT_SCHEMA.names)
    p = payments.left_join(segment, payments.loan_id == segment.seg_loan)
    payments_out = p.filter(p.seg_id.isnull() | (p.value_day >= p.seg_start) | (p.payment_id > p.seg_last)).mutate(
        # a payment recorded after the plan was made but value-dated before it counts on the plan date
        value_day=ibis.greatest(p.value_day, ibis.coalesce(p.seg_start, p.value_day))
    ).select(*PAYMENT_SCHEMA.names)
    return {"loans": loans_out, "instalments": instalments_out, "payments": payments_out}


def _day_numbers(table: pa.Table, date_column: str, day_column: str) -> pa.Table:
    index = table.schema.get_field_index(date_column)
    days = pc.cast(pc.cast(table.column(index), pa.int32()), pa.int64())
    return table.set_column(index, pa.field(day_column, pa.int64()), days)


def read_book(db: BulkConnection, as_of: dt.date | None = None) -> dict[str, pa.Table]:
    """The ledger as the engine's three Arrow tables, with the schedules in force on `as_of`
    (None: every plan that started and is not reverted)."""
    loans = _day_numbers(db.fetch(LOANS_SQL, dates=["start_date"]), "start_date", "start_day")
    # a book has few allocation orders: rank each once, then spread the ranks over the loans
    orders = pc.dictionary_encode(loans.column("allocation_order")).combine_chunks()
    ranks_by_order = [allocation_ranks(order.split(",")) for order in orders.dictionary.to_pylist()]
    loans = loans.drop_columns(["allocation_order"])
    for name in ("rank_penalty", "rank_fee", "rank_interest", "rank_principal"):
        ranks = pa.array([ranks[name] for ranks in ranks_by_order], pa.int64())
        loans = loans.append_column(name, pc.take(ranks, orders.indices))
    instalments = _day_numbers(db.fetch(INSTALMENTS_SQL, dates=["due_date"]), "due_date", "due_day")
    payments = _day_numbers(db.fetch(PAYMENTS_SQL, dates=["value_date"]), "value_date", "value_day")
    tables = {
        "loans": loans.select(LOAN_SCHEMA.names).cast(LOAN_SCHEMA),
        "instalments": instalments,
        "payments": payments.select(PAYMENT_SCHEMA.names).cast(PAYMENT_SCHEMA),
    }
    reschedules = db.fetch(RESCHEDULES_SQL, dates=["start_date", "reverted_from"])
    return apply_plans(tables, reschedules_table(reschedules), LATEST_DAY if as_of is None else day_number(as_of))


def reschedules_table(rows: pa.Table) -> pa.Table:
    """Reschedule rows (dates as date32) with their dates as day numbers."""
    if rows.num_rows == 0:
        return RESCHEDULE_SCHEMA.empty_table()
    rows = _day_numbers(rows, "start_date", "start_day")
    rows = _day_numbers(rows, "reverted_from", "reverted_day")
    return rows.select(RESCHEDULE_SCHEMA.names).cast(RESCHEDULE_SCHEMA)


def apply_plans(tables: dict[str, pa.Table], reschedules: pa.Table, as_of_day: int) -> dict[str, pa.Table]:
    """The engine's Arrow tables with the plans in force on `as_of_day` applied.

    The same rule as `in_force_tables`, in Arrow compute: only the loans under a plan are touched,
    so a book with few plans costs one hash lookup per row (tests prove the two agree).
    """
    instalments = tables["instalments"]
    own_columns = instalments.select(INSTALMENT_SCHEMA.names).cast(INSTALMENT_SCHEMA)
    segments = _segments_in_force(reschedules, as_of_day)
    if segments.num_rows == 0:
        # no plan in force: every loan's own rows (a plan's rows always name their reschedule)
        own = pc.is_null(instalments.column("reschedule_id"))
        if reschedules.num_rows == 0:
            return {**tables, "instalments": own_columns}
        return {**tables, "instalments": own_columns.filter(own)}
    seg_loans = segments.column("loan_id")
    loans = tables["loans"]
    at = pc.index_in(loans.column("loan_id"), value_set=seg_loans)
    under_plan = pc.is_valid(at)
    for column in ("principal", "start_day"):
        source = "principal" if column == "principal" else "start_day"
        replaced = pc.if_else(under_plan, segments.column(source).take(at), loans.column(column))
        loans = loans.set_column(loans.schema.get_field_index(column), column, replaced)
    keep = pc.if_else(
        pc.is_in(instalments.column("loan_id"), value_set=seg_loans),
        pc.fill_null(pc.is_in(instalments.column("reschedule_id"), value_set=segments.column("reschedule_id")), False),
        pc.is_null(instalments.column("reschedule_id")),
    )
    payments = tables["payments"]
    at = pc.index_in(payments.column("loan_id"), value_set=seg_loans)
    seg_start = segments.column("start_day").take(at)
    value_day = payments.column("value_day")
    counted = pc.or_kleene(
        pc.is_null(at),
        pc.or_kleene(
            pc.greater_equal(value_day, seg_start),
            pc.greater(payments.column("payment_id"), segments.column("last_payment_id").take(at)),
        ),
    )
    # a payment recorded after the plan was made but value-dated before it counts on the plan date
    redated = pc.if_else(pc.is_null(at), value_day, pc.max_element_wise(value_day, seg_start))
    payments = payments.set_column(payments.schema.get_field_index("value_day"), "value_day", redated)
    return {
        "loans": loans.cast(LOAN_SCHEMA),
        "instalments": own_columns.filter(keep),
        "payments": payments.filter(counted).cast(PAYMENT_SCHEMA),
    }


def _segments_in_force(reschedules: pa.Table, as_of_day: int) -> pa.Table:
    """One row per loan under a plan on `as_of_day`: its latest segment that started and is not reverted."""
    if reschedules.num_rows == 0:
        return reschedules
    started = pc.less_equal(reschedules.column("start_day"), as_of_day)
    standing = pc.fill_null(pc.greater(reschedules.column("reverted_day"), as_of_day), True)
    current = reschedules.filter(pc.and_(started, standing))
    if current.num_rows == 0:
        return current
    ordered = current.sort_by([("loan_id", "ascending"), ("start_day", "descending"), ("reschedule_id", "descending")])
    loan_ids = ordered.column("loan_id").combine_chunks()
    first = pc.not_equal(loan_ids, pa.concat_arrays([pa.array([None], pa.int64()), loan_ids.slice(0, len(loan_ids) - 1)]))
    return ordered.filter(pc.fill_null(first, True)).combine_chunks()


def postgres_inputs(backend, as_of: dt.date | None = None) -> dict[str, str]:
    """The ledger tables as engine inputs, inside PostgreSQL (temporary views): nothing leaves
    the database. The schedules are those in force on `as_of`, as in `read_book`."""
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
    instalments = k.select(
        "loan_id", "seq", due_day=k.due_date.epoch_days(), principal=k.principal, interest=k.interest,
        reschedule_id=k.reschedule_id,
    )
    p = backend.table("ledger_payment")
    payments = p.select(
        payment_id=p.id, loan_id=p.loan_id, amount=p.amount, value_day=p.value_date.epoch_days(), reverses=p.reverses_id
    )
    r = backend.table("ledger_reschedule")
    reschedules = r.select(
        reschedule_id=r.id,
        loan_id=r.loan_id,
        start_day=r.start_date.epoch_days(),
        principal=r.principal,
        last_payment_id=r.last_payment_id,
        reverted_day=r.reverted_from.epoch_days(),
    ).cast({name: "int64" for name in RESCHEDULE_SCHEMA.names})
    as_of_day = ibis.literal(LATEST_DAY if as_of is None else day_number(as_of), "int64")
    views = in_force_tables(
        loans.cast({name: "int64" for name in loans.columns}),
        instalments.cast({name: "int64" for name in instalments.columns}),
        payments.cast({name: "int64" for name in payments.columns}),
        reschedules,
        as_of_day,
    )
    names = {}
    for role, expression in views.items():
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


PREVIOUS_SCHEMA = pa.schema([("loan_id", pa.int64()), ("days_past_due", pa.int64()), ("status", pa.string())])


def latest_aged_day(db: BulkConnection) -> dt.date | None:
    """The day the current states are of (None before the first night)."""
    value = db.fetch("SELECT MAX(as_of) AS day FROM cycle_accountstate", dates=["day"]).column("day")[0].as_py()
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def previous_states(db: BulkConnection, as_of: dt.date, latest: dt.date | None) -> pa.Table:
    """The states of the last night before `as_of`: the current states when they are older than
    `as_of` (the usual night), otherwise that night's history (a night run again)."""
    if latest is None:
        return PREVIOUS_SCHEMA.empty_table()
    if latest < as_of:
        table = db.fetch("SELECT loan_id, days_past_due, status FROM cycle_accountstate")
    else:
        day = f"'{as_of.isoformat()}'"  # a date, formatted: safe
        table = db.fetch(
            "SELECT loan_id, days_past_due, status FROM cycle_accountstatehistory WHERE as_of = "
            f"(SELECT MAX(as_of) FROM cycle_accountstatehistory WHERE as_of < {day})"
        )
    if table.num_rows == 0:
        return PREVIOUS_SCHEMA.empty_table()
    return table.cast(PREVIOUS_SCHEMA)


def write_states(db: BulkConnection, rows: pa.Table, as_of: dt.date, *, current: bool = True) -> None:
    """Replace the history of `as_of` and, unless a later night has run (`current` False), the
    current states, in one transaction."""
    db.execute(f"DELETE FROM cycle_accountstatehistory WHERE as_of = '{as_of.isoformat()}'")
    if not current:
        db.ingest("cycle_accountstatehistory", rows)
        return
    db.execute("DELETE FROM cycle_accountstate")
    db.ingest("cycle_accountstate", rows)
    # the history's rows are the current states just written: copied inside the database, they
    # are not converted from Arrow a second time
    columns = ", ".join(STATE_WRITE_COLUMNS)
    db.execute(f"INSERT INTO cycle_accountstatehistory ({columns}) SELECT {columns} FROM cycle_accountstate")
