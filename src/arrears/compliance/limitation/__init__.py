"""Limitation periods by US state, and whether a debt is time-barred (no Django here).

    period = limitation_for("NY")              # 3 years, N.Y. C.P.L.R. § 214-i
    is_time_barred("NC", default_on=date(2022, 1, 31), as_of=date(2026, 3, 1))   # True
    limitation_for("NY").payment_revives       # False: N.Y. C.P.L.R. § 214-i

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
    payment_revives: bool | None = None
    """False: a payment after the period ran does not start it again (`revival` cites the rule);
    None: not modelled for the state (us_states.yaml says what that leaves out)."""
    revival: str = "not modelled"


@functools.cache
def us_limitations() -> dict[str, Limitation]:
    raw = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return {
        state: Limitation(state, int(entry["years"]), entry["citation"], entry["note"],
                          entry.get("payment_revives"), entry.get("revival") or "not modelled")
        for state, entry in raw.items()
    }


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


def is_time_barred(state: str | None, *, default_on: dt.date | None, as_of: dt.date,
                   worst: tuple[dt.date, int] | None = None) -> bool:
    """Whether suit on a debt in default since `default_on` (None: not in default) is barred on `as_of`.

    `worst`: the night the debt stood furthest past due, and its days past due (the stored states).
    In a state where a payment does not revive the period, a debt that was time-barred that night is
    time-barred still, whatever was paid since."""
    period = limitation_for(state)
    if default_on is not None and as_of >= barred_from(default_on, period.years):
        return True
    if worst is None or period.payment_revives is not False:
        return False
    night, days = worst
    return days > 0 and night >= barred_from(night - dt.timedelta(days=days), period.years)
