"""The engine on Spark gives exactly what it gives on DuckDB: every column, to the fen.

One local Spark session (two cores, a small shuffle, no UI) serves the module: starting one costs
tens of seconds. A Spark step costs a job's latency however few its rows, so each hypothesis
example ages a batch of random ledgers at once (their ids shifted apart), not one ledger.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.cycle.engine import age_book
from arrears.cycle.tables import book_tables, day_number, duckdb_backend, load_into
from bench.engine_book import AS_OF_DAY, engine_book
from tests.unit.ledger_strategies import books

pytest.importorskip("pyspark", reason="the spark extra is not installed (make test installs it)")

GENERATED_LOANS = 3_000  # 10,000 and more are measured in `python -m bench --only spark`


@pytest.fixture(scope="module")
def spark():
    from arrears.cycle.spark import spark_backend, spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"})
    yield spark_backend(session)
    session.stop()


@pytest.fixture(scope="module")
def duckdb():
    return duckdb_backend()


def _aged_both(spark, duckdb, tables, as_of_day, with_allocations):
    from arrears.cycle.spark import release

    on_duckdb = age_book(duckdb, load_into(duckdb, tables), as_of_day, with_allocations=with_allocations)
    names = load_into(spark, tables)
    try:
        on_spark = age_book(spark, names, as_of_day, with_allocations=with_allocations)
    finally:
        release(spark, names)
    return on_spark, on_duckdb


def _shifted(tables: dict[str, pa.Table], loans: int, payments: int) -> dict[str, pa.Table]:
    """One ledger's tables with its loan and payment ids moved past those of the ledgers before it."""
    def add(table, column, offset):
        return table.set_column(table.schema.get_field_index(column), column, pc.add(table[column], offset))

    return {
        "loans": add(tables["loans"], "loan_id", loans),
        "instalments": add(tables["instalments"], "loan_id", loans),
        "payments": add(add(add(tables["payments"], "loan_id", loans), "payment_id", payments), "reverses", payments),
    }


def _batch(ledgers) -> dict[str, pa.Table]:
    """Ledgers (loans, payments) as one book's tables, each ledger's ids shifted past the last's."""
    parts, loans_before, payments_before = [], 0, 0
    for loans, payments in ledgers:
        parts.append(_shifted(book_tables(loans, payments), loans_before, payments_before))
        loans_before += 1_000
        payments_before += 100_000
    return {role: pa.concat_tables([part[role] for part in parts]) for role in parts[0]}


def _assert_same(on_spark, on_duckdb) -> None:
    assert on_spark.rounds == on_duckdb.rounds
    assert on_spark.accounts.to_pylist() == on_duckdb.accounts.to_pylist()
    assert on_spark.allocations.to_pylist() == on_duckdb.allocations.to_pylist()


# The equality tests read no database (Arrow tables in, engines out): they run in the SQLite pass.
@pytest.mark.sqlite_only
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(data=st.data())
def test_spark_engine_equals_duckdb_engine_on_random_ledgers(spark, duckdb, data):
    # given a batch of random ledgers, one book
    ledgers = data.draw(st.lists(books(max_loans=3), min_size=1, max_size=8))
    first = min(loan.start_date for loans, _ in ledgers for loan in loans)
    last = max(loan.instalments[-1].due_date for loans, _ in ledgers for loan in loans)
    as_of = data.draw(st.dates(first, last))
    # when it is aged on Spark and on DuckDB
    on_spark, on_duckdb = _aged_both(spark, duckdb, _batch(ledgers), day_number(as_of), with_allocations=True)
    # then every account and every allocation is the same, column by column
    _assert_same(on_spark, on_duckdb)


