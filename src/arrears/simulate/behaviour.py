"""How synthetic borrowers repay: six behaviours, each turned into payments against the schedule.

| behaviour | share | what the borrower does |
|---|---|---|
| always pays | 58 % | every instalment in full, on the due date (withholding) or 0–3 days before |
| pays late | 14 % | every instalment 5–25 days late; 30 % of the time adds 10–60 yuan for penalties |
| self-cures | 10 % | misses one or two instalments, pays them in one sum 5–30 days after the last missed due date, otherwise on time |
| hardship | 7 % | pays 30–70 % of instalments, up to 15 days late; stops for 2–3 instalments after the first 1–3, then pays partially again |
| refuses | 6 % | pays the first 1–4 instalments on time, then nothing |
| unreachable | 5 % | pays the first instalment at most, then nothing |

The book leans toward trouble so that collections has work; it is not calibrated to any lender.
A few payments of late payers, self-curers and refusers (3 %) are overpaid, rounded up to the next
100 yuan. Bounced withholding is added afterwards, in `payments.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from arrears.money import FEN_PER_YUAN
from arrears.simulate.due import DueGrid


class Behaviour(IntEnum):
    ALWAYS_PAYS = 0
    PAYS_LATE = 1
    SELF_CURES = 2
    HARDSHIP = 3
    REFUSES = 4
    UNREACHABLE = 5


BEHAVIOUR_SHARES: dict[Behaviour, float] = {
    Behaviour.ALWAYS_PAYS: 0.58,
    Behaviour.PAYS_LATE: 0.14,
    Behaviour.SELF_CURES: 0.10,
    Behaviour.HARDSHIP: 0.07,
    Behaviour.REFUSES: 0.06,
    Behaviour.UNREACHABLE: 0.05,
}


class Channel(IntEnum):
    """How a payment arrived (the feed carries the lower-case name)."""

    BANK_TRANSFER = 0
    APP = 1
    WITHHOLD = 2  # the lender debits the borrower's bank card (代扣) on the due date
    COUNTER = 3


ON_TIME_CHANNELS = {Channel.WITHHOLD: 0.45, Channel.APP: 0.35, Channel.BANK_TRANSFER: 0.15, Channel.COUNTER: 0.05}
LATE_CHANNELS = {Channel.APP: 0.55, Channel.BANK_TRANSFER: 0.25, Channel.COUNTER: 0.10, Channel.WITHHOLD: 0.10}

MAX_DAYS_EARLY = 3
LATE_DAYS = (5, 25)
PENALTY_EXTRA_SHARE = 0.30
PENALTY_EXTRA_YUAN = (10, 60)
CATCH_UP_DAYS = (5, 30)
TWO_MISSED_SHARE = 0.4
HARDSHIP_PERCENT = (30, 70)
HARDSHIP_DAYS_LATE = (0, 15)
OVERPAYMENT_SHARE = 0.03
OVERPAYERS = (Behaviour.PAYS_LATE, Behaviour.SELF_CURES, Behaviour.REFUSES)
HUNDRED_YUAN = 100 * FEN_PER_YUAN


@dataclass(frozen=True, slots=True)
class PaymentRows:
    """Payments of a chunk, one entry per payment; `loan` is the loan's row in the chunk."""

    loan: np.ndarray  # int64
    day: np.ndarray  # int64, days since 1970-01-01
    amount: np.ndarray  # int64 fen, > 0
    channel: np.ndarray  # int64 Channel


def assign_behaviours(rng: np.random.Generator, size: int) -> np.ndarray:
    shares = np.array(list(BEHAVIOUR_SHARES.values()))
    return np.array(list(BEHAVIOUR_SHARES), dtype=np.int64)[rng.choice(shares.size, size=size, p=shares / shares.sum())]


