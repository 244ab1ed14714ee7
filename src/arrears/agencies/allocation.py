"""Which agency gets which case: set-based over all the day's cases at once, in DuckDB over Arrow.

A case may go to an agency whose contract in force takes its bucket and overdue amount. Among those,
the case goes to one chosen by a weighted, stable draw (Efraimidis–Spirakis: the smallest
`-ln(u) / weight` wins, `u` a hash of case and agency), so an agency with twice the weight receives
about twice the cases, and the same inputs always give the same allocation. Then each agency keeps
at most its free capacity (the cases with the smallest keys); the rest stay in the pool for another day.

Champion/challenger between agencies: a stable hash of the loan puts `challenger_share` percent of
cases in the challenger arm, where every eligible agency weighs the same; in the champion arm the
weight is the agency's scorecard score. The arm is recorded on the placement, so the two policies'
recoveries can be compared.

    bucket = int(first 8 hex digits of MD5("agencies:<loan id>"), 16) mod 100; challenger when bucket < share
    u      = (int(first 8 hex digits of MD5("agency-draw:<loan id>:<agency id>"), 16) + 0.5) / 2**32
"""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

CANDIDATES_SCHEMA = pa.schema(
    [("loan_id", pa.int64()), ("bucket", pa.string()), ("overdue", pa.int64()), ("balance", pa.int64())]
)
OFFERS_SCHEMA = pa.schema(
    [
        ("agency_id", pa.int64()),
        ("contract_id", pa.int64()),
        ("buckets", pa.list_(pa.string())),
        ("min_amount", pa.int64()),
        ("max_amount", pa.int64()),  # null: no upper limit
        ("placement_days", pa.int64()),
        ("weight", pa.int64()),  # the agency's score, > 0
        ("free_capacity", pa.int64()),
    ]
)

ALLOCATION_SQL = """
WITH armed AS (
    SELECT c.*,
           CASE WHEN ('0x' || substr(md5('agencies:' || c.loan_id::VARCHAR), 1, 8))::UBIGINT % 100 < $share
                THEN 'challenger' ELSE 'champion' END AS arm
    FROM candidates c
), eligible AS (
    SELECT a.loan_id, a.bucket, a.overdue, a.balance, a.arm, o.agency_id, o.contract_id, o.placement_days,
           o.free_capacity,
           -ln((('0x' || substr(md5('agency-draw:' || a.loan_id::VARCHAR || ':' || o.agency_id::VARCHAR), 1, 8))::UBIGINT
                + 0.5) / 4294967296.0)
             / CASE WHEN a.arm = 'challenger' THEN 1.0 ELSE greatest(o.weight, 1)::DOUBLE END AS draw
    FROM armed a JOIN offers o
      ON list_contains(o.buckets, a.bucket)
     AND a.overdue >= o.min_amount AND (o.max_amount IS NULL OR a.overdue <= o.max_amount)
     AND o.free_capacity > 0
    WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.loan_id = a.loan_id AND x.agency_id = o.agency_id)
), chosen AS (
    SELECT * FROM eligible
    QUALIFY row_number() OVER (PARTITION BY loan_id ORDER BY draw, agency_id, contract_id) = 1
), within_capacity AS (
    SELECT *, row_number() OVER (PARTITION BY agency_id ORDER BY draw, loan_id) AS rank_in_agency FROM chosen
)
SELECT loan_id, agency_id, contract_id, arm, bucket, overdue, balance, placement_days
FROM within_capacity WHERE rank_in_agency <= free_capacity
ORDER BY loan_id
"""


EXCLUDED_SCHEMA = pa.schema([("loan_id", pa.int64()), ("agency_id", pa.int64())])


def allocate(candidates: pa.Table, offers: pa.Table, *, challenger_share: int = 20, excluded: pa.Table | None = None) -> pa.Table:
    """One row per placed case: loan_id, agency_id, contract_id, arm, bucket, overdue, balance, placement_days.

    `excluded`: (loan_id, agency_id) pairs never to be made, e.g. a case recalled from that agency."""
    if not 0 <= challenger_share <= 100:
        raise ValueError(f"challenger share must be 0–100, not {challenger_share}")
    connection = duckdb.connect()
    try:
        connection.register("candidates", candidates.cast(CANDIDATES_SCHEMA))
        connection.register("offers", offers.cast(OFFERS_SCHEMA))
        connection.register("excluded", (EXCLUDED_SCHEMA.empty_table() if excluded is None else excluded.cast(EXCLUDED_SCHEMA)))
        result = connection.execute(ALLOCATION_SQL, {"share": challenger_share})
        return result.to_arrow_table() if hasattr(result, "to_arrow_table") else result.fetch_arrow_table()
    finally:
        connection.close()


def arm_of(loan_id: int, challenger_share: int) -> str:
    """The arm a loan falls in, as ALLOCATION_SQL computes it (for tests and explanations)."""
    digest = hashlib.md5(f"agencies:{loan_id}".encode(), usedforsecurity=False).hexdigest()
    return "challenger" if int(digest[:8], 16) % 100 < challenger_share else "champion"
