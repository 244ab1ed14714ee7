"""One measurement, run in its own process: `python -m bench.worker TASK ARGS_JSON RESULT_JSON`.

The parent (bench.runner) starts a fresh interpreter for every measurement, with ARREARS_VAR
and DATABASE_URL pointing at the benchmark's own directory and database, and reads the peak
memory of that process when it ends. This module writes what it measured to RESULT_JSON; on
an error it writes the error and its traceback there and exits with status 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path

TASKS = {}


def task(function):
    TASKS[function.__name__] = function
    return function


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.settings")
    import django

    django.setup()


def _self_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the book -------------------------------------------------------------------------------


def twelve_month_profiles():
    """The catalogue's products, each lent for 12 months only (every loan has 12 instalments)."""
    from arrears.simulate.products import product_profiles

    return tuple(
        dataclasses.replace(
            profile, pattern=dataclasses.replace(profile.pattern, terms_months=(12,), term_weights=(1.0,))
        )
        for profile in product_profiles()
    )


@task
def generate(args: dict) -> dict:
    from arrears.simulate import BookOptions, BookWriter, iter_book

    options = BookOptions(loans=args["loans"], seed=args["seed"], start=dt.date.fromisoformat(args["start"]),
                          days=args["days"])
    out = Path(args["out"])
    began = time.perf_counter()
    loans = payments = 0
    terms: dict[int, int] = {}
    with BookWriter(out) as writer:
        for chunk in iter_book(options, twelve_month_profiles()):
            writer.write(chunk)
            loans += chunk.loans.num_rows
            payments += chunk.payments.num_rows
            for term in chunk.loans.column("term_months").to_numpy():
                terms[int(term)] = terms.get(int(term), 0) + 1
    return {
        "loans": loans,
        "payments": payments,
        "term_months": {str(term): count for term, count in sorted(terms.items())},
        "horizon_end": options.horizon_end.isoformat(),
        "seconds": time.perf_counter() - began,
    }


# --- imports --------------------------------------------------------------------------------


class StageClock:
    """A feed Progress that records how long each of the importer's steps took."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._current: str | None = None
        self._since = time.perf_counter()

    def stage(self, zh: str, en: str, total: int | None = None) -> None:
        self._close()
        self._current = en
        self._since = time.perf_counter()

    def advance(self, amount: int) -> None:
        pass

    def _close(self) -> None:
        if self._current is not None:
            elapsed = time.perf_counter() - self._since
            self.seconds[self._current] = round(self.seconds.get(self._current, 0.0) + elapsed, 3)
        self._current = None

    def done(self) -> dict[str, float]:
        self._close()
        return self.seconds


def _outcome(outcome) -> dict:
    return {
        "rows_read": outcome.rows_read,
        "landed": outcome.landed,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "rejected": outcome.rejected,
        "rejects_path": str(outcome.rejects_path) if outcome.rejects_path else None,
        "seconds": outcome.seconds,
    }


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


@task
def import_loans(args: dict) -> dict:
    """A new, empty database (schema and products, not timed), then the loans feed (timed)."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from arrears.feeds import import_loans as run_import
    from arrears.ledger.catalogue import read_catalogue, save_catalogue

    began = time.perf_counter()
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    save_catalogue(read_catalogue())
    prepared = time.perf_counter() - began
    memory_before = _self_peak_mib()
    clock = StageClock()
    began = time.perf_counter()
    outcome = run_import(Path(args["file"]), progress=clock)
    wall = time.perf_counter() - began
    return {
        **_outcome(outcome),
        "wall_seconds": wall,
        "prepare_seconds": prepared,
        "stages": clock.done(),
        "peak_mib_before": memory_before,
        "loans_in_db": _count("ledger_loan"),
        "instalments_in_db": _count("ledger_instalment"),
        "borrowers_in_db": _count("ledger_borrower"),
    }


@task
def import_payments(args: dict) -> dict:
    _django()
    from arrears.feeds import import_payments as run_import

    memory_before = _self_peak_mib()
    clock = StageClock()
    began = time.perf_counter()
    outcome = run_import(Path(args["file"]), progress=clock)
    wall = time.perf_counter() - began
    return {
        **_outcome(outcome),
        "wall_seconds": wall,
        "stages": clock.done(),
        "peak_mib_before": memory_before,
        "payments_in_db": _count("ledger_payment"),
    }


# --- the nightly cycle ----------------------------------------------------------------------


