"""One definition, two ways of running it: `evaluate` (Python, one account) and `to_ibis`
(DuckDB, every account) agree on random expressions over random accounts, nulls included."""

from __future__ import annotations

from decimal import Decimal

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.cycle.models_words import AccountStatusWord
from arrears.errors import InputError
from arrears.strategy.expressions import evaluate, parse_expression, to_ibis
from arrears.strategy.facts import ACCOUNT_FACTS, FactType, fact_schema

AGREEMENT = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUCKETS = ACCOUNT_FACTS["bucket"].choices
STATUSES = tuple(word.value for word in AccountStatusWord)
PRODUCTS = ("cash", "pos", "现金贷")
INTEGER_RANGES = {"dpd": (0, 200), "score": (0, 1000), "refusal_count": (0, 6), "failed_contacts": (0, 6), "broken_promises": (0, 6)}
MONEY_FEN = st.one_of(st.integers(0, 2_000_000), st.sampled_from([0, 1, 300_000, 500_000, 500_050, 1_000_000]))
TEXTS = {"bucket": BUCKETS, "status": STATUSES, "product": PRODUCTS}
FIELDS_BY_TYPE = {t: [f.name for f in ACCOUNT_FACTS.values() if f.type is t] for t in FactType}


def maybe_null(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), values, values, values)


def fact_values(name: str) -> st.SearchStrategy:
    fact = ACCOUNT_FACTS[name]
    if fact.type is FactType.INTEGER:
        low, high = INTEGER_RANGES[name]
        return maybe_null(st.integers(low, high))
    if fact.type is FactType.MONEY:
        return maybe_null(MONEY_FEN)
    if fact.type is FactType.TEXT:
        return maybe_null(st.sampled_from(TEXTS[name]))
    return maybe_null(st.booleans())


def account_rows(max_size: int = 30, **overrides: st.SearchStrategy) -> st.SearchStrategy[list[dict]]:
    """Lists of accounts (loan_id 1, 2, …); `overrides` replace the values drawn for some facts."""
    facts = st.fixed_dictionaries({name: overrides.get(name, fact_values(name)) for name in ACCOUNT_FACTS})
    return st.lists(facts, min_size=1, max_size=max_size).map(
        lambda rows: [{"loan_id": i, **row} for i, row in enumerate(rows, start=1)]
    )


# --- expressions written as text, the way people write them --------------------------------


def yuan_text(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan}.{cents:02d}" if cents else str(yuan)


def literal_text(name: str) -> st.SearchStrategy[str]:
    fact = ACCOUNT_FACTS[name]
    if fact.type is FactType.INTEGER:
        low, high = INTEGER_RANGES[name]
        return st.integers(low, high).map(str)
    if fact.type is FactType.MONEY:
        return MONEY_FEN.map(yuan_text)
    if fact.type is FactType.TEXT:
        return st.sampled_from(TEXTS[name]).map(lambda word: f'"{word}"')
    return st.sampled_from(["true", "false"])


@st.composite
def atom(draw) -> str:
    kind = draw(st.sampled_from([FactType.INTEGER, FactType.MONEY, FactType.TEXT, FactType.FLAG]))
    name = draw(st.sampled_from(FIELDS_BY_TYPE[kind]))
    literal = literal_text(name)
    equality = ["==", "!="]
    ordering = ["<", "<=", ">", ">="]
    shapes = ["compare", "in", "null"]
    if kind in (FactType.INTEGER, FactType.MONEY):
        shapes += ["between", "compare", "fields"]
    if kind is FactType.FLAG:
        shapes += ["bare", "bare"]
    shape = draw(st.sampled_from(shapes))
    if shape == "compare":
        op = draw(st.sampled_from(equality + (ordering if kind in (FactType.INTEGER, FactType.MONEY) else [])))
        value = draw(literal)
        return f"{value} {op} {name}" if draw(st.booleans()) else f"{name} {op} {value}"
    if shape == "fields":
        other = draw(st.sampled_from(FIELDS_BY_TYPE[kind]))
        return f"{name} {draw(st.sampled_from(equality + ordering))} {other}"
    if shape == "between":
        bounds = sorted(draw(st.lists(literal, min_size=2, max_size=2)), key=Decimal)
        negated = "not " if draw(st.booleans()) else ""
        return f"{name} {negated}between {bounds[0]} and {bounds[1]}"
    if shape == "in":
        items = draw(st.lists(literal, min_size=1, max_size=4))
        negated = "not " if draw(st.booleans()) else ""
        return f"{name} {negated}in ({', '.join(items)})"
    if shape == "null":
        return f"{name} is {'not ' if draw(st.booleans()) else ''}null"
    return name


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children, st.booleans())
    return st.one_of(
        pair.map(lambda p: f"({p[0]}) and ({p[1]})" if p[2] else f"{p[0]} and {p[1]}"),
        pair.map(lambda p: f"({p[0]}) or ({p[1]})" if p[2] else f"{p[0]} or {p[1]}"),
        children.map(lambda c: f"not ({c})"),
        children.map(lambda c: f"not {c}"),
    )


