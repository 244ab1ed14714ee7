"""The nightly ageing written by hand as plain DuckDB SQL: the yardstick for the engine's compute.

Same algorithm as the engine (src/arrears/cycle/engine) and the same conventions as the
reference model (src/arrears/ledger/reference.py):

1. each loan's event days up to as_of (an instalment falls due, payments arrive, a grace
   period ends, an instalment reaches the charge-off age), numbered per loan: round 1, 2, …;
2. every loan starts on its start day with nothing due, paid or charged;
3. one CREATE TABLE per round moves each loan that has an event in that round to its event
   day: the quiet days since its last event accrue in closed form (principal-days, penalty),
   then the day is played in the reference model's order — post the penalty, fall due, apply
   credit and cash through the waterfall, end the day (principal-days, one day of penalty,
   post the penalty and charge the late fee when a grace period ends, charge-off check);
   loans whose events are over are copied as they are;
4. the quiet days from the last event to the end of as_of accrue and the penalty is posted;
5. DPD, the overdue split, outstanding amounts and flags per account.

The inputs are three tables in the connection, days counted from 1970-01-01:
  loans(loan_id, principal, start_day, penalty_rate_bp, late_fee, grace_days, cost_cap_bp,
        charge_off_dpd, rank_penalty, rank_fee, rank_interest, rank_principal)
  instalments(loan_id, seq, due_day, principal, interest)
  payments(payment_id, loan_id, amount, value_day, reverses)

All arithmetic is BIGINT; `//` is exact integer division (every numerator is non-negative).
"""

from __future__ import annotations

import time

import duckdb
import pyarrow as pa

PENALTY_DAY_DENOMINATOR = 10_000 * 360  # an annual rate on a 360-day year
COST_CAP_DENOMINATOR = 10_000 * 365  # an annualised cost on principal-days
COMPONENTS = ("penalty", "fee", "interest", "principal")

TERMS = ("loan_id", "principal", "start_day", "penalty_rate_bp", "late_fee", "cost_cap_bp",
         "rank_penalty", "rank_fee", "rank_interest", "rank_principal", "n_rounds")
RUNNING = ("last_day", "principal_paid", "interest_paid", "principal_due", "interest_due", "penalty_charged",
           "penalty_paid", "fee_charged", "fee_paid", "penalty_unposted", "withheld", "principal_days", "credit",
           "penalty_base", "ever_delinquent", "charged_off")
STATE = TERMS + RUNNING

