"""Limitation periods by US state, and whether a debt is time-barred (no Django here).

    period = limitation_for("NY")              # 3 years, N.Y. C.P.L.R. § 214-i
    is_time_barred("NC", default_on=date(2022, 1, 31), as_of=date(2026, 3, 1))   # True

The table (`us_states.yaml`, each entry with its statute) feeds the guard's time-barred rule
(us.time_barred, 12 CFR 1006.26(b)) through the debt facts read from the ledger
(arrears.guard.debts). A state the table does not list is judged by its shortest period.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

TABLE = Path(__file__).with_name("us_states.yaml")


@dataclass(frozen=True)
class Limitation:
    state: str
    years: int
    citation: str
    note: str


@functools.cache
def us_limitations() -> dict[str, Limitation]:
    raw = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return {state: Limitation(state, int(entry["years"]), entry["citation"], entry["note"]) for state, entry in raw.items()}


def limitation_for(state: str | None) -> Limitation:
    """The state's period; for a state not listed (or none known), the shortest one listed."""
    table = us_limitations()
    found = table.get((state or "").upper())
    if found is not None:
        return found
    shortest = min(table.values(), key=lambda entry: entry.years)
    return Limitation((state or "").upper(), shortest.years, f"shortest listed ({shortest.citation})", "state not listed")


def barred_from(default_on: dt.date, years: int) -> dt.date:
    """The first day on which a debt in default since `default_on` is time-barred."""
    try:
        return default_on.replace(year=default_on.year + years)
    except ValueError:  # 29 February into a common year
        return default_on.replace(year=default_on.year + years, day=28) + dt.timedelta(days=1)


def is_time_barred(state: str | None, *, default_on: dt.date | None, as_of: dt.date) -> bool:
    """Whether suit on a debt in default since `default_on` (None: not in default) is barred on `as_of`."""
    if default_on is None:
        return False
    return as_of >= barred_from(default_on, limitation_for(state).years)
