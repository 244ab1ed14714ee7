"""Delinquency buckets (账龄): M0 current, M1 = DPD 1–30, … M6 = 151–180, M7+ beyond.

The boundaries are configuration; the default is the industry habit.

    >>> BucketScheme().name_for(45)
    'M2'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True, slots=True)
class BucketScheme:
    """`upper_bounds[i]` is the highest DPD in bucket i; beyond the last, the open bucket."""

    upper_bounds: tuple[int, ...] = (0, 30, 60, 90, 120, 150, 180)
    prefix: str = "M"

    def __post_init__(self) -> None:
        if not self.upper_bounds or self.upper_bounds[0] != 0:
            raise ValueError(f"the first bucket must be DPD 0 (current), got {self.upper_bounds!r}")
        if list(self.upper_bounds) != sorted(set(self.upper_bounds)):
            raise ValueError(f"bucket bounds must increase strictly: {self.upper_bounds!r}")

    @property
    def names(self) -> tuple[str, ...]:
        last = len(self.upper_bounds)
        return tuple(f"{self.prefix}{i}" for i in range(last)) + (f"{self.prefix}{last}+",)

    def name_for(self, days_past_due: int) -> str:
        return self.names[int(np.searchsorted(self.upper_bounds, days_past_due, side="left"))]

    def names_for(self, days_past_due: pa.Array | pa.ChunkedArray) -> pa.Array:
        positions = np.searchsorted(self.upper_bounds, np.asarray(days_past_due), side="left")
        return pa.array(np.asarray(self.names, dtype=object)[positions], pa.string())
