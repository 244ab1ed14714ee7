"""The book's figures and account search as JSON (mounted at /api/web/), as the pages show them.

    GET /api/web/portfolio                 accounts, balance and overdue principal by bucket and status
    GET /api/web/roll-rates?as_of=D        the roll-rate matrix over the 30 days ending on D (default: latest run)
    GET /api/web/accounts?q=…&by=…         the loans one may open that match, 25 a page

Like the pages: internal staff only (403 for agency users), and a collector's or team lead's figures
count only the cases they may see. Amounts are integers in fen. Bad input: 400 with field errors.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router

from arrears.access.scope import figures_scope
from arrears.web import queries
from arrears.web.forms import AccountSearchForm, RollRatesForm
from arrears.web.scoped import scope_description, search_within_scope
from arrears.api_answers import ERRORS, answers_errors, error, invalid

router = Router(tags=["book"])

PAGE_SIZE = 25


def _internal_staff(request) -> None:
    if not request.user.has_perm("cases.view_collectioncase"):
        raise PermissionDenied


def _share(share) -> dict:
    return {"accounts": share.accounts, "of": share.total, "per_mille": share.per_mille}


def _bucket_line(line) -> dict:
    return {
        "bucket": line.bucket,
        "accounts": line.accounts,
        "balance_fen": line.balance,
        "overdue_principal_fen": line.overdue_principal,
        "account_share": _share(line.account_share),
        "balance_share": _share(line.balance_share),
    }


@router.get("/portfolio", response={200: dict, **ERRORS}, summary="The book (or one's scope) by bucket and status")
@answers_errors
def portfolio(request, currency: str = ""):
    _internal_staff(request)
    within = figures_scope(request.user)
    summary = queries.portfolio_summary(within, currency.upper() or None)
    return 200, {
        "as_of": summary.as_of.isoformat() if summary.as_of else None,
        "scope": scope_description(request.user, within),
        "currency": summary.currency,
        "currencies": list(summary.currencies),
        "accounts": summary.accounts,
        "balance_fen": summary.balance,
        "overdue_principal_fen": summary.overdue_principal,
        "delinquent": _bucket_line(summary.delinquent),
        "buckets": [_bucket_line(line) for line in summary.buckets],
        "statuses": [{"status": s.status, "accounts": s.accounts, "share": _share(s.share)} for s in summary.statuses],
    }


@router.get("/roll-rates", response={200: dict, **ERRORS}, summary="Where each bucket's accounts are 30 days later")
@answers_errors
def roll_rates(request, as_of: str | None = None):
    _internal_staff(request)
    form = RollRatesForm({"as_of": as_of or ""})
    if not form.is_valid():
        return invalid(form)
    dates = queries.cycle_dates()
    end = form.cleaned_data.get("as_of") or (dates[0] if dates else None)
    if end is None:
        return error(404, "尚未运行批处理，暂无迁徙率", "No cycle has run yet, so there are no roll rates")
    within = figures_scope(request.user)
    rates = queries.roll_rates(end, within=within)
    matrix = rates.matrix
    rows = [] if matrix is None else [
        {
            "bucket": row.bucket,
            "accounts": row.accounts,
            "to": {bucket: _share(cell) for bucket, cell in zip(matrix.buckets, row.cells, strict=True)},
            "forward": _share(row.forward),
            "stay": _share(row.stay),
            "improved": _share(row.improved),
            "cure": None if row.cure is None else _share(row.cure),
        }
        for row in matrix.rows
    ]
    return 200, {"start": rates.start.isoformat(), "end": rates.end.isoformat(), "days": rates.days,
                 "scope": scope_description(request.user, within), "enough_history": matrix is not None, "rows": rows}


@router.get("/accounts", response={200: dict, **ERRORS}, summary="Search the loans one may open")
@answers_errors
def search(request, q: str, by: str = "auto", page: int = 1):
    _internal_staff(request)
    form = AccountSearchForm({"q": q, "by": by})
    if not form.is_valid():
        return invalid(form)
    if not form.cleaned_data["q"]:
        return error(400, "请输入要查找的内容", "Enter something to search for", errors={"q": [
            {"zh": "请输入要查找的内容", "en": "Enter something to search for"}]})
    if page < 1:
        return error(400, "页码须从 1 开始", "page starts at 1")
    result = search_within_scope(request.user, form.cleaned_data["q"], form.cleaned_key())
    chosen = result.loan_ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    from arrears.audit.events import staff_list_read

    staff_list_read(request.user, "search", chosen, via="api")
    return 200, {
        "key": result.key,
        "total": len(result.loan_ids),
        "truncated": result.truncated,
        "page": page,
        "loans": [
            {
                "id": loan.pk,
                "external_id": loan.external_id,
                "borrower": loan.borrower.name,
                "national_id_masked": loan.borrower.national_id_masked,
                "product": loan.product.code,
                "bucket": getattr(getattr(loan, "state", None), "bucket", None),
                "days_past_due": getattr(getattr(loan, "state", None), "days_past_due", None),
            }
            for loan in queries.loans_by_id(chosen)
        ],
    }
