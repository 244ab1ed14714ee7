"""The ageing on Spark beside the ageing on DuckDB, on the same book: what Spark costs on one machine.

    python -m bench --only spark [--scale small]

A generated book in the engine's three input tables (bench/engine_book.py; 100,000 loans at full
scale, 1,000 at small, or ARREARS_BENCH_SPARK_LOANS), aged to the same day by `age_book` twice, each in a process of its own:

1. on in-process DuckDB, as the nightly cycle does;
2. on a local Spark session (`local[2]`, 4 shuffle partitions, no UI, a 4 GB driver), as
   `--engine spark` does with ARREARS_SPARK_MASTER=local[2].

Reported for each: seconds by stage (session start, loading the inputs, the engine's compile,
events, rounds and close), the total, the Python process's peak memory and, for Spark, the Java
process's (the kernel's high-water mark, VmHWM); then whether the two engines' accounts
are the same in every column. It shows what Spark costs where one machine does: the overhead, not
a win. The engine's steps are a few dozen statements over the whole book; on Spark each is a job,
whose latency is paid however small the late rounds are.

At 1,000,000 loans the Spark run took longer than this benchmark's budget of a quarter of an hour
on the 2-core machine it was written on (docs/benchmarks.md), hence 100,000.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from rich.table import Table

from bench import runner

FULL_LOANS = 100_000
SEED = 5
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "4g",
}
STAGES = ("session", "load", "compile", "events", "rounds", "close")


def measure(args: dict) -> dict:
    """Age the generated book on one engine; write its accounts to args["accounts_out"]."""
    import pyarrow.parquet as pq

    from arrears.cycle.engine import age_book
    from arrears.cycle.pipeline import StageTimer
    from arrears.cycle.tables import duckdb_backend, load_into
    from bench.engine_book import AS_OF_DAY, engine_book

    tables = engine_book(args["loans"], seed=args["seed"])
    timer = StageTimer()
    began = time.perf_counter()
    session = None
    with timer.stage("session"):
        if args["engine"] == "spark":
            from arrears.cycle.spark import spark_backend, spark_session

            session = spark_session("local[2]", SPARK_CONF)
            backend = spark_backend(session)
        else:
            backend = duckdb_backend()
    with timer.stage("load"):
        names = load_into(backend, tables)
    aged = age_book(backend, names, AS_OF_DAY, timer=timer)
    seconds = time.perf_counter() - began
    pq.write_table(aged.accounts, args["accounts_out"])
    python_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    java_peak = _java_peak_mib(session) if session is not None else 0.0
    if session is not None:
        session.stop()
    return {
        "seconds": seconds,
        "stage_seconds": timer.seconds(),
        "rounds": aged.rounds,
        "accounts": aged.accounts.num_rows,
        "rows": {role: table.num_rows for role, table in tables.items()},
        "python_peak_mib": python_peak,
        "java_peak_mib": java_peak,
    }


def _java_peak_mib(session) -> float:
    """The Spark driver's Java process's high-water mark of resident memory (the kernel's VmHWM)."""
    try:
        status = Path(f"/proc/{session.sparkContext._gateway.proc.pid}/status").read_text()
    except (AttributeError, OSError):  # a session not started by this process, or not on Linux
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _same(first: Path, second: Path) -> dict:
    import pyarrow.parquet as pq

    a, b = pq.read_table(first), pq.read_table(second)
    differing = {
        name: sum(x != y for x, y in zip(a[name].to_pylist(), b[name].to_pylist(), strict=True))
        for name in a.schema.names
    } if a.num_rows == b.num_rows and a.schema.names == b.schema.names else {"shape": 1}
    return {"accounts": a.num_rows, "identical": not any(differing.values()), "differing": differing}


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    loans = int(os.environ.get("ARREARS_BENCH_SPARK_LOANS") or ws.sized(FULL_LOANS))
    work = ws.task_dir("spark")
    rows, outputs = [], {}
    for engine, label in (("duckdb", "DuckDB, in process"), ("spark", "Spark, local[2]")):
        outputs[engine] = work / f"{engine}_accounts.parquet"
        measured = ws.run("call", {"function": "bench.suite_spark:measure", "arguments": {
            "engine": engine, "loans": loans, "seed": SEED, "accounts_out": str(outputs[engine])}},
            label=f"age_book on {label}, {loans:,} loans")
        row = {"engine": engine, "status": measured.status, "wall_seconds": measured.wall_seconds,
               "cpu_seconds": measured.cpu_seconds, "peak_mib": measured.peak_mib,
               "load_average": measured.load_average}
        if measured.ok:
            row.update({key: measured.result[key] for key in ("seconds", "stage_seconds", "rounds", "accounts",
                                                              "rows", "python_peak_mib", "java_peak_mib")})
        else:
            row["problem"] = measured.problem
        rows.append(row)
    table = Table(title=f"spark — the ageing alone, {loans:,} generated loans, same inputs on both engines")
    for column in ("engine", "seconds", *STAGES, "#rounds", "python MiB", "java MiB", "load avg"):
        table.add_column(column, justify="left" if column == "engine" else "right")
    for row in rows:
        if row["status"] != "ok":
            table.add_row(row["engine"], f"[red]{row['status']}: {row['problem'][:60]}[/]", *[""] * 10)
            continue
        stages = row["stage_seconds"]
        table.add_row(row["engine"], f"{row['seconds']:.1f}", *[f"{stages.get(name, 0):.1f}" for name in STAGES],
                      str(row["rounds"]), f"{row['python_peak_mib']:,.0f}", f"{row['java_peak_mib']:,.0f}",
                      f"{row['load_average']:.1f}")
    runner.console.print(table)
    output: dict = {"loans": loans, "rows": rows}
    if all(row["status"] == "ok" for row in rows):
        output["comparison"] = _same(outputs["duckdb"], outputs["spark"])
        output["ratio"] = rows[1]["seconds"] / rows[0]["seconds"]
        word = "[green]yes[/]" if output["comparison"]["identical"] else "[red]no[/]"
        runner.console.print(f"  identical in every column: {word}; Spark ÷ DuckDB: {output['ratio']:.1f}×")
    return output
