"""Plan pages: a loan's plans with the proposal form and its preview; approve or reject; plans awaiting you.

Thin: parse, check permission and scope, call services, render. Domain errors become field errors
in the reader's language.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from arrears.access.roles import roles_of
from arrears.access.scope import Action, can, loans_visible_to
from arrears.errors import InputError
from arrears.ledger.models import Loan
from arrears.plans import services
from arrears.plans.forms import DecisionForm, ProposalForm
from arrears.plans.limits import read_limits
from arrears.plans.models import Plan

FORM_FIELDS = {"kind", "start_date", "instalments", "deferral_months", "waiver", "reason"}


def _in_language(error: InputError) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


def _loan(request, loan_id: int) -> Loan:
    loan = loans_visible_to(request.user).select_related("product", "borrower").filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return loan


def section_context(request, loan: Loan, form: ProposalForm | None = None, shown=None) -> dict:
    """What templates/plans/account_section.html needs; the account page may include it too."""
    plans = list(
        Plan.objects.filter(loan=loan).select_related("proposed_by", "decided_by").prefetch_related("events__actor")
        .order_by("-created_at", "-id")
    )
    limits = read_limits()
    roles = roles_of(request.user)
    for plan in plans:
        plan.can_decide = plan.status == Plan.Status.PROPOSED and limits.covers(roles, services.terms_of(plan))
    return {
        "loan": loan,
        "plans": plans,
        "form": form or ProposalForm(initial={"kind": "instalments"}),
        "shown": shown,
        "may_propose": can(request.user, Action.RECORD_CONTACT, loan) and limits.may_propose(roles),
        "decision_form": DecisionForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def loan_plans(request, loan_id: int):
    """GET: the loan's plans. POST: preview a proposal (action=preview) or make it (action=propose)."""
    loan = _loan(request, loan_id)
    if request.method == "GET":
        return render(request, "plans/loan_plans.html", section_context(request, loan))
    if not can(request.user, Action.RECORD_CONTACT, loan):
        return HttpResponseForbidden(_("You may not propose plans on this loan."))
    form = ProposalForm(request.POST)
    shown = None
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "propose":
                plan = services.propose(
                    request.user, loan, data["kind"], data["start_date"], reason=data["reason"], **form.arguments()
                )
                if plan.status == Plan.Status.ACTIVE:
                    messages.success(request, _("The plan is approved and in force."))
                else:
                    messages.info(request, _("The plan is beyond your limit and awaits approval."))
                return redirect("plans:loan", loan_id=loan.pk)
            shown = services.preview_plan(loan, data["kind"], data["start_date"], **form.arguments())
        except InputError as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in FORM_FIELDS else None, _in_language(error))
    if not form.is_valid():
        status = 400
    return render(request, "plans/loan_plans.html", section_context(request, loan, form, shown), status=status)


@login_required
@require_POST
def decide(request, plan_id: int, decision: str):
    plan = Plan.objects.select_related("loan").filter(pk=plan_id).first()
    if plan is None or not loans_visible_to(request.user).filter(pk=plan.loan_id).exists():
        raise Http404
    if not can(request.user, Action.VIEW, plan.loan):
        return HttpResponseForbidden(_("You may not decide plans of this loan."))
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        (services.approve if decision == "approve" else services.reject)(request.user, plan, note=note)
    except InputError as error:
        messages.error(request, _in_language(error))
    else:
        messages.success(request, _("Plan approved and in force.") if decision == "approve" else _("Plan rejected."))
    return redirect("plans:loan", loan_id=plan.loan_id)


@require_safe
@login_required
def awaiting(request):
    """Proposals the signed-in person may decide: within their limit, on loans in their scope."""
    limits = read_limits()
    roles = roles_of(request.user)
    waiting = Plan.objects.filter(status=Plan.Status.PROPOSED, loan__in=loans_visible_to(request.user))
    plans = [
        plan
        for plan in waiting.select_related("loan", "proposed_by").order_by("created_at")[:200]
        if limits.covers(roles, services.terms_of(plan))
    ]
    return render(request, "plans/awaiting.html", {"plans": plans})
