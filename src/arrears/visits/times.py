"""A visit's times: booked and shown in the borrower's own zone, stored in UTC."""

from __future__ import annotations

import datetime as dt

from arrears.compliance.local_time import zone
from arrears.errors import InputError


def utc_of_local(day: dt.date, time: dt.time, time_zone: str) -> dt.datetime:
    """The UTC instant of a wall-clock time in `time_zone`; a time a clock change skips is refused."""
    tz = zone(time_zone)
    local = dt.datetime.combine(day, time)
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise InputError(f"{local:%Y-%m-%d %H:%M} 在 {time_zone} 不存在（时钟调整）", f"{local:%Y-%m-%d %H:%M} does not exist in {time_zone} (clock change)")
    return aware.astimezone(dt.UTC)


def local_of(instant: dt.datetime | None, time_zone: str) -> dt.datetime | None:
    return None if instant is None else instant.astimezone(zone(time_zone))
