"""Tests that age a book a day at a time without the rest of the night: the nightly run's own
cycle and judging steps, in its order (arrears.nightly.steps)."""

from __future__ import annotations

import datetime as dt

from arrears.nightly.steps import NightOptions, cycle, judge


def age(day: dt.date, *, engine: str = "duckdb") -> None:
    """Age every account to the end of `day`, then judge the promises and plans that fell due."""
    options = NightOptions(engine=engine)
    cycle(day, options)
    judge(day, options)
