"""From the last event day to the end of as_of, and what the account looks like then."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from arrears.cycle.engine._rounds import COMPONENTS, accrue_quiet_days, post_penalty, taken_by

AGED_COLUMNS = (
    "loan_id",
    "days_past_due",
    "overdue_principal",
    "overdue_interest",
    "fee_outstanding",
    "penalty_outstanding",
    "principal_outstanding",
    "balance",
    "credit",
    "penalty_charged",
    "fee_charged",
    "charges_withheld",
    "paid_total",
    "ever_delinquent",
    "charged_off",
    "closed",
)
ALLOCATION_COLUMNS = ("payment_id", "loan_id", "value_day", *COMPONENTS, "credit")


def close_day(state: ir.Table, as_of_day: int) -> ir.Table:
    """Accrue the quiet days after each loan's last event day, then post the penalty."""
    state = accrue_quiet_days(state, as_of_day - state.last_day)
    return post_penalty(state, ibis.literal(True))


def aged_accounts(state: ir.Table, schedule: ir.Table, payments: ir.Table, as_of_day: int) -> ir.Table:
    """DPD from the oldest unpaid instalment, the overdue split, outstanding amounts, flags."""
    paid = state.select("loan_id", "principal_paid", "interest_paid")
    k = schedule.inner_join(paid, "loan_id")
    unpaid = (k.cumulative_principal > k.principal_paid) | (k.cumulative_interest > k.interest_paid)
    per_loan = k.group_by("loan_id").aggregate(
        oldest_unpaid_day=k.due_day.min(where=unpaid & (k.due_day <= as_of_day)),
        past_due_principal=k.cumulative_principal.max(where=k.due_day < as_of_day),
        past_due_interest=k.cumulative_interest.max(where=k.due_day < as_of_day),
        total_interest=k.interest.sum(),
    )
    totals = payments.group_by("loan_id").aggregate(paid_total=payments.amount.sum())
    t = state.left_join(per_loan, "loan_id").drop("loan_id_right")
    t = t.left_join(totals, "loan_id").drop("loan_id_right")
    t = t.mutate(
        principal_outstanding=t.principal - t.principal_paid,
        fee_outstanding=t.fee_charged - t.fee_paid,
        penalty_outstanding=t.penalty_charged - t.penalty_paid,
        interest_unpaid=t.interest_due - t.interest_paid,
    )
    closed = (
        (t.principal_outstanding == 0)
        & (t.interest_paid == t.total_interest.fill_null(0))
        & (t.fee_outstanding == 0)
        & (t.penalty_outstanding == 0)
    )
    return t.select(
        "loan_id",
        days_past_due=(as_of_day - t.oldest_unpaid_day).fill_null(0).cast("int64"),
        overdue_principal=ibis.greatest(t.past_due_principal.fill_null(0) - t.principal_paid, 0).cast("int64"),
        overdue_interest=ibis.greatest(t.past_due_interest.fill_null(0) - t.interest_paid, 0).cast("int64"),
        fee_outstanding=t.fee_outstanding,
        penalty_outstanding=t.penalty_outstanding,
        principal_outstanding=t.principal_outstanding,
        balance=t.principal_outstanding + t.interest_unpaid + t.fee_outstanding + t.penalty_outstanding,
        credit=t.credit,
        penalty_charged=t.penalty_charged,
        fee_charged=t.fee_charged,
        charges_withheld=t.withheld,
        paid_total=t.paid_total.fill_null(0).cast("int64"),
        ever_delinquent=t.ever_delinquent == 1,
        charged_off=t.charged_off == 1,
        closed=closed,
    )


def allocations(payments: ir.Table, contexts: ir.Table) -> ir.Table:
    """Each payment's share of the waterfall its day's cash went through, in payment order."""
    p = payments.inner_join(contexts, [payments.loan_id == contexts.loan_id, payments.value_day == contexts.day])
    same_day_before = ibis.window(
        group_by=[p.loan_id, p.value_day], order_by=p.payment_id, rows=(None, -1)
    )
    p = p.mutate(earlier=p.amount.sum().over(same_day_before).fill_null(0).cast("int64"))
    p = p.mutate(offset=p.credit_before + p.earlier)
    shares = {
        name: taken_by(p, name, p.offset + p.amount) - taken_by(p, name, p.offset) for name in COMPONENTS
    }
    return p.select(
        "payment_id",
        "loan_id",
        "value_day",
        **{name: share.cast("int64") for name, share in shares.items()},
        credit=(p.amount - sum(shares.values())).cast("int64"),
    )
