"""The night's `legal_review` actions become legal reviews awaiting a legal officer, set-based.

    opened = take_in(dt.date(2026, 3, 1))

One INSERT over the night's allowed `legal_review` actions: an account with an open review, a referred
one still waiting for its case, or an open legal case gets no new review, and running it again for the
same night adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

INTAKE_SQL = """
INSERT INTO legal_legalreview (loan_id, opened_on, segment, rule, days_past_due, overdue_amount, balance, state, note)
SELECT p.loan_id, p.as_of, p.segment, p.rule, s.days_past_due,
       s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding, s.balance, 'open', ''
FROM strategy_plannedaction p
JOIN cycle_accountstatehistory s ON s.loan_id = p.loan_id AND s.as_of = p.as_of
WHERE p.as_of = %s AND p.channel = 'legal_review' AND p.allowed
  AND p.id = (SELECT MIN(q.id) FROM strategy_plannedaction q
              WHERE q.as_of = p.as_of AND q.loan_id = p.loan_id AND q.channel = 'legal_review' AND q.allowed)
  AND NOT EXISTS (SELECT 1 FROM legal_legalreview r WHERE r.loan_id = p.loan_id
                  AND (r.state = 'open' OR r.opened_on = p.as_of
                       OR (r.state = 'referred' AND NOT EXISTS (SELECT 1 FROM legal_legalcase k WHERE k.review_id = r.id))))
  AND NOT EXISTS (SELECT 1 FROM legal_legalcase c WHERE c.loan_id = p.loan_id AND c.state = 'open')
"""


def take_in(as_of: dt.date) -> dict[str, int]:
    """Open the night's legal reviews; returns {"planned": accounts planned for review, "opened": new reviews}."""
    day = connection.ops.adapt_datefield_value(as_of)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT loan_id) FROM strategy_plannedaction WHERE as_of = %s AND channel = 'legal_review' AND allowed",
            [day],
        )
        planned = cursor.fetchone()[0]
        cursor.execute(INTAKE_SQL, [day])
        opened = max(cursor.rowcount, 0)
    return {"planned": planned, "opened": opened}
