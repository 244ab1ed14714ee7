"""`python -m bench.report [DIR]`: the saved results (bench/results/*.json) as Markdown tables,
for docs/benchmarks.md or a pull request."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.runner import RESULTS, STAGES


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _n(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def render(directory: Path = RESULTS) -> str:
    out: list[str] = []

    def load(name: str) -> dict | None:
        path = directory / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    saved = [r for r in map(load, ("import", "cycle", "compute", "reference")) if r]
    if saved:
        about = saved[0]["machine"]
        out.append(f"Measured {about['date'][:10]} on {about['cores']} cores, {about['memory']}, {about['platform']}, "
                   f"Python {about['python']}, DuckDB {about['duckdb']}.")
        versions = sorted({version for r in saved for version in r.get("code_versions", {})})
        if versions:
            out.append(f"Code measured: {', '.join(versions)}.")
    data = load("import")
    if data:
        rows = []
        for row in data["rows"]:
            if row["status"] != "ok":
                rows.append([row["database"], row["feed"], "", "", "", _n(row["peak_mib"], 0), f"{row['status']}: {row['problem']}"])
                continue
            written = (f"{row['instalments']:,} instalments, {row['borrowers']:,} borrowers" if row["feed"] == "loans" else "")
            rows.append([row["database"], row["feed"], _n(row["rows_read"]), _n(row["seconds"]),
                         _n(row["rows_per_second"], 0), _n(row["peak_mib"], 0), written])
        out += ["", "**import** (1,000,000 loans, 12 instalments each)", "",
                _table(["database", "feed", "rows", "seconds", "rows/s", "peak MiB", "also written"], rows)]
    data = load("cycle")
    if data:
        rows, notes = [], []
        for row in data["rows"]:
            if row["status"] != "ok":
                notes.append(f"{row['database']} / {row['engine']}, {row['accounts_in_book']:,}: {row['status']} — {row['problem']}")
                rows.append([row["database"], row["engine"], _n(row["accounts_in_book"]), row["status"]] + [""] * (len(STAGES) + 2)
                            + [_n(row.get("peak_mib"), 0) if "peak_mib" in row else ""])
                continue
            stages = row["stage_seconds"]
            loaded = row.get("peak_mib_by_stage", {}).get("load into DuckDB seconds")
            cells = [_n(stages.get(name)) for name in STAGES]
            cells.insert(1, _n(loaded))
            rows.append([row["database"], row["engine"], _n(row["accounts"]), _n(row["seconds"]), *cells,
                         str(stages.get("rounds_count", "")), _n(row["peak_mib"], 0)])
        out += ["", "**cycle** (`run_cycle`, as of 2026-05-01; seconds)", "",
                _table(["database", "engine", "accounts", "total", "read", "load", *STAGES[1:], "#rounds", "peak MiB"], rows)]
        out += [f"- {note}" for note in notes]
        marks = [row for row in data["rows"] if row["status"] == "ok" and row.get("peak_mib_by_stage")]
        if marks:
            names = ("read", "load into DuckDB", *STAGES[1:])
            out += ["", "Peak memory of the cycle process by the end of each stage (MiB):", "",
                    _table(["database", "engine", "accounts", *[name.replace(" into DuckDB", "") for name in names]],
                           [[row["database"], row["engine"], _n(row["accounts"]),
                             *[_n(row["peak_mib_by_stage"].get(name), 0) for name in names]] for row in marks])]
    data = load("compute")
    if data and data.get("rows"):
        rows = []
        for row in data["rows"]:
            if row["status"] != "ok":
                rows.append([row["implementation"], row["status"], "", "", "", "", _n(row["peak_mib"], 0)])
                continue
            stages = row["stage_seconds"]
            rows.append([row["implementation"], _n(row["seconds"]), _n(stages.get("compile")), _n(stages.get("events")),
                         _n(stages.get("rounds")), _n(stages.get("close")), _n(row["peak_mib"], 0)])
        out += ["", f"**compute** (the ageing alone on DuckDB, {data['accounts_in_book']:,} accounts, inputs loaded; seconds)", "",
                _table(["implementation", "total", "compile", "events", "rounds", "close", "peak MiB"], rows)]
        if "ratio" in data:
            comparison = data["comparison"]
            out += ["", f"Ratio engine/hand: **{data['ratio']:.2f}×** (budget ≤ 2×). Identical (days_past_due, balance, "
                        f"penalty_charged of all {comparison['engine_accounts']:,} accounts): "
                        f"**{'yes' if comparison['identical'] else 'no'}**"
                        + ("; every other column equal too." if comparison["all_columns_identical"] else
                           f"; differing accounts per column: {comparison['columns']}.")]
    data = load("reference")
    if data and data.get("status") == "ok":
        rows = [["reference (`ledger/reference.py`)", _n(data["loans"]), _n(data["seconds"], 2),
                 _n(data["loans_per_second"], 0), "1×"]]
        if data.get("engine_loans_per_second"):
            rows.append(["engine (`age_book` on DuckDB)", _n(data["engine_accounts"]), _n(data["engine_seconds"], 2),
                         _n(data["engine_loans_per_second"], 0), f"{data['speed_up']:,.0f}×"])
        out += ["", "**reference**", "", _table(["model", "loans", "seconds", "loans/s", "speed-up"], rows)]
        if data.get("compared_with_engine") is not None:
            out += ["", f"The reference equals the engine on all {data['compared_with_engine']:,} sampled accounts: "
                        f"**{'yes' if data['differ_from_engine'] == 0 else 'no'}**."]
    data = load("plan")
    if data and data.get("rows"):
        rows = []
        for row in data["rows"]:
            stages = ", ".join(f"{name} {value:.1f}" for name, value in row.get("stage_seconds", {}).items()
                               if isinstance(value, float))
            rows.append([row["step"], _n(row.get("seconds")) if row["status"] == "ok" else row["status"], stages or "—",
                         _n(row["peak_mib"], 0), _n(row.get("cpu_seconds"))])
        out += ["", f"**plan** ({data['accounts_in_book']:,} accounts, as of {data['as_of']})", "",
                _table(["step", "seconds", "stages", "peak MiB", "cpu s"], rows)]
        if data.get("ratio") is not None:
            out += ["", f"plan + guard ÷ cycle: **{data['ratio']:.2f}×** (budget ≤ 2×)."]
    data = load("nightly")
    if data and data.get("rows"):
        out += _nightly(data)
    data = load("demo")
    if data and data.get("rows"):
        out += _demo(data)
    return "\n".join(out) + "\n"


NIGHT_STEPS = ("feeds", "cycle", "judge", "plan", "outbox", "agencies", "visits", "legal", "queue")


def _nightly(data: dict) -> list[str]:
    out = []
    done = [row for row in data["rows"] if row["status"] == "ok"]
    seconds, memory = [], []
    for row in data["rows"]:
        if row["status"] != "ok":
            seconds.append([row["night"], f"{row['status']}: {row['problem']}"] + [""] * (len(NIGHT_STEPS) + 1))
            continue
        steps = {step["name"]: step for step in row["steps"]}
        seconds.append([row["night"], *[_n(steps[name]["seconds"]) if name in steps else "—" for name in NIGHT_STEPS],
                        _n(row["seconds"]), _n(row["budget_seconds"])])
        memory.append([row["night"], *[_n(steps[name]["peak_memory_mb"]) if name in steps else "—"
                                       for name in NIGHT_STEPS], _n(row["process_peak_mib"], 0)])
    out += ["", f"**nightly** (`arrears nightly`, {data['accounts_in_book']:,} accounts, SQLite, duckdb; seconds)", "",
            _table(["night", *NIGHT_STEPS, "total", "cycle+plan"], seconds),
            "", "Peak MiB by step (`NightlyStep.peak_memory_mb`) and of the night's process:", "",
            _table(["night", *NIGHT_STEPS, "process"], memory)]
    names: list[str] = []
    for row in done:
        names += [name for name, value in row["cycle_stages"].items() if isinstance(value, float) and name not in names]
    out += ["", "The cycle step's stages (`CycleRun.stage_seconds`, seconds):", "",
            _table(["night", *names, "#rounds", "carried", "accounts"],
                   [[row["night"], *[_n(row["cycle_stages"].get(name), 2) for name in names],
                     str(row["cycle_stages"].get("rounds_count", "—")), _n(row["cycle_stages"].get("carried", 0)),
                     _n(row["accounts"])] for row in done])]
    comparison = data.get("full_equals_carried")
    if comparison:
        out += ["", f"The full night's account states equal the carried night's (all {comparison['accounts']:,} "
                    f"accounts, every column): **{'yes' if comparison['identical'] else 'no'}**."]
    return out


def _demo(data: dict) -> list[str]:
    rows = []
    for row in data["rows"]:
        if row["status"] != "ok":
            rows.append([row["phase"], row["status"], row.get("problem", ""), _n(row["peak_mib"], 0)])
            continue
        if row["task"] == "demo_prepare":
            what = row.get("simulator_line", "")
        elif row["task"] == "demo_install":
            what = (f"pip: {row['downloaded']} downloaded, {row['from_cache']} from its cache, "
                    f"{row['from_local_files']} local files")
        else:
            what = ""
        rows.append([row["phase"], _n(row["seconds"]), what, _n(row["peak_mib"], 0)])
    if data.get("total_seconds") is not None:
        rows.append(["**total**", f"**{data['total_seconds']:.1f}**", f"budget ≤ {data['budget_seconds']:g} s", ""])
    out = ["", f"**demo** (from a fresh clone at {data['commit'][:7]}, `{data['demo']}`; wall seconds)", "",
           _table(["phase", "seconds", "what", "peak MiB"], rows)]
    if data.get("pip_cache"):
        out += ["", f"pip's cache: {data['pip_cache']}."]
    return out


if __name__ == "__main__":
    print(render(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS))
