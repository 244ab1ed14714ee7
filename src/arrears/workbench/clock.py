"""The workbench's clock: the one place its pages, API and services read the time from.

The guard's answer depends on the time of day in the borrower's zone; tests set this clock
(monkeypatch `now`) instead of waiting for a lawful hour.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """The business date in the lender's zone."""
    return timezone.localdate(now())
