"""`python -m bench`: build the books, run every measurement in its own process, print and save.

    python -m bench                       # everything, at full size (1,000,000 accounts)
    python -m bench --only compute        # one benchmark (repeatable, or comma-separated)
    python -m bench --scale small         # 100x smaller, to try it quickly

Results go to bench/results/<name>.json; generated books and imported ledgers are kept under
bench/.cache (or --cache DIR) and reused, so an import is measured once per run and the cycle,
compute and reference benchmarks start from the imported ledger. Times are measured and
reported, never asserted.
"""

from __future__ import annotations

import argparse
import importlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
CORE_BENCHMARKS = ("import", "cycle", "compute", "reference")
# Further benchmarks are modules bench/suite_<name>.py with `run(ws, with_postgres) -> dict`; a
# returned "budgets" list joins the budget table.
SUITES = tuple(sorted(path.stem.removeprefix("suite_") for path in BENCH.glob("suite_*.py")))
BENCHMARKS = CORE_BENCHMARKS + SUITES
SCALES = {"full": 1, "small": 100}
SEED = 1
BOOK_START = dt.date(2026, 1, 1)
BOOK_DAYS = 120
PG_DATABASE = "arrears_bench"
PG_NO_JIT = "postgres, jit off"
GIB = 1024.0
CYCLE_BUDGET_SECONDS = 60.0
CYCLE_BUDGET_MIB = 4 * 1024.0
COMPUTE_BUDGET_RATIO = 2.0

console = Console()
if not console.is_terminal or console.width < 150:
    console = Console(width=150)  # the tables are wide; a log file or a narrow terminal still gets them whole


# --- running one measurement ----------------------------------------------------------------


BENCH_SECRET = secrets.token_urlsafe(50)
"""One made-up secret per benchmark run, for the measured processes that encrypt or sign."""


@dataclass
class Measured:
    """What one subprocess reported, with the peak memory and CPU time the kernel counted for it."""

    task: str
    status: str  # ok, error, timeout
    result: dict
    peak_mib: float
    wall_seconds: float
    cpu_seconds: float
    log: Path
    load_average: float = 0.0

    @property
    def code(self) -> str:
        """The commit the measurement ran, with the number of uncommitted files under src/."""
        code = self.result.get("code") or {}
        changed = len(code.get("src_changes", []))
        return code.get("commit", "?") + (f"+{changed} uncommitted" if changed else "")

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def problem(self) -> str:
        if self.status == "timeout":
            return f"did not finish within {self.wall_seconds:.0f} s (stopped)"
        return self.result.get("error", f"exited without a result (see {self.log})")


class Workspace:
    def __init__(self, cache: Path, scale: str, pg_url: str, timeout: float) -> None:
        self.cache = cache
        self.scale = scale
        self.divisor = SCALES[scale]
        self.timeout = timeout
        self.pg_url = pg_url
        self.runs = Path(tempfile.mkdtemp(prefix="arrears-bench-"))
        self._serial = 0
        self.pg_holds: str | None = None  # the key of the book the PostgreSQL database holds
        self.failures: list[tuple[str, Measured]] = []
        self.pg_skip_reason: str | None = None
        self.pg_engine_timeout = timeout
        self.versions: dict[str, list[str]] = {}

    def sized(self, loans: int) -> int:
        return max(1, loans // self.divisor)

    def task_dir(self, name: str) -> Path:
        self._serial += 1
        path = self.runs / f"{self._serial:02d}-{name}"
        path.mkdir(parents=True)
        return path

    def run(self, task: str, arguments: dict, *, label: str, database_url: str = "",
            var: Path | None = None, timeout: float | None = None, extra_env: dict | None = None) -> Measured:
        """Run `bench.worker TASK` in a fresh interpreter; its own ARREARS_VAR and DATABASE_URL."""
        directory = self.task_dir(task)
        var = var or directory / "var"
        var.mkdir(parents=True, exist_ok=True)
        result_path = directory / "result.json"
        log_path = directory / "output.log"
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "ARREARS_VAR")}
        env.update(
            ARREARS_VAR=str(var),
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="arrears.settings",
            # src/ first: the code of this tree is measured, not whichever tree the virtualenv installed
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])),
        )
        env.setdefault("ARREARS_SECRET", BENCH_SECRET)  # the product has no default secret
        env.update(extra_env or {})
        command = [sys.executable, "-m", "bench.worker", task, json.dumps(arguments), str(result_path)]
        limit = timeout or self.timeout
        began = time.perf_counter()
        status = "ok"
        with log_path.open("wb") as log, console.status(f"[bold]{label}[/] …") as spinner:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            while True:
                pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                elapsed = time.perf_counter() - began
                if elapsed > limit:
                    os.killpg(process.pid, signal.SIGKILL)
                    pid, wait_status, usage = os.wait4(process.pid, 0)
                    status = "timeout"
                    break
                spinner.update(f"[bold]{label}[/] … {elapsed:.0f} s")
                time.sleep(0.25)
            process.returncode = os.waitstatus_to_exitcode(wait_status)
        wall = time.perf_counter() - began
        result = json.loads(result_path.read_text()) if result_path.exists() else {}
        if "code" not in result:  # stopped before it could say: the tree as it is now
            from bench.worker import code_version

            result["code"] = code_version()
        if status == "ok" and (process.returncode != 0 or result.get("status") != "ok"):
            status = "error"
            result.setdefault("error", f"exit status {process.returncode}")
        measured = Measured(task, status, result, usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime,
                            log_path, os.getloadavg()[0])
        mark = "[green]done[/]" if measured.ok else f"[red]{status}[/]"
        console.print(f"  {label}: {mark} in {wall:.1f} s, peak {measured.peak_mib:,.0f} MiB, "
                      f"load average {measured.load_average:.1f}, code {measured.code}")
        self.versions.setdefault(measured.code, []).append(label)
        if not measured.ok:
            self.failures.append((label, measured))
            console.print(f"    [red]{measured.problem}[/]")
            if measured.result.get("traceback"):
                console.print(measured.result["traceback"], markup=False, highlight=False)
        return measured


