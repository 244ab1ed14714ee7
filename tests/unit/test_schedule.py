"""Repayment schedules: dates, the three methods, their invariants, and agreement with numpy_financial."""

from __future__ import annotations

import datetime as dt

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.ledger.records import Instalment, RepaymentMethod
from arrears.ledger.schedule import (
    MAX_TERM_MONTHS,
    add_months,
    amounts_for,
    build_schedule,
    due_dates,
    level_payment,
)

ANNUITY = RepaymentMethod.ANNUITY
EQUAL_PRINCIPAL = RepaymentMethod.EQUAL_PRINCIPAL
INTEREST_FIRST = RepaymentMethod.INTEREST_FIRST

principals = st.integers(min_value=1, max_value=10**9)
rates = st.integers(min_value=0, max_value=3600)
terms = st.integers(min_value=1, max_value=MAX_TERM_MONTHS)
methods = st.sampled_from(list(RepaymentMethod))


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 1, 31), 2, dt.date(2024, 3, 31)),
        (dt.date(2024, 1, 31), 3, dt.date(2024, 4, 30)),
        (dt.date(2024, 1, 30), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 29), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 29), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 12, 31), 2, dt.date(2026, 2, 28)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2023, 12, 29), 2, dt.date(2024, 2, 29)),
        (dt.date(2099, 12, 31), 1, dt.date(2100, 1, 31)),
        (dt.date(2099, 12, 31), 2, dt.date(2100, 2, 28)),  # 2100 is not a leap year
        (dt.date(1999, 12, 31), 2, dt.date(2000, 2, 29)),  # 2000 is
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 5, 15), 0, dt.date(2026, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_due_dates_from_the_31st_are_counted_from_the_start_and_never_drift():
    # given a loan started on the last day of January in a leap year
    start = dt.date(2024, 1, 31)

    # when
    dates = due_dates(start, 13)

    # then February is clamped, and every later month goes back to its own last day
    assert dates == (
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 7, 31),
        dt.date(2024, 8, 31),
        dt.date(2024, 9, 30),
        dt.date(2024, 10, 31),
        dt.date(2024, 11, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
    )


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(2025, 12, 29), (dt.date(2026, 1, 29), dt.date(2026, 2, 28), dt.date(2026, 3, 29))),
        (dt.date(2027, 12, 29), (dt.date(2028, 1, 29), dt.date(2028, 2, 29), dt.date(2028, 3, 29))),
        (dt.date(2025, 12, 30), (dt.date(2026, 1, 30), dt.date(2026, 2, 28), dt.date(2026, 3, 30))),
        (dt.date(2027, 12, 30), (dt.date(2028, 1, 30), dt.date(2028, 2, 29), dt.date(2028, 3, 30))),
        (dt.date(2025, 12, 31), (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31))),
        (dt.date(2027, 12, 31), (dt.date(2028, 1, 31), dt.date(2028, 2, 29), dt.date(2028, 3, 31))),
        (dt.date(2026, 10, 31), (dt.date(2026, 11, 30), dt.date(2026, 12, 31), dt.date(2027, 1, 31))),
    ],
)
def test_due_dates_from_late_in_the_month_across_year_ends_and_leap_years(start, expected):
    assert due_dates(start, 3) == expected


@given(start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), term=st.integers(1, 120))
def test_due_dates_are_strictly_increasing_and_keep_the_start_day_when_the_month_allows(start, term):
    dates = due_dates(start, term)

    assert len(dates) == term
    assert all(earlier < later for earlier, later in zip(dates, dates[1:]))
    for months, due in enumerate(dates, start=1):
        assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
        next_month_first = add_months(due.replace(day=1), 1)
        is_last_day = next_month_first - due == dt.timedelta(days=1)
        assert due.day == start.day or (due.day < start.day and is_last_day)


# --- hand-worked examples (docs/ledger-schedules.md) ---------------------------------------------


def test_annuity_of_12000_yuan_over_12_months_at_18_percent():
    # given 12,000.00 yuan at 18 % a year: r = 1.5 % a month, A = 1,100.16 yuan
    # when
    schedule = build_schedule(ANNUITY, 1_200_000, 1800, 12, dt.date(2026, 1, 31))

    # then
    assert schedule[0] == Instalment(1, dt.date(2026, 2, 28), principal=92_016, interest=18_000)
    assert schedule[1] == Instalment(2, dt.date(2026, 3, 31), principal=93_396, interest=16_620)
    assert schedule[2] == Instalment(3, dt.date(2026, 4, 30), principal=94_797, interest=15_219)
    assert all(instalment.amount == 110_016 for instalment in schedule[:-1])
    assert schedule[-1] == Instalment(12, dt.date(2027, 1, 31), principal=108_393, interest=1_626)
    assert sum(instalment.principal for instalment in schedule) == 1_200_000
    assert sum(instalment.interest for instalment in schedule) == 120_195


