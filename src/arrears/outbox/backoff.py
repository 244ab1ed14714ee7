"""When to try a message again after a transient failure (pure)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff: base × 2^(tries − 1), at most `max_seconds`, with up to `jitter` of it
    added at random so that workers recovering together do not hit the provider together."""

    max_tries: int = 8
    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.max_tries < 1 or self.base_seconds <= 0 or self.max_seconds < self.base_seconds:
            raise ValueError(f"a retry policy needs max_tries ≥ 1 and 0 < base ≤ max, not {self!r}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter is a fraction between 0 and 1, not {self.jitter!r}")

    def delay(self, tries: int, *, rng: random.Random | None = None) -> dt.timedelta:
        """The wait after the `tries`-th failed try (1 for the first)."""
        seconds = min(self.max_seconds, self.base_seconds * 2 ** max(0, tries - 1))
        spread = (rng or random).random() * self.jitter * seconds
        return dt.timedelta(seconds=seconds + spread)

    def gives_up(self, tries: int) -> bool:
        return tries >= self.max_tries