def _mark_stages(service) -> dict[str, float]:
    """Instrument this process's run_cycle: the peak memory reached by the end of each stage, and
    the time of loading the ledger into DuckDB (a step between `read` and `compile` that the
    cycle's own timer does not cover). Only this benchmark process is affected."""
    from contextlib import contextmanager

    marks: dict[str, float] = {}

    class MarkingTimer(service.StageTimer):
        @contextmanager
        def stage(self, name):
            with super().stage(name):
                yield
            marks[name] = round(_self_peak_mib(), 1)

    load_into = service.load_into

    def timed_load_into(backend, tables, *args, **kwargs):
        began = time.perf_counter()
        names = load_into(backend, tables, *args, **kwargs)
        marks["load into DuckDB"] = round(_self_peak_mib(), 1)
        marks["load into DuckDB seconds"] = round(time.perf_counter() - began, 4)
        return names

    service.StageTimer = MarkingTimer
    service.load_into = timed_load_into
    return marks


@task
def cycle(args: dict) -> dict:
    """`run_cycle` end to end on a ledger that has never been aged (a first night)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # a no-op unless the schema moved on
    from django.db import connection

    connection.close()
    from arrears.cycle import service

    marks = _mark_stages(service)
    memory_before = _self_peak_mib()
    began = time.perf_counter()
    run = service.run_cycle(dt.date.fromisoformat(args["as_of"]), engine=args["engine"])
    wall = time.perf_counter() - began
    from arrears.cycle.models import AccountState

    overdue = AccountState.objects.filter(days_past_due__gt=0).count()
    return {
        "accounts": run.accounts,
        "wall_seconds": wall,
        "stage_seconds": run.stage_seconds,
        "peak_mib_by_stage": marks,
        "overdue_accounts": overdue,
        "peak_mib_before": memory_before,
    }


# --- the compute part alone -----------------------------------------------------------------

INPUT_ROLES = ("loans", "instalments", "payments")


@task
def export_inputs(args: dict) -> dict:
    """The engine's three input tables, read from the ledger once and kept as Parquet."""
    _django()
    import pyarrow.parquet as pq

    from arrears.bulk import BulkConnection
    from arrears.cycle.io import read_book

    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    with BulkConnection.for_django() as db:
        tables = read_book(db)
    seconds = time.perf_counter() - began
    for role, table in tables.items():
        pq.write_table(table, out / f"{role}.parquet")
    return {"seconds": seconds, "rows": {role: table.num_rows for role, table in tables.items()}}


def _inputs(directory: str) -> dict:
    import pyarrow.parquet as pq

    return {role: pq.read_table(Path(directory) / f"{role}.parquet") for role in INPUT_ROLES}


@task
def compute_engine(args: dict) -> dict:
    """`age_book` on DuckDB, its inputs already loaded."""
    import pyarrow.parquet as pq

    from arrears.cycle.engine import age_book
    from arrears.cycle.pipeline import StageTimer
    from arrears.cycle.tables import day_number, duckdb_backend, load_into

    tables = _inputs(args["inputs"])
    backend = duckdb_backend()
    began = time.perf_counter()
    names = load_into(backend, tables)
    load_seconds = time.perf_counter() - began
    memory_before = _self_peak_mib()
    timer = StageTimer()
    began = time.perf_counter()
    aged = age_book(backend, names, day_number(dt.date.fromisoformat(args["as_of"])), timer=timer)
    seconds = time.perf_counter() - began
    pq.write_table(aged.accounts, args["accounts_out"])
    return {
        "seconds": seconds,
        "load_seconds": load_seconds,
        "stage_seconds": timer.seconds(),
        "rounds": aged.rounds,
        "accounts": aged.accounts.num_rows,
        "threads": backend.raw_sql("SELECT current_setting('threads')").fetchone()[0],
        "peak_mib_before": memory_before,
    }


@task
def compute_hand(args: dict) -> dict:
    """The same ageing as hand-written DuckDB SQL (bench/hand_sql.py)."""
    import duckdb
    import pyarrow.parquet as pq

    from bench import hand_sql

    tables = _inputs(args["inputs"])
    con = duckdb.connect()
    began = time.perf_counter()
    for role, table in tables.items():
        con.register(f"arrow_{role}", table)
        con.execute(f"CREATE TEMPORARY TABLE {role} AS SELECT * FROM arrow_{role}")
        con.unregister(f"arrow_{role}")
    load_seconds = time.perf_counter() - began
    memory_before = _self_peak_mib()
    as_of_day = (dt.date.fromisoformat(args["as_of"]) - dt.date(1970, 1, 1)).days
    began = time.perf_counter()
    accounts, rounds, stages = hand_sql.age_book(con, as_of_day)
    seconds = time.perf_counter() - began
    pq.write_table(accounts, args["accounts_out"])
    return {
        "seconds": seconds,
        "load_seconds": load_seconds,
        "stage_seconds": stages,
        "rounds": rounds,
        "accounts": accounts.num_rows,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "peak_mib_before": memory_before,
    }


# --- the reference model --------------------------------------------------------------------