# --- books and ledgers, made once and kept ----------------------------------------------------


@dataclass(frozen=True)
class BookKey:
    loans: int
    seed: int = SEED
    start: dt.date = BOOK_START
    days: int = BOOK_DAYS

    @property
    def name(self) -> str:
        return f"loans{self.loans}-seed{self.seed}-term12-{self.start.isoformat()}-{self.days}d"

    @property
    def horizon_end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days)


@dataclass
class Ledger:
    """A database holding an imported book."""

    key: BookKey
    database_url: str
    imports: list[Measured] = field(default_factory=list)  # when it was imported in this run


def book(ws: Workspace, key: BookKey) -> tuple[Path, dict]:
    directory = ws.cache / "books" / key.name
    meta = directory / "meta.json"
    if not meta.exists():
        measured = ws.run("generate", {"loans": key.loans, "seed": key.seed, "start": key.start.isoformat(),
                                       "days": key.days, "out": str(directory)},
                          label=f"generating a book of {key.loans:,} loans")
        if not measured.ok:
            raise SystemExit(f"the book could not be generated: {measured.problem}")
        meta.write_text(json.dumps({**measured.result, "peak_mib": measured.peak_mib}, indent=2))
    return directory, json.loads(meta.read_text())


def _import(ws: Workspace, key: BookKey, database_url: str, where: str, var: Path | None = None) -> list[Measured]:
    directory, _meta = book(ws, key)
    loans = ws.run("import_loans", {"file": str(directory / "loans.parquet")}, database_url=database_url, var=var,
                   label=f"{where}: importing {key.loans:,} loans")
    if not loans.ok:
        return [loans]
    payments = ws.run("import_payments", {"file": str(directory / "payments.parquet")}, database_url=database_url,
                      var=var, label=f"{where}: importing the payments of {key.loans:,} loans")
    return [loans, payments]


def sqlite_ledger(ws: Workspace, key: BookKey, *, measure: bool = False) -> Ledger | None:
    """The book imported into SQLite, kept pristine under the cache (imported anew when `measure`)."""
    kept = ws.cache / "sqlite" / key.name
    database = kept / "arrears.sqlite3"
    if measure or not (kept / "complete").exists():
        shutil.rmtree(kept, ignore_errors=True)
        shutil.rmtree(ws.cache / "inputs" / key.name, ignore_errors=True)
        work = ws.task_dir("sqlite-ledger")
        target = work / "arrears.sqlite3"
        imports = _import(ws, key, f"sqlite:///{target}", "SQLite", var=work)
        if not all(measured.ok for measured in imports) or len(imports) < 2:
            return Ledger(key, "", imports)
        kept.mkdir(parents=True)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{target}{suffix}").exists():
                shutil.move(f"{target}{suffix}", f"{database}{suffix}")
        (kept / "complete").write_text(json.dumps([m.result for m in imports], indent=2))
        return Ledger(key, f"sqlite:///{database}", imports)
    return Ledger(key, f"sqlite:///{database}")


