"""What a plan would do, worked out before anything changes: pure, exact to the fen, no Django.

    opening = opening_balance(book, payments, reschedules, plan_date)
    rows = instalment_plan(opening, count=6)         # 分期: the debt over 6 monthly instalments from the plan date
    rows = deferral_plan(opening, months=2)          # 延期: the remaining due dates 2 months later
    taken = waiver_allocation(book, payments, reschedules, plan_date, 30000)   # 减免

The opening balance is what the borrower owes at the end of the day before the plan date, by
the reference model: principal outstanding, and the charges — interest fallen due and unpaid,
fees, penalty, plus the interest of the instalments not yet due. A rescheduling plan repays
exactly that: its rows' principal adds up to the principal outstanding and their interest to the
charges, so the plan changes when the debt is paid, never how much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from arrears.errors import InputError
from arrears.ledger.records import Instalment, LoanBook, PaymentEntry
from arrears.ledger.reference import Allocation, age_loan_in_force
from arrears.ledger.rescheduling import Reschedule, in_force
from arrears.ledger.schedule import add_months
from arrears.money import Fen, format_money

MAX_PLAN_INSTALMENTS = 60
MAX_DEFERRAL_MONTHS = 24
PREVIEW_PAYMENT_ID = 2**62
"""The id of the hypothetical waiver credit in a preview: above any real payment's."""


class PlanInputError(InputError):
    """A plan's input that cannot be used; `field` names the input it is about."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.field = field


class PlanKind(StrEnum):
    INSTALMENTS = "instalments"  # 分期
    DEFERRAL = "deferral"  # 延期
    WAIVER = "waiver"  # 减免


@dataclass(frozen=True, slots=True)
class OpeningBalance:
    """What is owed at the end of the day before `plan_date`, and the rows not yet due then.

    interest_due: interest fallen due and unpaid. future_rows: the schedule's rows due on or
    after the plan date (wholly unpaid: nothing is paid before it falls due).
    """

    plan_date: dt.date
    principal: Fen
    interest_due: Fen
    fee: Fen
    penalty: Fen
    future_rows: tuple[Instalment, ...]
    last_seq: int

    @property
    def future_interest(self) -> Fen:
        return sum(k.interest for k in self.future_rows)

    @property
    def charges(self) -> Fen:
        """Everything owed that is not principal: it becomes the interest of the plan's rows."""
        return self.interest_due + self.fee + self.penalty + self.future_interest

    @property
    def total(self) -> Fen:
        return self.principal + self.charges


def opening_balance(
    loan: LoanBook, payments: Iterable[PaymentEntry], reschedules: Iterable[Reschedule], plan_date: dt.date
) -> OpeningBalance:
    """The opening balance of a plan starting on `plan_date`, from the schedule in force the day before."""
    payments, reschedules = list(payments), list(reschedules)
    day_before = plan_date - dt.timedelta(days=1)
    if plan_date <= loan.start_date:
        raise PlanInputError("start_date", "计划日期须晚于贷款起始日", "the plan date must be after the loan's start date")
    aged, _ = age_loan_in_force(loan, reschedules, payments, day_before)
    book, _ = in_force(loan, reschedules, payments, day_before)
    if aged.closed:
        raise PlanInputError("loan", "该贷款已结清，无需还款计划", "the loan is paid off; there is nothing to plan")
    if aged.credit:
        raise PlanInputError(
            "loan",
            f"账户有 {_zh(aged.credit, loan)} 溢缴款，请先冲抵后再做计划",
            f"the account holds {_en(aged.credit, loan)} of credit; apply it before making a plan",
        )
    interest_due = aged.balance - aged.principal_outstanding - aged.fee_outstanding - aged.penalty_outstanding
    all_rows = [k for k in loan.instalments] + [k for r in reschedules for k in r.instalments]
    return OpeningBalance(
        plan_date=plan_date,
        principal=aged.principal_outstanding,
        interest_due=interest_due,
        fee=aged.fee_outstanding,
        penalty=aged.penalty_outstanding,
        future_rows=tuple(sorted((k for k in book.instalments if k.due_date >= plan_date), key=lambda k: k.seq)),
        last_seq=max((k.seq for k in all_rows), default=0),
    )


