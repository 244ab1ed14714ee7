"""Delinquency buckets in their natural order: M0, M1, … M7+ (pure, no Django).

    >>> ordered_buckets(["M2", "M7+", "M10"])[:3]
    ['M0', 'M1', 'M2']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Bucket = str
"""A bucket label as the nightly cycle writes it: "M0" (current) … "M7+"."""

DEFAULT_BUCKETS: tuple[Bucket, ...] = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")
CURRENT_BUCKET: Bucket = "M0"

_LABEL = re.compile(r"^M(\d+)(\+?)$")


def bucket_rank(bucket: Bucket) -> tuple[int, int, str]:
    """A sort key: M0 < M1 < … < M7 < M7+, then any label the cycle may invent, alphabetically."""
    match = _LABEL.match(bucket)
    if match is None:
        return (1, 0, bucket)
    return (0, 2 * int(match.group(1)) + (1 if match.group(2) else 0), bucket)


def ordered_buckets(found: Iterable[Bucket] = ()) -> list[Bucket]:
    """The default buckets and any other found, in bucket order, each once."""
    return sorted(set(DEFAULT_BUCKETS) | set(found), key=bucket_rank)
