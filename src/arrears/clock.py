"""The product's clock: the one place its services, pages and commands read the time from.

    from arrears import clock
    clock.now()       # an aware UTC instant
    clock.today()     # the business date in the lender's zone

    with clock.set_to(instant):   # the borrower-response simulator lives through its days this way
        ...

The compliance guard's answer depends on the hour in the borrower's zone, the outbox sends what is
due, a promise is judged by the day: all of them ask this clock, so a simulation (or a test) that
sets it sees the product behave exactly as it would at that moment. Nothing else changes: the
clock is the wall clock unless it is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

_set_to: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, aware and in UTC."""
    if _set_to is not None:
        return _set_to
    return dt.datetime.now(dt.UTC)


def lender_zone() -> ZoneInfo:
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def today() -> dt.date:
    """The business date in the lender's zone."""
    return now().astimezone(lender_zone()).date()


def at_local(day: dt.date, time: dt.time) -> dt.datetime:
    """The UTC instant of `time` on `day` in the lender's zone."""
    return dt.datetime.combine(day, time, tzinfo=lender_zone()).astimezone(dt.UTC)


def set_now(instant: dt.datetime | None) -> None:
    """Fix the clock at `instant` (aware), or give it back to the wall clock with None."""
    global _set_to
    if instant is not None and instant.tzinfo is None:
        raise ValueError(f"the clock needs an aware instant, not {instant!r}")
    _set_to = None if instant is None else instant.astimezone(dt.UTC)


@contextmanager
def set_to(instant: dt.datetime) -> Iterator[None]:
    """The clock reads `instant` inside the block, and what it read before after it."""
    before = _set_to
    set_now(instant)
    try:
        yield
    finally:
        set_now(before)