def plan_payments(
    rng: np.random.Generator, behaviour: np.ndarray, grid: DueGrid, start_day: np.ndarray, horizon_day: int
) -> PaymentRows:
    """The payments each loan's borrower makes up to the horizon, by behaviour.

    Every behaviour's grid is drawn for every loan and the loan's own is kept: it wastes a little
    arithmetic and keeps the random streams, hence the book, independent of the mix.
    """
    rows, columns = grid.day.shape
    instalment = np.arange(columns)[None, :]
    who = behaviour[:, None]

    on_time_channel = _channels(rng, ON_TIME_CHANNELS, (rows, columns))
    days_early = np.where(on_time_channel == Channel.WITHHOLD, 0, rng.integers(0, MAX_DAYS_EARLY + 1, (rows, columns)))
    on_time_day = grid.day - days_early
    late_channel = _channels(rng, LATE_CHANNELS, (rows, columns))

    amount = np.zeros((rows, columns), dtype=np.int64)
    day = on_time_day.copy()
    channel = on_time_channel.copy()

    # always pays
    always = who == Behaviour.ALWAYS_PAYS
    amount = np.where(always & grid.is_due, grid.amount, amount)

    # pays late
    late = who == Behaviour.PAYS_LATE
    extra = rng.integers(PENALTY_EXTRA_YUAN[0], PENALTY_EXTRA_YUAN[1] + 1, (rows, columns)) * FEN_PER_YUAN
    extra = np.where(rng.random((rows, columns)) < PENALTY_EXTRA_SHARE, extra, 0)
    late_day = grid.day + rng.integers(LATE_DAYS[0], LATE_DAYS[1] + 1, (rows, columns))
    amount = np.where(late & grid.is_due, grid.amount + extra, amount)
    day = np.where(late, late_day, day)
    channel = np.where(late, late_channel, channel)

    # self-cures: the missed instalments are paid in one sum, entered in the last missed column
    cures = who == Behaviour.SELF_CURES
    first_missed = (rng.random(rows) * np.maximum(grid.count, 1)).astype(np.int64)[:, None]
    missed_count = np.where(rng.random(rows) < TWO_MISSED_SHARE, 2, 1)[:, None]
    missed = grid.is_due & (instalment >= first_missed) & (instalment < first_missed + missed_count)
    last_missed = np.minimum(first_missed + missed_count - 1, np.maximum(grid.count[:, None] - 1, 0))
    catch_up_column = cures & grid.is_due & (instalment == last_missed)
    catch_up_day = grid.day + rng.integers(CATCH_UP_DAYS[0], CATCH_UP_DAYS[1] + 1, (rows, columns))
    catch_up_amount = (grid.amount * missed).sum(axis=1, keepdims=True)
    amount = np.where(cures & grid.is_due & ~missed, grid.amount, amount)
    amount = np.where(catch_up_column, catch_up_amount, amount)
    day = np.where(catch_up_column, catch_up_day, day)
    channel = np.where(catch_up_column, late_channel, channel)

    # hardship: partial, a gap, partial again
    hardship = who == Behaviour.HARDSHIP
    gap_from = rng.integers(1, 4, rows)[:, None]
    gap_until = gap_from + rng.integers(2, 4, rows)[:, None]
    pays_part = hardship & grid.is_due & ((instalment < gap_from) | (instalment >= gap_until))
    percent = rng.integers(HARDSHIP_PERCENT[0], HARDSHIP_PERCENT[1] + 1, (rows, columns))
    part = np.maximum(grid.amount * percent // 100 // FEN_PER_YUAN * FEN_PER_YUAN, FEN_PER_YUAN)  # whole yuan
    hardship_day = grid.day + rng.integers(HARDSHIP_DAYS_LATE[0], HARDSHIP_DAYS_LATE[1] + 1, (rows, columns))
    amount = np.where(pays_part, np.minimum(part, grid.amount), amount)
    day = np.where(hardship, hardship_day, day)
    channel = np.where(hardship, late_channel, channel)

    # refuses and unreachable: on time until they stop
    refuses_until = rng.integers(1, 5, rows)[:, None]
    unreachable_until = rng.integers(0, 2, rows)[:, None]
    stops_at = np.where(who == Behaviour.REFUSES, refuses_until, unreachable_until)
    stops = (who == Behaviour.REFUSES) | (who == Behaviour.UNREACHABLE)
    amount = np.where(stops & grid.is_due & (instalment < stops_at), grid.amount, amount)

    overpays = np.isin(who, OVERPAYERS) & (rng.random((rows, columns)) < OVERPAYMENT_SHARE)
    amount = np.where(overpays & (amount > 0), (amount // HUNDRED_YUAN + 1) * HUNDRED_YUAN, amount)

    day = np.maximum(day, start_day[:, None])
    paid = (amount > 0) & (day <= horizon_day)
    loan, _ = np.nonzero(paid)
    return PaymentRows(loan=loan, day=day[paid], amount=amount[paid], channel=channel[paid])


def _channels(rng: np.random.Generator, mix: dict[Channel, float], shape: tuple[int, int]) -> np.ndarray:
    shares = np.array(list(mix.values()))
    return np.array(list(mix), dtype=np.int64)[rng.choice(shares.size, size=shape, p=shares / shares.sum())]
