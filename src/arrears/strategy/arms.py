"""Champion/challenger: which arm of a segment an account is in, stably, by a documented hash.

The bucket of an account is a number 0–99:

    bucket = int(first 4 bytes of MD5(UTF-8 of "<strategy>:<segment>:<account id>"), big-endian) mod 100

and the account is in the challenger arm when `bucket < share`. The same account stays in the
same arm night after night; a different segment or strategy reshuffles independently.

Why MD5 and not SHA-256: this is bucketing, not security, and `md5(text)` returning lower-case
hex is a built-in of DuckDB, PostgreSQL and Spark SQL alike, so the engine computes the very
same bucket as Python (`arm_bucket_expression`). Ibis compiles SHA-256 on DuckDB but not on
PostgreSQL, which would have meant a second definition.

The arm is a function of the ids only, so a segment's split can be audited from outside:
`hashlib.md5(b"default:agency_placement:1001").hexdigest()[:8]`.

    >>> arm_bucket(1001, "default", "agency_placement")
    49
    >>> arm_for(1001, "default", "agency_placement", 20)
    <Arm.CHAMPION: 'champion'>
"""

from __future__ import annotations

import hashlib

import ibis
import ibis.expr.types as ir

from arrears.strategy.model import Arm

BUCKETS = 100
HEX_DIGITS = 8
"""The first 4 bytes of the digest, as hex digits: 2**32 values make the 100 buckets equal to
within one part in forty million, and each digit costs the engine a string operation per row."""
DIGIT_WEIGHTS = tuple(pow(16, HEX_DIGITS - 1 - position, BUCKETS) for position in range(HEX_DIGITS))
"""16**k mod 100 for each hex digit: the engine sums digit × weight, which keeps every
intermediate value small and exact in int64."""


def arm_key(account_id: int | str, strategy_name: str, segment_id: str) -> str:
    return f"{strategy_name}:{segment_id}:{account_id}"


def arm_bucket(account_id: int | str, strategy_name: str, segment_id: str) -> int:
    """The account's bucket 0–99 in this strategy's segment."""
    key = arm_key(account_id, strategy_name, segment_id).encode("utf-8")
    digest = hashlib.md5(key, usedforsecurity=False).digest()
    return int.from_bytes(digest[: HEX_DIGITS // 2], "big") % BUCKETS


def arm_for(account_id: int | str, strategy_name: str, segment_id: str, share: int) -> Arm:
    """CHALLENGER for about `share` percent of accounts, CHAMPION for the rest."""
    return Arm.CHALLENGER if arm_bucket(account_id, strategy_name, segment_id) < share else Arm.CHAMPION


@ibis.udf.scalar.builtin(name="md5")
def _md5(value: str) -> str:
    """The engine's md5(text) → 32 lower-case hex digits."""


def arm_bucket_expression(account_id: ir.Value, prefix: ir.StringValue | str) -> ir.IntegerValue:
    """`arm_bucket` as an engine expression; `prefix` is "<strategy>:<segment>:" (or a column of them).

    The hex digits are turned into numbers by their character codes ('0'–'9' are 48–57,
    'a'–'f' are 97–102), which every engine computes the same way.
    """
    key = (ibis.literal(prefix) if isinstance(prefix, str) else prefix).concat(account_id.cast("string"))
    digest = _md5(key)
    total: ir.IntegerValue = ibis.literal(0, "int64")
    for position, weight in enumerate(DIGIT_WEIGHTS):
        code = digest.substr(position, 1).ascii_str().cast("int64")
        digit = code - 48 - ibis.ifelse(code > 57, 39, 0)
        total = total + digit * weight
    return (total % BUCKETS).cast("int64")
