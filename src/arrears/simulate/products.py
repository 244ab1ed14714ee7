"""What the synthetic book lends: the catalogue's products, with the amounts and terms people take.

Codes, repayment methods and rates come from the product catalogue (products.yaml); the
catalogue says nothing about loan sizes or terms, so those follow the repayment method:

| method | kind of loan | share | principal (yuan) | median | step | terms (months) |
|---|---|---|---|---|---|---|
| annuity | cash loan | 55 % | 3,000–50,000 | 8,000 | 500 | 6, 12, 24 |
| equal principal | point of sale | 35 % | 1,000–20,000 | 4,000 | 10 | 3, 6, 12 |
| interest first | bullet | 10 % | 10,000–100,000 | 20,000 | 1,000 | 3, 6, 12 |

Principals are lognormal around the median, clipped to the range, and rounded to the step:
cash is lent in round amounts, a purchase price less its down payment is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arrears.ledger.catalogue import ProductSpec, read_catalogue, shipped_catalogue
from arrears.ledger.records import RepaymentMethod
from arrears.money import FEN_PER_YUAN


@dataclass(frozen=True, slots=True)
class LendingPattern:
    """How loans of one repayment method are usually sized (amounts in whole yuan)."""

    share: float
    principal_min: int
    principal_max: int
    principal_median: int
    principal_step: int
    terms_months: tuple[int, ...]
    term_weights: tuple[float, ...]
    spread: float = 0.6  # sigma of the lognormal: most loans within about ×0.5 to ×2 the median


LENDING_PATTERNS: dict[RepaymentMethod, LendingPattern] = {
    RepaymentMethod.ANNUITY: LendingPattern(0.55, 3_000, 50_000, 8_000, 500, (6, 12, 24), (0.3, 0.45, 0.25)),
    RepaymentMethod.EQUAL_PRINCIPAL: LendingPattern(0.35, 1_000, 20_000, 4_000, 10, (3, 6, 12), (0.3, 0.4, 0.3)),
    RepaymentMethod.INTEREST_FIRST: LendingPattern(0.10, 10_000, 100_000, 20_000, 1_000, (3, 6, 12), (0.3, 0.4, 0.3)),
}


@dataclass(frozen=True, slots=True)
class ProductProfile:
    """A catalogue product and how the book lends it; `share` is its part of all loans."""

    code: str
    method: RepaymentMethod
    annual_rate_bp: int
    share: float
    pattern: LendingPattern


def product_profiles(specs: Sequence[ProductSpec] | None = None, *, profile: str = "cn") -> tuple[ProductProfile, ...]:
    """One profile per catalogue product (default: the catalogue shipped for `profile`); products
    sharing a method share its part of the book."""
    specs = tuple(read_catalogue(shipped_catalogue(profile)) if specs is None else specs)
    if not specs:
        raise ValueError("the product catalogue is empty: a book needs at least one product")
    per_method = {method: sum(spec.repayment_method is method for spec in specs) for method in RepaymentMethod}
    profiles = [
        ProductProfile(
            code=spec.code,
            method=spec.repayment_method,
            annual_rate_bp=spec.annual_rate_bp,
            share=LENDING_PATTERNS[spec.repayment_method].share / per_method[spec.repayment_method],
            pattern=LENDING_PATTERNS[spec.repayment_method],
        )
        for spec in specs
    ]
    total = sum(profile.share for profile in profiles)
    return tuple(
        ProductProfile(p.code, p.method, p.annual_rate_bp, p.share / total, p.pattern) for p in profiles
    )


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """The terms of a chunk of loans, one entry per loan."""

    product: np.ndarray  # index into the profiles
    principal: np.ndarray  # fen, int64
    term_months: np.ndarray  # int32


def draw_loan_terms(rng: np.random.Generator, profiles: Sequence[ProductProfile], size: int) -> LoanTerms:
    shares = np.array([profile.share for profile in profiles])
    product = rng.choice(len(profiles), size=size, p=shares)
    principal = np.zeros(size, dtype=np.int64)
    term = np.zeros(size, dtype=np.int32)
    for index, profile in enumerate(profiles):
        rows = np.flatnonzero(product == index)
        pattern = profile.pattern
        weights = np.array(pattern.term_weights)
        term[rows] = np.array(pattern.terms_months)[rng.choice(len(weights), size=rows.size, p=weights / weights.sum())]
        yuan = pattern.principal_median * np.exp(pattern.spread * rng.standard_normal(rows.size))
        steps = np.rint(np.clip(yuan, pattern.principal_min, pattern.principal_max) / pattern.principal_step)
        yuan = np.clip(steps.astype(np.int64) * pattern.principal_step, pattern.principal_min, pattern.principal_max)
        principal[rows] = yuan * FEN_PER_YUAN
    return LoanTerms(product=product, principal=principal, term_months=term)
