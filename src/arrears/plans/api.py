"""The plans JSON API, mounted at /api/plans/: preview, propose, approve, reject, list a loan's plans.

Each call checks permission and object scope (arrears.access.scope) before anything else; bad
input gets 400 or 422 with the field and a zh-Hans and English message, never a 500.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from arrears.access.scope import Action, can, loans_visible_to
from arrears.api_answers import Refused
from arrears.errors import InputError
from arrears.ledger.models import Loan
from arrears.money import MoneyError, to_fen
from arrears.plans import services
from arrears.plans.models import Plan
from arrears.plans.preview import PlanInputError

router = Router(tags=["plans"])


class ProposalIn(Schema):
    kind: str
    start_date: dt.date
    instalments: int = 0
    deferral_months: int = 0
    waiver: str = "0"
    reason: str = ""


class DecisionIn(Schema):
    note: str = ""


class FieldErrorOut(Schema):
    field: str
    zh: str
    en: str


class ErrorsOut(Schema):
    errors: list[FieldErrorOut]


class EventOut(Schema):
    kind: str
    actor: str | None
    at: dt.datetime
    business_date: dt.date | None
    note: str


class PlanOut(Schema):
    id: int
    loan_id: int
    kind: str
    status: str
    start_date: dt.date
    instalments: int
    deferral_months: int
    waiver: int
    approver_roles: list[str]
    preview: dict
    proposed_by: str
    decided_by: str | None
    events: list[EventOut]


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "loan_id": plan.loan_id,
        "kind": plan.kind,
        "status": plan.status,
        "start_date": plan.start_date,
        "instalments": plan.instalment_count,
        "deferral_months": plan.deferral_months,
        "waiver": plan.waiver_amount,
        "approver_roles": plan.approver_roles,
        "preview": plan.preview,
        "proposed_by": plan.proposed_by.get_username(),
        "decided_by": plan.decided_by.get_username() if plan.decided_by else None,
        "events": [
            {
                "kind": event.kind,
                "actor": event.actor.get_username() if event.actor else None,
                "at": event.at,
                "business_date": event.business_date,
                "note": event.note,
            }
            for event in plan.events.select_related("actor")
        ],
    }


def _errors(field: str, zh: str, en: str) -> tuple[int, dict]:
    return 400, {"errors": [{"field": field, "zh": zh, "en": en}]}


def _loan(request, loan_id: int, action: Action) -> Loan:
    loan = loans_visible_to(request.user).select_related("product").filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    if not can(request.user, action, loan):
        raise Refused(403, "您无权对该贷款执行此操作", "You may not do this on this loan")
    return loan


def _plan(request, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("loan__product", "proposed_by", "decided_by").filter(pk=plan_id).first()
    if plan is None or not loans_visible_to(request.user).filter(pk=plan.loan_id).exists():
        raise Http404
    return plan


def _waiver_fen(text: str) -> int:
    try:
        return to_fen(text or "0")
    except MoneyError:
        raise PlanInputError(
            "waiver", "减免金额应为最多两位小数的元金额，如 120.50", "the waiver must be an amount in yuan such as 120.50"
        ) from None


def _arguments(payload: ProposalIn) -> dict:
    return {
        "instalments": payload.instalments,
        "deferral_months": payload.deferral_months,
        "waiver": _waiver_fen(payload.waiver),
    }


def _refusal(error: InputError) -> tuple[int, dict]:
    if isinstance(error, services.PlanRefused):
        return 403, {"errors": [{"field": "__all__", "zh": error.zh, "en": error.en}]}
    return _errors(getattr(error, "field", "__all__"), error.zh, error.en)


@router.get("/loans/{loan_id}/plans", response=list[PlanOut])
def loan_plans(request, loan_id: int):
    loan = _loan(request, loan_id, Action.VIEW)
    plans = Plan.objects.filter(loan=loan).select_related("proposed_by", "decided_by").order_by("-created_at", "-id")
    return [plan_out(plan) for plan in plans]


@router.post("/loans/{loan_id}/preview", response={200: dict, 400: ErrorsOut, 403: ErrorsOut})
def preview(request, loan_id: int, payload: ProposalIn):
    """What the plan would do; nothing is written."""
    loan = _loan(request, loan_id, Action.RECORD_CONTACT)
    try:
        shown = services.preview_plan(loan, services.plan_kind(payload.kind), payload.start_date, **_arguments(payload))
    except InputError as error:
        return _refusal(error)
    return 200, shown.as_json()


@router.post("/loans/{loan_id}/plans", response={201: PlanOut, 400: ErrorsOut, 403: ErrorsOut})
def propose(request, loan_id: int, payload: ProposalIn):
    """Propose a plan; within the proposer's limit it is approved and in force at once."""
    loan = _loan(request, loan_id, Action.RECORD_CONTACT)
    try:
        plan = services.propose(
            request.user, loan, payload.kind, payload.start_date, reason=payload.reason, **_arguments(payload)
        )
    except InputError as error:
        return _refusal(error)
    return 201, plan_out(Plan.objects.select_related("proposed_by", "decided_by").get(pk=plan.pk))


def _decide(request, plan_id: int, payload: DecisionIn, decide):
    plan = _plan(request, plan_id)
    if not can(request.user, Action.VIEW, plan.loan):
        raise Refused(403, "您无权审批该贷款的计划", "You may not decide plans of this loan")
    try:
        decide(request.user, plan, note=payload.note)
    except InputError as error:
        return _refusal(error)
    return 200, plan_out(_plan(request, plan_id))


@router.post("/plans/{plan_id}/approve", response={200: PlanOut, 400: ErrorsOut, 403: ErrorsOut})
def approve(request, plan_id: int, payload: DecisionIn):
    """Approve a waiting plan (your role's limit must cover it); it is put in force at once."""
    return _decide(request, plan_id, payload, services.approve)


@router.post("/plans/{plan_id}/reject", response={200: PlanOut, 400: ErrorsOut, 403: ErrorsOut})
def reject(request, plan_id: int, payload: DecisionIn):
    return _decide(request, plan_id, payload, services.reject)
