"""Bounced withholding, and the final order of a chunk's payments.

A withholding debit (代扣) sometimes bounces: the bank takes the money back a few days later.
The feed then carries a second row with its own reference, the same amount, a value date 1–3
days later, and `reverses` naming the first. A bounce after the horizon is not known yet and is
left out. Borrowers who are still paying pay again through the app on the day of the bounce;
those in hardship or unreachable do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arrears.simulate.behaviour import Behaviour, Channel, PaymentRows

BOUNCE_SHARE = 0.02
BOUNCE_DAYS = (1, 3)
PAY_AGAIN_AFTER_BOUNCE = (Behaviour.ALWAYS_PAYS, Behaviour.PAYS_LATE, Behaviour.SELF_CURES, Behaviour.REFUSES)

NOT_A_REVERSAL = -1


@dataclass(frozen=True, slots=True)
class OrderedPayments:
    """A chunk's payments in feed order: by loan, then value date, a reversal after what it reverses.

    reverses: for a reversal, the position (in this order) of the payment it reverses, else -1.
    """

    rows: PaymentRows
    reverses: np.ndarray


def add_bounces(
    rng: np.random.Generator, payments: PaymentRows, behaviour: np.ndarray, horizon_day: int
) -> OrderedPayments:
    size = payments.loan.size
    bounce_day = payments.day + rng.integers(BOUNCE_DAYS[0], BOUNCE_DAYS[1] + 1, size)
    bounced = (
        (payments.channel == Channel.WITHHOLD) & (rng.random(size) < BOUNCE_SHARE) & (bounce_day <= horizon_day)
    )
    original = np.flatnonzero(bounced)
    pays_again = original[np.isin(behaviour[payments.loan[original]], PAY_AGAIN_AFTER_BOUNCE)]

    loan = np.concatenate([payments.loan, payments.loan[original], payments.loan[pays_again]])
    day = np.concatenate([payments.day, bounce_day[original], bounce_day[pays_again]])
    amount = np.concatenate([payments.amount, payments.amount[original], payments.amount[pays_again]])
    channel = np.concatenate(
        [payments.channel, np.full(original.size, Channel.WITHHOLD), np.full(pays_again.size, Channel.APP)]
    )
    reverses = np.concatenate(
        [np.full(size, NOT_A_REVERSAL), original, np.full(pays_again.size, NOT_A_REVERSAL)]
    )
    # Within a loan and a day: payments first, then reversals, then payments made again.
    kind = np.concatenate([np.zeros(size), np.ones(original.size), np.full(pays_again.size, 2)])

    order = np.lexsort((np.arange(loan.size), kind, day, loan))
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    reverses = reverses[order]
    is_reversal = reverses != NOT_A_REVERSAL
    reverses[is_reversal] = position[reverses[is_reversal]]
    return OrderedPayments(
        rows=PaymentRows(loan=loan[order], day=day[order], amount=amount[order], channel=channel[order]),
        reverses=reverses,
    )
