"""Propose, approve, reject and activate repayment plans; each step recorded with who took it.

    plan = propose(user, loan, PlanKind.INSTALMENTS, start_date=date(2026, 5, 1), instalments=6)
    approve(team_lead, plan)        # only someone whose role's limit covers it

A proposal within its proposer's limit is approved and activated at once; beyond it, it waits
for a person holding a role whose limit covers it. Activation writes the ledger in one
transaction: a reschedule and its rows (分期, 延期), or a non-cash credit (减免).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from arrears import clock
from arrears.access.roles import roles_of
from arrears.cycle.statement import loan_book, loan_reschedules
from arrears.errors import InputError
from arrears.ledger.models import Instalment, Loan, Payment, Reschedule
from arrears.ledger.records import Instalment as InstalmentRecord
from arrears.ledger.records import PaymentEntry
from arrears.money import Fen
from arrears.plans.limits import ApprovalLimits, PlanTerms, read_limits
from arrears.plans.models import Plan, PlanEvent
from arrears.plans.preview import PlanInputError, PlanKind, deferral_plan, instalment_plan, opening_balance, waiver_allocation

from arrears.ledger.recoveries import WAIVER_CHANNEL  # a waiver is booked as a payment of this channel
MAX_DAYS_AHEAD = 60


class PlanRefused(InputError):
    """A plan step that may not be taken (wrong state, no authority, out of limits)."""


@dataclass(frozen=True)
class Preview:
    """What the proposal shows: the new rows, or the waiver's allocation; and the opening balance."""

    kind: PlanKind
    rows: tuple[InstalmentRecord, ...]
    allocation: dict[str, Fen] | None
    opening: dict[str, Fen]

    def as_json(self) -> dict:
        return {
            "kind": self.kind.value,
            "opening": self.opening,
            "rows": [
                {"seq": k.seq, "due_date": k.due_date.isoformat(), "principal": k.principal, "interest": k.interest}
                for k in self.rows
            ],
            "allocation": self.allocation,
        }


def loan_ledger(loan: Loan) -> tuple:
    """One loan's book, payments and plan segments, as the pure modules take them."""
    book = loan_book(loan)
    payments = [
        PaymentEntry(p.pk, loan.pk, p.amount, p.value_date, p.reverses_id)
        for p in Payment.objects.filter(loan=loan).only("id", "amount", "value_date", "reverses_id")
    ]
    return book, payments, loan_reschedules(loan)


def preview_plan(
    loan: Loan, kind: PlanKind, start_date: dt.date, *, instalments: int = 0, deferral_months: int = 0, waiver: Fen = 0
) -> Preview:
    """The plan's effect, worked out from the ledger as it stands; nothing is written."""
    kind = plan_kind(kind)
    book, payments, reschedules = loan_ledger(loan)
    if kind is PlanKind.WAIVER:
        taken = waiver_allocation(
            book, payments, reschedules, start_date, waiver, principal_allowed=loan.product.waiver_principal_allowed
        )
        allocation = {"penalty": taken.penalty, "fee": taken.fee, "interest": taken.interest, "principal": taken.principal}
        return Preview(kind, (), allocation, {})
    opening = opening_balance(book, payments, reschedules, start_date)
    rows = instalment_plan(opening, instalments) if kind is PlanKind.INSTALMENTS else deferral_plan(opening, deferral_months)
    summary = {
        "principal": opening.principal,
        "interest_due": opening.interest_due,
        "fee": opening.fee,
        "penalty": opening.penalty,
        "future_interest": opening.future_interest,
        "total": opening.total,
    }
    return Preview(kind, rows, None, summary)


def plan_kind(kind) -> PlanKind:
    try:
        return PlanKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in PlanKind)
        raise PlanInputError("kind", f"计划类型应为 {choices} 之一", f"the plan kind must be one of {choices}") from None


def terms_of(plan: Plan) -> PlanTerms:
    return PlanTerms(PlanKind(plan.kind), plan.instalment_count, plan.deferral_months, plan.waiver_amount)


def _check_date(start_date: dt.date, today: dt.date) -> None:
    if start_date < today:
        raise PlanInputError(
            "start_date",
            f"计划日期 {start_date} 已过；计划只能从今天（{today}）或以后开始，以免改写已算出的账龄",
            f"the plan date {start_date} has passed; a plan starts today ({today}) or later, so ageing already done stays true",
        )
    if start_date > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise PlanInputError(
            "start_date",
            f"计划日期不得晚于 {MAX_DAYS_AHEAD} 天后", f"the plan date may be at most {MAX_DAYS_AHEAD} days ahead"
        )


def _check_no_active_reschedule(loan: Loan, kind: PlanKind) -> None:
    if kind is PlanKind.WAIVER:
        return
    if Plan.objects.filter(loan=loan, status=Plan.Status.ACTIVE).exclude(kind=Plan.Kind.WAIVER).exists():
        raise PlanRefused(
            "该贷款已有生效中的分期或延期计划，须先履约完毕或被撤销",
            "the loan already has an active instalment plan or deferral; it must be kept or reverted first",
        )


def _record(plan: Plan, kind: str, actor, note: str = "", business_date: dt.date | None = None) -> PlanEvent:
    return PlanEvent.objects.create(plan=plan, kind=kind, actor=actor, note=note, business_date=business_date)


