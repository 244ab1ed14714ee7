"""The scorecard's measures read from the database, one grouped query per measure over all agencies."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from arrears.agencies.models import Agency, ScoreWeight
from arrears.agencies.performance import during_placement, end_of_day_param
from arrears.ledger.recoveries import recovered_condition
from arrears.agencies.scorecard import DEFAULT_WEIGHTS, Measures, Scorecard, check_weights, scorecard

# Recovered on a placement: payments the lender received on the placed loan from the day the
# placement became active up to (not including) the day it ended or expires, and no later than the
# day measured; a payment reversed by then does not count. The commission statement uses the same rule.
RECOVERED_SQL = f"""
SELECT p.agency_id, COALESCE(SUM(pay.amount), 0)
FROM agencies_placement p
JOIN ledger_payment pay ON pay.loan_id = p.loan_id
WHERE p.activated_on IS NOT NULL AND {during_placement("p", "pay")}
  AND pay.value_date <= %s
  AND {recovered_condition("pay", "%s")}
GROUP BY p.agency_id
"""
PLACED_SQL = """
SELECT agency_id, COUNT(*), COALESCE(SUM(overdue_at_placement), 0)
FROM agencies_placement WHERE activated_on IS NOT NULL AND activated_on <= %s GROUP BY agency_id
"""
# compliance findings: agency contacts the guard would have blocked, made by the end of the day
# measured (attempted_at is UTC; the day ends at midnight after it in the lender's zone)
BLOCKED_SQL = """
SELECT p.agency_id, COUNT(*) FROM agencies_agencycontact ac
JOIN agencies_placement p ON p.id = ac.placement_id
JOIN contact_contactattempt a ON a.id = ac.attempt_id
WHERE a.blocked_by <> '' AND a.attempted_at < %s GROUP BY p.agency_id
"""
COMPLAINTS_SQL = """
SELECT agency_id, COUNT(*), SUM(CASE WHEN upheld THEN 1 ELSE 0 END)
FROM agencies_complaint WHERE received_on <= %s GROUP BY agency_id
"""
FEEDBACK_SQL = "SELECT agency_id, COUNT(*), SUM(rating) FROM agencies_feedback WHERE on_date <= %s GROUP BY agency_id"


def weights() -> dict[str, int]:
    """The weights stored as data (seeded with DEFAULT_WEIGHTS); refused whole if they do not add up."""
    from arrears.errors import ConfigurationError

    stored = dict(ScoreWeight.objects.values_list("criterion", "weight_bp"))
    if not stored:
        return dict(DEFAULT_WEIGHTS)
    if problems := check_weights(stored):
        raise ConfigurationError("评分权重有误：" + "；".join(zh for zh, _ in problems),
                                 "The scorecard weights are wrong: " + "; ".join(en for _, en in problems))
    return stored


def _grouped(sql: str, *params) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def measures(as_of: dt.date) -> list[Measures]:
    recovered = _grouped(RECOVERED_SQL, as_of, as_of)
    placed = _grouped(PLACED_SQL, as_of)
    blocked = _grouped(BLOCKED_SQL, end_of_day_param(as_of))
    complaints = _grouped(COMPLAINTS_SQL, as_of)
    feedback = _grouped(FEEDBACK_SQL, as_of)
    result = []
    for agency_id, registered_on, created_at in Agency.objects.values_list("id", "registered_on", "created_at"):
        since = registered_on or created_at.date()
        count, amount = placed.get(agency_id, (0, 0))
        complaint_count, upheld = complaints.get(agency_id, (0, 0))
        ratings, rating_sum = feedback.get(agency_id, (0, 0))
        result.append(
            Measures(
                agency_id=agency_id,
                days_active=max((as_of - since).days, 0),
                placements=int(count),
                placed_amount=int(amount),
                recovered=int(recovered.get(agency_id, (0,))[0]),
                blocked_actions=int(blocked.get(agency_id, (0,))[0]),
                upheld_complaints=int(upheld or 0),
                complaints=int(complaint_count),
                ratings=int(ratings),
                rating_sum=int(rating_sum or 0),
            )
        )
    return result


def scorecards(as_of: dt.date) -> list[Scorecard]:
    chosen = weights()
    return [scorecard(m, chosen) for m in measures(as_of)]