expressions = st.recursive(st.one_of(atom(), st.sampled_from(["true", "false"])), combine, max_leaves=8)


@pytest.fixture(scope="module")
def duckdb():
    return ibis.duckdb.connect()


def facts_table(rows: list[dict]) -> ibis.Table:
    return ibis.memtable(pa.Table.from_pylist(rows, schema=fact_schema().to_pyarrow()))


def engine_verdicts(connection, expression, rows) -> list[bool]:
    table = facts_table(rows)
    query = table.select("loan_id", hit=to_ibis(expression, table)).order_by("loan_id")
    return connection.to_pyarrow(query)["hit"].to_pylist()


@AGREEMENT
@given(text=expressions, rows=account_rows())
def test_python_and_engine_agree(duckdb, text, rows):
    # given
    expression = parse_expression(text)
    # when
    in_python = [evaluate(expression, row) for row in rows]
    in_engine = engine_verdicts(duckdb, expression, rows)
    # then
    assert in_engine == in_python, expression.canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("score < 500", False),
        ("score >= 500", False),
        ("score != 500", False),
        ("score in (1, 2)", False),
        ("score not in (1, 2)", False),
        ("score between 0 and 1000", False),
        ("score not between 0 and 10", False),
        ("not (score >= 500)", True),
        ("score is null", True),
        ("score is not null", False),
        ("hardship", False),
        ("not hardship", True),
        ("dpd > score", False),
    ],
)
def test_a_comparison_with_null_is_false_in_both(duckdb, text, expected):
    # given an account with no score and no hardship flag recorded
    row = {"loan_id": 1, **{name: None for name in ACCOUNT_FACTS}, "dpd": 40}
    expression = parse_expression(text)
    # then
    assert evaluate(expression, row) is expected
    assert engine_verdicts(duckdb, expression, [row]) == [expected]


def test_the_compiled_expression_holds_no_float(duckdb):
    table = facts_table([{"loan_id": 1, **{name: None for name in ACCOUNT_FACTS}, "overdue_amount": 500_050}])
    sql = ibis.to_sql(table.filter(to_ibis(parse_expression("overdue_amount >= 5000.5"), table)), dialect="duckdb")
    assert "500050" in sql and "5000.5" not in sql


def test_flags_stored_as_integers_are_read_as_flags(duckdb):
    table = ibis.memtable(pa.table({"loan_id": [1, 2, 3], "hardship": pa.array([1, 0, None], pa.int64())}))
    query = table.select("loan_id", hit=to_ibis(parse_expression("hardship"), table)).order_by("loan_id")
    assert duckdb.to_pyarrow(query)["hit"].to_pylist() == [True, False, False]


def test_money_stored_as_floats_is_refused():
    table = ibis.memtable(pa.table({"loan_id": [1], "overdue_amount": [1.5]}))
    with pytest.raises(InputError, match="fen, never floats"):
        to_ibis(parse_expression("overdue_amount > 0"), table)
    with pytest.raises(InputError, match="float"):
        evaluate(parse_expression("overdue_amount > 0"), {"overdue_amount": 1.5})


def test_a_missing_column_or_fact_is_named():
    table = ibis.memtable(pa.table({"loan_id": [1]}))
    with pytest.raises(InputError, match="lacks column 'dpd'"):
        to_ibis(parse_expression("dpd > 0"), table)
    with pytest.raises(InputError, match="lack 'dpd'"):
        evaluate(parse_expression("dpd > 0"), {})
