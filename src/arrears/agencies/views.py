"""The agency pages: the public whitelist, the agency portal, and the lender's agency views.

Views parse input, call the use-cases in portal.py / placing.py, and render. A case outside the
agency's scope (another agency's, recalled, expired) is answered exactly like an unknown one: 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from arrears import clock
from arrears.access.roles import Role, has_role
from arrears.access.scope import Action, can, loans_visible_to, sees_whole_book
from arrears.agencies import portal
from arrears.agencies.exports import export_cases
from arrears.agencies.forms import ContactForm, ProposalForm, RecallForm, UploadForm
from arrears.agencies.models import Agency, AgencyStatus, Placement, PlanProposal, ResultUpload
from arrears.agencies.results import upload_results
from arrears.errors import InputError

LENDER_ROLES = (Role.ADMIN, Role.STRATEGY_MANAGER, Role.TEAM_LEAD, Role.COMPLIANCE_OFFICER)


def _message(error) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


@require_safe
def whitelist(request: HttpRequest) -> HttpResponse:
    """Public, no login: the agencies the lender uses, as the CBA guideline asks lenders to publish."""
    agencies = Agency.objects.filter(status=AgencyStatus.WHITELISTED).order_by("name")
    return render(request, "agencies/whitelist.html", {"agencies": agencies, "today": clock.today()})


def _staff_or_403(request):
    staff = portal.staff_of(request.user)
    if staff is None:
        raise PermissionDenied(_("Only authorised agency staff may use the agency portal."))
    return staff


def _lender_or_403(request):
    if not (request.user.is_superuser or has_role(request.user, *LENDER_ROLES)):
        raise PermissionDenied(_("Only the lender's staff may see this page."))


def _in_scope(request, placements):
    """The placements whose case the lender's user may see (docs/access.md): a team lead, their teams'."""
    return placements.filter(loan__in=loans_visible_to(request.user))


def _placement_in_scope(request, queryset, pk: int, action: Action):
    """One row (a placement, or an agency's proposal) whose case the user sees (else 404) and may act on (else 403)."""
    row = get_object_or_404(queryset, pk=pk)
    placement = getattr(row, "placement", row)
    if not loans_visible_to(request.user).filter(pk=placement.loan_id).exists():
        raise Http404
    if not can(request.user, action, placement.loan):
        raise PermissionDenied
    return row


@require_safe
@login_required
def portal_cases(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_403(request)
    rows = portal.case_rows(staff, portal.active_placements(staff).order_by("expires_on", "pk"))
    return render(request, "agencies/portal_cases.html", {"staff": staff, "rows": rows, "nav": "agency-portal"})


def _placement_or_404(request, staff, placement_id):
    placement = portal.placement_for(staff, placement_id)
    if placement is None:
        raise Http404(_("No such case among your agency's active cases."))
    return placement


def _case_page(request, staff, placement, *, contact_form=None, proposal_form=None, revealed=None, status=200):
    context = {
        "staff": staff,
        "placement": placement,
        "case": portal.case_detail(staff, placement),
        "contact_form": contact_form or ContactForm(channels=placement.contract.channels),
        "proposal_form": proposal_form or ProposalForm(),
        "can_reveal": "mobile" in placement.contract.shared_fields and "call" in placement.contract.channels,
        "revealed": revealed,
        "contacts": placement.contacts.select_related("attempt").order_by("-attempt__attempted_at")[:50],
        "proposals": placement.proposals.order_by("-proposed_at"),
        "nav": "agency-portal",
    }
    return render(request, "agencies/portal_case.html", context, status=status)


@require_safe
@login_required
def portal_case(request: HttpRequest, placement_id: int) -> HttpResponse:
    staff = _staff_or_403(request)
    return _case_page(request, staff, _placement_or_404(request, staff, placement_id))


@require_POST
@login_required
def portal_reveal(request: HttpRequest, placement_id: int) -> HttpResponse:
    staff = _staff_or_403(request)
    placement = _placement_or_404(request, staff, placement_id)
    try:
        number = portal.reveal_mobile(staff, placement)
    except InputError as error:
        messages.error(request, _message(error))
        return redirect("agencies:portal-case", placement_id=placement.pk)
    return _case_page(request, staff, placement, revealed=number)


@require_POST
@login_required
def portal_contact(request: HttpRequest, placement_id: int) -> HttpResponse:
    staff = _staff_or_403(request)
    placement = _placement_or_404(request, staff, placement_id)
    form = ContactForm(request.POST, channels=placement.contract.channels)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attempt = portal.record_contact(
                staff, placement, channel=data["channel"], outcome=data["outcome"], attempted_at=data["attempted_at"],
                note=data["note"], promise_amount=data["promise_amount"], promise_due=data["promise_due"],
            )
        except InputError as error:
            form.add_error(None, _message(error))
        else:
            if attempt.blocked_by:
                messages.warning(request, _("Recorded. The compliance guard would have blocked this contact: %(rules)s") % {"rules": attempt.blocked_by})
            else:
                messages.success(request, _("Contact recorded."))
            return redirect("agencies:portal-case", placement_id=placement.pk)
    return _case_page(request, staff, placement, contact_form=form, status=400)


@require_POST
@login_required
def portal_proposal(request: HttpRequest, placement_id: int) -> HttpResponse:
    staff = _staff_or_403(request)
    placement = _placement_or_404(request, staff, placement_id)
    form = ProposalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            portal.propose_plan(staff, placement, instalments=data["instalments"], instalment_amount=data["instalment_amount"],
                                first_due_on=data["first_due_on"], note=data["note"])
        except InputError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Plan proposed; the lender will approve or reject it."))
            return redirect("agencies:portal-case", placement_id=placement.pk)
    return _case_page(request, staff, placement, proposal_form=form, status=400)


@login_required
def portal_upload(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_403(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    upload = None
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["file"]
        try:
            upload = upload_results(staff, file_name=handle.name, content=handle.read())
        except InputError as error:
            form.add_error("file", _message(error))
    uploads = ResultUpload.objects.filter(agency_id=staff.agency_id)[:20]
    status = 400 if request.method == "POST" and upload is None else 200
    return render(request, "agencies/portal_upload.html",
                  {"staff": staff, "form": form, "upload": upload, "uploads": uploads, "nav": "agency-portal"}, status=status)


@require_safe
@login_required
def portal_rejects(request: HttpRequest, upload_id: int) -> HttpResponse:
    staff = _staff_or_403(request)
    upload = get_object_or_404(ResultUpload, pk=upload_id, agency_id=staff.agency_id)
    response = HttpResponse("\ufeff" + upload.rejects_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{upload.pk}.csv"'
    return response


@require_safe
@login_required
def portal_export(request: HttpRequest) -> HttpResponse:
    staff = _staff_or_403(request)
    response = HttpResponse("\ufeff" + export_cases(staff), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{clock.today():%Y%m%d}.csv"'
    return response


# --- the lender's side -----------------------------------------------------------------------


@require_safe
@login_required
def league(request: HttpRequest) -> HttpResponse:
    """Each agency's scorecard, criterion by criterion, with the weights in force."""
    from arrears.agencies.scorecard import CRITERIA
    from arrears.agencies.scoring import scorecards, weights

    from arrears.errors import ConfigurationError

    _lender_or_403(request)
    names = {a.pk: a for a in Agency.objects.all()}
    try:
        cards = sorted(scorecards(clock.today()), key=lambda card: -card.total)
        chosen = weights()
    except ConfigurationError as error:
        return render(request, "agencies/error.html", {"message": _message(error)}, status=503)
    open_counts = {}
    for agency_id in Placement.objects.filter(state="active").values_list("agency_id", flat=True):
        open_counts[agency_id] = open_counts.get(agency_id, 0) + 1
    from arrears.agencies.performance import arm_totals, league as performance

    today = clock.today()
    measured = {p.agency_id: p for p in performance(today, names)}
    rows = [{"agency": names[c.agency_id], "card": c, "scores": [c.scores[k] for k in CRITERIA],
             "active": open_counts.get(c.agency_id, 0), "performance": measured.get(c.agency_id)} for c in cards]
    ranked = [c.agency_id for c in cards]
    by_arm = performance(today, ranked, by_arm=True)
    arms = [{"agency": None, "performance": p} for p in arm_totals(by_arm)]
    arms += [{"agency": names[p.agency_id], "performance": p} for p in by_arm]
    return render(request, "agencies/league.html", {
        "rows": rows, "arms": arms, "criteria": CRITERIA, "weights": [chosen.get(k, 0) for k in CRITERIA], "nav": "agencies",
        "statements": sees_whole_book(request.user),
        "proposals": PlanProposal.objects.filter(state="pending", placement__loan__in=loans_visible_to(request.user))
        .select_related("placement__loan", "placement__agency"),
    })


@require_POST
@login_required
def recall_placement(request: HttpRequest, placement_id: int) -> HttpResponse:
    from arrears.agencies.placing import recall

    _lender_or_403(request)
    # taking a case back from an agency decides who works it: the case's assignment
    placement = _placement_in_scope(request, Placement.objects.select_related("loan"), placement_id, Action.ASSIGN)
    form = RecallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A recall needs a reason."))
    else:
        try:
            recall(placement, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The case was recalled; the agency has lost access."))
        except InputError as error:
            messages.error(request, _message(error))
    return redirect("agencies:placements")


@require_safe
@login_required
def placements(request: HttpRequest) -> HttpResponse:
    _lender_or_403(request)
    rows = _in_scope(request, Placement.objects.select_related("loan", "agency")).order_by("-placed_on", "-pk")
    state = request.GET.get("state", "")
    if state in ("awaiting_notice", "active", "recalled", "expired"):
        rows = rows.filter(state=state)
    return render(request, "agencies/placements.html", {"rows": rows[:200], "state": state, "nav": "agencies"})


@require_POST
@login_required
def decide_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _lender_or_403(request)
    # approving proposes a plan on the loan as this user: as the plans pages, that needs working the case
    proposal = _placement_in_scope(request, PlanProposal.objects.select_related("placement__loan"), proposal_id,
                                   Action.RECORD_CONTACT)
    try:
        portal.decide_proposal(proposal, approve=request.POST.get("decision") == "approve", by=request.user)
    except InputError as error:
        messages.error(request, _message(error))
    return redirect("agencies:league")


# --- commission statements -------------------------------------------------------------------


def _month(request) -> dt.date:
    text = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        today = clock.today()
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month by default


STATEMENT_FORMATS = ("csv", "pdf")


def _statement_response(request, statement, agency):
    """The statement as a CSV or a PDF download; without the PDF font, an error page (503)."""
    from arrears.agencies.statements import statement_csv, statement_pdf
    from arrears.errors import ConfigurationError

    name = f"commission-{agency.credit_code}-{statement.month:%Y-%m}"
    if request.GET.get("format") == "pdf":
        try:
            response = HttpResponse(statement_pdf(statement, agency), content_type="application/pdf")
        except ConfigurationError as error:
            return render(request, "agencies/error.html", {"message": _message(error)}, status=503)
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse("\ufeff" + statement_csv(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def portal_statement(request: HttpRequest) -> HttpResponse:
    """The agency's own monthly commission statement; a line may be disputed."""
    from arrears.agencies.models import StatementDispute
    from arrears.agencies.statements import build_statement, dispute_line

    staff = _staff_or_403(request)
    month = _month(request)
    if request.method == "POST":
        try:
            dispute_line(staff, month=month, placement_id=int(request.POST.get("placement") or 0),
                         reason=request.POST.get("reason", ""))
            messages.success(request, _("Your dispute was sent to the lender."))
        except (InputError, ValueError) as error:
            messages.error(request, _message(error) if isinstance(error, InputError) else _("Choose a line to dispute."))
        return redirect(f"{request.path}?month={month:%Y-%m}")
    statement = build_statement(staff.agency, month)
    if request.GET.get("format") in STATEMENT_FORMATS:
        return _statement_response(request, statement, staff.agency)
    disputes = StatementDispute.objects.filter(agency_id=staff.agency_id, month=month)
    return render(request, "agencies/statement.html", {"staff": staff, "statement": statement, "agency": staff.agency,
                                                        "disputes": disputes, "portal": True, "nav": "agency-portal"})


@require_safe
@login_required
def lender_statement(request: HttpRequest, agency_id: int) -> HttpResponse:
    from arrears.agencies.models import StatementDispute
    from arrears.agencies.statements import build_statement

    _lender_or_403(request)
    if not sees_whole_book(request.user):
        # a statement lists every placement of the agency, whichever team's case it is (docs/agencies.md)
        raise PermissionDenied(_("An agency's commission statement covers the whole book; it is for those who see "
                                 "every case."))
    agency = get_object_or_404(Agency, pk=agency_id)
    month = _month(request)
    statement = build_statement(agency, month)
    from arrears.audit.events import staff_read

    export = request.GET.get("format") in STATEMENT_FORMATS
    staff_read(request.user, "export" if export else "statement", subject=f"agency:{agency.pk}",
               month=month.isoformat(), format=request.GET.get("format") or "html")
    if export:
        return _statement_response(request, statement, agency)
    disputes = StatementDispute.objects.filter(agency=agency, month=month)
    return render(request, "agencies/statement.html", {"statement": statement, "agency": agency, "disputes": disputes,
                                                        "portal": False, "nav": "agencies"})
