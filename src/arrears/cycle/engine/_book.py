"""Age a whole book: number the event days, walk the rounds, close the day, describe the accounts.

The steps are Ibis expressions over named tables. They are compiled to the backend's SQL once
per dialect and kept: compiling is costly and the steps do not change from night to night,
only the as-of day (a marker literal in the compiled text) and the table names do. Each
round's state is materialised as a table, so the statement a round sends stays small however
many rounds a loan has.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from arrears.cycle.engine._carry import opening_sql, tonight_events_sql
from arrears.cycle.engine._events import (
    EVENT_COLUMNS,
    EVENT_ROW_COLUMNS,
    cumulative_schedule,
    effective_payments,
    numbered_events,
    round_events,
)
from arrears.cycle.engine._finish import AGED_COLUMNS, ALLOCATION_COLUMNS, aged_accounts, allocations, close_day
from arrears.cycle.engine._inputs import INSTALMENT_COLUMNS, LOAN_COLUMNS, PAYMENT_COLUMNS, BookInputs
from arrears.cycle.engine._rounds import PAYMENT_CONTEXT_COLUMNS, STATE_COLUMNS, advance, opening_state, without_events

AS_OF_MARKER = 987_654_321
SCHEDULE_COLUMNS = (*INSTALMENT_COLUMNS, "cumulative_principal", "cumulative_interest")
COUNTED_PAYMENT_COLUMNS = ("payment_id", "loan_id", "amount", "value_day")
# The events table is the largest the ageing keeps (about 20 rows a loan): its day numbers,
# kinds and marks are stored in the narrow types they fit (money stays BIGINT), and every round
# types what it reads from it as BIGINT again.
EVENT_ROW_TYPES = {"day": "INTEGER", "kind": "SMALLINT", "last_row": "SMALLINT", "alone": "SMALLINT", "round_no": "INTEGER"}
QUOTES = {"pyspark": "`"}  # each dialect's identifier quote, when it is not the standard double quote
AGED_FLAGS = ("ever_delinquent", "charged_off", "closed")  # replaced by the as-of day number in the compiled text
_INT = "int64"
_names = itertools.count()


def _placeholder(name: str, columns) -> ir.Table:
    return ibis.table({column: _INT for column in columns}, name=f"__{name}__")


def _typed(sql: str, columns, booleans=(), smaller=None, quote: str = '"') -> str:
    """`sql` with its integer columns cast to BIGINT (engines widen sums on their own, and Ibis
    leaves out casts it believes redundant), or to the type `smaller` names for a column.
    `quote` is the dialect's identifier quote (a backtick in Spark SQL)."""
    smaller = smaller or {}
    q = quote
    typed = ", ".join(
        f'CAST(step.{q}{column}{q} AS {smaller.get(column, "BIGINT")}) AS {q}{column}{q}' if column not in booleans
        else f'step.{q}{column}{q}'
        for column in columns
    )
    return f"SELECT {typed} FROM ({sql}) AS step"


@dataclass
class AgedBook:
    """What ageing a book produced: one row per loan, and optionally one per payment.

    settled: each loan's state after its last event day (STATE_COLUMNS), when asked for: what the
    next night carries (see `_carry.py`)."""

    accounts: pa.Table
    allocations: pa.Table | None
    rounds: int
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    settled: pa.Table | None = None