def test_level_payment_is_the_exact_annuity_rounded_half_up():
    assert level_payment(1_200_000, 1800, 12) == 110_016
    # at rate 0 the payment is P / n: 1,000.00 / 3 = 333.333… -> 333.33
    assert level_payment(100_000, 0, 3) == 33_333
    # 0.05 / 2 = 0.025 fen exactly -> rounds down; 0.03 / 2 = 1.5 fen -> rounds up
    assert level_payment(5, 0, 2) == 3
    assert level_payment(3, 0, 2) == 2


def test_equal_principal_gives_the_remainder_to_the_last_instalment():
    # given 10,000.00 yuan over 3 months at 12 %: 1 % a month on the declining balance
    # when
    schedule = build_schedule(EQUAL_PRINCIPAL, 1_000_000, 1200, 3, dt.date(2024, 1, 30))

    # then
    assert schedule == (
        Instalment(1, dt.date(2024, 2, 29), principal=333_333, interest=10_000),
        Instalment(2, dt.date(2024, 3, 30), principal=333_333, interest=6_667),
        Instalment(3, dt.date(2024, 4, 30), principal=333_334, interest=3_333),
    )


def test_equal_principal_of_12000_yuan_over_12_months_at_12_percent():
    schedule = build_schedule(EQUAL_PRINCIPAL, 1_200_000, 1200, 12, dt.date(2026, 1, 15))

    assert [instalment.principal for instalment in schedule] == [100_000] * 12
    assert [instalment.interest for instalment in schedule] == [12_000 - 1_000 * k for k in range(12)]


def test_interest_first_repays_the_whole_principal_at_maturity():
    # given 5,000.00 yuan over 3 months at 15 %: 62.50 yuan interest a month
    schedule = build_schedule(INTEREST_FIRST, 500_000, 1500, 3, dt.date(2025, 12, 31))

    assert schedule == (
        Instalment(1, dt.date(2026, 1, 31), principal=0, interest=6_250),
        Instalment(2, dt.date(2026, 2, 28), principal=0, interest=6_250),
        Instalment(3, dt.date(2026, 3, 31), principal=500_000, interest=6_250),
    )


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_rate_zero_charges_no_interest(method):
    amounts = amounts_for(method, 100_000, 0, 3)

    assert all(interest == 0 for _, interest in amounts)
    assert sum(principal for principal, _ in amounts) == 100_000


def test_annuity_at_rate_zero_splits_into_equal_parts():
    assert amounts_for(ANNUITY, 100_000, 0, 3) == ((33_333, 0), (33_333, 0), (33_334, 0))


def test_a_single_instalment_repays_everything_with_one_month_of_interest():
    for method in RepaymentMethod:
        assert amounts_for(method, 1_000_000, 1800, 1) == ((1_000_000, 15_000),)


def test_a_tiny_annuity_over_a_long_term_never_repays_more_than_was_lent():
    # given a payment that rounds up: 1.80 yuan over 360 months is 0.5 fen a month -> 1 fen
    amounts = amounts_for(ANNUITY, 180, 0, 360)

    assert sum(principal for principal, _ in amounts) == 180
    assert all(principal >= 0 for principal, _ in amounts)
    assert amounts[179] == (1, 0) and amounts[180] == (0, 0)


# --- invariants ---------------------------------------------------------------------------------


@settings(max_examples=300)
@given(method=methods, principal=principals, rate=rates, term=terms)
def test_principal_parts_add_up_to_the_loan_and_nothing_is_negative(method, principal, rate, term):
    amounts = amounts_for(method, principal, rate, term)

    assert len(amounts) == term
    assert sum(principal_part for principal_part, _ in amounts) == principal
    assert all(principal_part >= 0 and interest >= 0 for principal_part, interest in amounts)


@settings(max_examples=200)
@given(method=methods, principal=principals, rate=rates, term=terms)
def test_interest_is_one_month_on_the_balance_before_each_instalment(method, principal, rate, term):
    balance = principal
    for principal_part, interest in amounts_for(method, principal, rate, term):
        assert interest == (2 * balance * rate + 120_000) // 240_000
        balance -= principal_part
    assert balance == 0


@settings(max_examples=200)
@given(principal=principals, rate=rates, term=st.integers(2, MAX_TERM_MONTHS))
def test_annuity_instalments_before_the_last_are_level(principal, rate, term):
    amounts = amounts_for(ANNUITY, principal, rate, term)
    payment = level_payment(principal, rate, term)

    # only a loan so small that the rounded payment over-amortises it stops paying early
    paid_off_early = sum(p for p, _ in amounts[:-1]) == principal and amounts[-1] == (0, 0)
    for principal_part, interest in amounts[:-1]:
        assert principal_part + interest == payment or paid_off_early


