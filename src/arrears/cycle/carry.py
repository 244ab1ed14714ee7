"""Keeping each night's settled engine states, and carrying them into the next night (DuckDB engine).

    carried, count = carried_in(db, backend, inputs, as_of)   # a table name in the backend, or None
    kept = kept_rows(backend, inputs, aged.settled, as_of)     # tonight's states with their fingerprints
    keep(db, kept)                                             # in the night's transaction

What is carried and why is in cycle/engine/_carry.py; this module reads and writes the kept
states in the database (`cycle_enginestate`).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from arrears.bulk import BulkConnection
from arrears.cycle.engine._carry import carry_in, to_keep
from arrears.cycle.engine._rounds import STATE_COLUMNS
from arrears.cycle.tables import day_number

TABLE = "cycle_enginestate"
KEPT_COLUMNS = ("loan_id", "fingerprint", *STATE_COLUMNS[1:])


def carried_in(db: BulkConnection, backend, inputs: dict[str, str], as_of: dt.date) -> tuple[str | None, int]:
    """The states kept the night before `as_of` whose loans' pasts are unchanged, as a backend table
    (None when that night kept none), and how many."""
    before = as_of - dt.timedelta(days=1)
    stored = db.fetch(f"SELECT {', '.join(KEPT_COLUMNS)} FROM {TABLE} WHERE as_of = '{before.isoformat()}'")  # a date: safe
    if stored.num_rows == 0:
        return None, 0
    return carry_in(backend, inputs, stored, day_number(as_of))


def kept_rows(backend, inputs: dict[str, str], settled: pa.Table, as_of: dt.date) -> pa.Table:
    rows = to_keep(backend, inputs, settled, day_number(as_of))
    return rows.append_column("as_of", pa.array([as_of] * rows.num_rows, pa.date32()))


def keep(db: BulkConnection, rows: pa.Table | None) -> None:
    """Replace the kept states with tonight's (with none: the next night ages every loan from its start)."""
    db.execute(f"DELETE FROM {TABLE}")
    if rows is not None and rows.num_rows:
        db.ingest(TABLE, rows)
