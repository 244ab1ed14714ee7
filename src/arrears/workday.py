"""The days of a nightly run: the night after a business day, and the work day its plan is for.

    night_instant(D)             # when the night of D runs: 01:00 on D+1 in the lender's zone
    work_day(D)                  # D+1: the day the night's plan is carried out
    contact_instant(D, zone)     # 10:00 on the work day in `zone`: planned contacts start then

The nightly run for business day D starts once D has closed and its payments are in: it ages
every account to the end of D, judges the promises and plans that fell due on D, and plans what is
done on the next day. Its messages go out from 10:00 in each borrower's own zone, inside every
contact window; the collectors work the queue it refreshed; the placements it makes start. The
guard judges each planned contact at that instant, and the facts of the plan (holds in force) are
read at the same hour in the lender's zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NIGHT_TIME = dt.time(1, 0)  # in the lender's zone, on the day after the business day
CONTACT_TIME = dt.time(10, 0)  # in the borrower's zone, on the work day


def _lender_zone() -> ZoneInfo:
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def work_day(as_of: dt.date) -> dt.date:
    return as_of + dt.timedelta(days=1)


def night_instant(as_of: dt.date) -> dt.datetime:
    """The instant the night of `as_of` runs at, in UTC: what the night records as its time."""
    return dt.datetime.combine(work_day(as_of), NIGHT_TIME, tzinfo=_lender_zone()).astimezone(dt.UTC)


def contact_instant(as_of: dt.date, zone: str | None = None) -> dt.datetime:
    """When the contacts planned the night of `as_of` start, in UTC: 10:00 on the work day in
    `zone` (default the lender's)."""
    tz = ZoneInfo(zone) if zone else _lender_zone()
    return dt.datetime.combine(work_day(as_of), CONTACT_TIME, tzinfo=tz).astimezone(dt.UTC)