@settings(max_examples=100)
@given(principal=st.integers(1, 10**7), rate=rates, term=st.integers(2, 60))
def test_equal_principal_parts_are_level_except_the_last(principal, rate, term):
    amounts = amounts_for(EQUAL_PRINCIPAL, principal, rate, term)

    assert {p for p, _ in amounts[:-1]} == {principal // term}
    assert amounts[-1][0] == principal - (term - 1) * (principal // term)


def test_build_schedule_numbers_instalments_and_pairs_them_with_due_dates():
    start = dt.date(2026, 1, 31)

    schedule = build_schedule(EQUAL_PRINCIPAL, 600_000, 1200, 6, start)

    assert [instalment.seq for instalment in schedule] == [1, 2, 3, 4, 5, 6]
    assert tuple(instalment.due_date for instalment in schedule) == due_dates(start, 6)
    assert tuple((i.principal, i.interest) for i in schedule) == amounts_for(EQUAL_PRINCIPAL, 600_000, 1200, 6)


def test_method_may_be_given_by_its_value():
    assert amounts_for("annuity", 1_200_000, 1800, 12) == amounts_for(ANNUITY, 1_200_000, 1800, 12)


def test_loans_with_the_same_terms_share_one_computation():
    first = amounts_for(ANNUITY, 987_654, 1799, 17)
    second = amounts_for(RepaymentMethod("annuity"), 987_654, 1799, 17)
    assert first is second
    assert due_dates(dt.date(2026, 1, 31), 12) is due_dates(dt.date(2026, 1, 31), 12)


# --- agreement with numpy_financial -----------------------------------------------------------


def _assert_annuity_agrees_with_numpy_financial(principal: int, rate: int, term: int) -> None:
    monthly_rate = rate / 120_000
    amounts = amounts_for(ANNUITY, principal, rate, term)
    exact_payment = -npf.pmt(monthly_rate, term, principal)

    assert level_payment(principal, rate, term) == round(exact_payment)
    for period, (principal_part, interest) in enumerate(amounts[:-1], start=1):
        expected_interest = -npf.ipmt(monthly_rate, period, term, principal)
        expected_principal = -npf.ppmt(monthly_rate, period, term, principal)
        assert abs(interest - expected_interest) <= 1, (period, interest, expected_interest)
        assert abs(principal_part - expected_principal) <= 1.5, (period, principal_part, expected_principal)


@pytest.mark.parametrize(
    ("principal", "rate", "term"),
    [
        (1_200_000, 1800, 12),
        (300_000, 1800, 6),
        (5_000_000, 1800, 24),
        (2_345_600, 1800, 24),
        (888_800, 2400, 12),
        (10_000_000, 900, 36),
    ],
)
def test_annuity_agrees_with_numpy_financial_on_product_like_loans(principal, rate, term):
    _assert_annuity_agrees_with_numpy_financial(principal, rate, term)


@settings(max_examples=200)
@given(principal=st.integers(10_000, 10**8), rate=st.integers(1, 2400), term=st.integers(1, 12))
def test_annuity_agrees_with_numpy_financial(principal, rate, term):
    # Rounding moves each balance by at most a fen a month, so over a year at up to 24 % the
    # interest stays within a fen of the unrounded annuity; the last instalment absorbs the rest.
    exact_payment = -npf.pmt(rate / 120_000, term, principal)
    if abs(exact_payment - round(exact_payment)) > 0.4999:
        return  # a float half: numpy cannot say which way the exact payment rounds
    _assert_annuity_agrees_with_numpy_financial(principal, rate, term)


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((ANNUITY, 0, 1800, 12), "principal must be more than 0 fen, got 0"),
        ((ANNUITY, -5, 1800, 12), "principal must be more than 0 fen, got -5"),
        ((ANNUITY, 1000.0, 1800, 12), "principal must be whole fen (an int), got 1000.0"),
        ((ANNUITY, 100_000, -1, 12), "annual_rate_bp must be 0 or more, got -1"),
        ((ANNUITY, 100_000, 1800, 0), "term_months must be 1 to 360, got 0"),
        ((ANNUITY, 100_000, 1800, 361), "term_months must be 1 to 360, got 361"),
        (("balloon", 100_000, 1800, 12), "unknown repayment method 'balloon'"),
    ],
)
def test_bad_inputs_are_refused_with_a_precise_message(args, message):
    with pytest.raises(ValueError) as raised:
        amounts_for(*args)

    assert message in str(raised.value)


def test_build_schedule_validates_too():
    with pytest.raises(ValueError, match="term_months must be 1 to 360, got 0"):
        build_schedule(ANNUITY, 100_000, 1800, 0, dt.date(2026, 1, 1))
