"""The borrower portal's pages: each parses its form, calls one service, and shows the result.
Refusals come back as a message in the reader's language, never a traceback."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from arrears import clock
from arrears.borrower import session, signin
from arrears.borrower.account import loan_view
from arrears.borrower.forms import CodeForm, ComplaintForm, DisputeForm, SignInForm
from arrears.borrower.paper import request_paper_copy
from arrears.disputes.evidence import MAX_BYTES
from arrears.errors import ArrearsError, InputError
from arrears.visits.access import client_address

PENDING = "borrower_pending"


def _words(error: ArrearsError) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _loan(request, reference: str):
    from arrears.ledger.models import Loan

    loan = Loan.objects.select_related("borrower", "product").filter(borrower_id=request.borrower_id, external_id=reference).first()
    if loan is None:
        raise Http404(_("No such loan."))
    return loan


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and session.borrower_id(request) is not None:
        return redirect("my:home")
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pending = signin.start(reference=form.cleaned_data["reference"], id_last4=form.cleaned_data["id_last4"],
                                       address=client_address(request))
            except signin.SignInRefused as refused:
                form.add_error(None, _words(refused))
                status = 429
            else:
                request.session[PENDING] = pending
                return redirect("my:code")
        else:
            status = 400
    return _private(render(request, "borrower/sign_in.html", {"form": form}, status=status))


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("my:sign-in")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                borrower_id = signin.finish(pending, code=form.cleaned_data["code"], address=client_address(request))
            except signin.SignInRefused as refused:
                form.add_error(None, _words(refused))
                status = 429 if refused.reason == "rate_limited" else 400
            else:
                request.session.pop(PENDING, None)
                session.sign_in(request, borrower_id)
                signin.blank_spent_codes(clock.now())
                return redirect("my:home")
        else:
            status = 400
    return _private(render(request, "borrower/code.html", {"form": form}, status=status))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    return redirect("my:sign-in")


@require_safe
@session.borrower_required
def home(request: HttpRequest) -> HttpResponse:
    from arrears.ledger.models import Loan

    loans = list(Loan.objects.filter(borrower_id=request.borrower_id).order_by("external_id"))
    if len(loans) == 1:
        return redirect("my:loan", reference=loans[0].external_id)
    return _private(render(request, "borrower/home.html", {"loans": loans}))


@require_safe
@session.borrower_required
def loan(request: HttpRequest, reference: str) -> HttpResponse:
    view = loan_view(_loan(request, reference))
    return _private(render(request, "borrower/loan.html", {"view": view, "loan": view.loan}))


@require_safe
@session.borrower_required
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    from arrears.notices import written_notice_pdf

    the_loan = _loan(request, reference)
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    try:
        pdf = written_notice_pdf(the_loan, clock.today(), language=language)
    except ArrearsError as error:
        messages.error(request, _words(error))
        return redirect("my:loan", reference=reference)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{the_loan.external_id}.pdf"'
    return _private(response)


@require_POST
@session.borrower_required
def paper_copy(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        copy = request_paper_copy(_loan(request, reference))
    except ArrearsError as error:
        messages.error(request, _words(error))
    else:
        messages.success(request, _("We will post a paper copy by %(day)s.") % {"day": copy.due_on.isoformat()})
    return redirect("my:loan", reference=reference)


@require_http_methods(["GET", "POST"])
@session.borrower_required
def dispute(request: HttpRequest, reference: str) -> HttpResponse:
    from arrears.disputes.services import raise_dispute

    the_loan = _loan(request, reference)
    form = DisputeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            files = [(f.name, f.read(MAX_BYTES + 1)) for f in request.FILES.getlist("evidence")[:10]]
            try:
                made = raise_dispute(the_loan, reason=form.cleaned_data["reason"], details=form.cleaned_data["details"],
                                     source="portal", files=files)
            except ArrearsError as error:
                form.add_error(None, _words(error))
                status = 400
            else:
                messages.success(request, _("Dispute #%(n)s received. We have stopped collecting this debt until we answer, by %(day)s.")
                                 % {"n": made.pk, "day": made.due_on.isoformat()})
                return redirect("my:loan", reference=reference)
        else:
            status = 400
    return _private(render(request, "borrower/dispute.html", {"form": form, "loan": the_loan}, status=status))


@require_http_methods(["GET", "POST"])
@session.borrower_required
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    from arrears.disputes.services import raise_complaint

    the_loan = _loan(request, reference)
    form = ComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                about = form.cleaned_data["about"]
                made = raise_complaint(loan=the_loan, category=form.cleaned_data["category"],
                                       details=form.cleaned_data["details"], source="portal",
                                       agency=_agency_complained_of(the_loan) if about == "agency" else None,
                                       channel="" if about in ("", "agency") else about)
            except ArrearsError as error:
                form.add_error(None, _words(error))
                status = 400
            else:
                messages.success(request, _("Complaint #%(n)s received. We will answer by %(day)s.")
                                 % {"n": made.pk, "day": made.due_on.isoformat()})
                return redirect("my:loan", reference=reference)
        else:
            status = 400
    return _private(render(request, "borrower/complaint.html", {"form": form, "loan": the_loan}, status=status))


def _agency_complained_of(loan):
    from arrears.borrower.account import collector_now

    agency = collector_now(loan)
    if agency is None:
        raise InputError("目前没有委外机构在催收此贷款", "No agency is collecting this loan now")
    return agency


@require_POST
def report_impostor(request: HttpRequest) -> HttpResponse:
    """A wrong collector code reported from the public check page: an impostor complaint with no loan,
    counted against the address like the page's own tries."""
    from arrears.borrower import limits
    from arrears.disputes.services import raise_complaint

    what = (request.POST.get("what") or "").strip()
    reach = (request.POST.get("reach") or "").strip()
    now = clock.now()
    key = limits.key_of("verify", client_address(request))
    if limits.too_many("verify", key, now):
        return _private(render(request, "borrower/reported.html", {"problem": _("Too many reports from here: please call us.")},
                               status=429))
    limits.count("verify", key, now)
    if not what or len(what) > 2000 or len(reach) > 200:
        return _private(render(request, "borrower/reported.html",
                               {"problem": _("Tell us what happened, in at most 2000 characters.")}, status=400))
    made = raise_complaint(category="impostor", details=what, source="verify_page", contact_details=reach)
    return _private(render(request, "borrower/reported.html", {"number": made.pk}))


