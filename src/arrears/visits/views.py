"""The visit pages: each view parses its form, calls one service, and shows the result.

Refusals (the state, the role, the guard with its rule ids) come back as a message in the
reader's language; nothing reaches a person as a traceback.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from arrears import clock
from arrears.errors import ArrearsError
from arrears.visits import services
from arrears.visits.access import can_approve, client_address, is_collector_of, staff_of, visible_visits
from arrears.visits.disclosure import disclose
from arrears.visits.forms import AttachmentForm, CheckOutForm, IncidentForm, NoteForm, ScheduleForm, VerifyForm
from arrears.visits.models import State, Visit
from arrears.visits.times import local_of
from arrears.visits.workflow import Step, allowed_steps


def _in_language(error: ArrearsError) -> str:
    return error.en if (get_language() or "").startswith("en") else error.zh


def _visible(request: HttpRequest, pk: int) -> Visit:
    visit = visible_visits(request.user).filter(pk=pk).select_related("loan__borrower", "agency", "address").first()
    if visit is None:
        raise Http404(_("No such visit, or it is not yours to see."))
    return visit


def _local(instant, zone_name: str) -> str:
    moment = local_of(instant, zone_name)
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


@require_safe
@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    visits = visible_visits(request.user).select_related("loan__borrower", "agency", "address").order_by("-screened_on", "-id")
    if state in State.values:
        visits = visits.filter(state=state)
    visits = list(visits[:200])
    shown = disclose(request.user, visits, action="list")
    if staff_of(request.user) is None:  # an agency's reads are kept by disclose, as data accesses
        from arrears.audit.events import staff_list_read

        staff_list_read(request.user, "visits", [visit.loan_id for visit in visits])
    rows = [
        {"visit": v, "fields": shown[v.pk], "starts": _local(v.starts_at, v.loan.borrower.time_zone)}
        for v in visits
    ]
    return render(
        request, "visits/list.html",
        {"rows": rows, "states": State.choices, "state": state, "nav": "visits", "approver": can_approve(request.user)},
    )


@require_safe
@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visible(request, pk)
    if staff_of(request.user) is not None:
        # an agency's people read borrower data (name, address, amounts): every read is kept
        services.record(visit, "read", request.user)
    fields = disclose(request.user, [visit], action="view")[visit.pk]
    zone_name = visit.loan.borrower.time_zone
    steps = allowed_steps(visit.state)
    approver = can_approve(request.user)
    collector = is_collector_of(request.user, visit)
    context = {
        "visit": visit,
        "fields": fields,
        "nav": "visits",
        "zone": zone_name,
        "starts": _local(visit.starts_at, zone_name),
        "ends": _local(visit.ends_at, zone_name),
        "checked_in": _local(visit.checked_in_at, zone_name),
        "checked_out": _local(visit.checked_out_at, zone_name),
        "collectors": visit.collectors.order_by("id"),
        "notice": visit.notice,
        "notice_given": services.notice_given(visit, visit.checked_in_at or clock.now()),
        "attachments": visit.attachments.order_by("uploaded_at"),
        "incidents": visit.incidents.all(),
        "events": [
            {"event": e, "at": _local(e.at, zone_name)} for e in visit.events.select_related("actor").order_by("id")
        ],
        "can_approve": approver and Step.APPROVE in steps,
        "can_schedule": approver and Step.SCHEDULE in steps,
        "can_cancel": approver and Step.CANCEL in steps,
        "can_issue_code": collector and Step.ISSUE_CODE in steps,
        "can_check_in": collector and Step.CHECK_IN in steps,
        "can_check_out": collector and Step.CHECK_OUT in steps,
        "can_attach": collector and Step.ATTACH in steps,
        "can_report": collector and Step.REPORT_INCIDENT in steps,
        "note_form": NoteForm(),
        "schedule_form": ScheduleForm() if approver and Step.SCHEDULE in steps else None,
        "check_out_form": CheckOutForm(),
        "attachment_form": AttachmentForm(),
        "incident_form": IncidentForm(),
        "code": request.session.pop(f"visit-code-{visit.pk}", None),
    }
    return render(request, "visits/detail.html", context)


def _step(request: HttpRequest, pk: int, action) -> HttpResponse:
    _visible(request, pk)
    try:
        action()
    except ArrearsError as error:
        messages.error(request, _in_language(error))
    else:
        messages.success(request, _("Done."))
    return redirect("visits:detail", pk=pk)


def _form_errors(request: HttpRequest, pk: int, form) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect("visits:detail", pk=pk)


@require_POST
@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    decision = request.POST.get("decision")
    service = services.approve if decision == "approve" else services.reject if decision == "reject" else services.cancel
    return _step(request, pk, lambda: service(pk, actor=request.user, note=form.cleaned_data["note"]))


@require_POST
@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    data = form.cleaned_data
    booking = services.Booking(
        day=data["day"], starts=data["starts"], ends=data["ends"], staff_ids=form.ids("staff"), user_ids=form.ids("user"),
        purpose=data["purpose"], notice_channel=data["notice_channel"],
    )
    return _step(request, pk, lambda: services.schedule(pk, actor=request.user, booking=booking))


@require_POST
@login_required
def issue_code(request: HttpRequest, pk: int) -> HttpResponse:
    def issue():
        from arrears.visits.codes import shown

        # shown once, on the next page only: the database keeps a digest
        request.session[f"visit-code-{pk}"] = shown(services.issue_code(pk, actor=request.user))

    return _step(request, pk, issue)


@require_POST
@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda: services.check_in(pk, actor=request.user))


@require_POST
@login_required
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    form = CheckOutForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    report = form.report()
    return _step(request, pk, lambda: services.check_out(pk, actor=request.user, report=report))


@require_POST
@login_required
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    upload = form.cleaned_data["file"]
    return _step(request, pk, lambda: services.attach(pk, actor=request.user, upload=upload, description=form.cleaned_data["description"]))


@require_safe
@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    visit = _visible(request, pk)
    row = visit.attachments.filter(pk=attachment_id).first()
    if row is None:
        raise Http404(_("No such attachment."))
    services.record(visit, "attachment_read", request.user, attachment=row.pk)
    disclose(request.user, [visit], action="view", fields=("attachment",))
    response = FileResponse(row.file.open("rb"), content_type=row.content_type, as_attachment=True, filename=row.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def report_incident(request: HttpRequest, pk: int) -> HttpResponse:
    form = IncidentForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, pk, form)
    data = form.cleaned_data
    return _step(
        request, pk,
        lambda: services.report_incident(pk, actor=request.user, kind=data["kind"], description=data["description"],
                                         injured=data["injured"], police_called=data["police_called"]),
    )


# --- the borrower's page: public, no login --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    context = {"form": form, "verified": None, "refusal": None}
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            context["verified"] = services.verify(form.cleaned_data["code"], client=services.client_digest(client_address(request)))
        except services.VerificationRefused as refused:
            context["refusal"] = _in_language(refused)
            if refused.reason == "rate_limited":
                status, retry_after = 429, refused.retry_after or int(services.RATE_WINDOW.total_seconds())
    response = render(request, "visits/verify.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: with no-referrer a browser posts the form with "Origin: null",
    # which the CSRF check rightly refuses
    response["Referrer-Policy"] = "same-origin"
    return response
