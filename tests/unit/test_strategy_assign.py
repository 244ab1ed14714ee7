"""Segment assignment: set-based over a table (Ibis on DuckDB) equals one account at a time."""

from __future__ import annotations

import random

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.strategy import ASSIGNMENT_COLUMNS, assign_segments, default_strategy, fact_schema, load_strategy, segment_for
from tests.unit.test_strategy_agreement import account_rows

# Flags mostly off and many early days, so that every segment of the default strategy is reached.
MOSTLY_OFF = st.sampled_from([False] * 8 + [True, None])
ROWS = account_rows(
    max_size=60,
    dpd=st.one_of(st.integers(0, 40), st.integers(0, 200)),
    **{flag: MOSTLY_OFF for flag in ("hardship", "dispute", "promise_pending", "plan_active", "unreachable")},
)
ASSIGNMENT = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHALLENGED = load_strategy(
    """
name: split
version: 1
segments:
  - id: unknown_score
    label_zh: 无评分
    label_en: No score
    when: score is null and dpd >= 1
    owner: internal_queue
    priority: 5
    cadence: []
    challenger: {name: try_sms, share: 50, cadence: [{channel: sms, template: t, on_dpd: [1]}]}
  - id: money
    label_zh: 金额大
    label_en: Large amount
    when: overdue_amount > 5000 or hardship
    owner: agency_pool
    priority: 7
    cadence: []
  - id: low_score
    label_zh: 低分
    label_en: Low score
    when: score < 400
    owner: visit_review
    priority: 9
    cadence: []
    challenger: {name: other, share: 30, cadence: []}
"""
)


@pytest.fixture(scope="module")
def duckdb():
    return ibis.duckdb.connect()


def facts_table(rows: list[dict]) -> ibis.Table:
    return ibis.memtable(pa.Table.from_pylist(rows, schema=fact_schema().to_pyarrow()))


def set_based(connection, rows, strategy) -> list[dict]:
    query = assign_segments(facts_table(rows), strategy).order_by("loan_id")
    return connection.to_pyarrow(query).to_pylist()


def one_by_one(rows, strategy) -> list[dict]:
    result = []
    for row in rows:
        assignment = segment_for(row, strategy)
        result.append(
            {
                "loan_id": assignment.loan_id,
                "segment_id": assignment.segment_id,
                "owner": assignment.owner and assignment.owner.value,
                "priority": assignment.priority,
                "arm": assignment.arm and assignment.arm.value,
            }
        )
    return result


@ASSIGNMENT
@given(rows=ROWS)
def test_set_based_assignment_equals_one_account_at_a_time(duckdb, rows):
    for strategy in (default_strategy(), CHALLENGED):
        assert set_based(duckdb, rows, strategy) == one_by_one(rows, strategy)


def test_the_assignment_has_the_documented_columns(duckdb):
    table = assign_segments(facts_table([]), default_strategy())
    assert tuple(table.columns) == ASSIGNMENT_COLUMNS
    assert table.schema()["priority"].is_integer()


def test_challengers_appear_in_the_set_based_result(duckdb):
    # given 400 accounts with no score, all in the 50 % split segment
    rows = [{"loan_id": i, "dpd": 10, "score": None} for i in range(1, 401)]
    full = [{**{name: None for name in fact_schema()}, **row} for row in rows]
    # when
    arms = [row["arm"] for row in set_based(duckdb, full, CHALLENGED)]
    # then
    assert 150 < arms.count("challenger") < 250
    assert arms == [row["arm"] for row in one_by_one(full, CHALLENGED)]


def random_book(size: int, seed: int) -> list[dict]:
    """A book where every stage of the default strategy occurs, nulls included."""
    rng = random.Random(seed)

    def flag(p_true: float) -> bool | None:
        draw = rng.random()
        return None if draw < 0.03 else draw < 0.03 + p_true

    return [
        {
            "loan_id": i,
            "dpd": rng.choice([rng.randint(0, 35), rng.randint(0, 200)]),
            "bucket": rng.choice(["M0", "M1", "M2", "M3"]),
            "overdue_amount": rng.randint(0, 3_000_000),
            "balance": rng.randint(0, 5_000_000),
            "principal_outstanding": rng.randint(0, 5_000_000),
            "product": rng.choice(["cash", "pos"]),
            "score": rng.choice([None, rng.randint(0, 1000)]),
            "status": rng.choice(["delinquent"] * 9 + ["charged_off"]),
            "hardship": flag(0.05),
            "dispute": flag(0.03),
            "unreachable": flag(0.2),
            "address_verified": flag(0.6),
            "promise_pending": flag(0.05),
            "plan_active": flag(0.05),
            "refusal_count": rng.randint(0, 5),
            "failed_contacts": rng.randint(0, 6),
            "broken_promises": rng.randint(0, 3),
        }
        for i in range(1, size + 1)
    ]


def test_a_whole_book_reaches_every_stage_and_both_ways_agree(duckdb):
    # given
    rows = random_book(3000, seed=20260301)
    strategy = default_strategy()
    # when
    expected = one_by_one(rows, strategy)
    # then
    assert set_based(duckdb, rows, strategy) == expected
    reached = {row["segment_id"] for row in expected}
    assert reached == {segment.id for segment in strategy.segments} | {None}
    assert {row["arm"] for row in expected} == {"champion", "challenger", None}


@pytest.mark.postgres
def test_postgresql_assigns_the_same_segments(postgres_url):
    rows = random_book(500, seed=7)
    strategy = default_strategy()
    assert set_based(ibis.connect(postgres_url), rows, strategy) == one_by_one(rows, strategy)