class CompiledCycle:
    """The cycle's steps as SQL text for one dialect, with `__name__` table placeholders."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        loans = _placeholder("loans", LOAN_COLUMNS)
        as_of = ibis.literal(AS_OF_MARKER, _INT)
        self._inputs = BookInputs(
            loans=loans.filter(loans.start_day <= as_of),
            instalments=_placeholder("instalments", INSTALMENT_COLUMNS),
            payments=_placeholder("payments", PAYMENT_COLUMNS),
        )
        self._as_of = as_of
        self._schedule = _placeholder("schedule", SCHEDULE_COLUMNS)
        self._payments = _placeholder("counted_payments", COUNTED_PAYMENT_COLUMNS)
        self._state = _placeholder("state", STATE_COLUMNS)

    def _sql(self, expression: ir.Table) -> str:
        return ibis.to_sql(expression, dialect=self.dialect)

    @functools.cached_property
    def schedule(self) -> str:
        return self._sql(cumulative_schedule(self._inputs))

    @functools.cached_property
    def counted_payments(self) -> str:
        return self._sql(effective_payments(self._inputs, self._as_of))

    @functools.cached_property
    def events(self) -> str:
        numbered = numbered_events(self._inputs, self._schedule, self._payments, self._as_of)
        if self.dialect == "pyspark":  # a kept frame has no order to read a round's rows by: no sort
            return self._sql(numbered)
        return self._sql(numbered.order_by("round_no"))

    @functools.cached_property
    def opening(self) -> str:
        return self._sql(opening_state(self._inputs.loans))

    @functools.cached_property
    def round_step(self) -> tuple[str, str]:
        moved, context = advance(self._state, _placeholder("round_events", EVENT_COLUMNS))
        return self._sql(moved), self._sql(context)

    @functools.cached_property
    def round_events(self) -> str:
        """One round's event rows folded into one row per loan, every column typed BIGINT (the
        sums would otherwise be wider, and so would everything the round computes from them)."""
        return _typed(self._sql(round_events(_placeholder("round_rows", EVENT_ROW_COLUMNS))), EVENT_COLUMNS,
                      quote=self.quote)

    @property
    def quote(self) -> str:
        return QUOTES.get(self.dialect, '"')

    @functools.cached_property
    def eventless(self) -> str:
        return self._sql(without_events(self._state, _placeholder("round_rows", EVENT_ROW_COLUMNS)))

    @functools.cached_property
    def closing(self) -> str:
        return self._sql(close_day(self._state, self._as_of).select(*STATE_COLUMNS))

    @functools.cached_property
    def aged(self) -> str:
        return self._sql(
            aged_accounts(self._state, self._schedule, self._payments, self._as_of).order_by("loan_id")
        )

    @functools.cached_property
    def allocated(self) -> str:
        contexts = _placeholder("contexts", PAYMENT_CONTEXT_COLUMNS)
        return self._sql(allocations(self._payments, contexts).order_by("payment_id"))


@functools.cache
def compiled_for(dialect: str) -> CompiledCycle:
    return CompiledCycle(dialect)


class _Run:
    """One ageing run's temporary tables in a backend."""

    quote = '"'

    def __init__(self, backend, as_of_day: int, names: dict[str, str]) -> None:
        self.backend = backend
        self.as_of_day = as_of_day
        self.names = dict(names)
        self.created: list[str] = []
        self.run_id = next(_names)
        self._serial = itertools.count()

    def q(self, name: str) -> str:
        """`name` quoted as an identifier of the backend's dialect."""
        return f"{self.quote}{name}{self.quote}"

    def bind(self, sql: str) -> str:
        for placeholder, real in self.names.items():
            sql = sql.replace(self.q(f"__{placeholder}__"), real if real.startswith("(") else self.q(real))
        return sql.replace(str(AS_OF_MARKER), str(self.as_of_day))

    def create(self, role: str, sql: str, columns=(), booleans=(), smaller=None) -> str:
        """Materialise a step; `columns` lists its integer columns, which are stored as BIGINT
        (engines widen sums on their own, and Ibis leaves out casts it believes redundant)
        unless `smaller` gives a column a narrower type."""
        name = f"arrears_{role}_{self.run_id}_{next(self._serial)}"
        body = self.bind(sql)
        if columns:
            body = _typed(body, columns, booleans, smaller, quote=self.quote)
        self.materialise(name, body)
        self.created.append(name)
        self.names[role] = name
        return name

    def materialise(self, name: str, body: str) -> None:
        self.backend.raw_sql(f'CREATE TEMPORARY TABLE "{name}" AS {body}')

    def settle(self, settled: str, state: str) -> None:
        """Set aside the loans of `state` that have had their last event day."""
        columns = ", ".join(f'"{column}"' for column in STATE_COLUMNS)
        self.backend.raw_sql(f'INSERT INTO "{settled}" SELECT {columns} FROM "{state}" WHERE is_last = 1')

    def union(self, role: str, names: list[str]) -> str:
        """The rows of the tables `names` (of one shape) as one table."""
        union = " UNION ALL ".join(f"SELECT * FROM {self.q(name)}" for name in names)
        return self.create(role, union or compiled_context_empty(self.backend.name))

    def drop(self, name: str) -> None:
        self.backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
        self.created.remove(name)

    def fetch(self, name: str) -> pa.Table:
        return self.backend.table(name).to_pyarrow()

    def scalar(self, sql: str):
        # DuckDB's execute returns the connection itself, so the cursor is not closed here
        return self.backend.raw_sql(self.bind(sql)).fetchone()[0]

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(name)


