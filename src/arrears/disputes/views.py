"""The compliance queue: open disputes and complaints by their deadline, the overdue ones flagged;
entering one received by phone, letter, an agency or a regulator; deciding them.

Reading and acting need the compliance officer's or the administrator's role (403 otherwise); bad
input shows the page again with the error (400), nothing stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from arrears import clock
from arrears.access.roles import Role, roles_of
from arrears.compliance.lender import lender_profile_name
from arrears.disputes import deadlines, services
from arrears.disputes.forms import CloseComplaintForm, DecideDisputeForm, ExtendForm, StaffComplaintForm, StaffDisputeForm
from arrears.disputes.models import BorrowerComplaint, ComplaintState
from arrears.errors import ArrearsError, InputError

HANDLERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER})


def _require(request) -> None:
    if not roles_of(request.user) & HANDLERS:
        raise PermissionDenied


def _words(error: ArrearsError) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


def _page(request, *, problem: str = "", status: int = 200, dispute_form=None, complaint_form=None) -> HttpResponse:
    today = clock.today()
    profile = lender_profile_name()
    disputes = list(services.compliance_queue())
    complaints = list(BorrowerComplaint.objects.filter(state=ComplaintState.OPEN).select_related(
        "loan", "about_agency", "about_collector").order_by("due_on", "id"))
    closed = list(BorrowerComplaint.objects.exclude(state=ComplaintState.OPEN).order_by("-closed_at")[:50])
    context = {
        "today": today, "problem": problem, "nav": "disputes", "profile": profile,
        "dispute_terms": deadlines.terms("dispute", profile), "complaint_terms": deadlines.terms("complaint", profile),
        "disputes": [{"d": d, "overdue": deadlines.overdue(d.due_on, today)} for d in disputes],
        "complaints": [{"c": c, "overdue": deadlines.overdue(c.due_on, today)} for c in complaints],
        "closed": closed,
        "dispute_form": dispute_form or StaffDisputeForm(), "complaint_form": complaint_form or StaffComplaintForm(),
        "decide_form": DecideDisputeForm(), "extend_form": ExtendForm(), "close_form": CloseComplaintForm(),
    }
    return render(request, "disputes/queue.html", context, status=status)


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _page(request)


def _loan(reference: str):
    from arrears.ledger.models import Loan

    loan = Loan.objects.select_related("borrower").filter(external_id=(reference or "").strip()).first()
    if loan is None:
        raise InputError(f"找不到贷款 {reference}", f"No loan {reference}")
    return loan


def _act(request, form, action, done: str) -> HttpResponse:
    if not form.is_valid():
        return _page(request, problem=_("Check the form: %(errors)s") % {"errors": form.errors.as_text()}, status=400)
    try:
        action(form.cleaned_data)
    except ArrearsError as error:
        return _page(request, problem=_words(error), status=400)
    messages.success(request, done)
    return redirect("disputes:queue")


@require_POST
@login_required
def enter_dispute(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _act(request, StaffDisputeForm(request.POST), lambda d: services.raise_dispute(
        _loan(d["loan"]), reason=d["reason"], details=d["details"], source=d["source"], by=request.user),
        _("Dispute entered; the account is on hold."))


@require_POST
@login_required
def enter_complaint(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import get_user_model

    _require(request)

    def enter(d):
        collector = None
        if d["collector"]:
            collector = get_user_model().objects.filter(username=d["collector"]).first()
            if collector is None:
                raise InputError(f"找不到用户 {d['collector']}", f"No user {d['collector']}")
        services.raise_complaint(loan=_loan(d["loan"]) if d["loan"] else None, category=d["category"], details=d["details"],
                                 source=d["source"], complex=d["complex"], agency=d["agency"], collector=collector,
                                 channel=d["channel"],
                                 by=request.user)

    return _act(request, StaffComplaintForm(request.POST), enter, _("Complaint entered."))


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    return _act(request, DecideDisputeForm(request.POST), lambda d: services.decide_dispute(
        pk, outcome=d["outcome"], reasons=d["reasons"], correction=d["correction"], by=request.user),
        _("Dispute decided; the borrower is told."))


@require_POST
@login_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    return _act(request, ExtendForm(request.POST), lambda d: services.extend_complaint(pk, reason=d["reason"], by=request.user),
                _("Deadline extended; the complainant is told."))


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    return _act(request, CloseComplaintForm(request.POST), lambda d: services.close_complaint(
        pk, upheld=d["upheld"] == "yes", responsible=d["responsible"], outcome=d["outcome"], by=request.user),
        _("Complaint closed."))
