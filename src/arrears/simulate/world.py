"""The simulated borrowers: their hidden behaviour, how to reach them, and the money they will pay.

The book generator (book.py) gives every loan a behaviour the lender cannot see. Borrowers who pay
by themselves (always pays, pays late, self-cures) keep the payments the generator planned; the
others (hardship, refuses, unreachable) stop paying when the simulation starts, and pay only when
collection moves them: a promise kept, a plan's instalment, a reminder acted on. Those payments
are booked here by day and handed to the lender as that day's payments file, like any payment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.simulate.behaviour import Behaviour
from arrears.simulate.text import yuan_text

NATURAL = frozenset({Behaviour.ALWAYS_PAYS, Behaviour.PAYS_LATE, Behaviour.SELF_CURES})
NAMES = {behaviour: behaviour.name.lower() for behaviour in Behaviour}


def digits(number: str) -> str:
    """The last eleven digits of a phone number: how a borrower's phone is recognised."""
    return re.sub(r"\D", "", number or "")[-11:]


@dataclass
class Payment:
    loan: str  # the lender's loan reference
    amount: int  # fen
    why: str  # promise, plan, message, visit


@dataclass
class Borrowers:
    """What the simulation knows of the people behind the loans (never shown to the product)."""

    behaviour: dict[str, str]  # loan reference → behaviour name
    loans_by_phone: dict[str, list[str]]
    loans_by_email: dict[str, list[str]]
    rng: np.random.Generator
    booked: dict[dt.date, list[Payment]] = field(default_factory=lambda: defaultdict(list))
    _references: int = 0

    @classmethod
    def from_book(cls, loans: pa.Table, behaviour: np.ndarray, rng: np.random.Generator) -> Borrowers:
        references = loans.column("loan_id").to_pylist()
        by_phone: dict[str, list[str]] = defaultdict(list)
        by_email: dict[str, list[str]] = defaultdict(list)
        for reference, mobile, email in zip(references, loans.column("mobile").to_pylist(),
                                            loans.column("email").to_pylist(), strict=True):
            by_phone[digits(mobile)].append(reference)
            if email:
                by_email[email.strip().lower()].append(reference)
        return cls(
            behaviour={ref: NAMES[Behaviour(int(code))] for ref, code in zip(references, behaviour, strict=True)},
            loans_by_phone=dict(by_phone),
            loans_by_email=dict(by_email),
            rng=rng,
        )

    def loans_of(self, address: str) -> list[str]:
        """The loans of the borrower a message went to, by their phone number or email address."""
        if "@" in (address or ""):
            return self.loans_by_email.get(address.strip().lower(), [])
        return self.loans_by_phone.get(digits(address), [])

    def of(self, reference: str) -> str:
        return self.behaviour.get(reference, "always_pays")

    def chance(self, rate: float) -> bool:
        return bool(self.rng.random() < rate)

    def pick(self, distribution: dict[str, float]) -> str:
        names = list(distribution)
        return names[int(self.rng.choice(len(names), p=np.array([distribution[n] for n in names]) / sum(distribution.values())))]

    def between(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def book(self, day: dt.date, reference: str, amount: int, why: str) -> None:
        if amount > 0:
            self.booked[day].append(Payment(reference, amount, why))

    def payments_on(self, day: dt.date) -> list[Payment]:
        return self.booked.pop(day, [])

    def payments_file_rows(self, day: dt.date, natural: pa.Table | None) -> pa.Table:
        """The day's payments as the payments feed's columns: the book's own for borrowers who pay
        by themselves, and those collection brought about."""
        from arrears.simulate.book import PAYMENTS_SCHEMA

        parts = []
        if natural is not None and natural.num_rows:
            parts.append(natural.cast(PAYMENTS_SCHEMA))
        moved = self.payments_on(day)
        if moved:
            references = []
            for payment in moved:
                self._references += 1
                references.append(f"SIM{day:%Y%m%d}{self._references:07d}")
            parts.append(pa.table({
                "reference": references,
                "loan_id": [p.loan for p in moved],
                "amount": yuan_text(np.array([p.amount for p in moved], dtype=np.int64)),
                "value_date": pa.array([day] * len(moved), pa.date32()),
                "channel": ["app"] * len(moved),
                "reverses": pa.nulls(len(moved), pa.string()),
            }, schema=PAYMENTS_SCHEMA))
        if not parts:
            return PAYMENTS_SCHEMA.empty_table()
        return pa.concat_tables(parts)


def natural_payments(payments: pa.Table, loans: pa.Table, behaviour: np.ndarray, first_day: dt.date) -> pa.Table:
    """The book's payments from `first_day` on of the borrowers who pay by themselves."""
    references = loans.column("loan_id")
    codes = pa.array(behaviour.astype(np.int64))
    natural = pa.array([int(b) for b in NATURAL], pa.int64())
    paying = references.filter(pc.is_in(codes, value_set=natural))
    later = payments.filter(pc.greater_equal(payments.column("value_date"), pa.scalar(first_day, pa.date32())))
    return later.filter(pc.is_in(later.column("loan_id"), value_set=paying))
