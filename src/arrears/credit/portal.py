"""The borrower portal's credit-report objection (/my/loans/<ref>/credit-objection/): a signed-in borrower
sees what was last reported for the loan and raises an objection to it, through the same service staff use
(arrears.credit.objections.file_objection, source "portal"); it is answered in writing within 20 days."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrears.borrower import session
from arrears.errors import InputError


def _own_loan(request, reference: str):
    from arrears.ledger.models import Loan

    loan = Loan.objects.filter(borrower_id=request.borrower_id, external_id=reference).first()
    if loan is None:
        raise Http404(_("No such loan."))
    return loan


@require_http_methods(["GET", "POST"])
@session.borrower_required
def credit_objection(request: HttpRequest, reference: str) -> HttpResponse:
    from arrears.credit.models import CreditObjection
    from arrears.credit.objections import file_objection
    from arrears.credit.reporting import last_sent

    loan = _own_loan(request, reference)
    record = last_sent([loan.pk]).get(loan.pk)
    problem, status = None, 200
    if request.method == "POST":
        if record is None:
            problem, status = _("Nothing was reported to the credit reference centre for this loan."), 400
        else:
            try:
                made = file_objection(loan_id=loan.pk, claim=request.POST.get("claim", ""), source="portal")
            except InputError as error:
                problem, status = (error.en if (get_language() or "").startswith("en") else error.zh), 400
            else:
                messages.success(request, _("Objection #%(n)s received. We will answer in writing by %(day)s.")
                                 % {"n": made.pk, "day": made.answer_by.isoformat()})
                return redirect("my:loan", reference=reference)
    context = {
        "loan": loan, "record": None if record is None else record.get("月度表现段", {}),
        "objections": CreditObjection.objects.filter(loan=loan).order_by("-received_on", "-pk"),
        "problem": problem,
    }
    response = render(request, "credit/portal_objection.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
