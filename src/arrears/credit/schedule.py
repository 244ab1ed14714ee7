"""The lender's credit-reporting day, from its profile's `credit_reporting` rule. No Django.

    is_reporting_day(date(2026, 4, 30), profile)   # True: monthly, on the month's last day (day_of_month 0)
"""

from __future__ import annotations

import calendar
import datetime as dt


def reporting_rule(profile):
    found = [rule for rule in profile.rules if rule.kind == "credit_reporting"]
    return found[0] if found else None


def is_reporting_day(day: dt.date, profile) -> bool:
    """Whether the report goes out for `day`: every day when the profile says daily, else once a month on its
    day (0, or a day past the month's end: the month's last day). No rule: the month's last day."""
    rule = reporting_rule(profile)
    if rule is not None and rule.daily:
        return True
    last = calendar.monthrange(day.year, day.month)[1]
    wanted = 0 if rule is None else rule.day_of_month
    return day.day == (last if wanted == 0 or wanted > last else wanted)
