"""The legal reviews page: the open reviews oldest first, with a decision form for those who may
decide, and the decided ones (thin: parse, check, call the service, redirect).

Reading needs `legal.view_legalreview`; deciding `legal.review_legal` (403 without it); a review
outside the reader's scope answers 404, like an unknown one; bad input renders the page again with
the form's errors (400), nothing stored; a review decided meanwhile, with the reason why (409).
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

from arrears.errors import ArrearsError, InputError
from arrears.legal.forms import DecisionForm
from arrears.legal.listing import decided_lines, may_read, open_lines, visible_reviews
from arrears.legal.reviews import ReviewRefused, decide, may_decide


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _render(request: HttpRequest, *, failed: DecisionForm | None = None, problem: ArrearsError | None = None,
            status: int = 200) -> HttpResponse:
    deciding = may_decide(request.user)
    rows = []
    for line in open_lines(request.user):
        form = None
        if deciding:
            form = failed if failed is not None and failed.review_id == line.review.pk else DecisionForm(review_id=line.review.pk)
        rows.append({"line": line, "form": form})
    context = {
        "open_rows": rows,
        "decided": decided_lines(request.user),
        "deciding": deciding,
        "english": _english(),
        "problem": None if problem is None else (problem.en if _english() else problem.zh),
        "nav": "legal",
    }
    return render(request, "legal/reviews.html", context, status=status)


@require_safe
@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    if not may_read(request.user):
        raise PermissionDenied
    return _render(request)


@require_POST
@login_required
def decide_review(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_decide(request.user):
        raise PermissionDenied
    review = visible_reviews(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404(_("No such legal review."))
    form = DecisionForm(request.POST, review_id=review.pk)
    if not form.is_valid():
        return _render(request, failed=form, status=400)
    try:
        decided = decide(review.pk, user=request.user, refer=form.refers(), note=form.cleaned_data["note"])
    except ReviewRefused:
        raise PermissionDenied from None
    except InputError as problem:  # the reason was checked above: what is left is a review decided meanwhile
        return _render(request, problem=problem, status=409)
    account = decided.loan.external_id
    if form.refers():
        messages.success(request, _("Referred for legal action: %(account)s.") % {"account": account})
    else:
        messages.success(request, _("Declined, back to collection: %(account)s.") % {"account": account})
    return redirect(reverse("legal:reviews") + f"#decided-{decided.pk}")
