"""The ladder against the optimised arm: 120 simulated days on the same book, per arm and seed.

    python -m bench --only intelligence [--scale small]

Each arm and seed is one `arrears simulate` run in a process and a SQLite database of its own
(`intelligence.comparison.simulate_arm`): 800 loans, 120 days, two in-house collectors (80 calls a day,
fewer than the accounts to call); in the optimised run the model is
trained on the lender's own tables after day 45 and the in-house queue is ordered by it from day 46.
Measured from day 46 to the last day, account by account on the same book: recovered, cost of
collection, net, contacts, contacts per paying account, optimised − champion with 95% intervals.
`--scale small`: 150 loans, 40 days, the switch after day 28. Reported, never asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from rich.table import Table

from bench import runner

LOANS = 800
DAYS = 120
SWITCH_AFTER = 45
COLLECTORS = 2  # two in-house collectors (80 calls a day): fewer calls than accounts to call, so the order matters
SEEDS = (7,)
LAST_DAY = dt.date(2026, 11, 30)


def arm(arguments: dict) -> dict:
    """In the worker's process: migrate a new database, simulate one arm, read each account's outcome."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrears.settings")
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    from arrears.intelligence.comparison import account_outcomes, simulate_arm
    from arrears.simulate.run import SimulationOptions

    call_command("migrate", verbosity=0)
    last = dt.date.fromisoformat(arguments["last_day"])
    params = Path(settings.VAR_DIR) / "params.yaml"
    params.write_text(f"collectors: {int(arguments['collectors'])}\n", encoding="utf-8")
    options = SimulationOptions(loans=int(arguments["loans"]), days=int(arguments["days"]), seed=int(arguments["seed"]),
                                directory=Path(settings.VAR_DIR) / "simulate", last_day=last, profile="cn",
                                params_path=params)
    switch_day = options.first_day + dt.timedelta(days=int(arguments["switch_after"]) - 1)
    began = time.perf_counter()
    outcome, trained = simulate_arm(options, arguments["arm"], switch_day=switch_day, password="bench-password-2026",
                                    say=lambda line: print(line, flush=True))
    seconds = time.perf_counter() - began
    rows = account_outcomes(switch_day + dt.timedelta(days=1), last)
    report = outcome.report
    return {
        "arm": arguments["arm"], "seed": options.seed, "seconds": round(seconds, 1),
        "measured_from": (switch_day + dt.timedelta(days=1)).isoformat(), "measured_to": last.isoformat(),
        "model": trained, "violations": report.violations, "whole_run": {
            "recovered_fen": report.recovered_fen, "cost_fen": report.total_cost_fen, "cure_rate": report.cure_rate},
        "accounts": {key: values.tolist() for key, values in rows.items()},
    }


def run_side_by_side(ws: runner.Workspace, arguments: dict[str, dict], *, timeout: float) -> dict[str, dict]:
    """Both arms at once, each a `bench.worker call` process with its own ARREARS_VAR (a SQLite database)."""
    import json
    import subprocess
    import sys

    started = {}
    for name, args in arguments.items():
        directory = ws.task_dir(f"arm-{name}")
        (directory / "var").mkdir()
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "ARREARS_VAR")}
        env.update(ARREARS_VAR=str(directory / "var"), DATABASE_URL="", DJANGO_SETTINGS_MODULE="arrears.settings",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(runner.ROOT / "src"), str(runner.ROOT),
                                                            env.get("PYTHONPATH", "")])))
        env.setdefault("ARREARS_SECRET", runner.BENCH_SECRET)
        command = [sys.executable, "-m", "bench.worker", "call",
                   json.dumps({"function": "bench.suite_intelligence:arm", "arguments": args}), str(directory / "result.json")]
        log = (directory / "output.log").open("wb")
        started[name] = (subprocess.Popen(command, cwd=runner.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True), directory, log)
    results = {}
    for name, (process, directory, log) in started.items():
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        path = directory / "result.json"
        results[name] = json.loads(path.read_text()) if path.exists() else {"status": "error", "error": f"see {directory}"}
    return results


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    import numpy as np

    from arrears.intelligence.comparison import compare_arms

    small = ws.divisor != 1
    loans, days, switch_after = (150, 40, 28) if small else (LOANS, DAYS, SWITCH_AFTER)
    notes = ["SQLite; one process and database an arm and seed; the same book (seed) and capacities in both arms",
             "champion: the default ladder with the in-house challengers taken out; optimised: the same, its in-house "
             "segments ranked by the model and the day's allocation (ranking: optimised, share 100) after the switch"]
    if with_postgres:
        notes.append("PostgreSQL: not measured (the comparison is of arms, not databases)")
    per_seed = []
    for seed in SEEDS:
        arguments = {name: {"arm": name, "seed": seed, "loans": loans, "days": days, "switch_after": switch_after,
                            "collectors": COLLECTORS, "last_day": LAST_DAY.isoformat()} for name in ("champion", "optimised")}
        runner.console.print(f"simulating {loans:,} loans × {days} days, champion and optimised side by side, seed {seed} …")
        runs = run_side_by_side(ws, arguments, timeout=max(ws.timeout, 4 * 3600))
        failed = [name for name, result in runs.items() if result.get("status") != "ok"]
        if failed:
            return {"status": "error", "problem": {name: runs[name].get("error", "") for name in failed}, "notes": notes}
        for name, result in runs.items():
            runner.console.print(f"  {name}: {result['seconds']:.0f} s, code {result.get('code')}")
        by_arm = {name: {k: np.array(v) for k, v in result["accounts"].items()} for name, result in runs.items()}
        compared = compare_arms(by_arm)
        per_seed.append({"seed": seed, "compared": compared, "runs": runs})
    table = Table(title=f"champion vs optimised, {loans:,} loans, {days} days, measured after day {switch_after} "
                        f"(optimised − champion, 95% interval)")
    for column in ("seed", "measure", "champion", "optimised", "difference", "95% interval", "relative"):
        table.add_column(column)
    results = []
    for item in per_seed:
        compared = item["compared"]
        champion, optimised = compared.arms
        totals = {"recovered": (champion.recovered, optimised.recovered), "cost": (champion.cost, optimised.cost),
                  "net": (champion.recovered - champion.cost, optimised.recovered - optimised.cost),
                  "contacts": (champion.contacts, optimised.contacts),
                  "contacts_per_recovery": (champion.contacts_per_recovery, optimised.contacts_per_recovery)}
        for d in compared.differences:
            money = d.measure in ("recovered", "cost", "net")
            show = (lambda v: f"¥{v / 100:,.0f}") if money else (lambda v: f"{v:,.2f}")
            left, right = totals[d.measure]
            table.add_row(str(item["seed"]), d.measure, show(left), show(right), show(d.total),
                          f"[{show(d.low)}, {show(d.high)}]", f"{d.relative:+.1%}")
        results.append({
            "seed": item["seed"], "paired_accounts": compared.paired_accounts,
            "arms": [vars(arm) for arm in compared.arms], "differences": [vars(d) for d in compared.differences],
            "runs": {name: {k: v for k, v in result.items() if k != "accounts"} for name, result in item["runs"].items()},
        })
    runner.console.print(table)
    return {"status": "ok", "loans": loans, "days": days, "switch_after": switch_after, "seeds": list(SEEDS),
            "results": results, "notes": notes}