@require_http_methods(["GET", "POST"])
@session.borrower_required
def plan(request: HttpRequest, reference: str) -> HttpResponse:
    """GET: the form, with the policy's limits. POST action=preview: the schedule the plan would make
    (the staff's preview); action=propose: the plan, approved at once within the policy, else waiting."""
    from arrears.borrower.forms import SelfServePlanForm
    from arrears.borrower.plans import propose_for_borrower, self_serve_policy
    from arrears.plans.services import preview_plan

    the_loan = _loan(request, reference)
    form = SelfServePlanForm(request.POST or None, initial={"start_date": clock.today()})
    context = {"form": form, "loan": the_loan, "policy": self_serve_policy(), "preview": None,
               "plans": the_loan.plans.order_by("-created_at")[:10]}
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            return _private(render(request, "borrower/plan.html", context, status=400))
        data = form.cleaned_data
        kind = "deferral" if data["kind"] == "hardship" else data["kind"]
        counts = {"instalments": data.get("instalments") or 0, "deferral_months": data.get("deferral_months") or 0}
        try:
            if request.POST.get("action") == "propose":
                made = propose_for_borrower(the_loan, data["kind"], data["start_date"], reason=data["reason"], **counts)
                if made.status == "active":
                    messages.success(request, _("Your plan is agreed and in force."))
                else:
                    messages.success(request, _("Your request is with our team; we will tell you the decision."))
                return redirect("my:loan", reference=reference)
            context["preview"] = preview_plan(the_loan, kind, data["start_date"], **counts)
        except ArrearsError as error:
            form.add_error(None, _words(error))
            status = 400
    return _private(render(request, "borrower/plan.html", context, status=status))


