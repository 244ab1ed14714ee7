"""Builders shared by the compliance tests, and judging a plan both ways at once."""

from __future__ import annotations

import datetime as dt
import functools

import ibis
import pytest

from arrears.compliance.context import Action, Attempt, ContactPoint, Context
from arrears.compliance.frames import decide_frame
from arrears.compliance.rules import decide
from arrears.compliance.tables import action_table, context_tables, history_table

UTC = dt.timezone.utc


@functools.cache
def duckdb():
    return ibis.duckdb.connect()


def local(zone: str, *args) -> dt.datetime:
    """An aware instant from a wall-clock time in `zone`."""
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def action(when: dt.datetime, zone: str, **overrides) -> Action:
    """A debtor call about loan L1 at the naive wall-clock time `when` in `zone`."""
    fields = dict(
        action_id="a1",
        debtor_id="d1",
        loan_id="L1",
        debt_id="L1",
        party="debtor",
        relation="self",
        channel="call",
        contact_point_id="tel-1",
        template_kind="collection",
    )
    fields.update(overrides)
    return Action.planned_at_local(when, zone, **fields)


def call(attempt_id: str, at: dt.datetime, *, outcome="unanswered", debt_ids=("L1",), **overrides) -> Attempt:
    fields = dict(
        attempt_id=attempt_id,
        at_utc=at,
        channel="call",
        contact_point_id="tel-1",
        outcome=outcome,
        debt_ids=debt_ids,
        loan_id="L1",
    )
    fields.update(overrides)
    return Attempt(**fields)


def debtor_context(**overrides) -> Context:
    """Debtor d1 with good, verified, consented contact points tel-1, tel-2 and home-1."""
    fields = dict(
        debtor_id="d1",
        contact_points=tuple(
            ContactPoint(contact_point_id=point, consent=True, verified=True) for point in ("tel-1", "tel-2", "home-1")
        ),
    )
    fields.update(overrides)
    return Context(**fields)


def judge_both(actions, contexts, profile):
    """Judge `actions` one by one and as a frame; fail unless the two ways agree exactly.
    Returns {action_id: Decision}."""
    by_debtor = {c.debtor_id: c for c in contexts}
    single = {a.action_id: decide(a, by_debtor[a.debtor_id], profile) for a in actions}
    frame = decide_frame(
        action_table(actions), history_table(contexts), context_tables(contexts), profile, backend=duckdb()
    )
    rows = {row["action_id"]: row for row in frame.to_pylist()}
    assert set(rows) == set(single)
    for action_id, decision in single.items():
        row = rows[action_id]
        assert row["allowed"] == decision.allowed, (action_id, row, decision)
        assert tuple(row["rule_ids"]) == decision.rule_ids, (action_id, row, decision)
        assert tuple(row["reasons_en"]) == tuple(v.reason_en for v in decision.violations)
        assert tuple(row["reasons_zh"]) == tuple(v.reason_zh for v in decision.violations)
    return single


def test_tables_carry_one_history_row_per_debt_discussed():
    # given an attempt about two debts and one about none
    context = debtor_context(
        history=(
            call("h1", dt.datetime(2026, 3, 2, 2, tzinfo=UTC), debt_ids=("A", "B")),
            call("h2", dt.datetime(2026, 3, 2, 3, tzinfo=UTC), debt_ids=()),
        )
    )
    # when
    table = history_table([context])
    # then
    assert table.column("attempt_id").to_pylist() == ["h1", "h1", "h2"]
    assert table.column("debt_id").to_pylist() == ["A", "B", None]


def test_context_tables_refuse_two_contexts_for_one_debtor():
    from arrears.errors import InputError

    with pytest.raises(InputError):
        context_tables([debtor_context(), debtor_context()])
