"""Immutable ledger facts shared by the pure modules (no Django here).

Amounts are fen (int); dates are business dates in the lender's zone; rates are
annual basis points (1800 = 18 %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from arrears.money import Fen


class RepaymentMethod(StrEnum):
    ANNUITY = "annuity"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_FIRST = "interest_first"  # 先息后本


class Component(StrEnum):
    """What a payment can pay for, in the words of the allocation order."""

    PENALTY = "penalty"
    FEE = "fee"
    INTEREST = "interest"
    PRINCIPAL = "principal"


DEFAULT_ALLOCATION_ORDER: tuple[Component, ...] = (
    Component.PENALTY,
    Component.FEE,
    Component.INTEREST,
    Component.PRINCIPAL,
)

MAX_SCORE = 1000
"""A loan's propensity-to-pay score runs from 0 (will not pay) to MAX_SCORE (certain to pay)."""


@dataclass(frozen=True, slots=True)
class Instalment:
    """One scheduled repayment: due on `due_date`, `principal` + `interest` fen."""

    seq: int
    due_date: dt.date
    principal: Fen
    interest: Fen

    @property
    def amount(self) -> Fen:
        return self.principal + self.interest


@dataclass(frozen=True, slots=True)
class ChargeTerms:
    """The product terms the nightly cycle needs.

    penalty_rate_bp: annual penalty rate on overdue principal, accrued daily on a 360-day year.
    late_fee: charged once per instalment still unpaid at the end of its grace period.
    grace_days: days after the due date before fee and penalty apply (0 to 27).
    cost_cap_bp: annualised cost cap; charges beyond it are withheld.
    charge_off_dpd: days past due at which an account is charged off.
    allocation_order: the order in which a payment pays the components.
    """

    penalty_rate_bp: int = 0
    late_fee: Fen = 0
    grace_days: int = 0
    cost_cap_bp: int = 2400
    charge_off_dpd: int = 180
    allocation_order: tuple[Component, ...] = DEFAULT_ALLOCATION_ORDER

    def __post_init__(self) -> None:
        if not 0 <= self.grace_days <= 27:
            raise ValueError(f"grace_days must be 0 to 27, got {self.grace_days!r}")
        if sorted(self.allocation_order) != sorted(DEFAULT_ALLOCATION_ORDER):
            raise ValueError(f"allocation_order must name each component once: {self.allocation_order!r}")
        if self.penalty_rate_bp < 0 or self.late_fee < 0 or self.cost_cap_bp < 0:
            raise ValueError("rates, fees and caps cannot be negative")
        if self.charge_off_dpd < 1:
            raise ValueError(f"charge_off_dpd must be at least 1, got {self.charge_off_dpd!r}")


@dataclass(frozen=True, slots=True)
class LoanBook:
    """A loan as the cycle sees it: its schedule and its terms."""

    loan_id: int
    principal: Fen
    start_date: dt.date
    instalments: tuple[Instalment, ...]
    terms: ChargeTerms = field(default_factory=ChargeTerms)
    currency: str = "CNY"
    """ISO 4217, for the words that state its amounts (arrears.money.format_money)."""


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """A payment received, or a reversal of one (`reverses` names the reversed payment id)."""

    payment_id: int
    loan_id: int
    amount: Fen
    value_date: dt.date
    reverses: int | None = None
