"""Money as integer minor units (fen), never a float.

    >>> to_fen("1234.5")
    123450
    >>> format_yuan(123450)
    '¥1,234.50'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def format_yuan(fen: Fen, symbol: str = "¥") -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{whole:,}.{cents:02d}"


def rate_to_basis_points(rate: Decimal | str) -> int:
    """An annual rate such as Decimal('0.18') as whole basis points (1800); finer rates are refused."""
    points = Decimal(str(rate)) * 10000
    if points != points.to_integral_value() or points < 0:
        raise MoneyError(f"a rate must be a non-negative whole number of basis points: {rate!r}")
    return int(points)
