"""The day's candidate actions, set-based: segment, arm, then every cadence step due today.

    actions = plan_actions(facts_table, strategy)   # an Ibis table

Each action carries the strategy, segment, arm and the rule (segment and cadence step) that
produced it. The compliance guard decides on them afterwards.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from arrears.strategy.assign import assign_segments
from arrears.strategy.model import Arm, Strategy

ACTION_COLUMNS = ("loan_id", "strategy", "segment_id", "owner", "arm", "rule", "channel", "template", "attempts")

_STEP_SCHEMA = pa.schema(
    [
        ("segment_id", pa.string()),
        ("arm", pa.string()),
        ("rule", pa.string()),
        ("channel", pa.string()),
        ("template", pa.string()),
        ("attempts", pa.int64()),
        ("on_dpd", pa.int64()),
        ("every", pa.int64()),
        ("from_dpd", pa.int64()),
    ]
)


def cadence_steps(strategy: Strategy) -> pa.Table:
    """Every cadence step of every segment and arm, one row per listed DPD or per `every` step."""
    rows = []
    for segment in strategy.segments:
        arms = [Arm.CHAMPION] + ([Arm.CHALLENGER] if segment.challenger else [])
        for arm in arms:
            for number, action in enumerate(segment.cadence_for(arm), start=1):
                rule = f"{strategy.name}/v{strategy.version}/{segment.id}/{arm.value}/{number}"
                base = {
                    "segment_id": segment.id,
                    "arm": arm.value,
                    "rule": rule,
                    "channel": action.channel.value,
                    "template": action.template,
                    "attempts": action.attempts,
                }
                if action.every is None:
                    rows.extend({**base, "on_dpd": dpd, "every": None, "from_dpd": None} for dpd in action.on_dpd)
                else:
                    rows.append({**base, "on_dpd": None, "every": action.every, "from_dpd": action.from_dpd or 0})
    return pa.Table.from_pylist(rows, schema=_STEP_SCHEMA)


def plan_actions(facts: ir.Table, strategy: Strategy) -> ir.Table:
    assigned = assign_segments(facts, strategy).filter(lambda t: t.segment_id.notnull())
    with_dpd = assigned.inner_join(facts.select("loan_id", "dpd"), "loan_id")
    steps = ibis.memtable(cadence_steps(strategy))
    joined = with_dpd.inner_join(
        steps, [with_dpd.segment_id == steps.segment_id, with_dpd.arm == steps.arm]
    )
    due = ibis.ifelse(
        joined.every.isnull(),
        joined.on_dpd == joined.dpd,
        (joined.dpd >= joined.from_dpd) & ((joined.dpd - joined.from_dpd) % joined.every == 0),
    )
    chosen = joined.filter(due.fill_null(False))
    return chosen.select(
        "loan_id",
        strategy=ibis.literal(f"{strategy.name} v{strategy.version}"),
        segment_id=chosen.segment_id,
        owner=chosen.owner,
        arm=chosen.arm,
        rule=chosen.rule,
        channel=chosen.channel,
        template=chosen.template,
        attempts=chosen.attempts,
    )
