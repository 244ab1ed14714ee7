"""What counts as recovered: money the borrower paid, and only that (one definition for every figure).

A payment is recovered money when it is a payment (not a reversal), not a waiver (a waiver is booked
as a payment of the channel `waiver`, but no money came in), and not reversed by a reversal
value-dated by the end of the period asked about. Agency commission, scorecards and the league, the
promises judged each night, the simulator's report and the dashboards all count recoveries through
`recovered_condition` (or `recovered_payments_sql`, its rows).

    sql = recovered_payments_sql(until="%s")        # pay.id, pay.loan_id, pay.amount, pay.value_date
    total = recovered_between(first_day, last_day)  # fen
"""

from __future__ import annotations

import datetime as dt

WAIVER_CHANNEL = "waiver"


def recovered_condition(alias: str, until: str, *, through: bool = True) -> str:
    """SQL: the payment row `alias` is recovered money as of the day `until` (SQL); with `through`
    False, as of the day before `until` (a period that ends at `until`, not including it)."""
    compare = "<=" if through else "<"
    return (
        f"{alias}.reverses_id IS NULL AND {alias}.channel <> '{WAIVER_CHANNEL}' "
        f"AND NOT EXISTS (SELECT 1 FROM ledger_payment r WHERE r.reverses_id = {alias}.id AND r.value_date {compare} {until})"
    )


def recovered_payments_sql(*, until: str, alias: str = "pay") -> str:
    """The recovered payments as a subquery's body; `until` is the SQL (a parameter placeholder or
    a literal) of the last day whose reversals count."""
    return (
        f"SELECT {alias}.id, {alias}.loan_id, {alias}.amount, {alias}.value_date FROM ledger_payment {alias} "
        f"WHERE {recovered_condition(alias, until)}"
    )


def recovered_between(first: dt.date, last: dt.date, *, loan_ids=None) -> int:
    """Fen recovered with value dates from `first` to `last`, reversals by `last` taken away."""
    from django.db import connection

    params: list = [last, first, last]
    where = ""
    if loan_ids is not None:
        loan_ids = list(loan_ids)
        if not loan_ids:
            return 0
        where = f" AND rec.loan_id IN ({', '.join(['%s'] * len(loan_ids))})"
        params += loan_ids
    sql = (f"SELECT COALESCE(SUM(rec.amount), 0) FROM ({recovered_payments_sql(until='%s')}) rec "
           f"WHERE rec.value_date >= %s AND rec.value_date <= %s{where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(p) if isinstance(p, dt.date) else p for p in params])
        return int(cursor.fetchone()[0])