def _records(tables: dict, loan_ids):
    """LoanBook and PaymentEntry records for `loan_ids`, built from the engine's input tables."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from arrears.ledger.records import ChargeTerms, Component, Instalment, LoanBook, PaymentEntry
    from arrears.cycle.tables import from_day_number

    wanted = pa.array(loan_ids, pa.int64())
    loans = tables["loans"].filter(pc.is_in(tables["loans"]["loan_id"], value_set=wanted)).to_pylist()
    instalments = tables["instalments"].filter(pc.is_in(tables["instalments"]["loan_id"], value_set=wanted))
    payments = tables["payments"].filter(pc.is_in(tables["payments"]["loan_id"], value_set=wanted))
    schedule: dict[int, list] = {}
    for row in instalments.sort_by([("loan_id", "ascending"), ("seq", "ascending")]).to_pylist():
        schedule.setdefault(row["loan_id"], []).append(
            Instalment(row["seq"], from_day_number(row["due_day"]), row["principal"], row["interest"])
        )
    paid: dict[int, list] = {}
    for row in payments.to_pylist():
        paid.setdefault(row["loan_id"], []).append(
            PaymentEntry(row["payment_id"], row["loan_id"], row["amount"], from_day_number(row["value_day"]),
                         row["reverses"])
        )
    books = []
    for row in loans:
        order = sorted(Component, key=lambda component: row[f"rank_{component.value}"])
        terms = ChargeTerms(
            penalty_rate_bp=row["penalty_rate_bp"],
            late_fee=row["late_fee"],
            grace_days=row["grace_days"],
            cost_cap_bp=row["cost_cap_bp"],
            charge_off_dpd=row["charge_off_dpd"],
            allocation_order=tuple(order),
        )
        books.append(
            LoanBook(row["loan_id"], row["principal"], from_day_number(row["start_day"]),
                     tuple(schedule.get(row["loan_id"], ())), terms)
        )
    return books, paid


COMPARED = ("days_past_due", "overdue_principal", "overdue_interest", "fee_outstanding", "penalty_outstanding",
            "principal_outstanding", "balance", "credit", "penalty_charged", "fee_charged", "charges_withheld",
            "paid_total", "ever_delinquent", "charged_off", "closed")


@task
def reference(args: dict) -> dict:
    """The per-loan, day-by-day reference model over an evenly spread sample of the book."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from arrears.ledger.reference import age_loan

    tables = _inputs(args["inputs"])
    as_of = dt.date.fromisoformat(args["as_of"])
    started = tables["loans"].filter(pc.less_equal(tables["loans"]["start_day"], (as_of - dt.date(1970, 1, 1)).days))
    ids = sorted(started["loan_id"].to_pylist())
    step = max(1, len(ids) // args["sample"])
    sample = ids[::step][: args["sample"]]
    began = time.perf_counter()
    books, paid = _records(tables, sample)
    build_seconds = time.perf_counter() - began
    del tables, started
    memory_before = _self_peak_mib()
    began = time.perf_counter()
    states = [age_loan(book, paid.get(book.loan_id, ()), as_of)[0] for book in books]
    seconds = time.perf_counter() - began
    result = {
        "loans": len(states),
        "seconds": seconds,
        "build_seconds": build_seconds,
        "instalments": sum(len(book.instalments) for book in books),
        "payments": sum(len(entries) for entries in paid.values()),
        "peak_mib_before": memory_before,
    }
    engine_accounts = args.get("engine_accounts")
    if engine_accounts and Path(engine_accounts).exists():
        engine = pq.read_table(engine_accounts)
        engine = engine.filter(pc.is_in(engine["loan_id"], value_set=pa.array(sample, engine["loan_id"].type)))
        by_id = {row["loan_id"]: row for row in engine.to_pylist()}
        differing = []
        for state in states:
            row = by_id.get(state.loan_id)
            if row is None or any(row[name] != getattr(state, name) for name in COMPARED):
                differing.append(state.loan_id)
        result["compared_with_engine"] = len(states)
        result["differ_from_engine"] = len(differing)
        result["differing_loans"] = differing[:20]
    return result


def code_version() -> dict:
    """The commit this process runs, and the files under src/ that differ from it: other work may
    land in the same tree while a long benchmark runs."""
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "src_changes": changed}


def main(argv: list[str]) -> int:
    name, arguments, result_path = argv[1], json.loads(argv[2]), Path(argv[3])
    version = code_version()
    try:
        result = TASKS[name](arguments)
        result["status"] = "ok"
        status = 0
    except BaseException as error:  # report every failure, with its traceback, to the parent
        result = {"status": "error", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        traceback.print_exc()
        status = 1
    result["self_peak_mib"] = _self_peak_mib()
    result["code"] = version
    result_path.write_text(json.dumps(result, indent=2, default=str))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
