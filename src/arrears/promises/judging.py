"""The nightly judgement of promises to pay, set-based over the payments.

A pending promise is judged on the night of its pay-by date, from the money the loan received from
the day it was made up to that date: recovered money as the ledger defines it once
(arrears.ledger.recoveries), so a payment reversed by the night of judging does not keep it, and a
waiver, which brings no money in, does not either:
    kept         paid at least the promised amount
    partly_kept  something but not all was paid
    broken       nothing was paid
One UPDATE over every pending promise at once; no loop per promise. Payments are counted for each
promise whose window they fall in: two open promises on one loan both see the same payment.
"""

from __future__ import annotations

import datetime as dt

from arrears.ledger.recoveries import recovered_condition

JUDGE_SQL = """
UPDATE promises_promise SET
    paid_amount = j.paid,
    state = CASE
        WHEN j.paid >= promises_promise.amount THEN 'kept'
        WHEN j.paid > 0 THEN 'partly_kept'
        ELSE 'broken' END,
    judged_on = {as_of}
FROM (
    SELECT p.id, COALESCE(SUM(pay.amount), 0) AS paid
    FROM promises_promise p
    LEFT JOIN ledger_payment pay
      ON pay.loan_id = p.loan_id AND pay.value_date >= p.promised_on
     AND pay.value_date <= p.due_date AND pay.value_date <= {as_of}
     AND {recovered}
    WHERE p.state = 'pending' AND p.due_date <= {as_of}
    GROUP BY p.id
) j
WHERE j.id = promises_promise.id
"""


def judge_sql(as_of: dt.date, vendor: str) -> str:
    # SQLite keeps dates as ISO text; PostgreSQL needs a typed date where a CASE yields one
    literal = f"'{as_of.isoformat()}'" if vendor == "sqlite" else f"DATE '{as_of.isoformat()}'"
    return JUDGE_SQL.format(as_of=literal, recovered=recovered_condition("pay", literal))


def judge_promises(db, as_of: dt.date) -> None:
    """Judge every pending promise as of the end of `as_of`, in the caller's transaction.

    `db`: the cycle's BulkConnection (anything with `execute(sql)`).
    A promise is judged on the night of its pay-by date: that night's cycle runs once the day's
    payments are in.
    """
    db.execute(judge_sql(as_of, db.vendor))


def judge_promises_now(as_of: dt.date) -> None:
    """The same through Django's connection (tests, the CLI, a re-judgement)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(judge_sql(as_of, connection.vendor).replace("%", "%%"))
