"""The account page's hold forms: place a hold on a loan, release one (thin: parse, check, call, redirect).

An account outside the reader's scope answers 404, like an unknown one; a role that may not place
or release that kind of hold answers 403; bad input renders the account page again with the
form's errors (400); releasing a hold that has already ended, with the reason why (409).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrears.access.scope import loans_visible_to
from arrears.cases.forms import PlaceHoldForm, ReleaseHoldForm, in_language
from arrears.cases.hold_lines import placeable_kinds
from arrears.cases.holds import HoldRefused, kind_words, may_release, place_hold, release_hold, require_may
from arrears.cases.models import AccountHold
from arrears.errors import InputError
from arrears.web.views import render_account


def _holds_url(loan) -> str:
    return reverse("account", args=[loan.external_id]) + "#holds"


def visible_loan(user, loan_id: int):
    """The loan, if `user` may see it; else 404, so an account outside one's scope looks unknown."""
    loan = loans_visible_to(user).filter(pk=loan_id).first()
    if loan is None:
        raise Http404(_("No such account."))
    return loan


def visible_hold(user, hold_id: int) -> AccountHold:
    hold = AccountHold.objects.filter(pk=hold_id).first()
    if hold is None or not loans_visible_to(user).filter(pk=hold.loan_id).exists():
        raise Http404(_("No such hold."))
    return hold


@require_POST
@login_required
def place(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = visible_loan(request.user, loan_id)
    offered = placeable_kinds(request.user)
    if not offered:
        raise PermissionDenied
    form = PlaceHoldForm(request.POST, offered=offered)
    if not form.is_valid():
        return render_account(request, loan.external_id, hold_form=form, status=400)
    kind = form.cleaned_data["kind"]
    try:
        require_may(request.user, "place", kind)
    except HoldRefused:
        raise PermissionDenied from None
    try:
        hold = place_hold(
            loan_id=loan.pk, kind=kind, reason=form.cleaned_data["reason"], until=form.until_instant(), source="web",
            by=request.user,
        )
    except InputError as problem:
        return render_account(request, loan.external_id, hold_form=form, problem=problem, status=400)
    messages.success(request, _("The hold is placed: %(kind)s.") % {"kind": in_language(kind_words(hold.kind))})
    return redirect(_holds_url(loan))


@require_POST
@login_required
def release(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = visible_hold(request.user, hold_id)
    if not may_release(request.user, hold.kind):
        raise PermissionDenied
    form = ReleaseHoldForm(request.POST, hold_id=hold.pk)
    if not form.is_valid():
        return render_account(request, hold.loan.external_id, release_form=form, status=400)
    try:
        release_hold(hold.pk, reason=form.cleaned_data["reason"], by=request.user)
    except InputError as problem:  # the reason was checked above: what is left is a hold already ended
        return render_account(request, hold.loan.external_id, problem=problem, status=409)
    messages.success(request, _("The hold is released: %(kind)s.") % {"kind": in_language(kind_words(hold.kind))})
    return redirect(_holds_url(hold.loan))
