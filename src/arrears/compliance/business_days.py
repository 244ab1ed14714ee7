"""Business days per jurisdiction, for the arithmetic the rules count in business days (no Django here).

    add_business_days(date(2026, 11, 23), 5, "us")   # 2026-12-01: Thanksgiving (26 Nov) is no business day
    is_business_day(date(2026, 10, 1), "cn")          # False: National Day

- `us`: every day but Saturdays, Sundays and the legal public holidays of 5 U.S.C. 6103(a) — the
  federal holidays, on the day they are observed — as Regulation F counts them (12 CFR 1006.2(c),
  1006.34(b)(5)). The holidays come from the `holidays` package (docs/decisions/0033-…).
- `cn`: the mainland's working days, weekend days swapped into working days included, from
  `chinese_calendar` (compliance/quiet_days.py); a day of a year the calendar does not know yet
  counts as a business day only Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
import functools

JURISDICTIONS = ("cn", "us")


def jurisdiction_of(profile: str) -> str:
    """The calendar a compliance profile counts business days in: us for us-regf, else cn."""
    return "us" if profile.lower().startswith("us") else "cn"


def is_business_day(day: dt.date, jurisdiction: str) -> bool:
    if jurisdiction == "us":
        return day.weekday() < 5 and day not in _us_holidays(day.year)
    if jurisdiction == "cn":
        from arrears.compliance.quiet_days import DayKind, day_kinds

        kinds = day_kinds(day)
        if DayKind.UNKNOWN in kinds:
            return day.weekday() < 5
        return not kinds
    raise ValueError(f"jurisdiction must be one of {JURISDICTIONS}, not {jurisdiction!r}")


def add_business_days(day: dt.date, count: int, jurisdiction: str) -> dt.date:
    """The `count`-th business day after `day` (`day` itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    counted = 0
    while counted < count:
        day += dt.timedelta(days=1)
        if is_business_day(day, jurisdiction):
            counted += 1
    return day


def us_holiday_name(day: dt.date) -> str | None:
    """The federal holiday observed on `day`, if any (for explanations and tests)."""
    return _us_holidays(day.year).get(day)


@functools.lru_cache(maxsize=64)
def _us_holidays(year: int):
    import holidays

    return holidays.country_holidays("US", years=year, observed=True)