@pytest.mark.sqlite_only
def test_spark_engine_equals_duckdb_engine_on_a_batch_with_ledgers_without_payments(spark, duckdb):
    # given the batch of seven ledgers on which the engines once differed: ledgers 0, 3 and 5 have
    # no payments, so the batch's payments table has empty parts between full ones
    from tests.integration.spark_regression_ledgers import AS_OF, LEDGERS

    tables = _batch(LEDGERS)
    assert [batch.num_rows for batch in tables["payments"].to_batches()] == [0, 20, 12, 0, 9, 0, 27]
    # when it is aged on Spark and on DuckDB
    on_spark, on_duckdb = _aged_both(spark, duckdb, tables, day_number(AS_OF), with_allocations=True)
    # then every account and every allocation is the same, the last ledger's payments included
    _assert_same(on_spark, on_duckdb)
    loan_6001 = next(row for row in on_spark.accounts.to_pylist() if row["loan_id"] == 6001)
    assert (loan_6001["overdue_principal"], loan_6001["paid_total"]) == (3600, 7732)


@pytest.mark.sqlite_only
def test_every_row_of_an_input_table_reaches_spark_whatever_its_batches(spark):
    from arrears.cycle.spark import register, release

    # given a table of 25 rows in batches of 5, 0, 10, 0 and 10 rows
    column = pa.array(range(25), pa.int64())
    batches = [pa.record_batch([column.slice(start, length)], names=["loan_id"])
               for start, length in ((0, 5), (5, 0), (5, 10), (15, 0), (15, 10))]
    table = pa.Table.from_batches(batches)
    # when it is registered as a view
    register(spark, "arrears_input_batches", table)
    try:
        rows = spark._session.sql("SELECT loan_id FROM arrears_input_batches").toArrow()
    finally:
        release(spark, {"loans": "arrears_input_batches"})
    # then the view holds all 25 rows
    assert sorted(rows["loan_id"].to_pylist()) == list(range(25))


@pytest.mark.sqlite_only
def test_spark_engine_equals_duckdb_engine_on_a_generated_book(spark, duckdb):
    # given a generated book
    tables = engine_book(GENERATED_LOANS, seed=7)
    # when it is aged on Spark and on DuckDB
    on_spark, on_duckdb = _aged_both(spark, duckdb, tables, AS_OF_DAY, with_allocations=False)
    # then every account is the same in every column, and the book is not trivial
    assert on_spark.accounts.num_rows == GENERATED_LOANS
    assert on_spark.accounts.schema.names == on_duckdb.accounts.schema.names
    for column in on_duckdb.accounts.schema.names:
        assert on_spark.accounts[column].to_pylist() == on_duckdb.accounts[column].to_pylist(), column
    overdue = pc.sum(pc.greater(on_duckdb.accounts["days_past_due"], 0)).as_py()
    charged_off = pc.sum(on_duckdb.accounts["charged_off"].cast(pa.int64())).as_py()
    assert 0 < charged_off < overdue < GENERATED_LOANS


@pytest.mark.django_db(transaction=True)
def test_the_nightly_cycle_on_the_spark_engine_stores_the_states_duckdb_stores(spark):
    import datetime as dt

    from arrears.cycle.models import CycleRun, EngineState
    from arrears.cycle.service import run_cycle
    from tests.integration.test_cycle_service import make_loan, pay, reference_state, stored_state

    # given three loans, one partly paid, one paid ahead, one never paid
    loans = [make_loan(f"L-SPARK-{i}", 300_000 + i * 10_000) for i in range(3)]
    pay(loans[0], "P-S1", 50_000, dt.date(2026, 3, 5))
    pay(loans[1], "P-S2", 900_000, dt.date(2026, 2, 28))
    as_of = dt.date(2026, 6, 30)
    # when the night is aged on DuckDB, then again on Spark
    run_cycle(as_of, engine="duckdb")
    on_duckdb = [stored_state(loan) for loan in loans]
    run = run_cycle(as_of, engine="spark")
    # then Spark stores the same states, the reference model's, and keeps none for the next night
    assert [stored_state(loan) for loan in loans] == on_duckdb
    assert on_duckdb[2] == reference_state(loans[2], as_of)
    assert CycleRun.objects.get(pk=run.pk).engine == "spark" and run.accounts == 3
    assert not EngineState.objects.exists()
