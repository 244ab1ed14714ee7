"""The account facts a strategy reads, built set-based from the night's states and records.

    facts = read_facts(db, as_of)                                   # every account, tonight's states
    facts = read_facts(db, as_of, loan_id=7, from_history=True)     # one account as it stood on as_of

One SQL statement, portable between SQLite and PostgreSQL, read as Arrow over ADBC. Promises and
repayment plans are judged as of `as_of` from their own dates, so a past day reads as it stood.
`score` is the loan's latest score on or before `as_of` (the scores feed), null when it has none.
`validation_notice_due`: the debtor was first communicated with about the loan and no validation
notice has gone or is on its way (arrears.guard.debts, the facts the guard's rule reads).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from arrears.cases.holds import in_force_sql
from arrears.contact.outcomes import FAILED, REACHED
from arrears.workday import contact_instant

NO_SCORE = -1  # read in place of a missing score, so the column has one type; null again in the facts
UNREACHABLE_AFTER_FAILED_ATTEMPTS = 3  # 金融机构个人消费类贷款催收工作指引（试行）: 3 consecutive failed attempts

FACTS_SQL = """
WITH last_reached AS (
    SELECT loan_id, MAX(attempted_at) AS reached_at FROM contact_contactattempt
    WHERE outcome IN ({reached}){only_loan} GROUP BY loan_id
),
failed AS (
    SELECT a.loan_id, COUNT(*) AS failed_contacts FROM contact_contactattempt a
    LEFT JOIN last_reached r ON r.loan_id = a.loan_id
    WHERE a.outcome IN ({failed}) AND (r.reached_at IS NULL OR a.attempted_at > r.reached_at){only_a_loan}
    GROUP BY a.loan_id
),
outcomes AS (
    SELECT loan_id,
           SUM(CASE WHEN outcome = 'refusal' THEN 1 ELSE 0 END) AS refusal_count,
           SUM(CASE WHEN outcome = 'hardship_claim' THEN 1 ELSE 0 END) AS hardship_claims
    FROM contact_contactattempt WHERE 1 = 1{only_loan} GROUP BY loan_id
),
disputes AS (
    SELECT DISTINCT loan_id FROM cases_accounthold h WHERE kind = 'dispute_open' AND {dispute_in_force}{only_loan}
),
verified_addresses AS (
    SELECT DISTINCT l.id AS loan_id FROM ledger_loan l
    JOIN ledger_contactpoint c ON c.borrower_id = l.borrower_id
    WHERE c.kind = 'address' AND c.verified AND c.owner = 'borrower'{only_l_id}
),
promises AS (
    SELECT loan_id,
           SUM(CASE WHEN due_date >= {day} AND (judged_on IS NULL OR judged_on > {day}) THEN 1 ELSE 0 END) AS pending,
           SUM(CASE WHEN state = 'broken' AND judged_on <= {day} THEN 1 ELSE 0 END) AS broken
    FROM promises_promise WHERE promised_on <= {day}{only_loan} GROUP BY loan_id
),
plans_in_force AS (
    SELECT DISTINCT p.loan_id FROM plans_plan p
    JOIN plans_planevent approved
      ON approved.plan_id = p.id AND approved.kind = 'approved' AND approved.business_date <= {day}
    WHERE p.kind <> 'waiver' AND p.status IN ('active', 'kept', 'reverted'){only_p_loan}
      AND NOT EXISTS (
          SELECT 1 FROM plans_planevent ended
          WHERE ended.plan_id = p.id AND ended.kind IN ('kept', 'broken') AND ended.business_date <= {day}
      )
),
notice_due AS (
    SELECT loan_id FROM ({notice_due}) due WHERE 1 = 1{only_loan}
),
latest_scores AS (
    SELECT h.loan_id, h.score FROM ledger_loanscore h
    JOIN (SELECT loan_id, MAX(scored_on) AS scored_on FROM ledger_loanscore
          WHERE scored_on <= {day}{only_loan} GROUP BY loan_id) latest
      ON latest.loan_id = h.loan_id AND latest.scored_on = h.scored_on
)
SELECT s.loan_id,
       s.days_past_due AS dpd,
       s.bucket,
       s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding AS overdue_amount,
       s.balance,
       s.principal_outstanding,
       p.code AS product,
       COALESCE(sc.score, {no_score}) AS score,
       s.status,
       CASE WHEN COALESCE(o.hardship_claims, 0) > 0 THEN 1 ELSE 0 END AS hardship,
       CASE WHEN d.loan_id IS NULL THEN 0 ELSE 1 END AS dispute,
       CASE WHEN COALESCE(f.failed_contacts, 0) >= {unreachable_after} THEN 1 ELSE 0 END AS unreachable,
       CASE WHEN v.loan_id IS NULL THEN 0 ELSE 1 END AS address_verified,
       CASE WHEN COALESCE(pr.pending, 0) > 0 THEN 1 ELSE 0 END AS promise_pending,
       CASE WHEN pl.loan_id IS NULL THEN 0 ELSE 1 END AS plan_active,
       COALESCE(o.refusal_count, 0) AS refusal_count,
       COALESCE(f.failed_contacts, 0) AS failed_contacts,
       COALESCE(pr.broken, 0) AS broken_promises,
       CASE WHEN nd.loan_id IS NULL THEN 0 ELSE 1 END AS validation_notice_due