def propose(
    user,
    loan: Loan,
    kind: PlanKind | str,
    start_date: dt.date,
    *,
    instalments: int = 0,
    deferral_months: int = 0,
    waiver: Fen = 0,
    reason: str = "",
    limits: ApprovalLimits | None = None,
    today: dt.date | None = None,
    roles: frozenset[str] | None = None,
) -> Plan:
    """Record a proposal with its preview; within the proposer's limit it is approved and activated at once.
    `roles`: the proposer's roles when they are not a member of staff's (the borrower portal proposes
    as "borrower", under the lender's self-serve policy passed as `limits`)."""
    limits = limits or read_limits()
    today = today or clock.today()
    kind = plan_kind(kind)
    roles = roles_of(user) if roles is None else roles
    if not limits.may_propose(roles):
        raise PlanRefused("您的角色不能提出还款计划", "your role may not propose repayment plans")
    _check_date(start_date, today)
    _check_no_active_reschedule(loan, kind)
    shown = preview_plan(loan, kind, start_date, instalments=instalments, deferral_months=deferral_months, waiver=waiver)
    terms = PlanTerms(kind, instalments, deferral_months, waiver)
    with transaction.atomic():
        plan = Plan.objects.create(
            loan=loan,
            kind=kind.value,
            start_date=start_date,
            instalment_count=instalments if kind is PlanKind.INSTALMENTS else 0,
            deferral_months=deferral_months if kind is PlanKind.DEFERRAL else 0,
            waiver_amount=waiver if kind is PlanKind.WAIVER else 0,
            reason=reason,
            preview=shown.as_json(),
            approver_roles=list(limits.roles_covering(terms)),
            proposed_by=user,
        )
        _record(plan, PlanEvent.Kind.PROPOSED, user, reason)
        if limits.covers(roles, terms):
            _approve_and_activate(plan, user, today)
    return plan


def approve(user, plan: Plan, *, note: str = "", limits: ApprovalLimits | None = None, today: dt.date | None = None) -> Plan:
    """Approve a waiting proposal and put it in force; the approver's role must cover it."""
    limits = limits or read_limits()
    today = today or clock.today()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("loan__product").get(pk=plan.pk)
        _check_waiting(plan)
        if not limits.covers(roles_of(user), terms_of(plan)):
            needed = ", ".join(plan.approver_roles) or "—"
            raise PlanRefused(
                f"此计划超出您的审批额度；可审批的角色：{needed}",
                f"this plan is beyond your approval limit; roles that may approve it: {needed}",
            )
        _check_date(plan.start_date, today)
        _check_no_active_reschedule(plan.loan, PlanKind(plan.kind))
        _approve_and_activate(plan, user, today, note)
    return plan


def reject(user, plan: Plan, *, note: str = "", limits: ApprovalLimits | None = None) -> Plan:
    """Turn a waiting proposal down; only someone who could have approved it may."""
    limits = limits or read_limits()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_waiting(plan)
        if not limits.covers(roles_of(user), terms_of(plan)):
            raise PlanRefused("此计划超出您的审批额度，不能驳回", "this plan is beyond your approval limit; you may not reject it")
        plan.status = Plan.Status.REJECTED
        plan.decided_by = user
        plan.save(update_fields=["status", "decided_by", "updated_at"])
        _record(plan, PlanEvent.Kind.REJECTED, user, note)
    return plan


def _check_waiting(plan: Plan) -> None:
    if plan.status != Plan.Status.PROPOSED:
        raise PlanRefused(
            f"计划已是「{plan.get_status_display()}」状态，不能再审批", f"the plan is already {plan.status}; it cannot be decided again"
        )


def _approve_and_activate(plan: Plan, user, today: dt.date, note: str = "") -> None:
    plan.decided_by = user
    _record(plan, PlanEvent.Kind.APPROVED, user, note, today)
    # The ledger may have moved since the proposal (a payment came in): the plan is worked out anew.
    shown = preview_plan(
        plan.loan,
        PlanKind(plan.kind),
        plan.start_date,
        instalments=plan.instalment_count,
        deferral_months=plan.deferral_months,
        waiver=plan.waiver_amount,
    )
    if plan.kind == Plan.Kind.WAIVER:
        plan.waiver_payment = Payment.objects.create(
            reference=f"PLAN-{plan.pk}-WAIVER",
            loan=plan.loan,
            amount=plan.waiver_amount,
            value_date=plan.start_date,
            channel=WAIVER_CHANNEL,
        )
    else:
        last_payment = Payment.objects.filter(loan=plan.loan).order_by("-id").values_list("id", flat=True).first()
        plan.reschedule = Reschedule.objects.create(
            loan=plan.loan,
            plan_id=plan.pk,
            start_date=plan.start_date,
            principal=shown.opening["principal"],
            last_payment_id=last_payment or 0,
        )
        Instalment.objects.bulk_create(
            Instalment(
                loan=plan.loan, reschedule=plan.reschedule, seq=k.seq, due_date=k.due_date, principal=k.principal,
                interest=k.interest,
            )
            for k in shown.rows
        )
    plan.preview = shown.as_json()
    plan.status = Plan.Status.ACTIVE
    plan.save()
    _record(plan, PlanEvent.Kind.ACTIVATED, user, business_date=plan.start_date)