def age_book(
    backend, inputs: dict[str, str], as_of_day: int, *, with_allocations: bool = False, timer=None,
    carried: str | None = None, keep_settled: bool = False,
) -> AgedBook:
    """Age every loan to the end of `as_of_day` (days since 1970-01-01).

    `backend` is an Ibis backend (DuckDB or PostgreSQL); `inputs` names its tables (or views)
    holding loans, instalments and payments in the columns of `BookInputs`. `carried` names a table
    of settled states (STATE_COLUMNS) from the night before for loans whose past has not changed:
    those loans play tonight's events only (`_carry.py`); `keep_settled` returns tonight's.
    """
    if carried is not None and with_allocations:
        raise ValueError("allocations need every payment played: age from the start, without carried states")
    timer = timer or _NoTimer()
    compiled = compiled_for(backend.name)
    if backend.name == "pyspark":
        if carried is not None:
            raise ValueError("the Spark engine ages every loan from its start: it carries no states")
        from arrears.cycle.engine._spark import SparkRun

        run = SparkRun(backend, as_of_day, inputs)
    else:
        run = _Run(backend, as_of_day, inputs)
    try:
        with timer.stage("compile"):
            round_sql, context_sql = compiled.round_step
            _ = (compiled.schedule, compiled.events, compiled.round_events, compiled.closing, compiled.aged)
        with timer.stage("events"):
            run.create("schedule", compiled.schedule, SCHEDULE_COLUMNS)
            run.create("counted_payments", compiled.counted_payments, COUNTED_PAYMENT_COLUMNS)
            events = run.create("events", compiled.events, (*EVENT_ROW_COLUMNS, "round_no"), smaller=EVENT_ROW_TYPES)
            if carried is not None:
                events = run.create("events", tonight_events_sql(events, carried, as_of_day))
            if backend.name == "postgres":
                backend.raw_sql(f'CREATE INDEX ON "{events}" (round_no)')
                backend.raw_sql(f'ANALYZE "{events}"')
            rounds = int(run.scalar(f"SELECT COALESCE(MAX(round_no), 0) FROM {run.q(events)}") or 0)
        with timer.stage("rounds"):
            # Round n takes only the loans with an n-th event day; a loan is set aside in
            # `settled` after its last one, so late rounds are small however large the book.
            opening = run.create("state", compiled.opening, STATE_COLUMNS)
            if carried is not None:
                run.create("state", opening_sql(opening, carried))
            contexts = []
            for round_no in range(1, rounds + 1):
                previous_state = run.names["state"]
                # read in place: the events are stored in round order, so this reads one round's rows
                run.names["round_rows"] = (
                    f'(SELECT {", ".join(EVENT_ROW_COLUMNS)} FROM {run.q(events)} WHERE round_no = {round_no})'
                )
                run.names["round_events"] = "(" + run.bind(compiled.round_events) + ")"
                if round_no == 1:
                    settled = run.create("settled", compiled.eventless, STATE_COLUMNS)
                if with_allocations:
                    contexts.append(run.create("context", context_sql, PAYMENT_CONTEXT_COLUMNS))
                state = run.create("state", round_sql, (*STATE_COLUMNS, "is_last"))
                run.drop(previous_state)
                run.settle(settled, state)
            if rounds == 0:
                settled = run.create("settled", f'SELECT * FROM {run.q(run.names["state"])}', STATE_COLUMNS)
            run.drop(run.names["state"])
            run.names["state"] = settled
            settled_rows = run.fetch(settled) if keep_settled else None
        with timer.stage("close"):
            run.create("state", compiled.closing, STATE_COLUMNS)
            accounts = run.fetch(run.create("aged", compiled.aged, AGED_COLUMNS, AGED_FLAGS))
            allocated = None
            if with_allocations:
                run.union("contexts", contexts)
                allocated = run.fetch(run.create("allocated", compiled.allocated, ALLOCATION_COLUMNS))
    finally:
        run.drop_all()
    return AgedBook(accounts=accounts, allocations=allocated, rounds=rounds, seconds_by_stage=timer.seconds(),
                    settled=settled_rows)


def compiled_context_empty(dialect: str) -> str:
    columns = ", ".join(f"CAST(NULL AS BIGINT) AS {name}" for name in PAYMENT_CONTEXT_COLUMNS)
    return f"SELECT {columns} WHERE 1 = 0"


class _NoTimer:
    from contextlib import nullcontext as _null

    def stage(self, name):
        return self._null()

    def seconds(self) -> dict[str, float]:
        return {}