def sqlite_copy(ws: Workspace, ledger: Ledger) -> tuple[str, Path]:
    """A private copy of a kept SQLite ledger, so every cycle starts from the same, never-aged book."""
    source = Path(ledger.database_url.removeprefix("sqlite:///"))
    work = ws.task_dir("sqlite-copy")
    target = work / "arrears.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}", work


def _pg_admin(ws: Workspace, statement: str) -> None:
    import psycopg

    admin = ws.pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def pg_answers(ws: Workspace) -> str | None:
    """None when PostgreSQL answers; else why not."""
    try:
        _pg_admin(ws, "SELECT 1")
        return None
    except Exception as error:  # any failure to connect means: no PostgreSQL runs
        return f"{type(error).__name__}: {error}".strip()


def pg_ledger(ws: Workspace, key: BookKey, *, measure: bool = False) -> Ledger:
    """The book imported into the benchmark's PostgreSQL database (one book at a time)."""
    if measure or ws.pg_holds != key.name:
        pg_recreate(ws)
        imports = _import(ws, key, ws.pg_url, "PostgreSQL")
        if all(measured.ok for measured in imports) and len(imports) == 2:
            ws.pg_holds = key.name
            _pg_sql(ws, "VACUUM ANALYZE")
        return Ledger(key, ws.pg_url if ws.pg_holds else "", imports)
    return Ledger(key, ws.pg_url)