SETUP = """
CREATE OR REPLACE TEMPORARY TABLE h_loans AS
SELECT * FROM loans WHERE start_day <= {as_of};

CREATE OR REPLACE TEMPORARY TABLE h_schedule AS
SELECT k.loan_id, k.seq, k.due_day, k.principal, k.interest,
       CAST(SUM(k.principal) OVER running AS BIGINT) AS cum_principal,
       CAST(SUM(k.interest) OVER running AS BIGINT) AS cum_interest
FROM instalments k
WHERE k.loan_id IN (SELECT loan_id FROM h_loans)
WINDOW running AS (PARTITION BY k.loan_id ORDER BY k.seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);

-- payments that count: value-dated by as_of, not before the start, not reversed by as_of
CREATE OR REPLACE TEMPORARY TABLE h_payments AS
SELECT p.payment_id, p.loan_id, p.amount, p.value_day
FROM payments p JOIN h_loans l ON l.loan_id = p.loan_id
WHERE p.reverses IS NULL AND p.value_day <= {as_of} AND p.value_day >= l.start_day
  AND p.payment_id NOT IN (SELECT reverses FROM payments WHERE reverses IS NOT NULL AND value_day <= {as_of});

CREATE OR REPLACE TEMPORARY TABLE h_events AS
WITH happenings AS (
    SELECT k.loan_id, k.due_day AS day, 1 AS has_due, k.principal AS due_principal, k.interest AS due_interest,
           0 AS has_pay, 0 AS pay_amount, 0 AS has_fee, 0 AS fee_cum_principal, 0 AS fee_cum_interest,
           0 AS has_charge_off, 0 AS charge_off_cum_principal, 0 AS charge_off_cum_interest
    FROM h_schedule k
    WHERE k.due_day <= {as_of}
  UNION ALL
    SELECT k.loan_id, k.due_day + l.grace_days, 0, 0, 0, 0, 0, 1, k.cum_principal, k.cum_interest, 0, 0, 0
    FROM h_schedule k JOIN h_loans l ON l.loan_id = k.loan_id
    WHERE k.due_day + l.grace_days <= {as_of}
  UNION ALL
    SELECT k.loan_id, k.due_day + l.charge_off_dpd, 0, 0, 0, 0, 0, 0, 0, 0, 1, k.cum_principal, k.cum_interest
    FROM h_schedule k JOIN h_loans l ON l.loan_id = k.loan_id
    WHERE k.due_day + l.charge_off_dpd <= {as_of}
  UNION ALL
    SELECT loan_id, value_day, 0, 0, 0, 1, SUM(amount), 0, 0, 0, 0, 0, 0
    FROM h_payments GROUP BY loan_id, value_day
)
SELECT loan_id, day,
       CAST(ROW_NUMBER() OVER (PARTITION BY loan_id ORDER BY day) AS BIGINT) AS round_no,
       MAX(has_due) AS has_due,
       CAST(SUM(due_principal) AS BIGINT) AS due_principal,
       CAST(SUM(due_interest) AS BIGINT) AS due_interest,
       MAX(has_pay) AS has_pay,
       CAST(SUM(pay_amount) AS BIGINT) AS pay_amount,
       MAX(has_fee) AS has_fee,
       CAST(MAX(fee_cum_principal) AS BIGINT) AS fee_cum_principal,
       CAST(MAX(fee_cum_interest) AS BIGINT) AS fee_cum_interest,
       MAX(has_charge_off) AS has_charge_off,
       CAST(MAX(charge_off_cum_principal) AS BIGINT) AS charge_off_cum_principal,
       CAST(MAX(charge_off_cum_interest) AS BIGINT) AS charge_off_cum_interest
FROM happenings
GROUP BY loan_id, day
ORDER BY round_no, loan_id;

CREATE OR REPLACE TEMPORARY TABLE h_state_0 AS
SELECT l.loan_id, l.principal, l.start_day, l.penalty_rate_bp, l.late_fee, l.cost_cap_bp,
       l.rank_penalty, l.rank_fee, l.rank_interest, l.rank_principal,
       CAST(COALESCE(n.rounds, 0) AS BIGINT) AS n_rounds,
       l.start_day AS last_day,
       {zeros}
FROM h_loans l LEFT JOIN (SELECT loan_id, MAX(round_no) AS rounds FROM h_events GROUP BY loan_id) n
  ON n.loan_id = l.loan_id;
"""


def _headroom(principal_days: str, interest_due: str, penalty_charged: str, fee_charged: str) -> str:
    """What the cost cap still allows to be charged."""
    return (
        f"GREATEST(cost_cap_bp * {principal_days} // {COST_CAP_DENOMINATOR}"
        f" - ({interest_due} + {penalty_charged} + {fee_charged}), 0)"
    )


def _daily_penalty(principal_paid: str) -> str:
    """One day of penalty on the principal past its grace period, rounded half up."""
    base = f"GREATEST(penalty_base - {principal_paid}, 0) * penalty_rate_bp"
    return f"((2 * {base} + {PENALTY_DAY_DENOMINATOR}) // {2 * PENALTY_DAY_DENOMINATOR})"


def _ahead_of(component: str) -> str:
    """What the allocation order pays before `component`."""
    return " + ".join(
        f"CASE WHEN rank_{other} < rank_{component} THEN pool_{other} ELSE 0 END"
        for other in COMPONENTS
        if other != component
    )


def _taken(component: str) -> str:
    return f"LEAST(GREATEST(cash - ({_ahead_of(component)}), 0), pool_{component})"


