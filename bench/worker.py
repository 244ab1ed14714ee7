"""One measurement, run in its own process: `python -m bench.worker TASK ARGS_JSON RESULT_JSON`.

The parent (bench.runner) starts a fresh interpreter for every measurement, with ARREARS_VAR
and DATABASE_URL pointing at the benchmark's own directory and database, and reads the peak
memory of that process when it ends. This module writes what it measured to RESULT_JSON; on
an error it writes the error and its traceback there and exits with status 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
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
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)  # a kept ledger may predate the schema
    connection.close()
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


# --- plan and guard after a cycle ---------------------------------------------------------

# The history's mix: what a collection team's month looks like to the guard (outcome, is it a call).
HISTORY_OUTCOMES = (
    ("call", "no_answer", False, 45),
    ("call", "right_party_contact", True, 12),
    ("call", "promise", True, 5),
    ("call", "wrong_number", False, 3),
    ("sms", "delivered", False, 33),
    ("sms", "undelivered", False, 2),
)


def _history_columns(model, given: dict, rows: int) -> dict:
    """Every NOT NULL column the caller did not give, at the model field's own default."""
    import numpy as np
    import pyarrow as pa

    columns = dict(given)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns or field.null:
            continue
        default = field.get_default()
        columns[field.column] = pa.array(np.full(rows, default)) if rows else pa.array([], pa.string())
    return columns


@task
def contact_history(args: dict) -> dict:
    """`days` days of contact attempts before `as_of` for the accounts that were overdue then,
    set-based (numpy) and written in one bulk insert over ADBC: 0 to 2 a day (1 on average)."""
    _django()
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from arrears.bulk import BulkConnection
    from arrears.contact.models import ContactAttempt

    as_of = dt.date.fromisoformat(args["as_of"])
    days = int(args["days"])
    generator = np.random.default_rng(int(args.get("seed", 1)))
    began = time.perf_counter()
    with BulkConnection.for_django() as db:
        accounts = db.fetch(
            "SELECT s.loan_id, s.days_past_due, "
            "(SELECT MIN(c.id) FROM ledger_contactpoint c WHERE c.borrower_id = l.borrower_id "
            "AND c.owner = 'borrower' AND c.kind = 'mobile') AS mobile_id "
            "FROM cycle_accountstate s JOIN ledger_loan l ON l.id = s.loan_id WHERE s.days_past_due > 0"
        )
        loan_ids = accounts.column("loan_id").to_numpy().astype(np.int64)
        overdue_days = np.minimum(accounts.column("days_past_due").to_numpy().astype(np.int64), days)
        mobiles = accounts.column("mobile_id")
        # one row per account and overdue day within the window, then 0-2 attempts on each
        account = np.repeat(np.arange(len(loan_ids)), overdue_days)
        starts = np.repeat(np.cumsum(overdue_days) - overdue_days, overdue_days)
        days_back = np.arange(len(account)) - starts + 1  # 1 = the day before as_of
        attempts = generator.integers(0, 3, size=len(account))
        account = np.repeat(account, attempts)
        days_back = np.repeat(days_back, attempts)
        rows = len(account)
        weights = np.array([w for *_rest, w in HISTORY_OUTCOMES], dtype=float)
        kind = generator.choice(len(HISTORY_OUTCOMES), size=rows, p=weights / weights.sum())
        seconds = generator.integers(1 * 3600, 12 * 3600, size=rows)  # 09:00-20:00 in Beijing, as UTC
        midnight = np.datetime64(as_of.isoformat(), "s")
        attempted = midnight - days_back.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
        attempted_column = pa.array(attempted, pa.timestamp("s"))
        if db.vendor == "sqlite":  # Django keeps datetimes there as UTC text
            attempted_column = pc.strftime(attempted_column, format="%Y-%m-%d %H:%M:%S")
        else:
            attempted_column = pc.cast(attempted_column, pa.timestamp("us", tz="UTC"))
        channel = np.array([c for c, *_rest in HISTORY_OUTCOMES])[kind]
        given = {
            "idempotency_key": pa.array(np.char.add("bench-history:", np.arange(rows).astype(str))),
            "loan_id": pa.array(loan_ids[account]),
            "contact_point_id": mobiles.take(pa.array(account)),
            "channel": pa.array(channel),
            "party": pa.array(np.full(rows, "debtor")),
            "state": pa.array(np.full(rows, "done")),
            "attempted_at": attempted_column,
            "outcome": pa.array(np.array([o for _c, o, *_rest in HISTORY_OUTCOMES])[kind]),
            "conversation": pa.array(np.array([t for _c, _o, t, _w in HISTORY_OUTCOMES])[kind]),
            "created_at": attempted_column,
        }
        table = pa.table(_history_columns(ContactAttempt, given, rows))
        built = time.perf_counter() - began
        db.ingest("contact_contactattempt", table)
        db.commit()
    return {"attempts": rows, "accounts": len(loan_ids), "days": days, "build_seconds": built,
            "seconds": time.perf_counter() - began}


