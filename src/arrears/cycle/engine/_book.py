"""Age a whole book: number the event days, walk the rounds, close the day, describe the accounts.

Each round's state is materialised as a table in the backend, so the expression handed to
the engine stays small however many rounds a loan has.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from arrears.cycle.engine._events import cumulative_schedule, effective_payments, numbered_events
from arrears.cycle.engine._finish import aged_accounts, allocations, close_day
from arrears.cycle.engine._inputs import BookInputs
from arrears.cycle.engine._rounds import PAYMENT_CONTEXT_COLUMNS, advance, opening_state

_names = itertools.count()


@dataclass
class AgedBook:
    """What ageing a book produced: one row per loan, and optionally one per payment."""

    accounts: pa.Table
    allocations: pa.Table | None
    rounds: int
    seconds_by_stage: dict[str, float] = field(default_factory=dict)


def _materialise(backend, expression: ir.Table, stem: str) -> ir.Table:
    name = f"arrears_{stem}_{next(_names)}"
    return backend.create_table(name, expression, temp=True, overwrite=True)


def _drop(backend, table: ir.Table) -> None:
    backend.drop_table(table.get_name(), force=True)


def age_book(backend, inputs: BookInputs, as_of_day: int, *, with_allocations: bool = False, timer=None) -> AgedBook:
    """Age every loan in `inputs` to the end of `as_of_day` (days since 1970-01-01).

    `backend` is an Ibis backend (DuckDB or PostgreSQL) in which the inputs live.
    """
    timer = timer or _NoTimer()
    loans = inputs.loans.filter(inputs.loans.start_day <= as_of_day)
    inputs = BookInputs(loans=loans, instalments=inputs.instalments, payments=inputs.payments)
    with timer.stage("events"):
        schedule = _materialise(backend, cumulative_schedule(inputs), "schedule")
        payments = _materialise(backend, effective_payments(inputs, as_of_day), "payments")
        events = _materialise(
            backend, numbered_events(inputs, schedule, payments, as_of_day).order_by("round_no", "loan_id"), "events"
        )
        if backend.name == "postgres":
            backend.raw_sql(f'CREATE INDEX ON "{events.get_name()}" (round_no)')
            backend.raw_sql(f'ANALYZE "{events.get_name()}"')
        rounds = int(backend.execute(events.round_no.max()) or 0)
    with timer.stage("rounds"):
        state = _materialise(backend, opening_state(loans), "state")
        contexts = []
        for round_no in range(1, rounds + 1):
            todays = events.filter(events.round_no == round_no).drop("round_no")
            moved, context = advance(state, todays)
            next_state = _materialise(backend, moved, "state")
            if with_allocations:
                contexts.append(_materialise(backend, context, "context"))
            _drop(backend, state)
            state = next_state
    with timer.stage("close"):
        closed = _materialise(backend, close_day(state, as_of_day), "closed")
        accounts = backend.to_pyarrow(aged_accounts(closed, schedule, payments, as_of_day).order_by("loan_id"))
        allocated = None
        if with_allocations:
            if contexts:
                every = contexts[0].union(*contexts[1:]) if len(contexts) > 1 else contexts[0]
            else:
                every = _empty_context()
            allocated = backend.to_pyarrow(allocations(payments, every).order_by("payment_id"))
        for table in (state, closed, schedule, payments, events, *contexts):
            _drop(backend, table)
    return AgedBook(accounts=accounts, allocations=allocated, rounds=rounds, seconds_by_stage=timer.seconds())


def _empty_context() -> ir.Table:
    return ibis.memtable({name: pa.array([], pa.int64()) for name in PAYMENT_CONTEXT_COLUMNS})


class _NoTimer:
    from contextlib import nullcontext as _null

    def stage(self, name):
        return self._null()

    def seconds(self) -> dict[str, float]:
        return {}