ROUND = f"""
CREATE TEMPORARY TABLE h_state_{{next}} AS
WITH joined AS (
    SELECT s.*, e.day, e.has_due, e.due_principal, e.due_interest, e.has_pay, e.pay_amount, e.has_fee,
           e.fee_cum_principal, e.fee_cum_interest, e.has_charge_off, e.charge_off_cum_principal,
           e.charge_off_cum_interest,
           GREATEST(e.day - s.last_day - 1, 0) AS quiet_days
    FROM h_state_{{previous}} s JOIN h_events e ON e.loan_id = s.loan_id
    WHERE e.round_no = {{next}}
),
-- the quiet days since the last event: principal and penalty base did not change
quiet AS (
    SELECT * REPLACE (
        principal_days + quiet_days * (principal - principal_paid) AS principal_days,
        penalty_unposted + quiet_days * {_daily_penalty("principal_paid")} AS penalty_unposted,
        CASE WHEN quiet_days > 0 AND (principal_due > principal_paid OR interest_due > interest_paid)
             THEN 1 ELSE ever_delinquent END AS ever_delinquent
    ), (has_due = 1 OR has_pay = 1) AS posts
    FROM joined
),
-- something happens today: post the penalty accrued so far, as far as the cost cap allows
posted AS (
    SELECT * EXCLUDE (charged) REPLACE (
        penalty_charged + charged AS penalty_charged,
        withheld + CASE WHEN posts THEN penalty_unposted - charged ELSE 0 END AS withheld,
        CASE WHEN posts THEN 0 ELSE penalty_unposted END AS penalty_unposted
    ) FROM (
        SELECT *, CASE WHEN posts THEN LEAST(penalty_unposted,
                  {_headroom("principal_days", "interest_due", "penalty_charged", "fee_charged")}) ELSE 0 END
                  AS charged
        FROM quiet
    )
),
-- instalments fall due; credit held and today's cash go through the waterfall
pools AS (
    SELECT *,
           principal_due AS principal_due_before, interest_due AS interest_due_before,
           principal_due + due_principal AS principal_due_after,
           interest_due + due_interest AS interest_due_after,
           credit + pay_amount AS cash,
           penalty_charged - penalty_paid AS pool_penalty,
           fee_charged - fee_paid AS pool_fee,
           interest_due + due_interest - interest_paid AS pool_interest,
           principal_due + due_principal - principal_paid AS pool_principal
    FROM posted
),
paid AS (
    SELECT *, {_taken("penalty")} AS take_penalty, {_taken("fee")} AS take_fee,
           {_taken("interest")} AS take_interest, {_taken("principal")} AS take_principal
    FROM pools
),
applied AS (
    SELECT * REPLACE (
        principal_due_after AS principal_due,
        interest_due_after AS interest_due,
        penalty_paid + take_penalty AS penalty_paid,
        fee_paid + take_fee AS fee_paid,
        interest_paid + take_interest AS interest_paid,
        principal_paid + take_principal AS principal_paid,
        cash - (take_penalty + take_fee + take_interest + take_principal) AS credit
    ) FROM paid
),
-- the end of the day (not on the start day): principal-days and one day of penalty
day_end AS (
    SELECT * REPLACE (
        CASE WHEN principal_paid < principal_due_before OR interest_paid < interest_due_before
             THEN 1 ELSE ever_delinquent END AS ever_delinquent,
        principal_days + CASE WHEN day > start_day THEN principal - principal_paid ELSE 0 END AS principal_days,
        penalty_unposted + CASE WHEN day > start_day THEN {_daily_penalty("principal_paid")} ELSE 0 END
            AS penalty_unposted
    ) FROM applied
),
-- a grace period ends: post the penalty, then the late fee if the instalment is still unpaid
grace_posted AS (
    SELECT * EXCLUDE (charged) REPLACE (
        penalty_charged + charged AS penalty_charged,
        withheld + CASE WHEN has_fee = 1 THEN penalty_unposted - charged ELSE 0 END AS withheld,
        CASE WHEN has_fee = 1 THEN 0 ELSE penalty_unposted END AS penalty_unposted
    ) FROM (
        SELECT *, CASE WHEN has_fee = 1 THEN LEAST(penalty_unposted,
                  {_headroom("principal_days", "interest_due", "penalty_charged", "fee_charged")}) ELSE 0 END
                  AS charged
        FROM day_end
    )
),
fee_due AS (
    SELECT *,
           CASE WHEN has_fee = 1 AND (fee_cum_interest > interest_paid OR fee_cum_principal > principal_paid)
                THEN late_fee ELSE 0 END AS fee_owed
    FROM grace_posted
),
fee_charged AS (
    SELECT *, LEAST(fee_owed, {_headroom("principal_days", "interest_due", "penalty_charged", "fee_charged")})
           AS fee_now
    FROM fee_due
)
SELECT {", ".join(TERMS)},
       day AS last_day, principal_paid, interest_paid, principal_due, interest_due, penalty_charged, penalty_paid,
       fee_charged + fee_now AS fee_charged, fee_paid, penalty_unposted,
       withheld + fee_owed - fee_now AS withheld, principal_days, credit,
       GREATEST(penalty_base, fee_cum_principal) AS penalty_base, ever_delinquent,
       CASE WHEN has_charge_off = 1 AND (charge_off_cum_interest > interest_paid
                                         OR charge_off_cum_principal > principal_paid)
            THEN 1 ELSE charged_off END AS charged_off
FROM fee_charged
UNION ALL
SELECT * FROM h_state_{{previous}} WHERE n_rounds < {{next}}
"""

