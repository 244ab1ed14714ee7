"""`plan(as_of)`: the day's actions for every account, judged by the guard, stored with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Max, Min

from arrears.bulk import BulkConnection
from arrears.compliance.lender import lender_profile
from arrears.cycle.models import AccountState, CycleRun
from arrears.errors import InputError
from arrears.strategy import guarding
from arrears.strategy.facts_source import read_facts
from arrears.strategy.planning import plan_actions
from arrears.strategy.versions import strategy_in_force


@dataclass(frozen=True)
class PlanOutcome:
    as_of: dt.date
    strategy: str
    accounts: int
    actions: int
    allowed: int
    blocked: int
    blocks_by_rule: dict[str, int]
    seconds: dict[str, float]

    def summary(self) -> str:
        rules = ", ".join(f"{rule} {count}" for rule, count in sorted(self.blocks_by_rule.items())) or "—"
        return (
            f"{self.as_of}：策略 {self.strategy}，{self.accounts} 个账户，计划 {self.actions} 个动作，"
            f"放行 {self.allowed}，拦截 {self.blocked}（{rules}）\n"
            f"{self.as_of}: strategy {self.strategy}, {self.accounts} accounts, {self.actions} actions planned, "
            f"{self.allowed} allowed, {self.blocked} blocked ({rules})"
        )


def run_plan(as_of: dt.date, *, profile_name: str | None = None) -> PlanOutcome:
    """Plan `as_of` from the states the nightly cycle stored for it; refused when they are of another day."""
    import time

    timings: dict[str, float] = {}
    started = time.perf_counter()
    require_aged(as_of)
    strategy = strategy_in_force(as_of)
    profile = lender_profile(profile_name)
    from arrears.audit.profiles import note_profile_in_force

    note_profile_in_force(profile)  # a changed profile or policy is logged before it judges anything
    with BulkConnection.for_django() as db:
        facts = read_facts(db, as_of)
        timings["facts"] = time.perf_counter() - started
        backend = ibis.duckdb.connect()
        actions = backend.to_pyarrow(plan_actions(ibis.memtable(facts), strategy))
        actions = actions.append_column("action_id", pa.array(range(1, actions.num_rows + 1), pa.int64()))
        timings["plan"] = time.perf_counter() - started - sum(timings.values())
        decisions = guarding.decide(db, actions, facts, as_of, profile)
        timings["guard"] = time.perf_counter() - started - sum(timings.values())
        rows = _stored_rows(actions, decisions, as_of)
        db.execute(f"DELETE FROM strategy_plannedaction WHERE as_of = '{as_of.isoformat()}'")
        db.ingest("strategy_plannedaction", rows)
        db.commit()
        timings["write"] = time.perf_counter() - started - sum(timings.values())
    blocked = rows.filter(pc.invert(rows.column("allowed")))
    counts: dict[str, int] = {}
    for ids in blocked.column("blocked_by").to_pylist():
        for rule in filter(None, ids.split(",")):
            counts[rule] = counts.get(rule, 0) + 1
    return PlanOutcome(
        as_of=as_of,
        strategy=f"{strategy.name} v{strategy.version}",
        accounts=facts.num_rows,
        actions=rows.num_rows,
        allowed=rows.num_rows - blocked.num_rows,
        blocked=blocked.num_rows,
        blocks_by_rule=counts,
        seconds={name: round(value, 3) for name, value in timings.items()},
    )


def require_aged(as_of: dt.date) -> None:
    """The plan reads tonight's states: they must be those of `as_of`, or the plan would act on
    another day's days past due. An empty book is aged once the day's cycle has finished."""
    aged = AccountState.objects.aggregate(first=Min("as_of"), last=Max("as_of"))
    if aged["first"] == as_of and aged["last"] == as_of:
        return
    if aged["last"] is None and CycleRun.objects.filter(as_of=as_of, finished_at__isnull=False).exists():
        return
    raise stale_states_error(as_of, aged["last"])


def stale_states_error(as_of: dt.date, last_aged: dt.date | None) -> InputError:
    command = f"arrears cycle --as-of {as_of}"
    if last_aged is None:
        return InputError(
            f"无法生成 {as_of} 的计划：夜间账龄计算尚未运行过。请先运行 {command}",
            f"cannot plan {as_of}: the nightly cycle has not been run yet. Run {command} first",
        )
    return InputError(
        f"无法生成 {as_of} 的计划：当前账户状态截至 {last_aged}，{as_of} 的夜间账龄计算尚未运行。请先运行 {command}",
        f"cannot plan {as_of}: the stored account states are as of {last_aged}; the nightly cycle has not "
        f"been run for {as_of}. Run {command} first",
    )


def _stored_rows(actions: pa.Table, decisions: pa.Table, as_of: dt.date) -> pa.Table:
    def flattened(column: str, separator: str) -> pa.Array:
        # Arrow joins cannot carry list columns: lists become text first
        return pa.array([separator.join(v) if v else "" for v in decisions.column(column).to_pylist()], pa.string())

    decided = pa.table(
        {
            "action_id": pc.cast(decisions.column("action_id"), pa.int64()),
            "allowed": decisions.column("allowed"),
            "rule_ids": flattened("rule_ids", ","),
            "reasons_zh": flattened("reasons_zh", "；"),
            "reasons_en": flattened("reasons_en", "; "),
        }
    )
    joined = actions.join(decided, "action_id", join_type="left outer").sort_by("action_id")
    allowed = pc.fill_null(joined.column("allowed"), True)  # review tasks reach no one

    def joined_text(column: str) -> pa.Array:
        return pc.fill_null(joined.column(column), "")

    return pa.table(
        {
            "as_of": pa.array([as_of] * joined.num_rows, pa.date32()),
            "loan_id": joined.column("loan_id"),
            "strategy": joined.column("strategy"),
            "segment": joined.column("segment_id"),
            "owner": joined.column("owner"),
            "arm": joined.column("arm"),
            "rule": joined.column("rule"),
            "channel": joined.column("channel"),
            "template": joined.column("template"),
            "attempts": pc.cast(joined.column("attempts"), pa.int64()),
            "allowed": allowed,
            "blocked_by": joined_text("rule_ids"),
            "reasons_zh": joined_text("reasons_zh"),
            "reasons_en": joined_text("reasons_en"),
        }
    )
