"""Folding the daily state history into periods of one bucket and status."""

from __future__ import annotations

import datetime as dt

from arrears.web.periods import Day, fold_periods


def day(d: int, dpd: int, bucket: str, status: str = "delinquent", paid: int = 0) -> Day:
    return Day(dt.date(2026, 5, d), dpd, bucket, status, dpd * 100, 50_000, paid)


def test_runs_of_the_same_bucket_and_status_become_one_period_newest_first():
    rows = [day(6, 0, "M0", "cured", 9), day(5, 32, "M2"), day(4, 31, "M2"), day(3, 30, "M1"), day(2, 29, "M1")]
    periods = fold_periods(rows)
    assert [(p.start.day, p.end.day, p.days, p.bucket, p.status) for p in periods] == [
        (6, 6, 1, "M0", "cured"), (4, 5, 2, "M2", "delinquent"), (2, 3, 2, "M1", "delinquent")]
    assert (periods[1].dpd_first, periods[1].dpd_last) == (31, 32)
    assert periods[1].overdue_principal == 3_200  # as on the period's last day


def test_a_change_of_status_in_the_same_bucket_starts_a_new_period():
    periods = fold_periods([day(3, 0, "M0", "current"), day(2, 0, "M0", "cured"), day(1, 0, "M0", "cured")])
    assert [(p.status, p.days) for p in periods] == [("current", 1), ("cured", 2)]


def test_a_return_to_an_earlier_bucket_is_a_period_of_its_own():
    periods = fold_periods([day(3, 1, "M1"), day(2, 0, "M0", "cured"), day(1, 5, "M1")])
    assert [p.bucket for p in periods] == ["M1", "M0", "M1"]


def test_no_history_no_periods():
    assert fold_periods([]) == []
