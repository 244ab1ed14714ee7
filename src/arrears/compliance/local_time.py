"""Borrower-local wall-clock time from UTC instants, the same way in Python and in the batch.

Instants are whole seconds since 1970-01-01 UTC. Local time is the instant plus the zone's UTC
offset at that instant; a local day is the local seconds floored to 86,400; a local month is
`year * 12 + month - 1`. The batch cannot call the zone database, so it joins each instant to a
table of the zone's offset intervals, found here by scanning the zone database day by day.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo

from arrears.errors import InputError

SECONDS_PER_DAY = 86_400
EPOCH = dt.date(1970, 1, 1)
SCAN_FROM = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
SCAN_UNTIL = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
FAR_PAST = -(2**62)
FAR_FUTURE = 2**62


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return _zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError(f"未知的时区 {name!r}", f"Unknown time zone {name!r}") from None


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def epoch_seconds(instant: dt.datetime) -> int:
    """Whole seconds since the epoch, floored, for an aware datetime."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InputError(f"时间 {instant!r} 缺少时区", f"Time {instant!r} has no time zone")
    return math.floor(instant.timestamp())


def offset_seconds(seconds: int, zone_name: str) -> int:
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).astimezone(zone(zone_name))
    return int(moment.utcoffset().total_seconds())


def local_seconds(seconds: int, zone_name: str) -> int:
    return seconds + offset_seconds(seconds, zone_name)


def local_day(local: int) -> int:
    return local // SECONDS_PER_DAY


def second_of_day(local: int) -> int:
    return local - local_day(local) * SECONDS_PER_DAY


def month_number(day_number: int) -> int:
    date = EPOCH + dt.timedelta(days=day_number)
    return date.year * 12 + date.month - 1


def date_of(day_number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day_number)


def day_number(date: dt.date) -> int:
    return (date - EPOCH).days


@functools.cache
def offset_intervals(zone_name: str) -> tuple[tuple[int, int, int], ...]:
    """`(from_second, until_second, offset_seconds)` covering all time, for the batch's join.

    Offsets are sampled at each UTC midnight from 1970 to 2100 and a change is narrowed to the
    second; the first and last intervals reach to the far past and future.
    """
    def offset_at(second: int) -> int:
        return offset_seconds(second, zone_name)

    start, end = int(SCAN_FROM.timestamp()), int(SCAN_UNTIL.timestamp())
    intervals: list[tuple[int, int, int]] = []
    since, current = FAR_PAST, offset_at(start)
    for day_start in range(start, end, SECONDS_PER_DAY):
        following = day_start + SECONDS_PER_DAY
        if offset_at(following) == current:
            continue
        low, high = day_start, following  # offset_at(low) == current, offset_at(high) differs
        while high - low > 1:
            middle = (low + high) // 2
            if offset_at(middle) == current:
                low = middle
            else:
                high = middle
        intervals.append((since, high, current))
        since, current = high, offset_at(high)
    intervals.append((since, FAR_FUTURE, current))
    return tuple(intervals)