def _pg_sql(ws: Workspace, statement: str) -> None:
    import psycopg

    with psycopg.connect(ws.pg_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(statement)


def pg_reset_cycle(ws: Workspace) -> None:
    """Forget every night aged so far, so each cycle run is the book's first night."""
    _pg_sql(ws, "TRUNCATE cycle_accountstate, cycle_accountstatehistory, cases_caseevent, cases_collectioncase")


def pg_stop_queries(ws: Workspace) -> None:
    """A stopped measurement leaves its server process running the statement: end it."""
    _pg_admin(ws, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE datname = '{PG_DATABASE}' AND pid <> pg_backend_pid()")


def pg_recreate(ws: Workspace, create: bool = True) -> None:
    for attempt in range(30):
        try:
            _pg_admin(ws, f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            break
        except Exception:  # still in use for a moment after its sessions were ended
            if attempt == 29:
                raise
            pg_stop_queries(ws)
            time.sleep(1)
    ws.pg_holds = None
    if create:
        _pg_admin(ws, f'CREATE DATABASE "{PG_DATABASE}"')


def pg_drop(ws: Workspace) -> None:
    try:
        pg_recreate(ws, create=False)
    except Exception as error:  # reported, never hidden
        console.print(f"[yellow]could not drop the database {PG_DATABASE}: {error}[/]")


def engine_inputs(ws: Workspace, key: BookKey) -> Path | None:
    """The engine's three input tables read from the SQLite ledger, kept as Parquet."""
    directory = ws.cache / "inputs" / key.name
    if (directory / "complete").exists():
        return directory
    ledger = sqlite_ledger(ws, key)
    if ledger is None or not ledger.database_url:
        return None
    url, _work = sqlite_copy(ws, ledger)
    measured = ws.run("export_inputs", {"out": str(directory)}, database_url=url,
                      label=f"reading the ledger of {key.loans:,} loans for the engine")
    if not measured.ok:
        return None
    (directory / "complete").write_text(json.dumps(measured.result))
    return directory


# --- the benchmarks -------------------------------------------------------------------------


def _rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else 0.0


def bench_import(ws: Workspace, with_postgres: bool) -> dict:
    key = BookKey(ws.sized(1_000_000))
    _directory, meta = book(ws, key)
    rows = []
    notes = [f"book: {meta['loans']:,} loans, term months {meta['term_months']} (every loan has 12 instalments), "
             f"{meta['payments']:,} payments; generated in {meta['seconds']:.1f} s"]
    targets = [("SQLite", lambda: sqlite_ledger(ws, key, measure=True))]
    if with_postgres:
        targets.append(("PostgreSQL", lambda: pg_ledger(ws, key, measure=True)))
    for database, make in targets:
        ledger = make()
        for measured in ledger.imports:
            result = measured.result
            feed = "loans" if measured.task == "import_loans" else "payments"
            row = {"database": database, "feed": feed, "status": measured.status, "peak_mib": measured.peak_mib,
                   "cpu_seconds": measured.cpu_seconds, "load_average": measured.load_average, "code": measured.code}
            if measured.ok:
                row.update(rows_read=result["rows_read"], landed=result["landed"], rejected=result["rejected"],
                           seconds=result["seconds"], rows_per_second=_rate(result["rows_read"], result["seconds"]),
                           stages=result["stages"])
                if feed == "loans":
                    row.update(instalments=result["instalments_in_db"], borrowers=result["borrowers_in_db"],
                               prepare_seconds=result["prepare_seconds"])
            else:
                row["problem"] = measured.problem
                row["traceback"] = measured.result.get("traceback")
            rows.append(row)
    if not with_postgres:
        notes.append(f"PostgreSQL: not measured ({ws.pg_skip_reason})")

    table = Table(title=f"import — {key.loans:,} loans, 12 instalments each")
    for column in ("database", "feed", "rows", "landed", "rejected", "seconds", "rows/s", "peak MiB", "written"):
        table.add_column(column, justify="left" if column in ("database", "feed", "written") else "right")
    for row in rows:
        if row["status"] != "ok":
            table.add_row(row["database"], row["feed"], "", "", "", "", "", f"{row['peak_mib']:,.0f}",
                          f"[red]{row['status']}: {row['problem'][:60]}[/]")
            continue
        written = (f"{row['instalments']:,} instalments, {row['borrowers']:,} borrowers" if row["feed"] == "loans"
                   else "")
        table.add_row(row["database"], row["feed"], f"{row['rows_read']:,}", f"{row['landed']:,}",
                      f"{row['rejected']:,}", f"{row['seconds']:.1f}", f"{row['rows_per_second']:,.0f}",
                      f"{row['peak_mib']:,.0f}", written)
    console.print(table)
    stage_table = Table(title="import — seconds by step")
    stage_table.add_column("database / feed")
    stage_table.add_column("steps")
    for row in rows:
        if row["status"] == "ok":
            steps = ", ".join(f"{name} {value:.1f}" for name, value in row["stages"].items())
            stage_table.add_row(f"{row['database']} / {row['feed']}", steps)
    console.print(stage_table)
    for note in notes:
        console.print(f"  {note}")
    return {"book": meta, "rows": rows, "notes": notes}


STAGES = ("read", "compile", "events", "rounds", "close", "derive", "write")


def bench_cycle(ws: Workspace, with_postgres: bool) -> dict:
    sizes = [ws.sized(100_000), ws.sized(1_000_000)]
    big = sizes[-1]
    small = sizes[0]
    plan = [("SQLite", "duckdb", size) for size in sizes]
    if with_postgres:
        # The PostgreSQL database holds one book at a time: the large one first (the import
        # benchmark left it there), then the small one. The postgres engine is tried on the small
        # book first; on the large one only when the small run finished and, scaled up, would
        # finish within --pg-engine-timeout. "postgres, jit off" is the same engine with the
        # server's JIT compiler turned off for the session (PGOPTIONS="-c jit=off").
        plan += [("PostgreSQL", "duckdb", big), ("PostgreSQL", "duckdb", small), ("PostgreSQL", "postgres", small),
                 ("PostgreSQL", PG_NO_JIT, small), ("PostgreSQL", "postgres", big), ("PostgreSQL", PG_NO_JIT, big)]
    rows = []
    for database, engine, size in plan:
        key = BookKey(size)
        if database == "PostgreSQL" and engine != "duckdb" and size == big and big != small:
            earlier = next(r for r in rows if r["engine"] == engine and r["accounts_in_book"] == small)
            projected = earlier.get("seconds", 0) * big / small
            reason = None
            if earlier["status"] != "ok":
                reason = f"not attempted: over {small:,} accounts it {earlier['problem']}"
            elif projected > ws.pg_engine_timeout:
                reason = (f"not attempted: {earlier['seconds']:.0f} s over {small:,} accounts projects to about "
                          f"{projected:.0f} s, beyond --pg-engine-timeout {ws.pg_engine_timeout:.0f} s")
            if reason:
                rows.append({"database": database, "engine": engine, "accounts_in_book": size,
                             "as_of": key.horizon_end.isoformat(), "status": "not run", "problem": reason})
                continue
        if database == "SQLite":
            ledger = sqlite_ledger(ws, key)
        else:
            ledger = pg_ledger(ws, key)
        row = {"database": database, "engine": engine, "accounts_in_book": size, "as_of": key.horizon_end.isoformat()}
        if ledger is None or not ledger.database_url:
            failed = next((m for m in (ledger.imports if ledger else []) if not m.ok), None)
            row.update(status="error", problem="the ledger could not be imported: "
                                               + (failed.problem if failed else "unknown"))
            rows.append(row)
            continue
        if database == "SQLite":
            url, var = sqlite_copy(ws, ledger)
        else:
            pg_reset_cycle(ws)
            url, var = ledger.database_url, None
        measured = ws.run("cycle", {"as_of": key.horizon_end.isoformat(), "engine": engine.split(",")[0]},
                          database_url=url, var=var, label=f"{database}: nightly cycle over {size:,} accounts ({engine})",
                          timeout=ws.pg_engine_timeout if engine != "duckdb" else None,
                          extra_env={"PGOPTIONS": "-c jit=off"} if engine == PG_NO_JIT else None)
        if database == "PostgreSQL" and not measured.ok:
            pg_stop_queries(ws)
        row.update(status=measured.status, peak_mib=measured.peak_mib, cpu_seconds=measured.cpu_seconds,
                   load_average=measured.load_average, code=measured.code)
        if measured.ok:
            result = measured.result
            row.update(accounts=result["accounts"], seconds=result["wall_seconds"],
                       stage_seconds=result["stage_seconds"], overdue_accounts=result["overdue_accounts"],
                       peak_mib_by_stage=result.get("peak_mib_by_stage", {}))
        else:
            row.update(problem=measured.problem, traceback=measured.result.get("traceback"))
        if database == "SQLite":
            shutil.rmtree(var, ignore_errors=True)  # the aged copy: gigabytes at full size
        rows.append(row)

    table = Table(title="cycle — run_cycle end to end (as of the book's horizon end), seconds")
    for column in ("database", "engine", "accounts", "total s", "read", "load", *STAGES[1:], "other", "#rounds",
                   "peak MiB", "budget"):
        table.add_column(column, justify="left" if column in ("database", "engine", "budget") else "right")
    budgets = []
    problems = []
    for row in rows:
        if row["status"] != "ok":
            problems.append(f"({len(problems) + 1}) {row['database']} / {row['engine']}, "
                            f"{row['accounts_in_book']:,} accounts — {row['status']}: {row['problem']}")
            table.add_row(row["database"], row["engine"], f"{row['accounts_in_book']:,}", "", *[""] * (len(STAGES) + 2),
                          "", f"{row['peak_mib']:,.0f}" if "peak_mib" in row else "",
                          f"[red]{row['status']} ({len(problems)})[/]")
            continue
        stages = row["stage_seconds"]
        verdict = ""
        if row["accounts_in_book"] == big and ws.divisor == 1:
            time_ok = row["seconds"] <= CYCLE_BUDGET_SECONDS
            memory_ok = row["peak_mib"] <= CYCLE_BUDGET_MIB
            verdict = (f"{'[green]' if time_ok else '[red]'}≤{CYCLE_BUDGET_SECONDS:g} s "
                       f"{'met' if time_ok else 'missed'}[/], {'[green]' if memory_ok else '[red]'}≤4 GiB "
                       f"{'met' if memory_ok else 'missed'}[/]")
            budgets.append({"what": f"cycle, {row['database']} / {row['engine']}, {big:,} accounts",
                            "budget": f"≤ {CYCLE_BUDGET_SECONDS:g} s and ≤ 4 GiB",
                            "measured": f"{row['seconds']:.1f} s, {row['peak_mib'] / GIB:.2f} GiB",
                            "met": time_ok and memory_ok})
        cells = [f"{stages[name]:.1f}" if name in stages else "—" for name in STAGES]
        load = row.get("peak_mib_by_stage", {}).get("load into DuckDB seconds")
        cells.insert(1, f"{load:.1f}" if load is not None else "—")
        other = row["seconds"] - sum(stages.get(name, 0.0) for name in STAGES) - (load or 0.0)
        table.add_row(row["database"], row["engine"], f"{row['accounts']:,}", f"{row['seconds']:.1f}", *cells,
                      f"{other:.1f}", str(stages.get("rounds_count", "")), f"{row['peak_mib']:,.0f}", verdict)
    console.print(table)
    for problem in problems:
        console.print(f"  [red]{problem}[/]")
    memory = Table(title="cycle — peak memory (MiB) of the process by the end of each stage")
    memory.add_column("database")
    memory.add_column("engine")
    memory.add_column("accounts", justify="right")
    names = ("read", "load into DuckDB", *STAGES[1:])
    for name in names:
        memory.add_column(name.replace(" into DuckDB", ""), justify="right")
    for row in rows:
        marks = row.get("peak_mib_by_stage")
        if row["status"] == "ok" and marks:
            memory.add_row(row["database"], row["engine"], f"{row['accounts']:,}",
                           *[f"{marks[name]:,.0f}" if name in marks else "—" for name in names])
    console.print(memory)
    console.print("  total s: run_cycle from call to return; other: what no stage covers (the cycle run's own "
                  "rows, opening connections, first imports); load: Arrow tables into DuckDB, between read and compile")
    console.print(f"  budget: {1_000_000:,} accounts (12 instalments each) read from SQLite, computed, written back: "
                  f"≤ {CYCLE_BUDGET_SECONDS:g} s and ≤ 4 GiB on 2 cores"
                  + ("" if ws.divisor == 1 else " (judged at full scale only)"))
    if not with_postgres:
        console.print(f"  PostgreSQL: not measured ({ws.pg_skip_reason})")
    return {"rows": rows, "budgets": budgets}


def compare_accounts(engine_path: Path, hand_path: Path) -> dict:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    engine = pq.read_table(engine_path).sort_by("loan_id")
    hand = pq.read_table(hand_path).sort_by("loan_id")
    checked = ("days_past_due", "balance", "penalty_charged")
    report = {"engine_accounts": engine.num_rows, "hand_accounts": hand.num_rows, "columns": {}}
    same_loans = engine.num_rows == hand.num_rows and pc.all(pc.equal(engine["loan_id"], hand["loan_id"])).as_py() in (
        True, None)
    report["same_loans"] = bool(same_loans)
    for name in engine.column_names:
        if name == "loan_id" or name not in hand.column_names:
            continue
        if not same_loans:
            report["columns"][name] = None
            continue
        differ = pc.sum(pc.cast(pc.not_equal(engine[name], pc.cast(hand[name], engine[name].type)), "int64")).as_py()
        report["columns"][name] = int(differ or 0)
    report["identical"] = bool(same_loans and all(report["columns"][name] == 0 for name in checked))
    report["all_columns_identical"] = bool(same_loans and all(v == 0 for v in report["columns"].values()))
    report["checked"] = list(checked)
    return report


def bench_compute(ws: Workspace) -> dict:
    key = BookKey(ws.sized(1_000_000))
    inputs = engine_inputs(ws, key)
    if inputs is None:
        console.print("[red]compute: the engine's inputs could not be prepared[/]")
        return {"status": "error", "problem": "inputs could not be prepared"}
    work = ws.task_dir("compute")
    engine_out, hand_out = work / "engine_accounts.parquet", work / "hand_accounts.parquet"
    arguments = {"inputs": str(inputs), "as_of": key.horizon_end.isoformat()}
    engine = ws.run("compute_engine", {**arguments, "accounts_out": str(engine_out)},
                    label=f"age_book on DuckDB, {key.loans:,} accounts")
    hand = ws.run("compute_hand", {**arguments, "accounts_out": str(hand_out)},
                  label=f"hand-written DuckDB SQL, {key.loans:,} accounts")
    rows = []
    for name, measured in (("engine (age_book, Ibis → DuckDB)", engine), ("hand-written DuckDB SQL", hand)):
        row = {"implementation": name, "status": measured.status, "peak_mib": measured.peak_mib,
               "cpu_seconds": measured.cpu_seconds, "load_average": measured.load_average, "code": measured.code}
        if measured.ok:
            row.update({k: measured.result[k] for k in ("seconds", "load_seconds", "stage_seconds", "rounds",
                                                        "accounts", "threads")})
        else:
            row.update(problem=measured.problem, traceback=measured.result.get("traceback"))
        rows.append(row)
    output: dict = {"rows": rows, "accounts_in_book": key.loans, "as_of": key.horizon_end.isoformat()}
    table = Table(title=f"compute — the ageing alone on DuckDB, inputs loaded, {key.loans:,} accounts")
    for column in ("implementation", "seconds", "compile", "events", "rounds", "close", "#rounds", "accounts",
                   "peak MiB"):
        table.add_column(column, justify="left" if column == "implementation" else "right")
    for row in rows:
        if row["status"] != "ok":
            table.add_row(row["implementation"], f"[red]{row['status']}: {row['problem'][:60]}[/]", *[""] * 6,
                          f"{row['peak_mib']:,.0f}")
            continue
        stages = row["stage_seconds"]
        table.add_row(row["implementation"], f"{row['seconds']:.1f}",
                      *[f"{stages[name]:.1f}" if name in stages else "—" for name in ("compile", "events", "rounds",
                                                                                       "close")],
                      str(row["rounds"]), f"{row['accounts']:,}", f"{row['peak_mib']:,.0f}")
    console.print(table)
    if engine.ok and hand.ok:
        comparison = compare_accounts(engine_out, hand_out)
        ratio = engine.result["seconds"] / hand.result["seconds"]
        output.update(comparison=comparison, ratio=ratio)
        if ws.divisor == 1:
            output.update(budget={"what": f"compute, engine ÷ hand-written DuckDB SQL, {key.loans:,} accounts",
                                  "budget": f"≤ {COMPUTE_BUDGET_RATIO:g}×", "measured": f"{ratio:.2f}×",
                                  "met": ratio <= COMPUTE_BUDGET_RATIO})
        verdict = "[green]met[/]" if ratio <= COMPUTE_BUDGET_RATIO else "[red]missed[/]"
        console.print(f"  ratio engine/hand: {ratio:.2f}× (budget ≤ {COMPUTE_BUDGET_RATIO:g}×: {verdict})")
        ident = "[green]yes[/]" if comparison["identical"] else "[red]no[/]"
        console.print(f"  identical: {ident} — days_past_due, balance and penalty_charged of all "
                      f"{comparison['engine_accounts']:,} accounts"
                      + ("" if comparison["all_columns_identical"] else
                         f"; differing accounts per column: {comparison['columns']}")
                      + (" (every other column equal too)" if comparison["all_columns_identical"] else ""))
        (ws.cache / "last_engine_accounts.json").write_text(json.dumps(
            {"key": key.name, "path": str(engine_out), "seconds": engine.result["seconds"],
             "accounts": engine.result["accounts"]}))
    return output


def bench_reference(ws: Workspace, compute: dict | None) -> dict:
    key = BookKey(ws.sized(1_000_000))
    sample = ws.sized(2_000)
    inputs = engine_inputs(ws, key)
    if inputs is None:
        return {"status": "error", "problem": "inputs could not be prepared"}
    engine_seconds = engine_accounts = engine_path = None
    if compute and compute.get("rows") and compute["rows"][0].get("status") == "ok":
        engine_seconds = compute["rows"][0]["seconds"]
        engine_accounts = compute["rows"][0]["accounts"]
    last = ws.cache / "last_engine_accounts.json"
    if last.exists():
        remembered = json.loads(last.read_text())
        if remembered["key"] == key.name and Path(remembered["path"]).exists():
            engine_path = remembered["path"]
            if engine_seconds is None:
                engine_seconds, engine_accounts = remembered["seconds"], remembered["accounts"]
    if engine_seconds is None:
        work = ws.task_dir("reference-engine")
        engine_path = str(work / "engine_accounts.parquet")
        engine = ws.run("compute_engine", {"inputs": str(inputs), "as_of": key.horizon_end.isoformat(),
                                           "accounts_out": engine_path},
                        label=f"age_book on DuckDB, {key.loans:,} accounts (for the speed-up)")
        if engine.ok:
            engine_seconds, engine_accounts = engine.result["seconds"], engine.result["accounts"]
    measured = ws.run("reference", {"inputs": str(inputs), "as_of": key.horizon_end.isoformat(), "sample": sample,
                                    "engine_accounts": engine_path},
                      label=f"reference model, {sample:,} loans")
    output: dict = {"status": measured.status, "peak_mib": measured.peak_mib, "sample": sample,
                    "code": measured.code}
    if not measured.ok:
        output.update(problem=measured.problem, traceback=measured.result.get("traceback"))
        return output
    result = measured.result
    reference_rate = _rate(result["loans"], result["seconds"])
    engine_rate = _rate(engine_accounts, engine_seconds) if engine_seconds else None
    output.update(loans=result["loans"], seconds=result["seconds"], loans_per_second=reference_rate,
                  instalments=result["instalments"], payments=result["payments"],
                  engine_loans_per_second=engine_rate, engine_seconds=engine_seconds, engine_accounts=engine_accounts,
                  speed_up=(engine_rate / reference_rate) if engine_rate and reference_rate else None,
                  compared_with_engine=result.get("compared_with_engine"),
                  differ_from_engine=result.get("differ_from_engine"),
                  differing_loans=result.get("differing_loans"))
    table = Table(title="reference — the per-loan, day-by-day model beside the engine")
    for column in ("model", "loans", "seconds", "loans/s", "speed-up", "peak MiB"):
        table.add_column(column, justify="left" if column == "model" else "right")
    table.add_row("reference (ledger/reference.py)", f"{result['loans']:,}", f"{result['seconds']:.2f}",
                  f"{reference_rate:,.0f}", "1×", f"{measured.peak_mib:,.0f}")
    if engine_rate:
        table.add_row("engine (age_book on DuckDB)", f"{engine_accounts:,}", f"{engine_seconds:.2f}",
                      f"{engine_rate:,.0f}", f"{output['speed_up']:,.0f}×", "")
    console.print(table)
    if output["compared_with_engine"] is not None:
        same = output["differ_from_engine"] == 0
        console.print(f"  the reference equals the engine on the {output['compared_with_engine']:,} sampled accounts: "
                      + ("[green]yes[/]" if same else f"[red]no[/] ({output['differ_from_engine']} differ, e.g. "
                         f"loans {output['differing_loans']})"))
    return output


# --- the command ----------------------------------------------------------------------------


def machine() -> dict:
    import duckdb

    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "commit": commit.stdout.strip(),
        "load_average_at_start": os.getloadavg(),
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help=f"run only these benchmarks ({', '.join(BENCHMARKS)}); repeat or separate by commas")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="full (1,000,000 accounts) or small (100x smaller, for a quick check)")
    parser.add_argument("--no-postgres", action="store_true", help="measure on SQLite only")
    parser.add_argument("--pg-url", default=os.environ.get("ARREARS_BENCH_PG_URL",
                                                           f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"),
                        help="where the benchmark's own PostgreSQL database is created and dropped")
    parser.add_argument("--cache", type=Path, default=BENCH / ".cache", help="where books and ledgers are kept")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON results go (bench/results)")
    parser.add_argument("--fresh", action="store_true", help="forget the kept books and ledgers first")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds one measurement may take before it is stopped and reported (1800)")
    parser.add_argument("--pg-engine-timeout", type=float, default=300.0,
                        help="seconds the cycle with the postgres engine may take (300)")
    parser.add_argument("--keep", action="store_true", help="keep the per-run work directory (logs, copies)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    args.selected = [name for name in BENCHMARKS if not chosen or name in chosen]
    return args


def save(name: str, payload: dict, directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.fresh:
        shutil.rmtree(args.cache, ignore_errors=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    ws = Workspace(args.cache.resolve(), args.scale, args.pg_url, args.timeout)
    ws.pg_engine_timeout = args.pg_engine_timeout
    about = machine()
    console.rule(f"arrears benchmarks — scale {args.scale}, {', '.join(args.selected)}")
    console.print(f"  {about['date']}, {about['cores']} cores, {about['memory']}, Python {about['python']}, "
                  f"DuckDB {about['duckdb']}, commit {about['commit']}; work directory {ws.runs}")
    ws.pg_skip_reason = "--no-postgres" if args.no_postgres else pg_answers(ws)
    with_postgres = ws.pg_skip_reason is None
    if not with_postgres:
        console.print(f"  [yellow]PostgreSQL is not measured: {ws.pg_skip_reason}[/]")
    budgets = []
    began = time.perf_counter()
    compute = None
    try:
        for name in args.selected:
            console.rule(name)
            started = time.perf_counter()
            if name == "import":
                output = bench_import(ws, with_postgres)
            elif name == "cycle":
                output = bench_cycle(ws, with_postgres)
                budgets += output.get("budgets", [])
            elif name == "compute":
                output = compute = bench_compute(ws)
                if "budget" in output:
                    budgets.append(output["budget"])
            elif name == "reference":
                output = bench_reference(ws, compute)
            else:
                output = importlib.import_module(f"bench.suite_{name}").run(ws, with_postgres)
                budgets += output.get("budgets", [])
            payload = {"benchmark": name, "scale": args.scale, "machine": about, "code_versions": ws.versions,
                       "seconds": time.perf_counter() - started, **output}
            console.print(f"  → {save(name, payload, args.results)}")
    finally:
        if with_postgres:
            pg_drop(ws)
        if not args.keep and not ws.failures:
            shutil.rmtree(ws.runs, ignore_errors=True)
    console.rule("budgets")
    if budgets:
        table = Table()
        for column in ("what", "budget", "measured", "met"):
            table.add_column(column)
        for budget in budgets:
            table.add_row(budget["what"], budget["budget"], budget["measured"],
                          "[green]yes[/]" if budget["met"] else "[red]no[/]")
        console.print(table)
    if len(ws.versions) > 1:
        console.print("[yellow]the code changed during the run; measurements by version:[/]")
        for version, labels in ws.versions.items():
            console.print(f"  {version}: {'; '.join(labels)}")
    for label, measured in ws.failures:
        word = "stopped" if measured.status == "timeout" else "failed"
        console.print(f"[red]{word}:[/] {label}: {measured.problem} (log: {measured.log})")
    console.print(f"total {time.perf_counter() - began:.0f} s")
    return 1 if any(measured.status == "error" for _label, measured in ws.failures) else 0
