"""Nights of `arrears nightly` over the cycle's book: a first night, the nights after it, and a full one.

    python -m bench --only nightly [--scale small]

Over the book of the cycle benchmark (1,000,000 accounts at full scale), on SQLite with the DuckDB
engine, on one private copy of the kept ledger:

1. set-up (not measured): the payments value-dated on the last NIGHTS days of the book are taken out
   of the ledger and written as those days' feed files (`<feeds>/<day>/payments.parquet`), so each
   following night is fed the book's own payments of its day, reversals included;
2. the first night, as of NIGHTS days before the book's horizon end: every step, the cycle a full
   ageing (no night before it kept any state);
3. set-up (not measured): 30 days of contact history before the next day for the accounts overdue
   that night (as in the plan benchmark), so the nights after it are planned and guarded as a
   working lender's are;
4. the NIGHTS following nights, each importing its day's payments, the cycle carrying every
   unchanged loan's state from the night before (`cycle/carry.py`);
5. the last of them again on a copy taken before it, with the cycle forced to age every loan from
   its start (`run_cycle(..., full=True)`): the same night both ways, and whether the two give the
   same account states.

Every night is `arrears nightly --as-of D --feeds DIR` in a process of its own (`bench.worker
nightly`). Reported for each night: each step's seconds and peak memory as the night recorded them
(`NightlyStep`; the peak is the process's high-water mark over the step, reset before it), the
cycle's own stages (`CycleRun.stage_seconds`, with the number of accounts carried), the night's
total, and the process's peak (the kernel's maximum resident size, or the largest step's mark when
that is larger: the night resets the mark before each step, so at exit the kernel reports only the
last step's).

Budgets (docs/ARCHITECTURE): the nightly cycle + plan + guard over 10,000,000 accounts ≤ 60 s and
≤ 8 GiB; a full recompute of 1,000,000 accounts ≤ 30 s. This benchmark measures a million
accounts: the first is shown as a sanity line at that size (not the 10,000,000-account budget), the
second is judged on the full night. Both at full scale only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from rich.table import Table

from bench import runner

NIGHTS = 3
HISTORY_DAYS = 30
SANITY_SECONDS = 60.0
SANITY_MIB = 8 * 1024.0
FULL_RECOMPUTE_SECONDS = 30.0
STEP_NAMES = ("feeds", "cycle", "judge", "plan", "outbox", "agencies", "visits", "legal", "queue")
BUDGET_STEPS = ("cycle", "plan")  # "cycle + plan + guard": the plan step judges every action with the guard


def _feed_files(book_directory: Path, after: dt.date, days: list[dt.date], feeds: Path) -> dict[str, int]:
    """The book's payments of each day in `days`, as that day's payments feed file."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    later = pq.read_table(book_directory / "payments.parquet", filters=[("value_date", ">", after)])
    rows = {}
    for day in days:
        folder = feeds / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        table = later.filter(pc.equal(later.column("value_date"), day))
        pq.write_table(table, folder / "payments.parquet")
        rows[day.isoformat()] = table.num_rows
    rows["beyond"] = later.num_rows - sum(rows.values())
    return rows


def _same_states(first_url: str, second_url: str) -> dict:
    """Account states of two copies compared row by row (every column); read only."""
    first = first_url.removeprefix("sqlite:///")
    second = second_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{first}?mode=ro", uri=True) as conn:
        conn.execute("ATTACH DATABASE ? AS other", (f"file:{second}?mode=ro",))
        accounts = conn.execute("SELECT COUNT(*) FROM cycle_accountstate").fetchone()[0]
        only_first = conn.execute("SELECT COUNT(*) FROM (SELECT * FROM main.cycle_accountstate "
                                  "EXCEPT SELECT * FROM other.cycle_accountstate)").fetchone()[0]
        only_second = conn.execute("SELECT COUNT(*) FROM (SELECT * FROM other.cycle_accountstate "
                                   "EXCEPT SELECT * FROM main.cycle_accountstate)").fetchone()[0]
    return {"accounts": accounts, "differ": max(only_first, only_second), "identical": only_first == only_second == 0}


