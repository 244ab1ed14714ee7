"""The workbench's pages: the queue, next account, and the account page's actions (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from arrears.access.scope import Action, can, refusal
from arrears.cases.editing import StaleEdit
from arrears.errors import ArrearsError
from arrears.ledger.models import ContactPoint, Loan
from arrears.web.views import render_account
from arrears.workbench import queue
from arrears.workbench.assigning import assign_case
from arrears.workbench.forms import AssignForm, ContactForm, NoteForm, PassOverForm, QueueFilterForm
from arrears.workbench import passing
from arrears.workbench.recording import record_contact, write_note

QUEUE_PAGE_SIZE = 50


def _worker_required(view):
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("cases.view_collectioncase"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return login_required(checked)


def _list_read(request: HttpRequest, what: str, loan_ids, via: str = "web") -> None:
    from arrears.audit.events import staff_list_read

    staff_list_read(request.user, what, loan_ids, via=via)


def said(error: ArrearsError) -> str:
    return error.en if translation.get_language() == "en" else error.zh


def _account_url(loan: Loan, anchor: str = "") -> str:
    return reverse("account", args=[loan.external_id]) + (f"#{anchor}" if anchor else "")


@require_safe
@_worker_required
def queue_page(request: HttpRequest) -> HttpResponse:
    queue.ensure_fresh()
    form = QueueFilterForm(request.GET or None)
    filters = form.to_filter() if form.is_bound and form.is_valid() else queue.QueueFilter()
    page = Paginator(queue.queue_ids(request.user, filters), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queue.loaded(page.object_list)
    _list_read(request, "queue", [case.loan_id for case in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_claim": request.user.has_perm("workbench.work_queue"),
        "nav": "workbench",
    }
    return render(request, "workbench/queue.html", context, status=200 if not form.errors else 400)


@require_safe
@_worker_required
def content_review(request: HttpRequest) -> HttpResponse:
    """The call transcripts in which the content lint found something, on the loans this user may see."""
    from arrears.access.scope import loans_visible_to
    from arrears.contact.models import ContactAttempt

    flagged = (
        ContactAttempt.objects.filter(loan__in=loans_visible_to(request.user)).exclude(transcript="")
        .exclude(content_findings=[]).select_related("loan").order_by("-attempted_at", "-pk")
    )
    page = Paginator(flagged, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    english = translation.get_language() == "en"
    return render(request, "workbench/content_review.html", {"page": page, "english": english, "nav": "workbench"})


@require_POST
@_worker_required
def next_account(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workbench.work_queue"):
        raise PermissionDenied
    case = queue.next_account(request.user)
    if case is None:
        messages.info(request, _("Nothing left in your queue for now."))
        return redirect("workbench:queue")
    return redirect(_account_url(case.loan, "record-contact"))


@require_POST
@_worker_required
def record(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=loan_id)
    case = loan.cases.filter(closed_on__isnull=True).first()
    if case is None or not can(request.user, Action.RECORD_CONTACT, case):
        raise refusal(request.user, Action.RECORD_CONTACT, loan)
    points = dict(ContactPoint.objects.filter(borrower_id=loan.borrower_id).values_list("pk", "owner"))
    form = ContactForm(request.POST, contact_points=points)
    if not form.is_valid():
        return render_account(request, loan.external_id, contact_form=form, status=400)
    entry = form.entry(case.pk)
    try:
        result = record_contact(request.user, entry)
    except StaleEdit as error:
        return render_account(request, loan.external_id, contact_form=form, problem=error, status=409)
    except ArrearsError as error:
        return render_account(request, loan.external_id, contact_form=form, problem=error, status=400)
    messages.success(request, _("The contact was recorded."))
    if result.guard_blocked_by:
        messages.warning(
            request,
            _("The guard would have blocked this contact now (%(rules)s); the record keeps its verdict.")
            % {"rules": ", ".join(result.guard_blocked_by)},
        )
    if result.findings:
        messages.warning(request, _("The note was kept, with the content check's findings shown below it."))
    return redirect(_account_url(loan, "contact-history"))


@require_POST
@_worker_required
def pass_over(request: HttpRequest, case_id: int) -> HttpResponse:
    """The guard blocks this contact now: the case leaves the collector's queue until tomorrow, and
    the next account is taken."""
    from arrears.cases.models import CollectionCase

    case = CollectionCase.objects.select_related("loan").filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    if not can(request.user, Action.RECORD_CONTACT, case):
        raise refusal(request.user, Action.RECORD_CONTACT, case)
    form = PassOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date; look at the account again."))
        return redirect(_account_url(case.loan))
    data = form.cleaned_data
    try:
        passing.pass_over(request.user, case_id=case.pk, version=data["version"], channel=data["channel"],
                          contact_point_id=data["contact_point"])
    except StaleEdit as error:
        messages.error(request, said(error))
        return redirect(_account_url(case.loan))
    except ArrearsError as error:
        messages.error(request, said(error))
        return redirect(_account_url(case.loan, "may-i-call"))
    messages.info(request, _("Passed over until tomorrow: the guard blocks this contact now."))
    if not request.user.has_perm("workbench.work_queue"):
        return redirect("workbench:queue")
    following = queue.next_account(request.user)
    if following is None:
        messages.info(request, _("Nothing left in your queue for now."))
        return redirect("workbench:queue")
    return redirect(_account_url(following.loan, "record-contact"))


@require_POST
@_worker_required
def reveal(request: HttpRequest, loan_id: int, point_id: int) -> HttpResponse:
    """The account page with one contact value shown in clear (logged as a reveal)."""
    from arrears.workbench.revealing import reveal_contact

    loan = get_object_or_404(Loan, pk=loan_id)
    point = reveal_contact(request.user, loan, point_id, via="web")
    return render_account(request, loan.external_id, revealed={point.pk: point.value})


@require_POST
@_worker_required
def add_note(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=loan_id)
    case = loan.cases.filter(closed_on__isnull=True).first()
    if case is None or not can(request.user, Action.RECORD_CONTACT, case):
        raise refusal(request.user, Action.RECORD_CONTACT, loan)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_account(request, loan.external_id, note_form=form, status=400)
    try:
        _note, findings = write_note(request.user, loan_id=loan.pk, case_id=case.pk, text=form.cleaned_data["text"])
    except ArrearsError as error:
        return render_account(request, loan.external_id, note_form=form, problem=error, status=400)
    if findings:
        messages.warning(request, _("The note was kept, with the content check's findings shown below it."))
    else:
        messages.success(request, _("The note was saved."))
    return redirect(_account_url(loan, "notes"))


@require_POST
@_worker_required
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    from arrears.cases.models import CollectionCase

    case = CollectionCase.objects.select_related("loan").filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    if not can(request.user, Action.ASSIGN, case):
        raise refusal(request.user, Action.ASSIGN, case)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return render_account(request, case.loan.external_id, status=400)
    data = form.cleaned_data
    try:
        assign_case(
            request.user, case_id=case.pk, version=data["version"], team_id=data.get("team"),
            assignee_id=data.get("assignee"),
        )
    except StaleEdit as error:
        return render_account(request, case.loan.external_id, problem=error, status=409)
    except ArrearsError as error:
        return render_account(request, case.loan.external_id, problem=error, status=400)
    messages.success(request, _("The case was assigned."))
    return redirect(_account_url(case.loan, "case-work"))
