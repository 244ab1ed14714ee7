"""One round: every loan moves to its next event day, as the reference model's days would.

A round first accrues the quiet days since the loan's last event day (a closed form: the
principal outstanding and the penalty base do not change on a quiet day), then plays the
event day in the reference model's order: post the penalty, fall due, apply cash, end the
day (principal-days, penalty, late fee, penalty base, charge-off check).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from arrears.cycle.engine._arith import clip, floor_div, round_half_up
from arrears.ledger.reference import COST_CAP_DENOMINATOR, PENALTY_DAY_DENOMINATOR

TERM_COLUMNS = (
    "loan_id",
    "principal",
    "start_day",
    "penalty_rate_bp",
    "late_fee",
    "cost_cap_bp",
    "rank_penalty",
    "rank_fee",
    "rank_interest",
    "rank_principal",
)
RUNNING_COLUMNS = (
    "last_day",
    "principal_paid",
    "interest_paid",
    "principal_due",
    "interest_due",
    "penalty_charged",
    "penalty_paid",
    "fee_charged",
    "fee_paid",
    "penalty_unposted",
    "withheld",
    "principal_days",
    "credit",
    "penalty_base",
    "ever_delinquent",
    "charged_off",
)
STATE_COLUMNS = TERM_COLUMNS + RUNNING_COLUMNS
COMPONENTS = ("penalty", "fee", "interest", "principal")
POOL_COLUMNS = tuple(f"pool_{name}" for name in COMPONENTS)


def opening_state(loans: ir.Table) -> ir.Table:
    """Every loan on its start day, before anything has happened."""
    zero = ibis.literal(0, "int64")
    return loans.select(
        *TERM_COLUMNS,
        last_day=loans.start_day,
        **{name: zero for name in RUNNING_COLUMNS if name != "last_day"},
    )


def daily_penalty(t: ir.Table) -> ir.IntegerValue:
    base = ibis.greatest(t.penalty_base - t.principal_paid, 0)
    return round_half_up(base * t.penalty_rate_bp, PENALTY_DAY_DENOMINATOR)


def unpaid_dues(t: ir.Table) -> ir.BooleanValue:
    return (t.principal_due > t.principal_paid) | (t.interest_due > t.interest_paid)


def cost_headroom(t: ir.Table) -> ir.IntegerValue:
    ceiling = floor_div(t.cost_cap_bp * t.principal_days, COST_CAP_DENOMINATOR)
    return ibis.greatest(ceiling - (t.interest_due + t.penalty_charged + t.fee_charged), 0)


def accrue_quiet_days(t: ir.Table, days: ir.IntegerValue) -> ir.Table:
    return t.mutate(
        principal_days=t.principal_days + days * (t.principal - t.principal_paid),
        penalty_unposted=t.penalty_unposted + days * daily_penalty(t),
        ever_delinquent=ibis.ifelse((days > 0) & unpaid_dues(t), 1, t.ever_delinquent),
    )


def post_penalty(t: ir.Table, when: ir.BooleanValue) -> ir.Table:
    charged = ibis.ifelse(when, ibis.least(t.penalty_unposted, cost_headroom(t)), 0)
    return t.mutate(
        penalty_charged=t.penalty_charged + charged,
        withheld=t.withheld + ibis.ifelse(when, t.penalty_unposted - charged, 0),
        penalty_unposted=ibis.ifelse(when, 0, t.penalty_unposted),
    )


def with_pools(t: ir.Table) -> ir.Table:
    return t.mutate(
        pool_penalty=t.penalty_charged - t.penalty_paid,
        pool_fee=t.fee_charged - t.fee_paid,
        pool_interest=t.interest_due - t.interest_paid,
        pool_principal=t.principal_due - t.principal_paid,
    )


def ahead_of(t: ir.Table, component: str) -> ir.IntegerValue:
    """What the allocation order pays before `component`, given the pools."""
    rank = t[f"rank_{component}"]
    total = ibis.literal(0, "int64")
    for other in COMPONENTS:
        if other != component:
            total = total + ibis.ifelse(t[f"rank_{other}"] < rank, t[f"pool_{other}"], 0)
    return total


def taken_by(t: ir.Table, component: str, cash: ir.IntegerValue) -> ir.IntegerValue:
    """The waterfall: what `cash` pays of `component`, given the pools (columns pool_*)."""
    return clip(cash - ahead_of(t, component), 0, t[f"pool_{component}"])


def apply_cash(t: ir.Table, cash: ir.IntegerValue) -> ir.Table:
    t = with_pools(t).mutate(cash=cash)
    takes = {name: taken_by(t, name, t.cash) for name in COMPONENTS}
    return t.mutate(
        penalty_paid=t.penalty_paid + takes["penalty"],
        fee_paid=t.fee_paid + takes["fee"],
        interest_paid=t.interest_paid + takes["interest"],
        principal_paid=t.principal_paid + takes["principal"],
        credit=t.cash - (takes["penalty"] + takes["fee"] + takes["interest"] + takes["principal"]),
    )


def play_event_day(t: ir.Table) -> ir.Table:
    """`t` is the state joined with each loan's event row for this round."""
    t = accrue_quiet_days(t, ibis.greatest(t.day - t.last_day - 1, 0))
    t = post_penalty(t, (t.has_due == 1) | (t.has_pay == 1))
    t = t.mutate(
        principal_due_before=t.principal_due,
        interest_due_before=t.interest_due,
        principal_due=t.principal_due + t.due_principal,
        interest_due=t.interest_due + t.due_interest,
        credit_before=t.credit,
    )
    t = apply_cash(t, t.credit + t.pay_amount)
    t = t.mutate(
        ever_delinquent=ibis.ifelse(
            (t.principal_paid < t.principal_due_before) | (t.interest_paid < t.interest_due_before),
            1,
            t.ever_delinquent,
        )
    )
    end_of_day = t.day > t.start_day
    t = t.mutate(
        principal_days=t.principal_days + ibis.ifelse(end_of_day, t.principal - t.principal_paid, 0),
        penalty_unposted=t.penalty_unposted + ibis.ifelse(end_of_day, daily_penalty(t), 0),
    )
    grace_ends = t.has_fee == 1
    t = post_penalty(t, grace_ends)
    instalment_unpaid = (t.fee_cumulative_interest > t.interest_paid) | (
        t.fee_cumulative_principal > t.principal_paid
    )
    fee_due = ibis.ifelse(grace_ends & instalment_unpaid, t.late_fee, 0)
    fee_charged = ibis.least(fee_due, cost_headroom(t))
    reaches_charge_off = (t.has_charge_off_check == 1) & (
        (t.charge_off_cumulative_interest > t.interest_paid)
        | (t.charge_off_cumulative_principal > t.principal_paid)
    )
    return t.mutate(
        fee_charged=t.fee_charged + fee_charged,
        withheld=t.withheld + fee_due - fee_charged,
        penalty_base=ibis.greatest(t.penalty_base, t.fee_cumulative_principal),
        charged_off=ibis.ifelse(reaches_charge_off, 1, t.charged_off),
        last_day=t.day,
    )


PAYMENT_CONTEXT_COLUMNS = ("loan_id", "day", "credit_before", *POOL_COLUMNS, "rank_penalty", "rank_fee", "rank_interest", "rank_principal")


def advance(state: ir.Table, events: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Move every loan with an event in `events` to that day; loans without one are left out.

    A loan's event days are numbered without gaps, so a loan missing from round n's events has
    had its last round: it was set aside then (`is_last`), and later rounds touch only the loans
    still moving. Returns the moved loans (with `is_last`) and, for loans that received
    payments, the pools the payments met (for allocating each payment afterwards).
    """
    played = play_event_day(state.inner_join(events, "loan_id"))
    payment_context = played.filter(played.has_pay == 1).select(*PAYMENT_CONTEXT_COLUMNS)
    return played.select(*STATE_COLUMNS, "is_last"), payment_context


def without_events(state: ir.Table, first_round_rows: ir.Table) -> ir.Table:
    """Loans with no event day at all up to as_of (no event row in round 1): they stay as they opened."""
    return state.anti_join(first_round_rows, "loan_id").select(*STATE_COLUMNS)
