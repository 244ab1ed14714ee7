"""Borrower-local time and quiet days: the pieces both ways of judging rely on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.compliance import local_time
from arrears.compliance.context import Action, Attempt
from arrears.compliance.quiet_days import DayKind, day_kinds, known_years
from arrears.errors import InputError

ZONES = ["Asia/Shanghai", "Asia/Urumqi", "America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe"]


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), second=st.integers(0, 4_102_444_800))
def test_offset_intervals_match_the_zone_database(zone, second):
    (offset,) = [o for start, until, o in local_time.offset_intervals(zone) if start <= second < until]
    wall = dt.datetime.fromtimestamp(second, dt.timezone.utc).astimezone(ZoneInfo(zone))
    assert offset == wall.utcoffset().total_seconds() == local_time.offset_seconds(second, zone)


def test_offset_intervals_change_on_the_second_of_a_clock_change():
    change = int(dt.datetime(2026, 3, 8, 7, tzinfo=dt.timezone.utc).timestamp())  # 02:00 EST
    starts = {start: offset for start, _, offset in local_time.offset_intervals("America/New_York")}
    assert starts[change] == -4 * 3600
    assert local_time.offset_intervals("Asia/Shanghai")[-1][2] == 8 * 3600
    # the evening before the change is still standard time: 23:30 EST is 04:30 UTC
    evening = int(dt.datetime(2026, 3, 8, 4, 30, tzinfo=dt.timezone.utc).timestamp())
    local = local_time.local_seconds(evening, "America/New_York")
    assert local_time.date_of(local_time.local_day(local)) == dt.date(2026, 3, 7)
    assert local_time.second_of_day(local) == (23 * 60 + 30) * 60


def test_local_day_second_and_month():
    instant = int(dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.timezone.utc).timestamp())
    local = local_time.local_seconds(instant, "Asia/Shanghai")  # 1 March, 00:30
    day = local_time.local_day(local)
    assert local_time.date_of(day) == dt.date(2026, 3, 1)
    assert local_time.second_of_day(local) == 30 * 60
    assert local_time.month_number(day) == 2026 * 12 + 2


def test_quiet_day_kinds():
    assert day_kinds(dt.date(2026, 10, 1)) == {DayKind.PUBLIC_HOLIDAY, DayKind.REST_DAY}
    assert day_kinds(dt.date(2026, 10, 10)) == frozenset()  # a Saturday made a working day
    assert day_kinds(dt.date(2026, 3, 7)) == {DayKind.REST_DAY}  # an ordinary Saturday
    assert day_kinds(dt.date(2026, 3, 9)) == frozenset()
    first, last = known_years()
    assert day_kinds(dt.date(last + 1, 6, 1)) == {DayKind.UNKNOWN}
    assert day_kinds(dt.date(first - 1, 6, 1)) == {DayKind.UNKNOWN}


def fields(**overrides):
    base = dict(
        action_id="a1",
        debtor_id="d1",
        loan_id="L1",
        debt_id="L1",
        party="debtor",
        relation="self",
        channel="call",
        contact_point_id="tel-1",
        template_kind="collection",
    )
    base.update(overrides)
    return base


def test_an_action_planned_at_a_local_time_is_stored_in_utc():
    action = Action.planned_at_local(dt.datetime(2026, 3, 2, 21, 59), "Asia/Shanghai", **fields())
    assert action.planned_utc == dt.datetime(2026, 3, 2, 13, 59, tzinfo=dt.timezone.utc)
    assert action.planned_local.hour == 21


def test_a_time_skipped_by_the_clock_is_refused_and_a_repeated_one_takes_its_first_occurrence():
    with pytest.raises(InputError):
        Action.planned_at_local(dt.datetime(2026, 3, 8, 2, 30), "America/New_York", **fields())
    repeated = Action.planned_at_local(dt.datetime(2026, 11, 1, 1, 30), "America/New_York", **fields())
    assert repeated.planned_utc.hour == 5  # 01:30 EDT


@pytest.mark.parametrize(
    "overrides",
    [
        dict(channel="fax"),
        dict(party="debtor", relation="spouse"),
        dict(party="third_party", relation="self"),
        dict(template_kind="threat"),
        dict(collectors=-1),
    ],
)
def test_an_unreadable_action_is_refused_in_both_languages(overrides):
    with pytest.raises(InputError) as refused:
        Action(planned_utc=dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc), time_zone="Asia/Shanghai", **fields(**overrides))
    assert refused.value.zh and refused.value.en


def test_unknown_zone_and_naive_times_are_refused():
    with pytest.raises(InputError, match="Mars/Olympus"):
        Action(planned_utc=dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc), time_zone="Mars/Olympus", **fields())
    with pytest.raises(InputError):
        Action(planned_utc=dt.datetime(2026, 3, 2), time_zone="Asia/Shanghai", **fields())
    with pytest.raises(InputError):
        Attempt(attempt_id="h", at_utc=dt.datetime(2026, 3, 2), channel="call", contact_point_id=None, outcome="answered")


def test_instants_are_normalised_to_utc():
    shanghai = dt.datetime(2026, 3, 2, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    action = Action(planned_utc=shanghai, time_zone="Asia/Shanghai", **fields())
    assert action.planned_utc.tzinfo == dt.timezone.utc and action.planned_utc.hour == 0
