"""The pages: each view parses its input, asks `queries`, and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from arrears.web import queries
from arrears.web.forms import AccountSearchForm, RollRatesForm

SEARCH_PAGE_SIZE = 25


@require_safe
@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    return render(request, "web/portfolio.html", {"summary": queries.portfolio_summary(), "nav": "portfolio"})


@require_safe
@login_required
def roll_rates(request: HttpRequest) -> HttpResponse:
    form = RollRatesForm(request.GET or None)
    chosen = form.cleaned_data.get("as_of") if form.is_valid() else None
    dates = queries.cycle_dates()
    end = chosen or (dates[0] if dates else None)
    context = {
        "form": form,
        "dates": dates,
        "rates": queries.roll_rates(end) if end else None,
        "window_days": queries.ROLL_WINDOW_DAYS,
        "nav": "roll-rates",
    }
    return render(request, "web/roll_rates.html", context)


@require_safe
@login_required
def account_search(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.GET or None)
    result = page = None
    loans: list = []
    if form.is_valid() and form.cleaned_data["q"]:
        result = queries.search_loans(form.cleaned_data["q"], form.cleaned_key())
        page = Paginator(result.loan_ids, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        loans = queries.loans_by_id(page.object_list)
    context = {"form": form, "result": result, "page": page, "loans": loans, "nav": "account-search"}
    return render(request, "web/account_search.html", context)


@require_safe
@login_required
def account(request: HttpRequest, loan_external_id: str) -> HttpResponse:
    page = queries.account_page(loan_external_id)
    if page is None:
        raise Http404(_("No loan with this ID."))
    from django.utils.translation import get_language

    from arrears.strategy.explaining import explain_loan, planned_actions

    explanation = explain_loan(page.loan.pk)
    lines = None if explanation is None else explanation.text(get_language() or "zh-hans").splitlines()
    return render(
        request,
        "web/account.html",
        {
            "account": page,
            "history_limit": queries.HISTORY_LIMIT,
            "explanation": lines,
            "planned_actions": planned_actions(page.loan.pk),
        },
    )
