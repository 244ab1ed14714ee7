"""The set-based guard's handling of its inputs: Ibis tables, bad rows, missing columns."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from arrears.compliance.frames import INVALID_ACTION, decide_frame
from arrears.compliance.profiles import load_profile
from arrears.compliance.tables import ACTIONS_SCHEMA, HISTORY_SCHEMA, ContextTables, action_table, context_tables, history_table
from arrears.errors import InputError
from tests.unit.test_compliance_agreement import PROFILES, plans
from tests.unit.test_compliance_fixtures import action, call, debtor_context, duckdb, local

SHANGHAI = "Asia/Shanghai"


@pytest.fixture(scope="module")
def cn():
    return load_profile("cn")


def plan():
    context = debtor_context(history=tuple(call(f"h{i}", local(SHANGHAI, 2026, 3, 3, 9 + i)) for i in range(6)))
    actions = [
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="capped"),
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="fine", contact_point_id="tel-2"),
        action(dt.datetime(2026, 3, 3, 23), SHANGHAI, action_id="late", contact_point_id="tel-2"),
    ]
    return actions, [context]


def test_ibis_tables_in_the_backend_give_the_same_decisions_as_arrow(cn):
    # given the same plan as Arrow tables and as tables already in DuckDB
    actions, contexts = plan()
    arrow = (action_table(actions), history_table(contexts), context_tables(contexts))
    con = duckdb()
    in_db = (
        con.create_table("guard_test_actions", obj=arrow[0], overwrite=True),
        con.create_table("guard_test_history", obj=arrow[1], overwrite=True),
    )
    # when
    from_arrow = decide_frame(*arrow, cn, backend=con)
    from_tables = decide_frame(*in_db, arrow[2], cn)
    # then
    assert from_arrow.to_pylist() == from_tables.to_pylist()
    assert {row["action_id"]: row["rule_ids"] for row in from_arrow.to_pylist()} == {
        "capped": ["cn.unanswered_per_contact_point"],
        "fine": [],
        "late": ["cn.contact_hours"],
    }
    assert [name for name in con.list_tables() if name.startswith("arrears_guard_")] == []


def test_a_row_the_guard_cannot_read_is_refused_not_dropped(cn):
    # given rows with an unknown channel, an unknown zone and a missing id
    actions, contexts = plan()
    good = action_table(actions[:1]).to_pylist()[0]
    rows = [
        good,
        {**good, "action_id": "fax", "channel": "fax"},
        {**good, "action_id": "mars", "time_zone": "Mars/Olympus"},
        {**good, "action_id": "no_loan", "loan_id": None},
        {**good, "action_id": "self_as_third", "party": "third_party"},
    ]
    table = pa.Table.from_pylist(rows, schema=ACTIONS_SCHEMA)
    # when
    decisions = decide_frame(table, history_table(contexts), context_tables(contexts), cn, backend=duckdb())
    # then every row comes back, the unreadable ones refused as such
    by_id = {row["action_id"]: row for row in decisions.to_pylist()}
    assert by_id["capped"]["rule_ids"] == ["cn.unanswered_per_contact_point"]
    for action_id in ("fax", "mars", "no_loan", "self_as_third"):
        assert by_id[action_id]["allowed"] is False
        assert by_id[action_id]["rule_ids"] == [INVALID_ACTION]
        assert by_id[action_id]["reasons_zh"] and by_id[action_id]["reasons_en"]


def test_seconds_are_floored_like_the_single_way(cn):
    actions, contexts = plan()
    rows = action_table(actions[1:2]).to_pylist()
    rows[0]["planned_utc"] = dt.datetime(2026, 3, 3, 13, 59, 59, 999_999, tzinfo=dt.timezone.utc)  # 21:59:59.999999
    decisions = decide_frame(pa.Table.from_pylist(rows, schema=ACTIONS_SCHEMA), history_table(contexts), context_tables(contexts), cn, backend=duckdb())
    assert decisions.column("allowed").to_pylist() == [True]


def test_an_empty_plan_and_an_empty_context(cn):
    decisions = decide_frame(ACTIONS_SCHEMA.empty_table(), HISTORY_SCHEMA.empty_table(), ContextTables.empty(), cn, backend=duckdb())
    assert decisions.num_rows == 0
    assert decisions.column_names == ["action_id", "allowed", "rule_ids", "reasons_zh", "reasons_en"]


def test_a_missing_column_is_named(cn):
    actions, contexts = plan()
    table = action_table(actions).drop_columns(["time_zone"])
    with pytest.raises(InputError, match="time_zone"):
        decide_frame(table, history_table(contexts), context_tables(contexts), cn, backend=duckdb())


@pytest.mark.postgres
@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plan=plans())
def test_postgresql_decides_as_duckdb_does(postgres_url, plan):
    name, contexts, actions = plan
    inputs = (action_table(actions), history_table(contexts), context_tables(contexts), PROFILES[name])
    in_duckdb = decide_frame(*inputs, backend=duckdb())
    in_postgres = decide_frame(*inputs, backend=_postgres(postgres_url))
    assert in_postgres.to_pylist() == in_duckdb.to_pylist()


_CONNECTIONS: dict = {}


def _postgres(url: str):
    import ibis

    if url not in _CONNECTIONS:
        _CONNECTIONS[url] = ibis.connect(url)
    return _CONNECTIONS[url]