@require_http_methods(["GET", "POST"])
@session.borrower_required
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """GET: the amount form. POST: an order, and the signed redirect to the provider."""
    from arrears.borrower.paying import configured_provider, start_payment
    from arrears.money import MoneyError, to_fen

    the_loan = _loan(request, reference)
    provider = configured_provider()
    context = {"loan": the_loan, "available": provider is not None, "problem": ""}
    if request.method == "POST" and provider is not None:
        try:
            amount = to_fen((request.POST.get("amount") or "").strip()[:20])
            order = start_payment(the_loan, amount_fen=amount)
        except MoneyError:
            context["problem"] = _("Enter an amount with at most two decimals, such as 120.50.")
        except ArrearsError as error:
            context["problem"] = _words(error)
        else:
            back = request.build_absolute_uri(reverse("my:loan", args=[reference]))
            hook = request.build_absolute_uri(reverse("my:pay-callback"))
            return redirect(provider.checkout_url(order, return_url=back, callback_url=hook))
        return _private(render(request, "borrower/pay.html", context, status=400))
    return _private(render(request, "borrower/pay.html", context))


@csrf_exempt
@require_POST
def pay_callback(request: HttpRequest) -> HttpResponse:
    """The provider's signed webhook: 200 when applied or a replay, 400 with the reason otherwise."""
    import json

    from arrears.borrower.paying import CallbackRefused, configured_provider, confirm

    provider = configured_provider()
    if provider is None:
        return HttpResponse(status=404)
    try:
        result = confirm(provider, body=request.body[:10_000], signature=request.headers.get("X-Signature", ""))
    except CallbackRefused as refused:
        return HttpResponse(json.dumps({"error": refused.reason, "zh": refused.zh, "en": refused.en}, ensure_ascii=False),
                            status=400, content_type="application/json")
    return HttpResponse(json.dumps({"result": result}), content_type="application/json")


@require_http_methods(["GET", "POST"])
@session.borrower_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The hours and channels the borrower prefers; they only ever narrow what the guard allows."""
    import datetime as dt

    from arrears.borrower.forms import PreferencesForm
    from arrears.borrower.models import ContactPreference
    from arrears.borrower.preferences import set_preferences
    from arrears.ledger.models import Borrower

    borrower = Borrower.objects.get(pk=request.borrower_id)
    current = ContactPreference.objects.filter(borrower=borrower).first()
    initial = ({"earliest": current.earliest, "latest": current.latest, "preferred_channel": current.preferred_channel}
               if current else {"earliest": dt.time(9), "latest": dt.time(20)})
    form = PreferencesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_preferences(borrower, earliest=data["earliest"], latest=data["latest"],
                                preferred_channel=data["preferred_channel"], opt_out=data["opt_out"])
            except ArrearsError as error:
                form.add_error(None, _words(error))
                status = 400
            else:
                messages.success(request, _("Your preferences are saved. We will not contact you outside them."))
                return redirect("my:home")
        else:
            status = 400
    return _private(render(request, "borrower/preferences.html", {"form": form}, status=status))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: a collector's code from a call or a visit. Who, their staff number, their organisation
    and the time window; a wrong code says it is not ours and offers the impostor report."""
    from arrears.borrower import limits
    from arrears.borrower.collector_codes import check_code

    context = {"found": None, "wrong": False, "problem": "", "code": ""}
    status = 200
    if request.method == "POST":
        now = clock.now()
        key = limits.key_of("verify", client_address(request))
        if limits.too_many("verify", key, now):
            context["problem"] = _("Too many tries: please try again in 15 minutes.")
            status = 429
        else:
            limits.count("verify", key, now)
            context["code"] = (request.POST.get("code") or "")[:20]
            context["found"] = check_code(context["code"], now)
            context["wrong"] = context["found"] is None
    return _private(render(request, "borrower/verify.html", context, status=status))


@require_POST
def call_code(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Staff: the code to read out on the call about to be made on this loan."""
    from django.contrib.auth.views import redirect_to_login

    from arrears.access.scope import Action, require
    from arrears.borrower.collector_codes import CALL_WINDOW, issue_call_code
    from arrears.ledger.models import Loan

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    the_loan = Loan.objects.filter(pk=loan_id).first()
    if the_loan is None:
        raise Http404(_("No such loan."))
    require(request.user, Action.RECORD_CONTACT, the_loan)
    code_text = issue_call_code(request.user, the_loan)
    return render(request, "borrower/call_code.html", {"code": code_text, "loan": the_loan,
                                                       "minutes": int(CALL_WINDOW.total_seconds() // 60)})
