"""Commission on recoveries, in fen, from a contract's tiers (pure: no Django).

    >>> commission_fen(recovered=50_000, placed=100_000, tiers=(Tier(0, 1000), Tier(3000, 1500)))
    7500

The tier is chosen by the recovery rate over the placement (recovered / placed, in basis points);
the rate applies to the whole amount recovered, rounded half up to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.agencies.terms import BASIS_POINTS, Tier
from arrears.money import round_half_up


def recovery_bp(recovered: int, placed: int) -> int:
    """Recovered as basis points of the amount placed, rounded down (a tier is earned, not rounded into)."""
    if placed <= 0:
        return 0
    return max(recovered, 0) * BASIS_POINTS // placed


def tier_for(rate_bp: int, tiers: tuple[Tier, ...]) -> Tier | None:
    reached = [tier for tier in tiers if tier.from_recovery_bp <= rate_bp]
    return reached[-1] if reached else None


def apply_rate(recovered: int, rate_bp: int) -> int:
    """`rate_bp` basis points of a recovered amount, rounded half up to the fen; nothing on nothing."""
    return round_half_up(recovered * rate_bp, BASIS_POINTS) if recovered > 0 else 0


def commission_fen(*, recovered: int, placed: int, tiers: tuple[Tier, ...]) -> int:
    tier = tier_for(recovery_bp(recovered, placed), tiers)
    return 0 if tier is None else apply_rate(recovered, tier.rate_bp)


@dataclass(frozen=True)
class StatementLine:
    """One placement on a statement: what was placed, what the lender received in the period, the commission."""

    placement_id: int
    loan_reference: str
    bucket: str
    placed_on: object
    ended_on: object
    placed_amount: int
    recovered: int
    recovery_bp: int
    rate_bp: int
    commission: int
    currency: str = "CNY"
    """The placed loan's (ISO 4217): every amount of the line is in its hundredths."""


def statement_line(*, placement_id, loan_reference, bucket, placed_on, ended_on, placed_amount, recovered, tiers) -> StatementLine:
    rate = recovery_bp(recovered, placed_amount)
    tier = tier_for(rate, tiers)
    return StatementLine(
        placement_id=placement_id,
        loan_reference=loan_reference,
        bucket=bucket,
        placed_on=placed_on,
        ended_on=ended_on,
        placed_amount=placed_amount,
        recovered=recovered,
        recovery_bp=rate,
        rate_bp=0 if tier is None else tier.rate_bp,
        commission=commission_fen(recovered=recovered, placed=placed_amount, tiers=tiers),
    )
