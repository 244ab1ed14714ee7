"""The guard's debt facts for the whole book (the us-regf rules on the validation notice and
time-barred debt read them each night): one statement over ADBC (`guard.debts.debt_facts_table`)
against the same facts read through the ORM for the whole book, and the per-loan read `check_now`
makes, timed on 1,000 loans and scaled to the book.

Over 100,000 accounts at full scale: the book imported into SQLite, aged by `run_cycle`, given 30
days of contact history for the overdue accounts (not timed), then the reads (measured).
"""

from __future__ import annotations

import shutil

from rich.table import Table

from bench import runner

HISTORY_DAYS = 30
SAMPLE = 1000


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    key = runner.BookKey(ws.sized(100_000))
    as_of = key.horizon_end.isoformat()
    notes = [] if not with_postgres else ["PostgreSQL: not measured by this benchmark (SQLite only)"]
    ledger = runner.sqlite_ledger(ws, key)
    if ledger is None or not ledger.database_url:
        return {"status": "error", "problem": "the ledger could not be imported"}
    url, var = runner.sqlite_copy(ws, ledger)
    measured = None
    try:
        cycle = ws.run("cycle", {"as_of": as_of, "engine": "duckdb"}, database_url=url, var=var,
                       label=f"SQLite: nightly cycle over {key.loans:,} accounts (setup)")
        if cycle.ok:
            history = ws.run("contact_history", {"as_of": as_of, "days": HISTORY_DAYS}, database_url=url, var=var,
                             label=f"SQLite: {HISTORY_DAYS} days of contact history (setup)")
            if history.ok:
                measured = ws.run("debt_facts", {"as_of": as_of, "sample": SAMPLE}, database_url=url, var=var,
                                  label=f"SQLite: debt facts over {key.loans:,} accounts")
    finally:
        shutil.rmtree(var, ignore_errors=True)
    if measured is None or not measured.ok:
        problem = "setup failed" if measured is None else measured.problem
        runner.console.print(f"[red]debts: {problem}[/]")
        return {"status": "error", "problem": problem}
    result = measured.result
    table = Table(title=f"debts — the guard's debt facts, {result['accounts']:,} accounts "
                        f"({result['reached']:,} reached), as of {as_of}")
    for column in ("read", "seconds", "cpu s", "what"):
        table.add_column(column, justify="left" if column in ("read", "what") else "right")
    table.add_row("whole book, one statement (the night's read)", f"{result['set_seconds']:.2f}",
                  f"{result['set_cpu_seconds']:.2f}", f"{result['accounts']:,} rows, {result['attempts']:,} attempts")
    table.add_row("whole book through the ORM (four queries, a loop)", f"{result['orm_book_seconds']:.2f}",
                  f"{result['orm_book_cpu_seconds']:.2f}", f"{result['orm_book_rows']:,} rows")
    table.add_row("loan by loan (check_now's read), scaled to the book", f"{result['per_loan_book_seconds']:.1f}",
                  f"{result['per_loan_book_cpu_seconds']:.1f}",
                  f"{result['per_loan_ms']:.2f} ms a loan over {result['per_loan_sample']:,} loans")
    runner.console.print(table)
    runner.console.print(f"  peak {measured.peak_mib:,.0f} MiB, cpu {measured.cpu_seconds:.1f} s, "
                         f"load average {measured.load_average}")
    for note in notes:
        runner.console.print(f"  {note}")
    return {"accounts_in_book": key.loans, "as_of": as_of, "history_days": HISTORY_DAYS, "result": result,
            "peak_mib": measured.peak_mib, "notes": notes}