def _split(amount: Fen, parts: int) -> list[Fen]:
    """`amount` in `parts` equal whole-fen shares; the last takes the remainder, so they add up exactly."""
    share = amount // parts
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def instalment_plan(opening: OpeningBalance, count: int) -> tuple[Instalment, ...]:
    """分期: the whole opening balance over `count` monthly instalments, the first on the plan date.

    The plan date is the day the borrower agreed to make the first payment (the agency portal's
    "first instalment due"); the others fall monthly after it.

    Principal and charges are each split in equal whole-fen shares, the last row taking the remainder.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PLAN_INSTALMENTS:
        raise PlanInputError(
            "instalments",
            f"分期期数须为 1 到 {MAX_PLAN_INSTALMENTS} 的整数", f"the number of instalments must be 1 to {MAX_PLAN_INSTALMENTS}"
        )
    principal, charges = _split(opening.principal, count), _split(opening.charges, count)
    return tuple(
        Instalment(opening.last_seq + k, add_months(opening.plan_date, k - 1), principal[k - 1], charges[k - 1])
        for k in range(1, count + 1)
    )


def deferral_plan(opening: OpeningBalance, months: int) -> tuple[Instalment, ...]:
    """延期: each instalment not yet due moves `months` later; what is overdue joins the first of them.

    With no instalment left to come, everything owed falls due `months` after the plan date.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_DEFERRAL_MONTHS:
        raise PlanInputError(
            "deferral_months",
            f"延期月数须为 1 到 {MAX_DEFERRAL_MONTHS} 的整数", f"the deferral must be 1 to {MAX_DEFERRAL_MONTHS} months"
        )
    future = opening.future_rows
    overdue_principal = opening.principal - sum(k.principal for k in future)
    overdue_charges = opening.interest_due + opening.fee + opening.penalty
    if not future:
        return (Instalment(opening.last_seq + 1, add_months(opening.plan_date, months), overdue_principal, overdue_charges),)
    rows = []
    for number, row in enumerate(future, start=1):
        principal, interest = row.principal, row.interest
        if number == 1:
            principal, interest = principal + overdue_principal, interest + overdue_charges
        rows.append(Instalment(opening.last_seq + number, add_months(row.due_date, months), principal, interest))
    return tuple(rows)


def waiver_allocation(
    loan: LoanBook,
    payments: Iterable[PaymentEntry],
    reschedules: Iterable[Reschedule],
    plan_date: dt.date,
    amount: Fen,
    *,
    principal_allowed: bool = False,
) -> Allocation:
    """减免: what a waiver of `amount` credited on `plan_date` pays, by the product's allocation order.

    It is worked out by the reference model itself (the waiver is a non-cash credit allocated like
    a payment), so the preview is what the nightly cycle will do. A waiver may not exceed what is
    due, and touches principal only where the product allows.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PlanInputError("waiver", "减免金额须大于 0", "the waiver amount must be more than 0")
    payments = list(payments)
    hypothetical = PaymentEntry(PREVIEW_PAYMENT_ID, loan.loan_id, amount, plan_date)
    _, allocations = age_loan_in_force(loan, reschedules, [*payments, hypothetical], plan_date)
    taken = next(a for a in allocations if a.payment_id == PREVIEW_PAYMENT_ID)
    if taken.credit:
        raise PlanInputError(
            "waiver",
            f"减免金额超过 {plan_date} 应还的金额 {_zh(amount - taken.credit, loan)}",
            f"the waiver exceeds the {_en(amount - taken.credit, loan)} due on {plan_date}",
        )
    if taken.principal and not principal_allowed:
        raise PlanInputError(
            "waiver",
            f"该产品不允许减免本金；最多可减免 {_zh(amount - taken.principal, loan)}",
            f"this product does not allow waiving principal; at most {_en(amount - taken.principal, loan)} can be waived",
        )
    return taken


def _zh(minor: Fen, loan: LoanBook) -> str:
    return format_money(minor, loan.currency, "zh-hans")


def _en(minor: Fen, loan: LoanBook) -> str:
    return format_money(minor, loan.currency, "en")
