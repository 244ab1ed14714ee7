"""The legal cases pages: the cases and the accounts nearing their limitation date, one case with its
stage history, a legal officer opening a case from a referred review and moving it on (thin: parse,
check, call arrears.legal.cases, redirect).

Reading needs `legal.view_legalcase`; acting `legal.manage_legal_case` (403 without it); a case or review
outside the reader's scope answers 404; a step the case refuses comes back with the reason why (409).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

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
from arrears.errors import InputError
from arrears.legal.case_listing import case_json, may_read_cases, visible_cases
from arrears.legal.cases import CaseRefused, advance, may_manage, open_case, opening_checks
from arrears.legal.listing import visible_reviews
from arrears.legal.routes import ROUTES, may_move, routes_for, stage_words

NEARING_SHOWN = 200


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _fen(text: str, name: str) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    try:
        fen = Decimal(text) * 100
    except InvalidOperation:
        raise InputError(f"{name}须为金额（元）", f"{name} must be an amount in yuan") from None
    if not fen.is_finite() or fen != fen.to_integral_value():
        raise InputError(f"{name}最多两位小数", f"{name} has at most two decimals")
    return int(fen)


@require_safe
@login_required
def cases(request: HttpRequest) -> HttpResponse:
    from arrears.access.scope import loans_visible_to
    from arrears.legal.limitation import nearing

    if not may_read_cases(request.user):
        raise PermissionDenied
    today = clock.today()
    rows = [case_json(case) for case in visible_cases(request.user)[:500]]
    visible = dict(loans_visible_to(request.user).filter(state__balance__gt=0).values_list("pk", "external_id"))
    near = [{"loan": visible[row.loan_id], "row": row, "days_left": row.days_left(today)}
            for row in nearing(today, loan_ids=visible)[:NEARING_SHOWN]]
    referred = []
    if may_manage(request.user):
        referred = list(visible_reviews(request.user).filter(state="referred", legal_case__isnull=True)
                        .order_by("decided_at"))
    from arrears.compliance.lender import lender_profile_name

    profile = "us-regf" if lender_profile_name() == "us-regf" else "cn"
    return render(request, "legal/cases.html", {
        "cases": rows, "nearing": near, "referred": referred, "routes": routes_for(profile),
        "managing": may_manage(request.user), "english": _english(), "nav": "legal",
    })


@require_safe
@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_read_cases(request.user):
        raise PermissionDenied
    found = visible_cases(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such legal case."))
    route = ROUTES[found.route]
    following = [] if found.state != "open" else [
        (stage, *stage_words(stage)) for stage in route.stages if stage != found.stage
        and may_move(found.route, found.stage, stage)
    ]
    return render(request, "legal/case.html", {
        "case": found, "data": case_json(found, with_stages=True), "checks": opening_checks(found.loan_id),
        "following": following, "managing": may_manage(request.user), "english": _english(), "nav": "legal",
    })


@require_POST
@login_required
def open_from_review(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_manage(request.user):
        raise PermissionDenied
    review = visible_reviews(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404(_("No such legal review."))
    try:
        opened = open_case(user=request.user, route=request.POST.get("route", ""), review_id=review.pk,
                           note=request.POST.get("note", ""), forum=request.POST.get("forum", ""))
    except CaseRefused:
        raise PermissionDenied from None
    except InputError as problem:
        messages.error(request, problem.en if _english() else problem.zh)
        return redirect(reverse("legal:cases"))
    messages.success(request, _("Legal case opened: %(account)s.") % {"account": opened.loan.external_id})
    return redirect(reverse("legal:case", args=[opened.pk]))


@require_POST
@login_required
def advance_case(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_manage(request.user):
        raise PermissionDenied
    found = visible_cases(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such legal case."))
    post = request.POST
    try:
        entered_on = dt.date.fromisoformat(post["entered_on"]) if post.get("entered_on") else None
    except ValueError:
        messages.error(request, _("A date must look like YYYY-MM-DD."))
        return redirect(reverse("legal:case", args=[found.pk]))
    try:
        advance(found.pk, user=request.user, to=post.get("stage", ""), entered_on=entered_on,
                documents=post.get("documents", ""), case_number=post.get("case_number", ""),
                forum=post.get("forum", ""), note=post.get("note", ""),
                fees_paid=_fen(post.get("fees_paid"), "费用 / fees"),
                amount_awarded=_fen(post.get("amount_awarded"), "判决金额 / amount awarded"),
                costs_awarded=_fen(post.get("costs_awarded"), "判决费用 / costs awarded"),
                recovered=_fen(post.get("recovered"), "执行回收 / recovered"))
    except CaseRefused:
        raise PermissionDenied from None
    except InputError as problem:
        messages.error(request, problem.en if _english() else problem.zh)
        return redirect(reverse("legal:case", args=[found.pk]))
    messages.success(request, _("Stage recorded."))
    return redirect(reverse("legal:case", args=[found.pk]))
