"""The account facts a strategy reads, built set-based from the night's states and records.

One SQL statement, portable between SQLite and PostgreSQL, read as Arrow over ADBC.
Facts that later capabilities fill (score, promises, plans) are null or false until then.
"""

from __future__ import annotations

import pyarrow as pa

from arrears.bulk import BulkConnection

FAILED_OUTCOMES = ("no_answer", "wrong_number", "undelivered")
REACHED_OUTCOMES = ("right_party_contact", "promise", "refusal", "dispute", "hardship_claim", "callback_requested")
UNREACHABLE_AFTER_FAILED_ATTEMPTS = 3  # 金融机构个人消费类贷款催收工作指引（试行）: 3 consecutive failed attempts

FACTS_SQL = """
WITH last_reached AS (
    SELECT loan_id, MAX(attempted_at) AS reached_at FROM contact_contactattempt
    WHERE outcome IN ({reached}) GROUP BY loan_id
),
failed AS (
    SELECT a.loan_id, COUNT(*) AS failed_contacts FROM contact_contactattempt a
    LEFT JOIN last_reached r ON r.loan_id = a.loan_id
    WHERE a.outcome IN ({failed}) AND (r.reached_at IS NULL OR a.attempted_at > r.reached_at)
    GROUP BY a.loan_id
),
outcomes AS (
    SELECT loan_id,
           SUM(CASE WHEN outcome = 'refusal' THEN 1 ELSE 0 END) AS refusal_count,
           SUM(CASE WHEN outcome = 'hardship_claim' THEN 1 ELSE 0 END) AS hardship_claims
    FROM contact_contactattempt GROUP BY loan_id
),
disputes AS (
    SELECT DISTINCT loan_id FROM cases_accounthold WHERE kind = 'dispute_open' AND until IS NULL
),
verified_addresses AS (
    SELECT DISTINCT l.id AS loan_id FROM ledger_loan l
    JOIN ledger_contactpoint c ON c.borrower_id = l.borrower_id
    WHERE c.kind = 'address' AND c.verified AND c.owner = 'borrower'
)
SELECT s.loan_id,
       s.days_past_due AS dpd,
       s.bucket,
       s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding AS overdue_amount,
       s.balance,
       s.principal_outstanding,
       p.code AS product,
       s.status,
       CASE WHEN COALESCE(o.hardship_claims, 0) > 0 THEN 1 ELSE 0 END AS hardship,
       CASE WHEN d.loan_id IS NULL THEN 0 ELSE 1 END AS dispute,
       CASE WHEN COALESCE(f.failed_contacts, 0) >= {unreachable_after} THEN 1 ELSE 0 END AS unreachable,
       CASE WHEN v.loan_id IS NULL THEN 0 ELSE 1 END AS address_verified,
       COALESCE(o.refusal_count, 0) AS refusal_count,
       COALESCE(f.failed_contacts, 0) AS failed_contacts
FROM cycle_accountstate s
JOIN ledger_loan l ON l.id = s.loan_id
JOIN ledger_product p ON p.id = l.product_id
LEFT JOIN outcomes o ON o.loan_id = s.loan_id
LEFT JOIN failed f ON f.loan_id = s.loan_id
LEFT JOIN disputes d ON d.loan_id = s.loan_id
LEFT JOIN verified_addresses v ON v.loan_id = s.loan_id
{where}
"""

FACTS_SCHEMA = pa.schema(
    [
        ("loan_id", pa.int64()),
        ("dpd", pa.int64()),
        ("bucket", pa.string()),
        ("overdue_amount", pa.int64()),
        ("balance", pa.int64()),
        ("principal_outstanding", pa.int64()),
        ("product", pa.string()),
        ("score", pa.int64()),
        ("status", pa.string()),
        ("hardship", pa.bool_()),
        ("dispute", pa.bool_()),
        ("unreachable", pa.bool_()),
        ("address_verified", pa.bool_()),
        ("promise_pending", pa.bool_()),
        ("plan_active", pa.bool_()),
        ("refusal_count", pa.int64()),
        ("failed_contacts", pa.int64()),
        ("broken_promises", pa.int64()),
    ]
)


def _quoted(words) -> str:
    return ", ".join(f"'{word}'" for word in words)


def read_facts(db: BulkConnection, loan_id: int | None = None) -> pa.Table:
    """Every account's facts (or one account's), in the columns of FACTS_SCHEMA."""
    sql = FACTS_SQL.format(
        reached=_quoted(REACHED_OUTCOMES),
        failed=_quoted(FAILED_OUTCOMES),
        unreachable_after=UNREACHABLE_AFTER_FAILED_ATTEMPTS,
        where="" if loan_id is None else f"WHERE s.loan_id = {int(loan_id)}",
    )
    table = db.fetch(sql)
    rows = table.num_rows
    columns = {}
    for field in FACTS_SCHEMA:
        if field.name in table.column_names:
            column = table.column(field.name)
            if pa.types.is_boolean(field.type) and not pa.types.is_boolean(column.type):
                column = column.cast(pa.int64()).to_numpy() != 0
            columns[field.name] = pa.array(column, field.type) if not isinstance(column, pa.ChunkedArray) else column.cast(field.type)
        elif pa.types.is_boolean(field.type):
            columns[field.name] = pa.array([False] * rows, pa.bool_())
        elif field.name == "broken_promises":
            columns[field.name] = pa.array([0] * rows, pa.int64())
        else:
            columns[field.name] = pa.nulls(rows, field.type)
    return pa.table(columns, schema=FACTS_SCHEMA)
