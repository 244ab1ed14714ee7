"""Run the nightly cycle for one day, or for a range of days, and store what it found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import connection

from arrears import clock
from arrears.bulk import BulkConnection
from arrears.cases.lifecycle import case_events
from arrears.cases.records import record_case_events
from arrears.cycle import carry, io, spark
from arrears.cycle.buckets import BucketScheme
from arrears.cycle.engine import age_book
from arrears.cycle.models import CycleRun
from arrears.cycle.pipeline import StageTimer, check_aged_accounts
from arrears.cycle.status import statuses
from arrears.cycle.tables import day_number, duckdb_backend, load_into
from arrears.errors import ConfigurationError

ENGINES = ("duckdb", "postgres", "spark")


def _postgres_backend():
    import ibis

    settings = connection.settings_dict
    backend = ibis.postgres.connect(
        host=settings.get("HOST") or "127.0.0.1",
        port=int(settings.get("PORT") or 5432),
        user=settings.get("USER") or "postgres",
        password=settings.get("PASSWORD") or None,
        database=settings["NAME"],
    )
    # The planner's JIT compiles every round's query anew: 22.6 s a round instead of 0.24 s.
    backend.raw_sql("SET jit = off")
    return backend


def run_cycle(as_of: dt.date, *, engine: str = "duckdb", buckets: BucketScheme | None = None,
              full: bool = False) -> CycleRun:
    """Age every account to the end of `as_of` and write states, history and case events.

    On the DuckDB engine a night starts from the states the night before kept, for every loan whose
    past has not changed since, and plays only the day's events for them (cycle/engine/_carry.py);
    `full` ages every loan from its start instead. Both give the same states to the fen. The spark
    engine (docs/spark.md) reads the same tables, ages them on Spark, and ages every loan from its
    start each night, as the postgres engine does.

    Run again for a night already aged, it gives the same rows: that night's history and events are
    rewritten from the ledger, compared with the night before it, and the current states are left
    alone when a later night has run. Promises and plans are judged afterwards, by the nightly run
    (arrears.nightly), not here."""
    if engine not in ENGINES:
        raise ConfigurationError(f"未知的计算引擎：{engine}", f"unknown engine {engine!r}; choose one of {ENGINES}")
    if engine == "postgres" and connection.vendor != "postgresql":
        raise ConfigurationError(
            "postgres 引擎需要 PostgreSQL 数据库（DATABASE_URL）",
            "the postgres engine needs a PostgreSQL database (DATABASE_URL)",
        )
    buckets = buckets or BucketScheme()
    timer = StageTimer()
    run = _day_record(as_of, engine)
    counts: dict[str, int] = {}
    with BulkConnection.for_django() as db:
        latest = io.latest_aged_day(db)
        current = latest is None or latest <= as_of
        keeps = engine == "duckdb" and current  # tonight's settled states are kept for tomorrow
        carried = None
        if engine in ("duckdb", "spark"):
            with timer.stage("read"):
                tables = io.read_book(db, as_of)
            if engine == "spark":
                with timer.stage("load"):
                    backend = spark.spark_backend()
                    inputs = load_into(backend, tables)
            else:
                backend = duckdb_backend(
                    memory_limit=settings.ARREARS_DUCKDB_MEMORY, spill_directory=str(settings.VAR_DIR / "duckdb-spill")
                )
                inputs = load_into(backend, tables)
            if keeps and not full:
                with timer.stage("carry"):
                    carried, counts["carried"] = carry.carried_in(db, backend, inputs, as_of)
        else:
            backend = _postgres_backend()
            inputs = io.postgres_inputs(backend, as_of)
        try:
            aged = age_book(backend, inputs, day_number(as_of), timer=timer, carried=carried, keep_settled=keeps)
            kept = carry.kept_rows(backend, inputs, aged.settled, as_of) if keeps else None
        finally:
            if engine == "spark":
                spark.release(backend, inputs)  # the session stays open for the process's next night
            else:
                backend.disconnect()
        with timer.stage("derive"):
            accounts = aged.accounts
            check_aged_accounts(accounts, accounts["loan_id"])
            rows = io.state_rows(accounts, as_of, buckets.names_for(accounts["days_past_due"]), statuses(accounts))
        with timer.stage("write"):
            events = case_events(io.previous_states(db, as_of, latest), rows, as_of)
            io.write_states(db, rows, as_of, current=current)
            record_case_events(db, events)
            if current:
                carry.keep(db, kept)  # none after the postgres engine: the next night starts from the beginning
            db.commit()
    run.accounts = accounts.num_rows
    run.finished_at = clock.now()
    run.stage_seconds = {**timer.seconds(), "rounds_count": aged.rounds, **counts}
    run.save(update_fields=["accounts", "finished_at", "stage_seconds"])
    return run


def _day_record(as_of: dt.date, engine: str) -> CycleRun:
    """The day's one CycleRun: a night run again, or resumed after a kill, ages the day again under a
    new record that replaces the day's earlier ones, so the records say what each day's ageing was,
    not how often it was tried. A new record, not the old one updated: the work queue knows a day was
    aged again by the record's id (workbench/queue.py, ensure_fresh)."""
    CycleRun.objects.filter(as_of=as_of).delete()
    return CycleRun.objects.create(as_of=as_of, engine=engine, started_at=clock.now())


def run_cycles(
    first: dt.date, last: dt.date, *, engine: str = "duckdb", full: bool = False,
    on_day: Callable[[dt.date, CycleRun], None] | None = None,
) -> list[CycleRun]:
    """Backfill: run each day from `first` to `last`, in order."""
    if last < first:
        raise ConfigurationError("结束日期早于开始日期", f"--to {last} is before --from {first}")
    runs = []
    day = first
    while day <= last:
        run = run_cycle(day, engine=engine, full=full)
        runs.append(run)
        if on_day:
            on_day(day, run)
        day += dt.timedelta(days=1)
    return runs
