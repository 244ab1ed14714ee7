"""Quiet days: Chinese public holidays and rest days, from the `chinese_calendar` package.

The State Council publishes each year's holidays and the weekend days swapped into working days
late in the year before, so the package knows a limited range of years. A day in a year it does
not know is `unknown`, and every quiet-day mode treats it as quiet: the guard fails closed.
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import StrEnum

from arrears.compliance.local_time import FAR_FUTURE, FAR_PAST, date_of, day_number


class QuietDayMode(StrEnum):
    """From loosest to tightest."""

    OFF = "off"
    PUBLIC_HOLIDAYS = "public_holidays"  # 法定节假日 (the whole break, swapped days included)
    REST_DAYS = "rest_days"  # public holidays and weekends, less the weekends made working days


class DayKind(StrEnum):
    PUBLIC_HOLIDAY = "public_holiday"
    REST_DAY = "rest_day"
    UNKNOWN = "unknown"


MODE_ORDER = (QuietDayMode.OFF, QuietDayMode.PUBLIC_HOLIDAYS, QuietDayMode.REST_DAYS)
QUIET_KINDS: dict[QuietDayMode, frozenset[DayKind]] = {
    QuietDayMode.OFF: frozenset(),
    QuietDayMode.PUBLIC_HOLIDAYS: frozenset({DayKind.PUBLIC_HOLIDAY, DayKind.UNKNOWN}),
    QuietDayMode.REST_DAYS: frozenset({DayKind.PUBLIC_HOLIDAY, DayKind.REST_DAY, DayKind.UNKNOWN}),
}


@functools.cache
def _calendar():
    import chinese_calendar

    known = sorted(chinese_calendar.holidays) + sorted(chinese_calendar.workdays)
    first_year, last_year = min(known).year, max(known).year
    return chinese_calendar, first_year, last_year


def known_years() -> tuple[int, int]:
    _, first_year, last_year = _calendar()
    return first_year, last_year


def day_kinds(date: dt.date) -> frozenset[DayKind]:
    """What kind of day `date` is in mainland China (empty for an ordinary working day)."""
    calendar, first_year, last_year = _calendar()
    if not first_year <= date.year <= last_year:
        return frozenset({DayKind.UNKNOWN})
    holiday = date in calendar.holidays
    working = date in calendar.workdays or (date.weekday() < 5 and not holiday)
    kinds = {DayKind.PUBLIC_HOLIDAY} if holiday else set()
    if not working:
        kinds.add(DayKind.REST_DAY)
    return frozenset(kinds)


def day_kinds_of_number(number: int) -> frozenset[DayKind]:
    return day_kinds(date_of(number))


@functools.cache
def calendar_rows() -> tuple[tuple[int, int, str], ...]:
    """`(from_day, until_day, kind)` rows: one per quiet day of the known years, and two
    open-ended `unknown` ranges around them, for the batch's join on the local day."""
    _, first_year, last_year = _calendar()
    first, after_last = day_number(dt.date(first_year, 1, 1)), day_number(dt.date(last_year + 1, 1, 1))
    rows = [(FAR_PAST // 86_400, first, DayKind.UNKNOWN.value), (after_last, FAR_FUTURE // 86_400, DayKind.UNKNOWN.value)]
    for number in range(first, after_last):
        for kind in sorted(day_kinds_of_number(number)):
            rows.append((number, number + 1, kind.value))
    return tuple(rows)