FROM {states} s
JOIN ledger_loan l ON l.id = s.loan_id
JOIN ledger_product p ON p.id = l.product_id
LEFT JOIN outcomes o ON o.loan_id = s.loan_id
LEFT JOIN failed f ON f.loan_id = s.loan_id
LEFT JOIN disputes d ON d.loan_id = s.loan_id
LEFT JOIN verified_addresses v ON v.loan_id = s.loan_id
LEFT JOIN promises pr ON pr.loan_id = s.loan_id
LEFT JOIN plans_in_force pl ON pl.loan_id = s.loan_id
LEFT JOIN latest_scores sc ON sc.loan_id = s.loan_id
LEFT JOIN notice_due nd ON nd.loan_id = s.loan_id
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
        ("validation_notice_due", pa.bool_()),
    ]
)


def facts_instant(as_of: dt.date) -> dt.datetime:
    """The instant the night's facts are read at (holds in force): when its planned contacts
    start, in the lender's zone (arrears.workday)."""
    return contact_instant(as_of)


def _quoted(words) -> str:
    return ", ".join(f"'{word}'" for word in words)


def read_facts(db, as_of: dt.date, *, loan_id: int | None = None, from_history: bool = False) -> pa.Table:
    """Every account's facts (or one account's) as of `as_of`, in the columns of FACTS_SCHEMA.

    `db`: anything with `fetch(sql) -> pa.Table` (a BulkConnection, or a reader on Django's own
    connection). The states are tonight's (`cycle_accountstate`), or with `from_history` those
    the cycle stored for `as_of` (`cycle_accountstatehistory`).

    A promise is pending on `as_of` when it was made by then, its pay-by date has not passed and
    it had not been judged; `broken_promises` counts those judged broken by then. A plan is in
    force from the day it was approved until it is judged kept or broken; a waiver is a one-off
    and puts no account on a plan.
    """
    day = f"'{as_of.isoformat()}'"  # compared with date columns only: text on SQLite, cast on PostgreSQL
    instant = f"'{facts_instant(as_of):%Y-%m-%d %H:%M:%S}'"  # UTC, compared with UTC timestamps
    conditions = [f"s.as_of = {day}"] if from_history else []
    if loan_id is not None:
        conditions.append(f"s.loan_id = {int(loan_id)}")
    # One account: every part is read for that loan alone (by its indexes), not for the book.
    only = {
        name: "" if loan_id is None else f" AND {column} = {int(loan_id)}"
        for name, column in (("only_loan", "loan_id"), ("only_a_loan", "a.loan_id"), ("only_l_id", "l.id"),
                             ("only_p_loan", "p.loan_id"))
    }
    from arrears.guard.debts import notice_due_sql  # one home for the initial communication and the notice

    sql = FACTS_SQL.format(
        **only,
        notice_due=notice_due_sql(),
        reached=_quoted(REACHED),
        failed=_quoted(FAILED),
        unreachable_after=UNREACHABLE_AFTER_FAILED_ATTEMPTS,
        no_score=NO_SCORE,
        day=day,
        dispute_in_force=in_force_sql("h", instant),
        states="cycle_accountstatehistory" if from_history else "cycle_accountstate",
        where=("WHERE " + " AND ".join(conditions)) if conditions else "",
    )
    table = db.fetch(sql)
    columns = {}
    for field in FACTS_SCHEMA:
        column = table.column(field.name)
        if field.name == "score" and not pa.types.is_null(column.type):
            column = pc.if_else(pc.equal(column, NO_SCORE), pa.scalar(None, column.type), column)
        if pa.types.is_boolean(field.type) and not pa.types.is_boolean(column.type):
            column = pa.array(column.cast(pa.int64()).to_numpy(zero_copy_only=False) != 0)
        columns[field.name] = column.cast(field.type)
    return pa.table(columns, schema=FACTS_SCHEMA)
