"""When a dispute or a complaint must be answered, by the lender's profile (disputes/deadlines.yaml).

    due_on("complaint", received=date(2026, 5, 12), profile="cn")                # 15 days
    due_on("complaint", received=date(2026, 5, 12), profile="cn", complex=True)  # 30 days
    extended(due, profile="cn")                                                  # one 30-day extension

Calendar days from the day it was received, in the lender's time; pure, no Django.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from arrears.errors import InputError

SOURCE = Path(__file__).with_name("deadlines.yaml")


@dataclass(frozen=True)
class Terms:
    days: int
    complex_days: int
    extension_days: int
    citation: str


@functools.lru_cache(maxsize=4)
def _table() -> dict:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


def terms(what: str, profile: str) -> Terms:
    entry = _table().get(profile, _table()["cn"])[what]
    return Terms(int(entry["days"]), int(entry.get("complex_days", entry["days"])), int(entry.get("extension_days", 0)),
                 str(entry["citation"]))


def due_on(what: str, *, received: dt.date, profile: str, complex: bool = False) -> dt.date:
    t = terms(what, profile)
    return received + dt.timedelta(days=t.complex_days if complex else t.days)


def extended(due: dt.date, *, profile: str) -> dt.date:
    t = terms("complaint", profile)
    if t.extension_days <= 0:
        raise InputError("本辖区不允许延长投诉处理时限", "This jurisdiction allows no extension of a complaint's deadline")
    return due + dt.timedelta(days=t.extension_days)


def overdue(due: dt.date, today: dt.date) -> bool:
    return today > due
