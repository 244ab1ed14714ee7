"""plan + guard after a nightly cycle: `arrears plan` (strategy.service.run_plan) end to end.

Over the cycle's book (1,000,000 accounts at full scale): the ledger is copied, aged by
`run_cycle` (measured: the yardstick), given 30 days of contact history for the accounts that
were overdue (0 to 2 attempts a day, 1 on average, written in bulk over ADBC, not timed as part
of the plan), then `run_plan` makes the day's actions, judges each with the compliance guard and
stores them (measured, with its stages and peak memory). Budget: plan + guard at most 2× the
cycle's own time, at full scale.
"""

from __future__ import annotations

import shutil

from rich.table import Table

from bench import runner

HISTORY_DAYS = 30
BUDGET_RATIO = 2.0


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    key = runner.BookKey(ws.sized(1_000_000))
    as_of = key.horizon_end.isoformat()
    notes = [] if not with_postgres else ["PostgreSQL: not measured by this benchmark (SQLite only)"]
    ledger = runner.sqlite_ledger(ws, key)
    if ledger is None or not ledger.database_url:
        return {"status": "error", "problem": "the ledger could not be imported"}
    url, var = runner.sqlite_copy(ws, ledger)
    steps = []
    try:
        cycle = ws.run("cycle", {"as_of": as_of, "engine": "duckdb"}, database_url=url, var=var,
                       label=f"SQLite: nightly cycle over {key.loans:,} accounts (duckdb)")
        steps.append(("cycle (run_cycle)", cycle))
        history = None
        if cycle.ok:
            history = ws.run("contact_history", {"as_of": as_of, "days": HISTORY_DAYS}, database_url=url, var=var,
                             label=f"SQLite: {HISTORY_DAYS} days of contact history (bulk, not timed as plan)")
            steps.append(("contact history (setup)", history))
        plan = None
        if history is not None and history.ok:
            plan = ws.run("plan", {"as_of": as_of}, database_url=url, var=var,
                          label=f"SQLite: plan + guard over {key.loans:,} accounts")
            steps.append(("plan + guard (run_plan)", plan))
    finally:
        shutil.rmtree(var, ignore_errors=True)  # gigabytes at full size

    rows = []
    for name, measured in steps:
        row = {"step": name, "status": measured.status, "peak_mib": measured.peak_mib,
               "cpu_seconds": measured.cpu_seconds, "load_average": measured.load_average, "code": measured.code,
               "wall_seconds": measured.wall_seconds}
        if measured.ok:
            result = measured.result
            if measured.task == "cycle":
                row.update(seconds=result["wall_seconds"], stage_seconds=result["stage_seconds"],
                           accounts=result["accounts"], overdue_accounts=result["overdue_accounts"])
            elif measured.task == "contact_history":
                row.update(seconds=result["seconds"], attempts=result["attempts"],
                           overdue_accounts=result["accounts"])
            else:
                row.update(seconds=result["wall_seconds"], stage_seconds=result["stage_seconds"],
                           accounts=result["accounts"], actions=result["actions"], allowed=result["allowed"],
                           blocked=result["blocked"], blocks_by_rule=result["blocks_by_rule"])
        else:
            row.update(problem=measured.problem, traceback=measured.result.get("traceback"))
        rows.append(row)

    table = Table(title=f"plan — plan + guard after the cycle, {key.loans:,} accounts, as of {as_of}")
    for column in ("step", "seconds", "stages", "what", "peak MiB", "cpu s"):
        table.add_column(column, justify="right" if column in ("seconds", "peak MiB", "cpu s") else "left")
    for row in rows:
        if row["status"] != "ok":
            table.add_row(row["step"], "", "", f"[red]{row['status']}: {row['problem'][:80]}[/]",
                          f"{row['peak_mib']:,.0f}", f"{row['cpu_seconds']:.1f}")
            continue
        stages = ", ".join(f"{name} {value:.1f}" for name, value in row.get("stage_seconds", {}).items()
                           if isinstance(value, float))
        if "actions" in row:
            what = f"{row['actions']:,} actions: {row['allowed']:,} allowed, {row['blocked']:,} blocked"
        elif "attempts" in row:
            what = f"{row['attempts']:,} attempts for {row['overdue_accounts']:,} overdue accounts"
        else:
            what = f"{row['accounts']:,} accounts, {row['overdue_accounts']:,} overdue"
        table.add_row(row["step"], f"{row['seconds']:.1f}", stages, what, f"{row['peak_mib']:,.0f}",
                      f"{row['cpu_seconds']:.1f}")
    runner.console.print(table)
    output: dict = {"accounts_in_book": key.loans, "as_of": as_of, "history_days": HISTORY_DAYS, "rows": rows,
                    "notes": notes}
    by_step = {row["step"]: row for row in rows}
    cycle_row, plan_row = by_step.get("cycle (run_cycle)"), by_step.get("plan + guard (run_plan)")
    if cycle_row and plan_row and cycle_row["status"] == "ok" and plan_row["status"] == "ok":
        ratio = plan_row["seconds"] / cycle_row["seconds"]
        output["ratio"] = ratio
        met = ratio <= BUDGET_RATIO
        runner.console.print(f"  plan + guard ÷ cycle: {ratio:.2f}× (budget ≤ {BUDGET_RATIO:g}×: "
                             + ("[green]met[/])" if met else "[red]missed[/])")
                             + ("" if ws.divisor == 1 else "; budgets are judged at full scale only"))
        if ws.divisor == 1:
            output["budgets"] = [{"what": f"plan + guard ÷ cycle, {key.loans:,} accounts",
                                  "budget": f"≤ {BUDGET_RATIO:g}×", "measured": f"{ratio:.2f}×", "met": met}]
    for note in notes:
        runner.console.print(f"  {note}")
    return output