@task
def plan(args: dict) -> dict:
    """`arrears plan` for `as_of`: the strategy's actions for every account, through the guard, stored."""
    _django()
    from arrears.strategy.service import run_plan

    memory_before = _self_peak_mib()
    began = time.perf_counter()
    outcome = run_plan(dt.date.fromisoformat(args["as_of"]))
    wall = time.perf_counter() - began
    return {"wall_seconds": wall, "stage_seconds": outcome.seconds, "accounts": outcome.accounts,
            "actions": outcome.actions, "allowed": outcome.allowed, "blocked": outcome.blocked,
            "blocks_by_rule": outcome.blocks_by_rule, "peak_mib_before": memory_before}



@task
def debt_facts(args: dict) -> dict:
    """The guard's debt facts for the whole book: the nightly read (one statement over ADBC), the
    same facts through Django's ORM for the whole book (four queries and a loop), and the per-loan
    read `check_now` makes, timed on a sample of loans."""
    _django()
    from arrears.bulk import BulkConnection
    from arrears.guard.debts import debt_facts as orm_debt_facts
    from arrears.guard.debts import debt_facts_table
    from arrears.ledger.models import Loan

    as_of = dt.date.fromisoformat(args["as_of"])
    sample = int(args.get("sample", 1000))
    began, cpu = time.perf_counter(), time.process_time()
    with BulkConnection.for_django() as db:
        table = debt_facts_table(db, as_of)
    set_seconds, set_cpu = time.perf_counter() - began, time.process_time() - cpu
    began, cpu = time.perf_counter(), time.process_time()
    orm = orm_debt_facts(as_of)
    orm_seconds, orm_cpu = time.perf_counter() - began, time.process_time() - cpu
    loan_ids = list(Loan.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    began, cpu = time.perf_counter(), time.process_time()
    for loan_id in loan_ids:
        orm_debt_facts(as_of, loan_ids=[loan_id])
    per_loan = (time.perf_counter() - began) / max(1, len(loan_ids))
    per_loan_cpu = (time.process_time() - cpu) / max(1, len(loan_ids))
    reached = table.num_rows - table.column("initial_communication_utc").null_count
    return {"accounts": table.num_rows, "reached": reached, "time_barred": sum(table.column("time_barred").to_pylist()),
            "set_seconds": set_seconds, "set_cpu_seconds": set_cpu, "orm_book_seconds": orm_seconds,
            "orm_book_cpu_seconds": orm_cpu, "orm_book_rows": len(orm), "per_loan_sample": len(loan_ids),
            "per_loan_ms": per_loan * 1000, "per_loan_book_seconds": per_loan * table.num_rows,
            "per_loan_book_cpu_seconds": per_loan_cpu * table.num_rows,
            "attempts": _count("contact_contactattempt")}


# --- the audit log --------------------------------------------------------------------------


@task
def audit_chain(args: dict) -> dict:
    """Append `entries` audit entries in bulk (one ADBC transaction, as the contacts feed does),
    the same number through the ORM in batches of 1,000 (as the outbox and pages do, batched), a
    sample one at a time, then verify the whole chain; on an empty database of its own."""
    _django()
    from django.core.management import call_command

    from arrears import audit
    from arrears.audit.verify import verify
    from arrears.bulk import BulkConnection

    call_command("migrate", verbosity=0)
    entries, singles = int(args["entries"]), int(args["singles"])

    def drafts(kind: str, count: int):
        return [audit.draft(kind, subject=f"loan:{i}", detail={"attempt": i, "channel": "sms", "state": "sent",
                                                                 "outcome": "", "rule": "early.sms"})
                for i in range(count)]

    began = time.perf_counter()
    with BulkConnection.for_django() as db:
        audit.record_bulk(db, drafts("bench.bulk", entries))
        db.commit()
    bulk = time.perf_counter() - began
    began = time.perf_counter()
    batch = drafts("bench.orm", entries)
    for start in range(0, entries, 1_000):
        audit.record_many(batch[start:start + 1_000])
    orm = time.perf_counter() - began
    began = time.perf_counter()
    for i in range(singles):
        audit.record("bench.single", subject=f"loan:{i}", detail={"attempt": i})
    single = time.perf_counter() - began
    began = time.perf_counter()
    report = verify(with_checkpoints=False)
    verified = time.perf_counter() - began
    return {"entries": entries, "singles": singles, "bulk_seconds": bulk, "orm_seconds": orm,
            "single_seconds": single, "verify_seconds": verified, "verified_entries": report.entries,
            "chain_ok": report.ok}


# --- nights of `arrears nightly` -------------------------------------------------------------


@task
def nightly_cut(args: dict) -> dict:
    """Set-up, not measured: take the payments value-dated after `after` out of the ledger, so that
    they can arrive again through the nightly feeds of their own days."""
    _django()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)  # a kept ledger may predate the schema
    after = dt.date.fromisoformat(args["after"]).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        # a reversal comes after what it reverses, so both go together
        cursor.execute("DELETE FROM ledger_payment WHERE value_date > %s", [after])
        removed = cursor.rowcount
        cursor.execute("SELECT COUNT(*) FROM ledger_payment")
        kept = int(cursor.fetchone()[0])
    return {"removed": removed, "kept": kept}