def _row(label: str, measured: runner.Measured) -> dict:
    row = {"night": label, "status": measured.status, "process_peak_mib": measured.peak_mib,
           "process_wall_seconds": measured.wall_seconds, "cpu_seconds": measured.cpu_seconds,
           "load_average": measured.load_average, "code": measured.code}
    if measured.ok:
        result = measured.result
        row.update(as_of=result["as_of"], full=result["full"], seconds=result["wall_seconds"],
                   accounts=result["accounts"], steps=result["steps"], cycle_stages=result["cycle_stage_seconds"])
        steps = {step["name"]: step for step in result["steps"]}
        # The night resets the process's high-water mark before each step (/proc/self/clear_refs), and the
        # kernel's figure at exit is the mark since the last reset: the peak is the larger of it and the steps'.
        row["process_peak_mib"] = max([measured.peak_mib, result.get("peak_mib_before", 0.0),
                                       *(step["peak_memory_mb"] for step in result["steps"])])
        row["kernel_peak_mib"] = measured.peak_mib
        row["budget_seconds"] = sum(steps[name]["seconds"] for name in BUDGET_STEPS if name in steps)
        row["budget_peak_mib"] = max((steps[name]["peak_memory_mb"] for name in BUDGET_STEPS if name in steps),
                                     default=0)
    else:
        row.update(problem=measured.problem, traceback=measured.result.get("traceback"))
    return row


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    key = runner.BookKey(ws.sized(1_000_000))
    first = key.horizon_end - dt.timedelta(days=NIGHTS)
    following = [first + dt.timedelta(days=n) for n in range(1, NIGHTS + 1)]
    notes = [] if not with_postgres else ["PostgreSQL: not measured by this benchmark (SQLite only)"]
    ledger = runner.sqlite_ledger(ws, key)
    if ledger is None or not ledger.database_url:
        return {"status": "error", "problem": "the ledger could not be imported"}
    book_directory, _meta = runner.book(ws, key)
    url, var = runner.sqlite_copy(ws, ledger)
    feeds = var / "feeds"
    feed_rows = _feed_files(book_directory, first, following, feeds)
    nights: list[tuple[str, runner.Measured]] = []
    setup: list[tuple[str, runner.Measured]] = []
    comparison = None
    full_var = None
    try:
        cut = ws.run("nightly_cut", {"after": first.isoformat()}, database_url=url, var=var,
                     label=f"SQLite: the payments after {first} taken out of the ledger (set-up)")
        setup.append(("payments after the first night taken out", cut))
        if cut.ok:
            night = ws.run("nightly", {"as_of": first.isoformat(), "feeds": str(feeds)}, database_url=url, var=var,
                           label=f"SQLite: first night {first}, {key.loans:,} accounts")
            nights.append((f"first {first}", night))
        if nights and nights[-1][1].ok:
            history = ws.run("contact_history", {"as_of": following[0].isoformat(), "days": HISTORY_DAYS},
                             database_url=url, var=var,
                             label=f"SQLite: {HISTORY_DAYS} days of contact history (set-up)")
            setup.append((f"{HISTORY_DAYS} days of contact history", history))
        for number, day in enumerate(following, start=1):
            if not (nights and nights[-1][1].ok):
                break
            if day == following[-1]:
                full_url, full_var = runner.sqlite_copy(ws, runner.Ledger(key, url))
            night = ws.run("nightly", {"as_of": day.isoformat(), "feeds": str(feeds)}, database_url=url, var=var,
                           label=f"SQLite: night {number} after, {day}, {key.loans:,} accounts")
            nights.append((f"+{number} {day}", night))
        if full_var is not None:
            night = ws.run("nightly", {"as_of": following[-1].isoformat(), "feeds": str(feeds), "full": True},
                           database_url=full_url, var=full_var,
                           label=f"SQLite: night {following[-1]} again, full cycle, {key.loans:,} accounts")
            nights.append((f"+{NIGHTS} {following[-1]} full", night))
            if night.ok and nights[-2][1].ok:
                comparison = _same_states(url, full_url)
    finally:
        shutil.rmtree(var, ignore_errors=True)  # gigabytes at full size
        if full_var is not None:
            shutil.rmtree(full_var, ignore_errors=True)

    rows = [_row(label, measured) for label, measured in nights]
    setup_rows = [{"what": what, "status": m.status, "wall_seconds": m.wall_seconds, "result": m.result}
                  for what, m in setup]
    _print_tables(key, rows)
    payments = ", ".join(f"{day} {count:,}" for day, count in feed_rows.items() if day != "beyond")
    runner.console.print(f"  feeds: the book's own payments of each following day ({payments}); the first night "
                         f"starts from the ledger imported up to {first}")
    for what, measured in setup:
        if measured.ok and measured.task == "contact_history":
            runner.console.print(f"  set-up: {what}: {measured.result['attempts']:,} attempts for "
                                 f"{measured.result['accounts']:,} overdue accounts, {measured.wall_seconds:.1f} s")
        elif measured.ok:
            runner.console.print(f"  set-up: {what}: {measured.result['removed']:,} payments, "
                                 f"{measured.wall_seconds:.1f} s")
    if comparison is not None:
        verdict = "[green]yes[/]" if comparison["identical"] else f"[red]no[/] ({comparison['differ']:,} differ)"
        runner.console.print(f"  the full night's account states equal the carried night's, all "
                             f"{comparison['accounts']:,} accounts, every column: {verdict}")
    output: dict = {"accounts_in_book": key.loans, "first_night": first.isoformat(),
                    "following_nights": [day.isoformat() for day in following], "history_days": HISTORY_DAYS,
                    "feed_payments": feed_rows, "rows": rows, "setup": setup_rows, "full_equals_carried": comparison,
                    "notes": notes}
    output["budgets"] = _budgets(ws, key, rows)
    for note in notes:
        runner.console.print(f"  {note}")
    return output