CLOSE = f"""
CREATE OR REPLACE TEMPORARY TABLE h_closed AS
SELECT * EXCLUDE (charged) REPLACE (
    penalty_charged + charged AS penalty_charged,
    withheld + penalty_unposted - charged AS withheld,
    0 AS penalty_unposted
) FROM (
    SELECT *, LEAST(penalty_unposted,
                    {_headroom("principal_days", "interest_due", "penalty_charged", "fee_charged")}) AS charged
    FROM (
        SELECT * REPLACE (
            principal_days + quiet_days * (principal - principal_paid) AS principal_days,
            penalty_unposted + quiet_days * {_daily_penalty("principal_paid")} AS penalty_unposted,
            CASE WHEN quiet_days > 0 AND (principal_due > principal_paid OR interest_due > interest_paid)
                 THEN 1 ELSE ever_delinquent END AS ever_delinquent
        ) FROM (SELECT *, {{as_of}} - last_day AS quiet_days FROM h_state_{{last}})
    )
);
"""

AGED = """
WITH per_loan AS (
    SELECT k.loan_id,
           MIN(k.due_day) FILTER (WHERE (k.cum_principal > s.principal_paid OR k.cum_interest > s.interest_paid)
                                  AND k.due_day <= {as_of}) AS oldest_unpaid_day,
           MAX(k.cum_principal) FILTER (WHERE k.due_day < {as_of}) AS past_due_principal,
           MAX(k.cum_interest) FILTER (WHERE k.due_day < {as_of}) AS past_due_interest,
           SUM(k.interest) AS total_interest
    FROM h_schedule k JOIN h_closed s ON s.loan_id = k.loan_id
    GROUP BY k.loan_id
),
totals AS (
    SELECT loan_id, SUM(amount) AS paid_total FROM h_payments GROUP BY loan_id
),
t AS (
    SELECT s.*, k.oldest_unpaid_day, k.past_due_principal, k.past_due_interest, k.total_interest, p.paid_total,
           s.principal - s.principal_paid AS principal_left,
           s.fee_charged - s.fee_paid AS fee_left,
           s.penalty_charged - s.penalty_paid AS penalty_left
    FROM h_closed s
    LEFT JOIN per_loan k ON k.loan_id = s.loan_id
    LEFT JOIN totals p ON p.loan_id = s.loan_id
)
SELECT loan_id,
       CAST(COALESCE({as_of} - oldest_unpaid_day, 0) AS BIGINT) AS days_past_due,
       CAST(GREATEST(COALESCE(past_due_principal, 0) - principal_paid, 0) AS BIGINT) AS overdue_principal,
       CAST(GREATEST(COALESCE(past_due_interest, 0) - interest_paid, 0) AS BIGINT) AS overdue_interest,
       fee_left AS fee_outstanding,
       penalty_left AS penalty_outstanding,
       principal_left AS principal_outstanding,
       principal_left + (interest_due - interest_paid) + fee_left + penalty_left AS balance,
       credit,
       penalty_charged,
       fee_charged,
       withheld AS charges_withheld,
       CAST(COALESCE(paid_total, 0) AS BIGINT) AS paid_total,
       ever_delinquent = 1 AS ever_delinquent,
       charged_off = 1 AS charged_off,
       (principal_left = 0 AND interest_paid = COALESCE(total_interest, 0) AND fee_left = 0 AND penalty_left = 0)
           AS closed
FROM t
ORDER BY loan_id
"""


def age_book(con: duckdb.DuckDBPyConnection, as_of_day: int) -> tuple[pa.Table, int, dict[str, float]]:
    """Age every loan in `loans` to the end of `as_of_day`; the accounts, the number of rounds,
    and the seconds of each stage."""
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    zeros = ", ".join(f"CAST(0 AS BIGINT) AS {name}" for name in RUNNING if name != "last_day")
    con.execute(SETUP.format(as_of=as_of_day, zeros=zeros))
    rounds = int(con.execute("SELECT COALESCE(MAX(round_no), 0) FROM h_events").fetchone()[0])
    seconds["events"] = time.perf_counter() - began

    began = time.perf_counter()
    for number in range(1, rounds + 1):
        con.execute(ROUND.format(previous=number - 1, next=number))
        con.execute(f"DROP TABLE h_state_{number - 1}")
    seconds["rounds"] = time.perf_counter() - began

    began = time.perf_counter()
    con.execute(CLOSE.format(as_of=as_of_day, last=rounds))
    accounts = con.execute(AGED.format(as_of=as_of_day)).fetch_arrow_table()
    for name in (f"h_state_{rounds}", "h_closed", "h_events", "h_payments", "h_schedule", "h_loans"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    seconds["close"] = time.perf_counter() - began
    return accounts, rounds, {name: round(value, 4) for name, value in seconds.items()}
