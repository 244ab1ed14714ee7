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
    "is_last",
)
EVENT_ROW_COLUMNS = ("loan_id", "day", "kind", "first", "second", "last_row", "alone")


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


DUE, FEE, CHARGE_OFF_CHECK, PAY = 1, 2, 3, 4


def _narrow(loan_id, day, kind: int, first, second) -> dict:
    """Every source of events in the same five columns, so the union stays narrow."""
    return {
        "loan_id": loan_id,
        "day": day.cast("int64"),
        "kind": ibis.literal(kind, "int64"),
        "first": first.cast("int64"),
        "second": second if isinstance(second, ir.Value) else ibis.literal(second, "int64"),
    }


def _differs(neighbour: ir.IntegerValue, day: ir.IntegerValue) -> ir.BooleanValue:
    return neighbour.isnull() | (neighbour != day)


def numbered_events(inputs: BookInputs, schedule: ir.Table, payments: ir.Table, as_of_day: int) -> ir.Table:
    """Every event up to as_of as a narrow row, with `round_no` numbering each loan's event days
    (a day with several events gives several rows of the same round) and `last_row` marking the
    loan's very last row, so the round of its last day knows it is the last."""
    terms = inputs.loans.select("loan_id", "start_day", "grace_days", "charge_off_dpd")
    k = schedule.inner_join(terms, "loan_id")
    dues = k.filter(k.due_day <= as_of_day).select(
        **_narrow(k.loan_id, k.due_day, DUE, k.principal, k.interest.cast("int64"))
    )
    fee_day = k.due_day + k.grace_days
    # the start day has no end of day of its own (ledger/reference.py): a plan row due on its plan
    # date with no grace is charged nothing that day, as the reference model says
    fees = k.filter((fee_day <= as_of_day) & (fee_day > k.start_day)).select(
        **_narrow(k.loan_id, fee_day, FEE, k.cumulative_principal, k.cumulative_interest.cast("int64"))
    )
    charge_off_day = k.due_day + k.charge_off_dpd
    charge_offs = k.filter(charge_off_day <= as_of_day).select(
        **_narrow(k.loan_id, charge_off_day, CHARGE_OFF_CHECK, k.cumulative_principal, k.cumulative_interest.cast("int64"))
    )
    pays = payments.select(**_narrow(payments.loan_id, payments.value_day, PAY, payments.amount, 0))
    every = dues.union(fees).union(charge_offs).union(pays)
    # Numbering the narrow rows costs one sort of five columns; the rows of one day are folded
    # into one event row by the round that plays them (`round_events`), a small aggregate each.
    each_loan = ibis.window(group_by=every.loan_id, order_by=every.day)
    numbered = every.mutate(
        round_no=(ibis.dense_rank().over(each_loan) + 1).cast("int64"),
        # exactly one row of a loan has no next row, and it lies on the loan's last event day
        last_row=ibis.ifelse(every.day.lead().over(each_loan).isnull(), 1, 0),
        # the only row of its day: it is its day's event row as it stands, with nothing to fold
        alone=ibis.ifelse(_differs(every.day.lag().over(each_loan), every.day)
                          & _differs(every.day.lead().over(each_loan), every.day), 1, 0),
    )
    return numbered.select(*EVENT_ROW_COLUMNS, "round_no").cast(
        {name: "int64" for name in (*EVENT_ROW_COLUMNS, "round_no")}
    )


def round_events(rows: ir.Table) -> ir.Table:
    """One round's rows as one event row per loan (a loan's rows in a round share its day): a row
    alone on its day is that row as it stands; the rows of a day with several events are folded."""

    def flag(kind: int) -> ir.IntegerValue:
        return ibis.ifelse(rows.kind == kind, 1, 0)

    def part(column: str, kind: int) -> ir.IntegerValue:
        return ibis.ifelse(rows.kind == kind, rows[column], 0)

    single = rows.filter(rows.alone == 1).select(
        "loan_id",
        "day",
        has_due=flag(DUE),
        due_principal=part("first", DUE),
        due_interest=part("second", DUE),
        has_pay=flag(PAY),
        pay_amount=part("first", PAY),
        has_fee=flag(FEE),
        fee_cumulative_principal=part("first", FEE),
        fee_cumulative_interest=part("second", FEE),
        has_charge_off_check=flag(CHARGE_OFF_CHECK),
        charge_off_cumulative_principal=part("first", CHARGE_OFF_CHECK),
        charge_off_cumulative_interest=part("second", CHARGE_OFF_CHECK),
        is_last=rows.last_row,
    )
    shared = rows.filter(rows.alone == 0)

    def total(column: str, kind: int) -> ir.IntegerValue:
        return shared[column].sum(where=shared.kind == kind).fill_null(0)

    def largest(column: str, kind: int) -> ir.IntegerValue:
        return shared[column].max(where=shared.kind == kind).fill_null(0)

    def any_of(kind: int) -> ir.IntegerValue:
        return ibis.ifelse(shared.kind == kind, 1, 0).max()

    folded = shared.group_by("loan_id").aggregate(
        day=shared.day.max(),
        has_due=any_of(DUE),
        due_principal=total("first", DUE),
        due_interest=total("second", DUE),
        has_pay=any_of(PAY),
        pay_amount=total("first", PAY),
        has_fee=any_of(FEE),
        fee_cumulative_principal=largest("first", FEE),
        fee_cumulative_interest=largest("second", FEE),
        has_charge_off_check=any_of(CHARGE_OFF_CHECK),
        charge_off_cumulative_principal=largest("first", CHARGE_OFF_CHECK),
        charge_off_cumulative_interest=largest("second", CHARGE_OFF_CHECK),
        is_last=shared.last_row.max(),
    )
    typed = {name: "int64" for name in EVENT_COLUMNS}
    return single.select(*EVENT_COLUMNS).cast(typed).union(folded.select(*EVENT_COLUMNS).cast(typed))