def _cell(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _print_tables(key: runner.BookKey, rows: list[dict]) -> None:
    done = [row for row in rows if row["status"] == "ok"]
    seconds = Table(title=f"nightly — `arrears nightly`, {key.loans:,} accounts on SQLite (duckdb): seconds by step")
    memory = Table(title="nightly — peak MiB by step (the process's high-water mark over the step, NightlyStep)")
    for table in (seconds, memory):
        table.add_column("night")
        for name in STEP_NAMES:
            table.add_column(name, justify="right")
    seconds.add_column("total s", justify="right")
    seconds.add_column("cycle+plan", justify="right")
    memory.add_column("process peak", justify="right")
    for row in rows:
        if row["status"] != "ok":
            seconds.add_row(row["night"], f"[red]{row['status']}: {row['problem'][:100]}[/]", *[""] * (len(STEP_NAMES) + 1))
            continue
        steps = {step["name"]: step for step in row["steps"]}
        seconds.add_row(row["night"], *[_cell(steps[name]["seconds"]) if name in steps else "—" for name in STEP_NAMES],
                        _cell(row["seconds"]), _cell(row["budget_seconds"]))
        memory.add_row(row["night"], *[f"{steps[name]['peak_memory_mb']:,}" if name in steps else "—"
                                       for name in STEP_NAMES], f"{row['process_peak_mib']:,.0f}")
    runner.console.print(seconds)
    runner.console.print(memory)

    stage_names: list[str] = []
    for row in done:
        for name, value in row["cycle_stages"].items():
            if isinstance(value, float) and name not in stage_names:
                stage_names.append(name)
    stages = Table(title="nightly — the cycle step's own stages (CycleRun.stage_seconds), seconds")
    stages.add_column("night")
    for name in stage_names:
        stages.add_column(name, justify="right")
    for column in ("#rounds", "carried", "accounts"):
        stages.add_column(column, justify="right")
    for row in done:
        cycle = row["cycle_stages"]
        stages.add_row(row["night"], *[_cell(cycle.get(name), 2) for name in stage_names],
                       str(cycle.get("rounds_count", "—")), f"{cycle.get('carried', 0):,}", f"{row['accounts']:,}")
    runner.console.print(stages)

    counts = Table(title="nightly — what each night did (NightlyStep.counts)")
    counts.add_column("night")
    counts.add_column("counts")
    for row in done:
        parts = []
        for step in row["steps"]:
            shown = {k: v for k, v in step["counts"].items() if v and k != "why_none"}
            if shown:
                parts.append(f"{step['name']}: " + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                                                            for k, v in shown.items()))
        counts.add_row(row["night"], "; ".join(parts) or "—")
    runner.console.print(counts)
    runner.console.print("  total s: the command from call to return (every step, recording them, checking the order "
                         "of nights); cycle+plan: the cycle and plan steps (the plan step judges every action with "
                         "the guard); process peak: the night's whole process, the larger of the kernel's maximum "
                         "resident size and the steps' marks (the night resets the mark before each step, so the "
                         "kernel's figure alone is the last step's)")


