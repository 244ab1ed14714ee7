"""Stages that are timed, and outputs that are checked rather than trusted."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.compute as pc

from arrears.errors import EngineError


class StageTimer:
    """Records how long each named stage took, in order."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self._seconds[name] = self._seconds.get(name, 0.0) + time.perf_counter() - started

    def seconds(self) -> dict[str, float]:
        return {name: round(value, 4) for name, value in self._seconds.items()}


def check_aged_accounts(accounts: pa.Table, loan_ids: pa.Array) -> None:
    """The engine's output must have one row per loan, no negative amount, and a balance that adds up."""
    problems: list[str] = []
    if accounts.num_rows != len(loan_ids) or pc.count_distinct(accounts["loan_id"]).as_py() != accounts.num_rows:
        problems.append(f"{accounts.num_rows} rows for {len(loan_ids)} loans")
    for name in (
        "days_past_due",
        "overdue_principal",
        "overdue_interest",
        "fee_outstanding",
        "penalty_outstanding",
        "principal_outstanding",
        "credit",
        "charges_withheld",
    ):
        if accounts.num_rows and pc.min(accounts[name]).as_py() < 0:
            problems.append(f"negative {name}")
    if accounts.num_rows:
        parts = pc.add(
            pc.add(accounts["principal_outstanding"], accounts["fee_outstanding"]), accounts["penalty_outstanding"]
        )
        if pc.any(pc.less(accounts["balance"], parts)).as_py():
            problems.append("balance below its parts")
    if problems:
        raise EngineError(
            "夜间账龄结果未通过检查：" + "；".join(problems),
            "the nightly cycle's output failed its checks: " + "; ".join(problems),
        )
