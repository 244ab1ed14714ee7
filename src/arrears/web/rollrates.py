"""The roll-rate matrix: where the accounts in each bucket on one day are on a later day (pure, no Django).

    >>> matrix = build_roll_matrix([Transition("M1", "M2", 3), Transition("M1", "M0", 1)])
    >>> row = matrix.row("M1")
    >>> row.forward.percent, row.cure.percent
    ('75.0%', '25.0%')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from arrears.money import round_half_up
from arrears.web.buckets import CURRENT_BUCKET, Bucket, bucket_rank, ordered_buckets


@dataclass(frozen=True, slots=True)
class Transition:
    """`accounts` accounts were in `from_bucket` on the start day and in `to_bucket` on the end day."""

    from_bucket: Bucket
    to_bucket: Bucket
    accounts: int


@dataclass(frozen=True, slots=True)
class Share:
    """A count of accounts out of a row's total; `per_mille` is rounded half up, 0 when the total is 0."""

    accounts: int
    total: int

    @property
    def per_mille(self) -> int:
        return round_half_up(1000 * self.accounts, self.total) if self.total else 0

    @property
    def ratio(self) -> float:
        """For drawing only; counts and percentages shown as text come from the integers."""
        return self.accounts / self.total if self.total else 0.0

    @property
    def percent(self) -> str:
        whole, tenth = divmod(self.per_mille, 10)
        return f"{whole}.{tenth}%"


@dataclass(frozen=True, slots=True)
class RollRow:
    """One start bucket: its accounts, spread over the end buckets, and the three headline shares.

    cure is None for the current bucket itself, which cannot cure.
    """

    bucket: Bucket
    accounts: int
    cells: tuple[Share, ...]
    forward: Share
    stay: Share
    cure: Share | None
    improved: Share


@dataclass(frozen=True, slots=True)
class RollMatrix:
    """Rows and columns both follow `buckets`; `rows` holds every bucket, empty ones included."""

    buckets: tuple[Bucket, ...]
    rows: tuple[RollRow, ...]

    @property
    def accounts(self) -> int:
        return sum(row.accounts for row in self.rows)

    @property
    def populated_rows(self) -> tuple[RollRow, ...]:
        return tuple(row for row in self.rows if row.accounts)

    def row(self, bucket: Bucket) -> RollRow:
        for row in self.rows:
            if row.bucket == bucket:
                return row
        raise KeyError(bucket)


def build_roll_matrix(transitions: Iterable[Transition]) -> RollMatrix:
    """Fold grouped (from, to, count) transitions into a matrix; repeated pairs are added up."""
    counts: dict[tuple[Bucket, Bucket], int] = {}
    for transition in transitions:
        if transition.accounts < 0:
            raise ValueError(f"a transition cannot count fewer than 0 accounts: {transition!r}")
        key = (transition.from_bucket, transition.to_bucket)
        counts[key] = counts.get(key, 0) + transition.accounts
    buckets = tuple(ordered_buckets(bucket for pair in counts for bucket in pair))
    return RollMatrix(buckets=buckets, rows=tuple(_row(start, buckets, counts) for start in buckets))


def _row(start: Bucket, buckets: tuple[Bucket, ...], counts: dict[tuple[Bucket, Bucket], int]) -> RollRow:
    spread = [counts.get((start, end), 0) for end in buckets]
    total = sum(spread)
    start_rank = bucket_rank(start)
    forward = sum(n for end, n in zip(buckets, spread) if bucket_rank(end) > start_rank)
    stay = counts.get((start, start), 0)
    cured = None if start == CURRENT_BUCKET else counts.get((start, CURRENT_BUCKET), 0)
    improved = total - forward - stay - (cured or 0)
    return RollRow(
        bucket=start,
        accounts=total,
        cells=tuple(Share(n, total) for n in spread),
        forward=Share(forward, total),
        stay=Share(stay, total),
        cure=None if cured is None else Share(cured, total),
        improved=Share(improved, total),
    )
