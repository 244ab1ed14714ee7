"""The nightly ageing, set-based, as Ibis expressions that run on DuckDB or inside PostgreSQL.

The definition it must equal is arrears.ledger.reference; the conventions are there.

    from arrears.cycle.engine import age_book
    states = age_book(backend, inputs, as_of_day)
"""

from arrears.cycle.engine._book import AgedBook, age_book
from arrears.cycle.engine._inputs import BookInputs

__all__ = ["AgedBook", "BookInputs", "age_book"]
