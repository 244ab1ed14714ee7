"""Segment assignment: the first segment whose condition matches, for every account at once or for one.

    >>> from arrears.strategy.document import default_strategy
    >>> segment_for({"loan_id": 7, "dpd": 2, ...}, default_strategy()).segment_id  # doctest: +SKIP
    'early_reminder'

`assign_segments` (set-based, an Ibis expression) and `segment_for` (one account, Python) are
the same definition; the tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from arrears.strategy.arms import arm_bucket_expression, arm_for
from arrears.strategy.compilation import to_ibis
from arrears.strategy.evaluation import evaluate
from arrears.strategy.model import Arm, Owner, Strategy

ASSIGNMENT_COLUMNS = ("loan_id", "segment_id", "owner", "priority", "arm")


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one account falls; every field but `loan_id` is None when no segment matches."""

    loan_id: int | str
    segment_id: str | None
    owner: Owner | None
    priority: int | None
    arm: Arm | None


def segment_for(facts: Mapping[str, object], strategy: Strategy) -> Assignment:
    """The assignment of the account whose facts (with its `loan_id`) are `facts`."""
    loan_id = facts["loan_id"]
    for segment in strategy.segments:
        if evaluate(segment.when, facts):
            arm = Arm.CHAMPION
            if segment.challenger is not None:
                arm = arm_for(loan_id, strategy.name, segment.id, segment.challenger.share)
            return Assignment(loan_id, segment.id, segment.owner, segment.priority, arm)
    return Assignment(loan_id, None, None, None, None)


def assign_segments(accounts: ir.Table, strategy: Strategy) -> ir.Table:
    """Columns `loan_id, segment_id, owner, priority, arm`, one row per row of `accounts`.

    `accounts` holds `loan_id` and the fact columns the strategy's conditions read.
    """
    segments = strategy.segments
    matched = ibis.cases(
        *((to_ibis(segment.when, accounts), position) for position, segment in enumerate(segments)),
        else_=ibis.null("int64"),
    )
    t = accounts.select(loan_id=accounts.loan_id, segment_position=matched.cast("int64"))
    position = t.segment_position

    def by_segment(values, dtype: str, default=None) -> ir.Value:
        branches = [(index, ibis.literal(value, dtype)) for index, value in values]
        fallback = ibis.null(dtype) if default is None else ibis.literal(default, dtype)
        if not branches:
            return fallback
        return position.cases(*branches, else_=fallback)

    challenged = [(i, s) for i, s in enumerate(segments) if s.challenger is not None]
    prefix = by_segment(((i, f"{strategy.name}:{s.id}:") for i, s in challenged), "string")
    share = by_segment(((i, s.challenger.share) for i, s in challenged), "int64", default=0)
    if challenged:
        # Rows outside a challenged segment hash a null prefix: a null bucket, the champion.
        in_challenger = arm_bucket_expression(t.loan_id, prefix) < share
    else:
        in_challenger = ibis.literal(False)
    arm = ibis.cases(
        (position.isnull(), ibis.null("string")),
        (in_challenger.fill_null(False), ibis.literal(Arm.CHALLENGER.value)),
        else_=ibis.literal(Arm.CHAMPION.value),
    )
    return t.select(
        "loan_id",
        segment_id=by_segment(((i, s.id) for i, s in enumerate(segments)), "string"),
        owner=by_segment(((i, s.owner.value) for i, s in enumerate(segments)), "string"),
        priority=by_segment(((i, s.priority) for i, s in enumerate(segments)), "int64"),
        arm=arm,
    )