@task
def nightly(args: dict) -> dict:
    """`arrears nightly --as-of D --feeds DIR`, in this process; with `full`, its cycle ages every
    loan from its start (`run_cycle(..., full=True)`) instead of carrying the night before's states."""
    _django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)  # a no-op unless the schema moved on
    connection.close()
    from arrears import cli
    from arrears.cycle import service
    from arrears.cycle.models import CycleRun
    from arrears.nightly.models import NightlyStep

    if args.get("full"):
        # the cycle step looks run_cycle up when it runs; only this benchmark process is affected
        service.run_cycle = functools.partial(service.run_cycle, full=True)
    as_of = dt.date.fromisoformat(args["as_of"])
    command = ["nightly", "--as-of", as_of.isoformat()]
    if args.get("feeds"):
        command += ["--feeds", args["feeds"]]
    memory_before = _self_peak_mib()
    began = time.perf_counter()
    exit_status = cli.main(command)
    wall = time.perf_counter() - began
    steps = [
        {"name": step.name, "state": step.state, "seconds": step.seconds, "peak_memory_mb": step.peak_memory_mb,
         "counts": step.counts, "error": step.error_en}
        for step in NightlyStep.objects.filter(run__as_of=as_of).order_by("position")
    ]
    if exit_status != 0:
        failed = next((step for step in steps if step["state"] != "done"), None)
        raise RuntimeError(f"arrears nightly exited {exit_status}"
                           + (f" at the step {failed['name']}: {failed['error']}" if failed else ""))
    cycle_run = CycleRun.objects.filter(as_of=as_of).order_by("-id").first()
    return {
        "as_of": as_of.isoformat(),
        "full": bool(args.get("full")),
        "wall_seconds": wall,
        "steps": steps,
        "cycle_stage_seconds": cycle_run.stage_seconds if cycle_run else {},
        "accounts": cycle_run.accounts if cycle_run else 0,
        "peak_mib_before": memory_before,
    }


# --- the demo from a fresh clone -------------------------------------------------------------


def _newcomer_env(var: Path) -> dict:
    """The environment of someone in a fresh clone: none of the benchmark's own settings, no virtualenv."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "ARREARS_VAR", "PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV",
                          "PYTHONHOME")}
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                      if not part.startswith(venv))
    env["ARREARS_VAR"] = str(var)
    return env


def _run_logged(command: list[str], cwd: Path, env: dict, log: Path, timeout: float) -> tuple[int, float]:
    import subprocess

    began = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    return done.returncode, time.perf_counter() - began


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _output(command: list[str], env: dict) -> str:
    import subprocess

    done = subprocess.run(command, capture_output=True, text=True, env=env)
    return (done.stdout or done.stderr).strip()


def _dir_size(path: Path) -> dict:
    files = size = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            try:
                size += os.path.getsize(os.path.join(root, name))
                files += 1
            except OSError:
                pass
    return {"path": str(path), "files": files, "mib": round(size / 1024 / 1024, 1)}


def _install_caches() -> dict:
    """Where a newcomer's install keeps its downloads on this machine, and how much each holds: pip's
    (the Makefile installs uv with pip) and uv's (which installs the project)."""
    import subprocess

    env = _newcomer_env(Path("/nonexistent"))
    done = subprocess.run(["python3", "-m", "pip", "cache", "dir"], capture_output=True, text=True, env=env)
    pip = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else Path.home() / ".cache" / "pip"
    xdg = env.get("XDG_CACHE_HOME")
    uv = Path(env["UV_CACHE_DIR"]) if env.get("UV_CACHE_DIR") else (Path(xdg) if xdg else Path.home() / ".cache") / "uv"
    return {"pip": _dir_size(pip), "uv": _dir_size(uv)}


