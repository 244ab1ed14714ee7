"""Repayment schedules: when each instalment falls due and how much of it is principal and interest.

    >>> from datetime import date
    >>> first = build_schedule(RepaymentMethod.ANNUITY, 1_200_000, 1800, 12, date(2026, 1, 31))[0]
    >>> first.due_date, first.principal, first.interest
    (datetime.date(2026, 2, 28), 92016, 18000)

Conventions (worked through by hand in docs/ledger-schedules.md):

- Instalment k falls due k months after the start, on the same day of the month, or on the
  month's last day when that day does not exist; always counted from the start date, so a
  loan started on Jan 31 falls due Feb 28, Mar 31, Apr 30 … and never drifts to the 28th.
- The monthly rate is annual_rate_bp / 120000, kept as an exact fraction; a period's interest
  is the balance outstanding before the instalment times that rate, rounded half up to the fen
  (a monthly convention, not actual days).
- Whatever the method, the last instalment repays the whole remaining balance, so the
  principal parts add up to the loan exactly.

The amounts depend only on (method, principal, rate, term) and the dates only on (start, term),
so both are cached: a bulk import of many loans on the same few products computes each
distinct schedule once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction
from functools import lru_cache

from arrears.ledger.records import Instalment, RepaymentMethod
from arrears.money import Fen, round_half_up

__all__ = [
    "MAX_TERM_MONTHS",
    "add_months",
    "amounts_for",
    "build_schedule",
    "due_dates",
    "level_payment",
    "monthly_interest",
]

MAX_TERM_MONTHS = 360
"""Thirty years: longer than any consumer loan, short enough to catch a term given in days."""

BASIS_POINTS_PER_MONTH = 12 * 10_000
"""annual_rate_bp / BASIS_POINTS_PER_MONTH is the monthly rate."""

InstalmentAmounts = tuple[tuple[Fen, Fen], ...]
"""(principal, interest) of each instalment in order, in fen."""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, clamped to the end of a shorter month.

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{day.isoformat()} plus {months} months is outside the calendar")
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


@lru_cache(maxsize=4096)
def due_dates(start: dt.date, term_months: int) -> tuple[dt.date, ...]:
    """The due dates of instalments 1..term: instalment k is due `add_months(start, k)`."""
    _check_term(term_months)
    return tuple(add_months(start, k) for k in range(1, term_months + 1))


def build_schedule(
    method: RepaymentMethod,
    principal: Fen,
    annual_rate_bp: int,
    term_months: int,
    start_date: dt.date,
) -> tuple[Instalment, ...]:
    """The instalments of a loan, numbered from 1."""
    amounts = amounts_for(method, principal, annual_rate_bp, term_months)
    dates = due_dates(start_date, term_months)
    return tuple(
        Instalment(seq=seq, due_date=due_date, principal=principal_part, interest=interest)
        for seq, (due_date, (principal_part, interest)) in enumerate(zip(dates, amounts, strict=True), start=1)
    )


def amounts_for(method: RepaymentMethod, principal: Fen, annual_rate_bp: int, term_months: int) -> InstalmentAmounts:
    """(principal, interest) of each instalment, cached per (method, principal, rate, term)."""
    method = _check_method(method)
    _check_principal(principal)
    _check_rate(annual_rate_bp)
    _check_term(term_months)
    return _cached_amounts(method, principal, annual_rate_bp, term_months)


@lru_cache(maxsize=16384)
def _cached_amounts(method: RepaymentMethod, principal: Fen, annual_rate_bp: int, term_months: int) -> InstalmentAmounts:
    if method is RepaymentMethod.ANNUITY:
        return _annuity(principal, annual_rate_bp, term_months)
    if method is RepaymentMethod.EQUAL_PRINCIPAL:
        return _equal_principal(principal, annual_rate_bp, term_months)
    return _interest_first(principal, annual_rate_bp, term_months)


def monthly_interest(balance: Fen, annual_rate_bp: int) -> Fen:
    """One month's interest on `balance`, rounded half up to the fen."""
    return round_half_up(balance * annual_rate_bp, BASIS_POINTS_PER_MONTH)


def level_payment(principal: Fen, annual_rate_bp: int, term_months: int) -> Fen:
    """The annuity payment A = P·r(1+r)^n / ((1+r)^n − 1), exact, then rounded half up to the fen."""
    factor = _annuity_factor(annual_rate_bp, term_months)
    return round_half_up(principal * factor.numerator, factor.denominator)


@lru_cache(maxsize=1024)
def _annuity_factor(annual_rate_bp: int, term_months: int) -> Fraction:
    """A / P as an exact fraction; at rate 0 the loan is simply repaid in n equal parts."""
    if annual_rate_bp == 0:
        return Fraction(1, term_months)
    monthly_rate = Fraction(annual_rate_bp, BASIS_POINTS_PER_MONTH)
    growth = (1 + monthly_rate) ** term_months
    return monthly_rate * growth / (growth - 1)


def _annuity(principal: Fen, annual_rate_bp: int, term_months: int) -> InstalmentAmounts:
    payment = level_payment(principal, annual_rate_bp, term_months)
    amounts = []
    balance = principal
    for _ in range(term_months - 1):
        interest = monthly_interest(balance, annual_rate_bp)
        # The level payment is rounded, so on a tiny loan over a long term the instalments could
        # repay slightly more than was lent; the principal part never exceeds what is still owed.
        principal_part = min(payment - interest, balance)
        amounts.append((principal_part, interest))
        balance -= principal_part
    amounts.append((balance, monthly_interest(balance, annual_rate_bp)))
    return tuple(amounts)


def _equal_principal(principal: Fen, annual_rate_bp: int, term_months: int) -> InstalmentAmounts:
    share = principal // term_months
    amounts = []
    balance = principal
    for _ in range(term_months - 1):
        amounts.append((share, monthly_interest(balance, annual_rate_bp)))
        balance -= share
    amounts.append((balance, monthly_interest(balance, annual_rate_bp)))
    return tuple(amounts)


def _interest_first(principal: Fen, annual_rate_bp: int, term_months: int) -> InstalmentAmounts:
    interest = monthly_interest(principal, annual_rate_bp)
    return ((0, interest),) * (term_months - 1) + ((principal, interest),)


def _check_method(method: RepaymentMethod | str) -> RepaymentMethod:
    try:
        return RepaymentMethod(method)
    except ValueError:
        known = ", ".join(m.value for m in RepaymentMethod)
        raise ValueError(f"unknown repayment method {method!r}; expected one of {known}") from None


def _check_principal(principal: Fen) -> None:
    if isinstance(principal, bool) or not isinstance(principal, int):
        raise ValueError(f"principal must be whole fen (an int), got {principal!r}")
    if principal <= 0:
        raise ValueError(f"principal must be more than 0 fen, got {principal}")


def _check_rate(annual_rate_bp: int) -> None:
    if isinstance(annual_rate_bp, bool) or not isinstance(annual_rate_bp, int):
        raise ValueError(f"annual_rate_bp must be whole basis points (an int), got {annual_rate_bp!r}")
    if annual_rate_bp < 0:
        raise ValueError(f"annual_rate_bp must be 0 or more, got {annual_rate_bp}")


def _check_term(term_months: int) -> None:
    if isinstance(term_months, bool) or not isinstance(term_months, int):
        raise ValueError(f"term_months must be a whole number of months (an int), got {term_months!r}")
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise ValueError(f"term_months must be 1 to {MAX_TERM_MONTHS}, got {term_months}")
