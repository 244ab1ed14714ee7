"""Each loan's event days up to as_of, numbered: the rounds the ageing walks through.

An event day is a day on which something changes the account: an instalment falls due,
payments arrive, an instalment's grace period ends (late fee, penalty starts), or an
instalment reaches the charge-off age. Between event days only accrual happens, and
accrual over a run of quiet days has a closed form.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from arrears.cycle.engine._inputs import BookInputs

EVENT_COLUMNS = (
    "loan_id",
    "day",
    "has_due",
    "due_principal",
    "due_interest",
    "has_pay",
    "pay_amount",
    "has_fee",
    "fee_cumulative_principal",
    "fee_cumulative_interest",
    "has_charge_off_check",
    "charge_off_cumulative_principal",
    "charge_off_cumulative_interest",
)


def cumulative_schedule(inputs: BookInputs) -> ir.Table:
    """Instalments with the principal and interest due up to and including each."""
    k = inputs.instalments
    running = ibis.window(group_by=k.loan_id, order_by=k.seq, rows=(None, 0))
    return k.mutate(
        cumulative_principal=k.principal.sum().over(running).cast("int64"),
        cumulative_interest=k.interest.sum().over(running).cast("int64"),
    )


def effective_payments(inputs: BookInputs, as_of_day: int) -> ir.Table:
    """Payments that count: value-dated by as_of, not before the start, not reversed by as_of."""
    p = inputs.payments
    reversed_ids = p.filter(p.reverses.notnull() & (p.value_day <= as_of_day)).select(
        reversed_id=p.reverses
    )
    received = p.filter(p.reverses.isnull() & (p.value_day <= as_of_day))
    standing = received.anti_join(reversed_ids, received.payment_id == reversed_ids.reversed_id)
    starts = inputs.loans.select("loan_id", "start_day")
    counted = standing.inner_join(starts, "loan_id")
    return counted.filter(counted.value_day >= counted.start_day).select(
        "payment_id", "loan_id", "amount", "value_day"
    )


def _event_rows(loan_id, day, **values) -> dict:
    row = {name: ibis.literal(0, "int64") for name in EVENT_COLUMNS[2:]}
    row.update({name: (value if isinstance(value, ir.Value) else ibis.literal(value, "int64")) for name, value in values.items()})
    return {"loan_id": loan_id, "day": day, **{name: row[name].cast("int64") for name in EVENT_COLUMNS[2:]}}


def numbered_events(inputs: BookInputs, schedule: ir.Table, payments: ir.Table, as_of_day: int) -> ir.Table:
    """One row per (loan, event day) up to as_of, with `round_no` counting each loan's days."""
    terms = inputs.loans.select("loan_id", "grace_days", "charge_off_dpd")
    k = schedule.inner_join(terms, "loan_id")
    dues = k.filter(k.due_day <= as_of_day).select(
        **_event_rows(k.loan_id, k.due_day, has_due=1, due_principal=k.principal, due_interest=k.interest)
    )
    fee_day = k.due_day + k.grace_days
    fees = k.filter(fee_day <= as_of_day).select(
        **_event_rows(
            k.loan_id,
            fee_day,
            has_fee=1,
            fee_cumulative_principal=k.cumulative_principal,
            fee_cumulative_interest=k.cumulative_interest,
        )
    )
    charge_off_day = k.due_day + k.charge_off_dpd
    charge_offs = k.filter(charge_off_day <= as_of_day).select(
        **_event_rows(
            k.loan_id,
            charge_off_day,
            has_charge_off_check=1,
            charge_off_cumulative_principal=k.cumulative_principal,
            charge_off_cumulative_interest=k.cumulative_interest,
        )
    )
    daily = payments.group_by(["loan_id", "value_day"]).aggregate(amount=payments.amount.sum())
    pays = daily.select(**_event_rows(daily.loan_id, daily.value_day, has_pay=1, pay_amount=daily.amount))
    every = dues.union(fees).union(charge_offs).union(pays)
    by_day = every.group_by(["loan_id", "day"]).aggregate(
        has_due=every.has_due.max(),
        due_principal=every.due_principal.sum(),
        due_interest=every.due_interest.sum(),
        has_pay=every.has_pay.max(),
        pay_amount=every.pay_amount.sum(),
        has_fee=every.has_fee.max(),
        fee_cumulative_principal=every.fee_cumulative_principal.max(),
        fee_cumulative_interest=every.fee_cumulative_interest.max(),
        has_charge_off_check=every.has_charge_off_check.max(),
        charge_off_cumulative_principal=every.charge_off_cumulative_principal.max(),
        charge_off_cumulative_interest=every.charge_off_cumulative_interest.max(),
    )
    numbered = by_day.mutate(
        round_no=(ibis.row_number().over(group_by=by_day.loan_id, order_by=by_day.day) + 1).cast("int64")
    )
    return numbered.select(*EVENT_COLUMNS, "round_no").cast(
        {name: "int64" for name in (*EVENT_COLUMNS, "round_no")}
    )