@task
def demo_clone(args: dict) -> dict:
    """`git clone` of the repository the benchmark runs from, at its current commit."""
    import subprocess

    clone = Path(args["clone"])
    began = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", args["source"], str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", args["commit"]], check=True)
    return {"seconds": time.perf_counter() - began, "commit": args["commit"]}


@task
def demo_install(args: dict) -> dict:
    """`make install` in the clone, as the Makefile has it: a virtualenv, uv installed into it with pip,
    then `uv pip install -e '.[test]'`. The caches of both are measured before and after: what grew
    was downloaded."""
    clone, var = Path(args["clone"]), Path(args["var"])
    env = _newcomer_env(var)
    before = _install_caches()
    log = Path(args["log"])
    status, seconds = _run_logged(["make", "install"], clone, env, log, args["timeout"])
    if status != 0:
        raise RuntimeError(f"make install exited {status}:\n{_tail(log)}")
    return {
        "seconds": seconds,
        "command": "make install",
        "python": _output(["python3", "--version"], env),
        "caches_before": before,
        "caches_after": _install_caches(),
    }


def _simulator_seconds(text: str) -> dict[str, float]:
    """The simulator's own `用时 / seconds: calls 12, night 30, …` line, as numbers by kind of work."""
    for line in text.splitlines():
        if line.startswith("用时 / seconds:"):
            parts = (part.strip().rsplit(" ", 1) for part in line.split(":", 1)[1].split(",") if part.strip())
            return {kind: float(value) for kind, value in parts}
    return {}


@task
def demo_prepare(args: dict) -> dict:
    """`arrears demo --no-serve` in the clone: migrate, simulate the lender's last weeks, print the logins."""
    clone, var = Path(args["clone"]), Path(args["var"])
    log = Path(args["log"])
    status, seconds = _run_logged([str(clone / ".venv" / "bin" / "arrears"), "demo", "--no-serve", *args["options"]],
                                  clone, _newcomer_env(var), log, args["timeout"])
    if status != 0:
        raise RuntimeError(f"arrears demo --no-serve exited {status}:\n{_tail(log)}")
    text = log.read_text(errors="replace")
    line = next((line for line in text.splitlines() if line.startswith("用时 / seconds:")), "")
    return {"seconds": seconds, "simulator_line": line, "simulator_seconds": _simulator_seconds(text)}


@task
def demo_serve(args: dict) -> dict:
    """`arrears demo` (serving) in the clone, until /login/ answers 200; then stopped."""
    import signal
    import socket
    import subprocess
    import urllib.error
    import urllib.request

    clone, var = Path(args["clone"]), Path(args["var"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/login/"
    log = Path(args["log"])
    began = time.perf_counter()
    answered = None
    with log.open("wb") as out:
        server = subprocess.Popen([str(clone / ".venv" / "bin" / "arrears"), "demo", "--port", str(port),
                                   *args["options"]], cwd=clone, env=_newcomer_env(var), stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while time.perf_counter() - began < args["timeout"] and server.poll() is None:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            answered = time.perf_counter() - began
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                time.sleep(0.1)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)  # gunicorn's arbiter and its workers: the group we started
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
    if answered is None:
        why = f"exited {server.returncode}" if server.returncode not in (None, -signal.SIGTERM) else "no answer"
        raise RuntimeError(f"{url} did not answer 200 within {args['timeout']:.0f} s ({why}):\n{_tail(log)}")
    return {"seconds": answered, "url": url}


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


@task
def call(args: dict) -> dict:
    """A measurement that lives beside its suite: args["function"] names it as "module:function"."""
    import importlib

    module, name = args["function"].split(":")
    return getattr(importlib.import_module(module), name)(args.get("arguments", {}))


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
