"""The engine inside PostgreSQL gives exactly what it gives on DuckDB."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.cycle.engine import age_book
from arrears.cycle.tables import book_tables, day_number, duckdb_backend, load_into
from tests.unit.ledger_strategies import books


@pytest.fixture(scope="module")
def postgres_backend(postgres_url):
    backend = ibis.postgres.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    yield backend
    backend.disconnect()


@pytest.fixture(scope="module")
def duckdb():
    return duckdb_backend()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_postgres_engine_equals_duckdb_engine(postgres_backend, duckdb, data):
    # given a random book
    loans, payments = data.draw(books(max_loans=3))
    first = min(loan.start_date for loan in loans)
    as_of = data.draw(st.dates(first, max(loan.instalments[-1].due_date for loan in loans)))
    tables = book_tables(loans, payments)
    # when it is aged in both engines
    on_duckdb = age_book(duckdb, load_into(duckdb, tables), day_number(as_of), with_allocations=True)
    on_postgres = age_book(postgres_backend, load_into(postgres_backend, tables), day_number(as_of), with_allocations=True)
    # then the results are identical, allocations included
    assert on_postgres.accounts.to_pylist() == on_duckdb.accounts.to_pylist()
    assert on_postgres.allocations.to_pylist() == on_duckdb.allocations.to_pylist()
