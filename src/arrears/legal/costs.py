"""Costs a court or commission awards against the debtor: a component of what the borrower owes, apart
from the loan's ledger.

    owed = awarded_costs(loan_id, cut_off)     # AwardedCosts(awarded=5_000, recovered=5_000, outstanding=0)
    to_costs, to_loan = split_recovery(120_000, outstanding=5_000)   # (5_000, 115_000)

A stage records the costs awarded (court fees, arbitration fees, legal costs the judgment, order or
award makes the debtor bear: `LegalStage.costs_awarded`). They are owed from the stage's day, and they
are outside the loan's cost cap: the cap limits what the lender charges under the contract (interest,
penalty, fees); these are charged by the court, which has already judged them
(docs/decisions/0058-court-awarded-costs-outside-the-cost-cap.md).

Money recovered through enforcement pays the awarded costs first, then the loan (PRC Civil Code art. 561:
the costs of realising a claim come before interest and principal; a judgment is likewise satisfied costs
first in the US). What pays the costs is kept on the stage (`costs_recovered`); the rest reaches the ledger
as a payment of the channel `enforcement`, which the waterfall allocates like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AwardedCosts:
    awarded: int
    recovered: int

    @property
    def outstanding(self) -> int:
        return self.awarded - self.recovered


def split_recovery(recovered: int, *, outstanding: int) -> tuple[int, int]:
    """What of money recovered pays the awarded costs, and what reaches the loan's ledger."""
    to_costs = min(recovered, max(outstanding, 0))
    return to_costs, recovered - to_costs


def awarded_costs(loan_id: int, cut_off: dt.date | None = None) -> AwardedCosts:
    """The costs awarded against the debtor on every legal case of the loan, and what enforcement recovered
    of them, by stages entered on or before `cut_off` (all when None)."""
    from django.db.models import Sum

    from arrears.legal.models import LegalStage

    stages = LegalStage.objects.filter(case__loan_id=loan_id)
    if cut_off is not None:
        stages = stages.filter(entered_on__lte=cut_off)
    sums = stages.aggregate(awarded=Sum("costs_awarded"), recovered=Sum("costs_recovered"))
    return AwardedCosts(int(sums["awarded"] or 0), int(sums["recovered"] or 0))


def costs_lines(loan_id: int, as_of: dt.date | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the account page and `arrears explain` say of awarded costs, in Chinese and English (to now when
    `as_of` is None: an award is owed from the court's day, not from the next nightly run)."""
    owed = awarded_costs(loan_id, as_of)
    if owed.awarded == 0:
        return (), ()

    def yuan(fen: int) -> str:
        return f"{fen // 100:,}.{fen % 100:02d}"

    return ((f"法院判决由债务人承担的费用 {yuan(owed.awarded)} 元，执行已收回 {yuan(owed.recovered)} 元，"
             f"尚欠 {yuan(owed.outstanding)} 元（另计，不受综合成本上限约束）。",),
            (f"Costs awarded against the debtor {yuan(owed.awarded)}, recovered through enforcement "
             f"{yuan(owed.recovered)}, outstanding {yuan(owed.outstanding)} (owed apart from the loan, outside its cost cap).",))
