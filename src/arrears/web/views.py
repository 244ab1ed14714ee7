"""The pages: each view parses its input, asks `queries`, and renders."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from arrears.access.scope import Action, figures_scope, may_reveal_contacts, require, sees_unmasked_contacts
from arrears.errors import ArrearsError
from arrears.web import queries
from arrears.web.forms import AccountSearchForm, RollRatesForm
from arrears.web.periods import fold_periods
from arrears.web.scoped import scope_description, search_within_scope

SEARCH_PAGE_SIZE = 25


def internal_staff_required(view):
    """Pages of the in-house back office: signed in, with a role that may see cases (not agency users)."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("cases.view_collectioncase"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


@require_safe
@internal_staff_required
def portfolio(request: HttpRequest) -> HttpResponse:
    within = figures_scope(request.user)
    currency = (request.GET.get("currency") or "").upper() or None  # an unknown one shows the lender's
    context = {"summary": queries.portfolio_summary(within, currency), "nav": "portfolio",
               **scope_description(request.user, within)}
    return render(request, "web/portfolio.html", context)


@require_safe
@internal_staff_required
def roll_rates(request: HttpRequest) -> HttpResponse:
    form = RollRatesForm(request.GET or None)
    chosen = form.cleaned_data.get("as_of") if form.is_valid() else None
    dates = queries.cycle_dates()
    end = chosen or (dates[0] if dates else None)
    within = figures_scope(request.user)
    context = {
        "form": form,
        "dates": dates,
        "rates": queries.roll_rates(end, within=within) if end else None,
        "window_days": queries.ROLL_WINDOW_DAYS,
        "nav": "roll-rates",
        **scope_description(request.user, within),
    }
    return render(request, "web/roll_rates.html", context)


@require_safe
@internal_staff_required
def account_search(request: HttpRequest) -> HttpResponse:
    form = AccountSearchForm(request.GET or None)
    result = page = None
    loans: list = []
    if form.is_valid() and form.cleaned_data["q"]:
        result = search_within_scope(request.user, form.cleaned_data["q"], form.cleaned_key())
        page = Paginator(result.loan_ids, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        loans = queries.loans_by_id(page.object_list)
        from arrears.audit.events import staff_list_read

        staff_list_read(request.user, "search", [loan.pk for loan in loans])
    context = {"form": form, "result": result, "page": page, "loans": loans, "nav": "account-search"}
    return render(request, "web/account_search.html", context)


@require_safe
@login_required
def account(request: HttpRequest, loan_external_id: str) -> HttpResponse:
    response = render_account(request, loan_external_id)
    if response.status_code == 200:
        from arrears.audit.events import staff_read
        from arrears.ledger.models import Loan

        loan_id = Loan.objects.filter(external_id=loan_external_id).values_list("pk", flat=True).first()
        staff_read(request.user, "account", subject=f"loan:{loan_id}", via="web",
                   unmasked=sees_unmasked_contacts(request.user))
    return response


def render_account(
    request: HttpRequest,
    loan_external_id: str,
    *,
    contact_form=None,
    note_form=None,
    hold_form=None,
    release_form=None,
    problem: ArrearsError | None = None,
    status: int = 200,
    revealed: dict[int, str] | None = None,
) -> HttpResponse:
    """The account page; the workbench's POST views render it again with their form's errors."""
    from django.utils.translation import get_language

    from arrears.cases.forms import PlaceHoldForm
    from arrears.strategy.explaining import explain_loan, planned_actions
    from arrears.workbench.account import work_section
    from arrears.workbench.forms import ContactForm, MayICallForm, NoteForm

    page = queries.account_page(loan_external_id, unmasked=sees_unmasked_contacts(request.user))
    if page is None:
        raise Http404(_("No loan with this ID."))
    require(request.user, Action.VIEW, page.loan)
    language = get_language() or "zh-hans"
    explanation = explain_loan(page.loan.pk)
    lines = None if explanation is None else explanation.text(language).splitlines()
    work = work_section(request.user, page.loan)
    may_i_call = None
    check_form = MayICallForm(request.GET if "check-contact_point" in request.GET else None, prefix="check")
    if check_form.is_bound and check_form.is_valid() and work.may_work:
        may_i_call = _may_i_call(page, check_form.cleaned_data, collector_id=request.user.pk)
    case = work.case
    if contact_form is None and case is not None:
        contact_form = ContactForm(initial={"version": case.version, "party": "debtor"})
    if hold_form is None and work.hold_kinds:
        hold_form = PlaceHoldForm(offered=work.hold_kinds)
    return render(
        request,
        "web/account.html",
        {
            "account": page,
            "revealed": revealed or {},
            "may_reveal": may_reveal_contacts(request.user) and not sees_unmasked_contacts(request.user),
            "history_limit": queries.HISTORY_LIMIT,
            "daily_history": request.GET.get("history") == "daily",
            "history_periods": fold_periods(page.history),
            "explanation": lines,
            "planned_actions": planned_actions(page.loan.pk),
            "work": work,
            "contact_form": contact_form,
            "note_form": note_form or NoteForm(),
            "hold_form": hold_form,
            "release_form": release_form,
            "check_form": check_form,
            "may_i_call": may_i_call,
            "problem": problem,
            "english": language == "en",
            "plans_template": _optional_template("plans/account_section.html"),
            **_plans_section(request, page.loan),
        },
        status=status,
    )


def _plans_section(request: HttpRequest, loan) -> dict:
    """The loan's repayment plans and the proposal form, when the plans app is installed."""
    from django.apps import apps

    if not apps.is_installed("arrears.plans"):
        return {}
    from arrears.plans.views import section_context

    return section_context(request, loan)


def _optional_template(name: str) -> str | None:
    """A section another app may provide: included when its template exists, else nothing."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _may_i_call(page, choice: dict, *, collector_id: int | None = None):
    """The guard's answer now for one of the borrower's contact points, or None if it is not theirs."""
    from arrears.guard import check_now

    point = next((line.contact for line in page.contacts if line.contact.pk == choice["contact_point"]), None)
    if point is None:
        return None
    from arrears import clock

    decision = check_now(loan_id=page.loan.pk, channel=choice["channel"], contact_point_id=point.pk, at=clock.now(),
                         collector_id=collector_id)
    return {"point": point, "channel": choice["channel"], "decision": decision}


@require_safe
@internal_staff_required
def tour(request: HttpRequest) -> HttpResponse:
    from arrears.web.tour import tour as tour_stops

    return render(request, "web/tour.html", {"stops": tour_stops(request.user)})


@require_safe
@internal_staff_required
def tour_stop(request: HttpRequest, slug: str) -> HttpResponse:
    """Open an account (or visit) in the stop's state, within what the reader may see."""
    from django.shortcuts import redirect

    from arrears.web.tour import BY_SLUG, example

    if slug not in BY_SLUG:
        raise Http404
    url = example(request.user, slug)
    if url is None:
        return render(request, "web/tour.html", {"stops": [], "missing": BY_SLUG[slug]}, status=404)
    return redirect(url)
