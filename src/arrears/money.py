"""Money as integer minor units (fen, cents), never a float.

    >>> to_fen("1234.5")
    123450
    >>> format_yuan(123450)
    '¥1,234.50'
    >>> format_money(123450, "USD", "en")
    '$1,234.50'
    >>> format_money(123450, "CNY", "zh-hans")
    '¥1,234.50'

Every amount belongs to a loan, and a loan has a currency (ISO 4217, `Loan.currency`): an
amount is shown with `format_money`, in its loan's currency and the reader's language (CLDR's
patterns, through Babel; docs/decisions/0032-money-in-the-loans-currency.md). The product holds
hundredths of the major unit, so it takes only currencies whose minor unit is a hundredth
(`currency_error` says why another is refused).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

Fen = int
"""An amount in fen (1/100 yuan)."""

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    """An amount that cannot be read as money."""


def to_fen(value: str | int | Decimal) -> Fen:
    """Read a yuan amount with at most two decimals into fen; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"amount must not be a float: {value!r}")
    if isinstance(value, int):
        return value * FEN_PER_YUAN
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as error:
        raise MoneyError(f"not an amount: {value!r}") from error
    if not amount.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"more than two decimals: {value!r}")
    return int(fen)


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, for non-negative numerators."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def quantize_fen(amount: Decimal) -> Fen:
    """Round a Decimal amount of fen to a whole fen, half up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


MINOR_DIGITS = 2
"""Every amount is held in hundredths of its currency's major unit (fen, cents)."""
DEFAULT_CURRENCY = "CNY"
_LOCALES = {"zh-hans": "zh_Hans_CN", "en": "en_US"}
"""The readers' languages (as Django names them) and the CLDR locale whose patterns they read."""


def currency_error(code: str) -> tuple[str, str] | None:
    """Why `code` cannot be a loan's currency (zh, en), or None when it can."""
    from babel.numbers import get_currency_precision

    if code not in _iso_currencies():
        return (f"{code!r} 不是 ISO 4217 货币代码（如 CNY、USD）", f"{code!r} is not an ISO 4217 currency code (such as CNY or USD)")
    if get_currency_precision(code) != MINOR_DIGITS:
        return (
            f"{code} 的最小单位不是百分之一，本系统的金额以百分之一为单位",
            f"{code}'s minor unit is not a hundredth; the product holds amounts in hundredths",
        )
    return None


@lru_cache(maxsize=1)
def _iso_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def format_money(minor: int, currency: str = DEFAULT_CURRENCY, language: str = "zh-hans") -> str:
    """An amount in hundredths as `language`'s reader writes it in `currency`: 123450 USD → $1,234.50 (en)."""
    return _format(int(minor), currency, _LOCALES.get((language or "").lower(), _LOCALES["en"]))


def _format(minor: int, currency: str, locale: str) -> str:
    from babel.numbers import format_currency

    return format_currency(Decimal(minor).scaleb(-MINOR_DIGITS), currency, locale=locale, currency_digits=True)


def format_yuan(fen: Fen, symbol: str = "¥") -> str:
    """Yuan with a given symbol (or none), for texts in no reader's language: the log, the CLI's mixed lines."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{whole:,}.{cents:02d}"


def rate_to_basis_points(rate: Decimal | str) -> int:
    """An annual rate such as Decimal('0.18') as whole basis points (1800); finer rates are refused."""
    points = Decimal(str(rate)) * 10000
    if points != points.to_integral_value() or points < 0:
        raise MoneyError(f"a rate must be a non-negative whole number of basis points: {rate!r}")
    return int(points)
