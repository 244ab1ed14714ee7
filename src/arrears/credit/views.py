"""/credit/objections/: the credit-report objections with their 20-day deadlines, recorded and answered by
staff through the same service as the API and the command (arrears.credit.objections). Thin: parse, check,
call the service, redirect.

Reading needs `credit.view_creditobjection` (administrator, compliance officer, legal officer, team lead),
recording and answering `credit.answer_credit_objection` (administrator, compliance officer): 403 without it,
before anything is looked for; a loan or objection outside the reader's scope answers 404, like an unknown
one; bad input renders the page again with the reason in the reader's language (400), nothing stored; an
objection answered meanwhile, 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from arrears import clock
from arrears.credit.api import _may_read, _visible
from arrears.credit.models import ObjectionOutcome
from arrears.credit.objections import ObjectionRefused, answer_objection, file_objection, may_answer
from arrears.errors import ArrearsError, InputError

LISTED = 500


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _render(request: HttpRequest, *, problem: ArrearsError | None = None, status: int = 200,
            failed_id: int | None = None) -> HttpResponse:
    today = clock.today()
    rows = []
    for objection in _visible(request.user).order_by("answered_on", "answer_by", "pk")[:LISTED]:
        days_left = (objection.answer_by - today).days
        rows.append({"objection": objection, "days_left": days_left,
                     "late": objection.answered_on is None and days_left < 0,
                     "failed": failed_id == objection.pk})
    context = {
        "open_rows": [row for row in rows if row["objection"].answered_on is None],
        "answered_rows": [row for row in rows if row["objection"].answered_on is not None],
        "answering": may_answer(request.user),
        "outcomes": ObjectionOutcome.choices,
        "problem": None if problem is None else (problem.en if _english() else problem.zh),
        "nav": "credit",
    }
    return render(request, "credit/objections.html", context, status=status)


@require_safe
@login_required
def objections(request: HttpRequest) -> HttpResponse:
    if not _may_read(request.user):
        raise PermissionDenied
    return _render(request)


@require_POST
@login_required
def record(request: HttpRequest) -> HttpResponse:
    from arrears.access.scope import loans_visible_to

    if not may_answer(request.user):
        raise PermissionDenied
    loan = loans_visible_to(request.user).filter(external_id=request.POST.get("loan", "").strip()).first()
    if loan is None:
        raise Http404(_("No such loan."))
    try:
        objection = file_objection(loan_id=loan.pk, claim=request.POST.get("claim", ""), source="staff", by=request.user)
    except InputError as problem:
        return _render(request, problem=problem, status=400)
    messages.success(request, _("Objection recorded for %(account)s: answer by %(day)s.")
                     % {"account": loan.external_id, "day": objection.answer_by.isoformat()})
    return redirect(reverse("credit:objections") + f"#objection-{objection.pk}")


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_answer(request.user):
        raise PermissionDenied
    objection = _visible(request.user).filter(pk=pk).first()
    if objection is None:
        raise Http404(_("No such objection."))
    outcome = request.POST.get("outcome", "")
    text = request.POST.get("answer", "").strip()
    if outcome not in ObjectionOutcome.values:
        return _render(request, problem=InputError(f"处理结果须为 {'、'.join(ObjectionOutcome.values)}",
                                                   f"The outcome must be one of {', '.join(ObjectionOutcome.values)}"),
                       status=400, failed_id=pk)
    if not text:
        return _render(request, problem=InputError("书面答复不能为空", "The written answer is required"), status=400,
                       failed_id=pk)
    try:
        answered = answer_objection(objection.pk, outcome=outcome, answer=text, by=request.user,
                                    delete=request.POST.get("delete") == "on")
    except ObjectionRefused:
        raise PermissionDenied from None
    except InputError as problem:  # answered meanwhile
        return _render(request, problem=problem, status=409, failed_id=pk)
    messages.success(request, _("Objection answered: %(account)s.") % {"account": answered.loan.external_id})
    return redirect(reverse("credit:objections") + f"#objection-{answered.pk}")