def _budgets(ws: runner.Workspace, key: runner.BookKey, rows: list[dict]) -> list[dict]:
    done = [row for row in rows if row["status"] == "ok"]
    first = next((row for row in done if row["night"].startswith("first")), None)
    carried = [row for row in done if row["night"].startswith("+") and not row["full"]]
    full = next((row for row in done if row["full"]), None)
    lines = []
    if first:
        lines.append((f"cycle + plan + guard, first night (full ageing), {key.loans:,} accounts — sanity line at "
                      f"{key.loans:,}, not the 10,000,000-account budget", first))
    if carried:
        worst = max(carried, key=lambda row: row["budget_seconds"])
        lines.append((f"cycle + plan + guard, slowest of {len(carried)} following nights ({worst['as_of']}), "
                      f"{key.loans:,} accounts — sanity line at {key.loans:,}, not the 10,000,000-account budget",
                      worst))
    budgets = []
    for what, row in lines:
        met = row["budget_seconds"] <= SANITY_SECONDS and row["budget_peak_mib"] <= SANITY_MIB
        runner.console.print(f"  {what}: {row['budget_seconds']:.1f} s, {row['budget_peak_mib'] / runner.GIB:.2f} GiB "
                             f"(≤ {SANITY_SECONDS:g} s and ≤ 8 GiB: " + ("[green]within[/])" if met else "[red]beyond[/])")
                             + ("" if ws.divisor == 1 else "; judged at full scale only"))
        if ws.divisor == 1:
            budgets.append({"what": what, "budget": f"≤ {SANITY_SECONDS:g} s and ≤ 8 GiB (the 10M budget, applied at 1M)",
                            "measured": f"{row['budget_seconds']:.1f} s, {row['budget_peak_mib'] / runner.GIB:.2f} GiB",
                            "met": met})
    if full:
        cycle = next((step for step in full["steps"] if step["name"] == "cycle"), None)
        if cycle:
            met = cycle["seconds"] <= FULL_RECOMPUTE_SECONDS
            what = f"full recompute (the nightly cycle step, full=True), {key.loans:,} accounts"
            runner.console.print(f"  {what}: {cycle['seconds']:.1f} s (≤ {FULL_RECOMPUTE_SECONDS:g} s: "
                                 + ("[green]met[/])" if met else "[red]missed[/])")
                                 + ("" if ws.divisor == 1 else "; judged at full scale only"))
            if ws.divisor == 1:
                budgets.append({"what": what, "budget": f"≤ {FULL_RECOMPUTE_SECONDS:g} s",
                                "measured": f"{cycle['seconds']:.1f} s", "met": met})
    return budgets
