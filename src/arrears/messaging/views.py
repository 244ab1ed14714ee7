"""The written notice of one account, downloaded as PDF. Thin: parse, call, answer."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from arrears import clock
from arrears.access.roles import AGENCY_ROLES, Role, has_role
from arrears.access.scope import Action, can
from arrears.errors import ArrearsError, InputError
from arrears.ledger.models import Loan

LENDER_ROLES = tuple(role for role in Role if role not in AGENCY_ROLES)


def _plain(status: int, zh: str, en: str) -> HttpResponse:
    text = en if (get_language() or "").startswith("en") else zh
    return HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def written_notice(request, loan: str) -> HttpResponse:
    from arrears.notices import written_notice_pdf

    if not has_role(request.user, *LENDER_ROLES):
        return _plain(403, "只有出借机构人员可以下载催收通知书", "Only the lender's staff may download written notices")
    account = Loan.objects.filter(external_id=loan).first()
    if account is None or not can(request.user, Action.VIEW, account):
        # outside one's scope answers as a loan that does not exist
        return _plain(404, f"没有贷款 {loan}", f"No loan {loan}")
    try:
        as_of = _date(request.GET.get("as_of"))
        pdf = written_notice_pdf(account, as_of, profile=request.GET.get("profile") or None, language=request.GET.get("lang") or None)
    except ArrearsError as error:
        return _plain(404 if "No loan" in error.en else 400, error.zh, error.en)
    from arrears.audit.events import staff_read

    staff_read(request.user, "notice_pdf", subject=f"loan:{account.pk}", as_of=as_of.isoformat())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{loan}-{as_of.isoformat()}.pdf"'
    return response


def _date(text: str | None) -> dt.date:
    if not text:
        return clock.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{text!r}", f"A date must look like YYYY-MM-DD: {text!r}") from None
