"""The propensity model at scale: features, training and scoring at 1,000,000 accounts in arrears.

    python -m bench --only model [--scale small]

A synthetic book is made in memory as the tables the features read (the cycle's state history,
payments with reversals, contact attempts, promises, plans, holds), 60 days deep: every account is
in arrears, some pay on a rhythm and some at random, and are reached or not. Measured, each in a
process of its own:
- training: the features and labels of the day 30 days before the last (set-based, DuckDB), then
  LightGBM's single head fitted on every row (the card's measures are not part of the time);
- scoring: the features of the last day and the promoted model's probabilities for every account.
- the optimiser: one day's allocation (six actions, four capacities, one action in ten blocked)
  solved by HiGHS (`intelligence.optimiser.allocate`).
Times are reported, never asserted.
"""

from __future__ import annotations

import datetime as dt
import time

from rich.table import Table

from bench import runner

ACCOUNTS = 1_000_000
DAYS = 60
FIRST = dt.date(2026, 1, 1)


def synthetic_sources(accounts: int, seed: int = 1):
    import numpy as np
    import pyarrow as pa

    from arrears.intelligence.features import Sources

    rng = np.random.default_rng(seed)
    ids = np.arange(1, accounts + 1, dtype=np.int64)
    payer = rng.random(accounts) < 0.35
    start_dpd = rng.integers(1, 120, accounts)
    days = np.arange(DAYS)
    loan_col = np.repeat(ids, DAYS)
    day_col = np.tile(days, accounts)
    dpd = np.repeat(start_dpd, DAYS) + day_col
    overdue = np.repeat(rng.integers(1_000, 500_000, accounts), DAYS)
    dates = pa.array((np.datetime64(FIRST) + day_col).astype("datetime64[D]"), pa.date32())
    bucket = pa.array(np.char.add("M", np.minimum(1 + dpd // 30, 6).astype(str)))
    states = pa.table({
        "loan_id": loan_col, "as_of": dates, "days_past_due": dpd, "bucket": bucket,
        "status": pa.array(np.full(len(loan_col), "delinquent")),
        "overdue_principal": overdue, "overdue_interest": overdue // 20, "fee_outstanding": np.full(len(loan_col), 5_000),
        "penalty_outstanding": overdue // 50, "principal_outstanding": overdue * 3, "balance": overdue * 4,
    })
    # payments: payers every 10 days (offset by account), others at random; one in 40 reversed
    pay_mask = np.where(np.repeat(payer, DAYS), (day_col + loan_col) % 10 == 0, rng.random(len(loan_col)) < 0.02)
    pay_loans, pay_days = loan_col[pay_mask], day_col[pay_mask]
    amounts = (overdue[pay_mask] * 0.3).astype(np.int64) + 1
    pay_ids = np.arange(1, len(pay_loans) + 1, dtype=np.int64)
    reversed_rows = rng.random(len(pay_ids)) < 0.025
    rev_ids = np.arange(len(pay_ids) + 1, len(pay_ids) + 1 + reversed_rows.sum(), dtype=np.int64)
    rev_days = np.minimum(pay_days[reversed_rows] + 2, DAYS - 1)
    payments = pa.table({
        "id": np.concatenate([pay_ids, rev_ids]),
        "loan_id": np.concatenate([pay_loans, pay_loans[reversed_rows]]),
        "amount": np.concatenate([amounts, -amounts[reversed_rows]]),
        "value_date": pa.array((np.datetime64(FIRST) + np.concatenate([pay_days, rev_days])).astype("datetime64[D]"),
                               pa.date32()),
        "channel": pa.array(np.concatenate([np.full(len(pay_ids), "bank"), np.full(len(rev_ids), "reversal")])),
        "reverses_id": pa.array(np.concatenate([np.full(len(pay_ids), -1), pay_ids[reversed_rows]]),
                                mask=np.concatenate([np.ones(len(pay_ids), bool), np.zeros(len(rev_ids), bool)])),
    })
    # one attempt a day on average: an SMS or a call, reached for a share of the calls
    attempt_mask = rng.random(len(loan_col)) < 0.5
    channel = np.where(rng.random(attempt_mask.sum()) < 0.6, "sms", "call")
    reached = (channel == "call") & (rng.random(len(channel)) < np.where(payer[loan_col[attempt_mask] - 1], 0.5, 0.2))
    outcome = np.where(channel == "sms", "delivered", np.where(reached, "right_party_contact", "no_answer"))
    attempts = pa.table({
        "loan_id": loan_col[attempt_mask], "channel": pa.array(channel), "state": pa.array(np.full(len(channel), "done")),
        "outcome": pa.array(outcome),
        "day": pa.array((np.datetime64(FIRST) + day_col[attempt_mask]).astype("datetime64[D]"), pa.date32()),
    })
    empty_days = pa.array([], pa.date32())
    loans = pa.table({
        "loan_id": ids, "external_id": pa.array([f"L{i}" for i in ids]),
        "product": pa.array(np.where(rng.random(accounts) < 0.5, "CASH", "POS")),
        "principal": rng.integers(100_000, 5_000_000, accounts), "term_months": rng.choice([6, 12, 24], accounts),
        "annual_rate_bp": np.full(accounts, 1800), "start_date": pa.array(
            (np.datetime64(FIRST) - rng.integers(30, 700, accounts)).astype("datetime64[D]"), pa.date32()),
    })
    promises = pa.table({"loan_id": pa.array([], pa.int64()), "promised_on": empty_days, "due_date": empty_days,
                         "state": pa.array([], pa.string()), "judged_on": empty_days})
    plans = pa.table({"loan_id": pa.array([], pa.int64()), "day": empty_days, "broken_on": empty_days})
    holds = pa.table({"loan_id": pa.array([], pa.int64()), "kind": pa.array([], pa.string()), "day": empty_days})
    last = FIRST + dt.timedelta(days=DAYS - 1)
    return Sources(last=last, states=states, loans=loans, payments=payments, attempts=attempts, promises=promises,
                   plans=plans, holds=holds)


def measure(arguments: dict) -> dict:
    """In the worker's process: make the book, then time features, training and scoring."""
    import numpy as np

    from arrears.intelligence.features import compute
    from arrears.intelligence.training import Encoder, fit_booster

    accounts = int(arguments["accounts"])
    began = time.perf_counter()
    sources = synthetic_sources(accounts)
    made = time.perf_counter() - began
    last = sources.last
    train_day = last - dt.timedelta(days=30)

    began = time.perf_counter()
    table = compute(sources, [train_day], horizon=30, share_pct=50)
    train_features = time.perf_counter() - began
    encoder = Encoder.fit(table)
    x = encoder.matrix(table)
    y = np.array(table.column("label").to_pylist(), dtype=int)
    began = time.perf_counter()
    booster = fit_booster(x, y, seed=1)
    fit = time.perf_counter() - began

    began = time.perf_counter()
    scoring_table = compute(sources, [last])
    score_features = time.perf_counter() - began
    began = time.perf_counter()
    p = booster.predict(encoder.matrix(scoring_table))
    predict = time.perf_counter() - began
    return {"accounts": accounts, "rows_trained": int(table.num_rows), "positive_rate": round(float(y.mean()), 4),
            "rows_scored": int(scoring_table.num_rows), "mean_probability": round(float(p.mean()), 4),
            "book_seconds": round(made, 2), "train_features_seconds": round(train_features, 2),
            "fit_seconds": round(fit, 2), "score_features_seconds": round(score_features, 2),
            "predict_seconds": round(predict, 2),
            "train_seconds": round(train_features + fit, 2), "score_seconds": round(score_features + predict, 2)}


def solve(arguments: dict) -> dict:
    """In the worker's process: one day's allocation over `accounts` accounts and six actions."""
    import numpy as np

    from arrears.intelligence.optimiser import Capacity, allocate

    n = int(arguments["accounts"])
    rng = np.random.default_rng(1)
    values = np.column_stack([np.zeros(n)] + [rng.normal(mean, spread, n) for mean, spread in
                                              ((5, 5), (40, 60), (60, 90), (80, 150), (100, 300))])
    allowed = rng.random((n, 6)) > 0.1  # one action in ten blocked by the guard
    capacities = [Capacity("calls", n // 20, (2,)), Capacity("plan offers", n // 100, (3,)),
                  Capacity("agencies", n // 10, (4,)), Capacity("visits", n // 500, (5,))]
    began = time.perf_counter()
    chosen = allocate(values, allowed, capacities)
    seconds = time.perf_counter() - began
    return {"accounts": n, "solve_seconds": round(seconds, 2),
            "chosen": {name: int(count) for name, count in zip(("none", "sms", "call", "plan_offer", "agency", "visit"),
                                                                 np.bincount(chosen, minlength=6), strict=True)}}


def run(ws: runner.Workspace, with_postgres: bool) -> dict:
    accounts = ws.sized(ACCOUNTS)
    solved = ws.run("call", {"function": "bench.suite_model:solve", "arguments": {"accounts": accounts}},
                    label=f"optimiser: one day's allocation over {accounts:,} accounts (HiGHS)")
    measured = ws.run("call", {"function": "bench.suite_model:measure", "arguments": {"accounts": accounts}},
                      label=f"propensity model: features, training and scoring at {accounts:,} accounts")
    notes = ["in memory (Arrow tables as the database would hand them over); the database read is not timed"]
    if with_postgres:
        notes.append("PostgreSQL: not measured separately (the features run in DuckDB whichever the database)")
    if not measured.ok:
        return {"status": "error", "problem": measured.problem, "notes": notes}
    result = {k: v for k, v in measured.result.items() if k not in ("status", "code", "self_peak_mib")}
    result["optimiser"] = ({"status": "ok", "solve_seconds": solved.result["solve_seconds"], "peak_mib": solved.peak_mib,
                            "chosen": solved.result["chosen"]} if solved.ok else {"status": solved.status})
    table = Table(title=f"propensity model at {accounts:,} accounts in arrears (wall seconds)")
    for column in ("step", "seconds"):
        table.add_column(column)
    for step in ("train_features_seconds", "fit_seconds", "score_features_seconds", "predict_seconds"):
        table.add_row(step.removesuffix("_seconds").replace("_", " "), f"{result[step]:.1f}")
    table.add_row("peak MiB", f"{measured.peak_mib:,.0f}")
    table.add_row("optimiser solve", f"{solved.result['solve_seconds']:.1f}" if solved.ok else solved.status)
    runner.console.print(table)
    return {"status": "ok", **result, "peak_mib": measured.peak_mib, "cpu_seconds": measured.cpu_seconds,
            "notes": notes}
