"""Business days per jurisdiction: US federal holidays for Regulation F's counts, China's calendar for cn."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.compliance.business_days import add_business_days, is_business_day, jurisdiction_of, us_holiday_name
from arrears.notices.content import validation_end_date


def test_us_federal_holidays_are_no_business_days_on_the_day_they_are_observed():
    assert us_holiday_name(dt.date(2026, 11, 26)) and not is_business_day(dt.date(2026, 11, 26), "us")  # Thanksgiving
    assert not is_business_day(dt.date(2026, 7, 3), "us")  # 4 July 2026 is a Saturday: observed on Friday 3 July
    assert not is_business_day(dt.date(2026, 6, 19), "us")  # Juneteenth
    assert is_business_day(dt.date(2026, 11, 27), "us")  # the day after Thanksgiving is no federal holiday
    assert not is_business_day(dt.date(2026, 11, 28), "us")  # a Saturday


def test_china_counts_its_own_holidays_and_swapped_working_days():
    assert not is_business_day(dt.date(2025, 10, 1), "cn") and is_business_day(dt.date(2025, 10, 1), "us")
    assert is_business_day(dt.date(2025, 9, 28), "cn")  # a Sunday worked in exchange for the National Day break
    assert not is_business_day(dt.date(2025, 9, 28), "us")


def test_the_validation_period_skips_federal_holidays_in_the_five_days_of_receipt():
    # sent Monday 23 Nov 2026: Tue 24, Wed 25, (Thanksgiving 26), Fri 27, Mon 30, Tue 1 Dec -> received 1 Dec
    assert add_business_days(dt.date(2026, 11, 23), 5, "us") == dt.date(2026, 12, 1)
    assert validation_end_date(dt.date(2026, 11, 23)) == dt.date(2026, 12, 31)
    # a week without a holiday: sent Sunday 10 May, received Friday 15 May
    assert validation_end_date(dt.date(2026, 5, 10)) == dt.date(2026, 6, 14)


def test_a_profile_names_its_calendar_and_a_bad_jurisdiction_is_refused():
    assert (jurisdiction_of("us-regf"), jurisdiction_of("cn")) == ("us", "cn")
    with pytest.raises(ValueError):
        is_business_day(dt.date(2026, 1, 5), "eu")
