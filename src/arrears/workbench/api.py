"""The workbench's JSON API (mounted at /api/workbench/): the queue, next account, the account's data,
may-I-call, recording contacts, notes and assignment — under the pages' permissions and scope.

Errors: 400 with `errors` {field: [{zh, en}]} for bad input, 403 outside one's scope, 404 for an
unknown account, 409 when the case changed since the version sent (optimistic locking).
"""


from functools import wraps

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from arrears.access.scope import Action, can, loans_visible_to, sees_unmasked_contacts
from arrears.api_answers import ERRORS, answers_errors, error, invalid
from arrears.errors import ArrearsError
from arrears.ledger.models import ContactPoint, Loan
from arrears.web.masking import mask_contact
from arrears import clock
from arrears.workbench import queue
from arrears.workbench.forms import AssignForm, ContactForm, MayICallForm, NoteForm, QueueFilterForm

router = Router(tags=["workbench"])

def _visible_loan(request, loan_id: int) -> Loan:
    loan = Loan.objects.select_related("borrower").filter(pk=loan_id).first()
    if loan is None or not can(request.user, Action.VIEW, loan):
        raise _NotFound  # outside one's scope answers as an account that does not exist
    return loan


class _NotFound(ArrearsError):
    def __init__(self):
        super().__init__("没有此账户", "No such account")


def _not_found_is_404(view):
    @wraps(view)
    def answered(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _NotFound as missing:
            return error(404, missing.zh, missing.en)

    return answered


def _case_json(case) -> dict:
    return {
        "case_id": case.pk,
        "loan_id": case.loan_id,
        "loan": case.loan.external_id,
        "borrower": case.loan.borrower.name,
        "version": case.version,
        "segment": case.segment,
        "priority": case.priority,
        "expected_value": case.expected_value,
        "overdue_amount": case.overdue_amount,
        "days_past_due": case.days_past_due,
        "bucket": case.bucket,
        "promise_state": case.promise_state,
        "team": case.team.name if case.team_id else None,
        "assignee": case.assignee.get_username() if case.assignee_id else None,
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
    }


@router.get("/queue", response={200: dict, **ERRORS}, summary="The work queue, filtered, in working order")
@answers_errors
def queue_list(request, offset: int = 0, limit: int = 50):
    if not request.user.has_perm("cases.view_collectioncase"):
        raise PermissionDenied
    queue.ensure_fresh()
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        return invalid(form)
    if offset < 0 or not 1 <= limit <= 500:
        return error(400, "offset 不能为负，limit 须在 1–500 之间", "offset must be ≥ 0 and limit within 1–500")
    from arrears.audit.events import staff_list_read

    ids = queue.queue_ids(request.user, form.to_filter())
    total = ids.count()
    cases = queue.loaded(ids[offset : offset + limit])
    staff_list_read(request.user, "queue", [case.loan_id for case in cases], via="api")
    return 200, {"total": total, "offset": offset, "cases": [_case_json(c) for c in cases]}


@router.post("/next", response={200: dict, **ERRORS}, summary="Take the next account from one's queue")
@answers_errors
def next_account(request):
    if not request.user.has_perm("workbench.work_queue"):
        raise PermissionDenied
    case = queue.next_account(request.user)
    if case is None:
        return error(404, "您的队列中暂时没有可处理的账户", "Nothing left in your queue for now")
    case = type(case).objects.select_related("loan__borrower", "team", "assignee").get(pk=case.pk)
    return 200, {**_case_json(case), "lease_until": case.lease_until.isoformat()}


@router.get("/accounts/{loan_id}", response={200: dict, **ERRORS}, summary="An account's data as the page shows it")
@answers_errors
@_not_found_is_404
def account(request, loan_id: int):
    from arrears.cases.api import hold_json
    from arrears.cycle.models import AccountState
    from arrears.strategy.explaining import explain_loan, planned_actions
    from arrears.workbench.account import work_section

    loan = _visible_loan(request, loan_id)
    unmasked = sees_unmasked_contacts(request.user)
    state = AccountState.objects.filter(loan=loan).first()
    work = work_section(request.user, loan)
    explanation = explain_loan(loan.pk)
    from arrears.audit.events import staff_read

    staff_read(request.user, "account", subject=f"loan:{loan.pk}", via="api", unmasked=unmasked)
    return 200, {
        "loan": {"id": loan.pk, "external_id": loan.external_id, "principal": loan.principal,
                 "term_months": loan.term_months, "start_date": loan.start_date.isoformat()},
        "borrower": {"external_id": loan.borrower.external_id, "name": loan.borrower.name,
                     "national_id": loan.borrower.national_id_masked, "time_zone": loan.borrower.time_zone},
        "state": None if state is None else {
            "as_of": state.as_of.isoformat(), "days_past_due": state.days_past_due, "bucket": state.bucket,
            "status": state.status, "balance": state.balance, "overdue_principal": state.overdue_principal,
            "overdue_interest": state.overdue_interest, "fee_outstanding": state.fee_outstanding,
            "penalty_outstanding": state.penalty_outstanding,
        },
        "case": None if work.case is None else _case_json(work.case),
        "may_work": work.may_work,
        "contact_points": [
            {"id": p.pk, "kind": p.kind, "value": p.value if unmasked else mask_contact(p.kind, p.value),
             "owner": p.owner, "relation": p.relation, "valid": p.valid, "do_not_contact": p.do_not_contact,
             "consent": p.consent}
            for p in ContactPoint.objects.filter(borrower_id=loan.borrower_id).order_by("pk")
        ],
        "explanation": {"zh": explanation.text("zh-hans"), "en": explanation.text("en")} if explanation else None,
        "planned_actions": [
            {"as_of": a.as_of.isoformat(), "channel": a.channel, "template": a.template, "segment": a.segment,
             "allowed": a.allowed, "blocked_by": a.blocked_by, "reasons_zh": a.reasons_zh, "reasons_en": a.reasons_en}
            for a in planned_actions(loan.pk)
        ],
        "contact_history": [
            {"id": a.pk, "at": a.happened_at.isoformat(), "channel": a.channel, "party": a.party,
             "state": a.state, "outcome": a.outcome, "blocked_by": a.blocked_by,
             "recorded_by": _recorder(a)}
            for a in work.contact_history
        ],
        "notes": [
            {"id": n.pk, "at": n.created_at.isoformat(), "author": n.author.get_username(), "text": n.text,
             "findings": n.findings}
            for n in work.notes
        ],
        "promises": [_promise_json(p) for p in work.promises],
        "holds": [hold_json(line) for line in work.holds],
        **_ledger_json(loan, unmasked),
    }


class RevealOut(Schema):
    id: int
    kind: str
    value: str


@router.post("/accounts/{loan_id}/contacts/{point_id}/reveal", response={200: RevealOut, **ERRORS},
             summary="One contact value in clear, for a role that may reveal it (logged)")
@answers_errors
@_not_found_is_404
def reveal(request, loan_id: int, point_id: int):
    """Outside one's scope, or a point not of this loan's borrower: 404; a role that may not reveal: 403."""
    from arrears.workbench.revealing import reveal_contact

    point = reveal_contact(request.user, _visible_loan(request, loan_id), point_id, via="api")
    return 200, {"id": point.pk, "kind": point.kind, "value": point.value}


def _ledger_json(loan, unmasked: bool) -> dict:
    """The ledger part of the account page: schedule, payments with what each paid, state history, case events."""
    from arrears.web.queries import account_page

    page = account_page(loan.external_id, unmasked=unmasked)
    return {
        "schedule": [
            {"seq": k.seq, "due_date": k.due_date.isoformat(), "principal": k.principal, "interest": k.interest}
            for k in page.instalments
        ],
        "payments": [
            {"id": line.payment.pk, "reference": line.payment.reference, "amount": line.payment.amount,
             "value_date": line.payment.value_date.isoformat(), "channel": line.payment.channel,
             "reverses": line.payment.reverses_id, "is_reversed": line.is_reversed,
             "allocation": None if line.allocation is None else {
                 "penalty": line.allocation.penalty, "fee": line.allocation.fee, "interest": line.allocation.interest,
                 "principal": line.allocation.principal, "credit": line.allocation.credit}}
            for line in page.payments
        ],
        "allocations_as_of": page.statement_as_of.isoformat() if page.statement_available else None,
        "state_history": [
            {"as_of": h.as_of.isoformat(), "days_past_due": h.days_past_due, "bucket": h.bucket, "status": h.status,
             "balance": h.balance}
            for h in page.history
        ],
        "case_events": [
            {"on_date": e.on_date.isoformat(), "kind": e.kind, "days_past_due": e.days_past_due, "bucket": e.bucket}
            for e in page.case_events
        ],
    }


def _recorder(attempt):
    try:
        return attempt.record.recorded_by.get_username()
    except attempt._meta.model.record.RelatedObjectDoesNotExist:
        return None


def _promise_json(promise) -> dict:
    return {
        "id": promise.pk, "amount": promise.amount, "promised_on": promise.promised_on.isoformat(),
        "due_date": promise.due_date.isoformat(), "state": promise.state, "paid_amount": promise.paid_amount,
        "judged_on": promise.judged_on.isoformat() if promise.judged_on else None,
        "made_by": promise.made_by.get_username(),
    }


@router.get("/accounts/{loan_id}/may-i-call", response={200: dict, **ERRORS}, summary="May I contact this point now?")
@answers_errors
@_not_found_is_404
def may_i_call(request, loan_id: int, contact_point: int, channel: str = "call"):
    from arrears.guard import check_now

    loan = _visible_loan(request, loan_id)
    if not can(request.user, Action.RECORD_CONTACT, loan):
        raise PermissionDenied
    form = MayICallForm({"contact_point": contact_point, "channel": channel})
    if not form.is_valid():
        return invalid(form)
    if not ContactPoint.objects.filter(pk=contact_point, borrower_id=loan.borrower_id).exists():
        return 400, {"error": {"zh": "该联系方式不属于此借款人", "en": "That contact point does not belong to this borrower"},
                     "errors": {"contact_point": [{"zh": "该联系方式不属于此借款人",
                                                   "en": "That contact point does not belong to this borrower."}]}}
    at = clock.now()
    decision = check_now(
        loan_id=loan.pk, channel=form.cleaned_data["channel"], contact_point_id=contact_point, at=at,
        collector_id=request.user.pk,
    )
    return 200, {
        "allowed": decision.allowed,
        "at": at.isoformat(),
        "violations": [{"rule_id": v.rule_id, "zh": v.reason_zh, "en": v.reason_en} for v in decision.violations],
    }


class ContactIn(Schema):
    version: int | str | None = None
    channel: str | None = None
    party: str | None = "debtor"
    outcome: str | None = None
    contact_point: int | str | None = None
    note: str | None = ""
    promise_amount: str | int | None = None
    promise_date: str | None = None
    confirmed_points: list[int] = []


@router.post("/accounts/{loan_id}/contacts", response={201: dict, **ERRORS}, summary="Record a contact and its outcome")
@answers_errors
@_not_found_is_404
def record_contact(request, loan_id: int, payload: ContactIn):
    from arrears.workbench.recording import findings_as_data
    from arrears.workbench.recording import record_contact as record

    loan = _visible_loan(request, loan_id)
    case = loan.cases.filter(closed_on__isnull=True).first()
    if case is None or not can(request.user, Action.RECORD_CONTACT, case):
        raise PermissionDenied
    points = dict(ContactPoint.objects.filter(borrower_id=loan.borrower_id).values_list("pk", "owner"))
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    form = ContactForm(data, contact_points=points)
    if not form.is_valid():
        return invalid(form)
    result = record(request.user, form.entry(case.pk))
    return 201, {
        "attempt_id": result.attempt_id, "version": result.version, "effects": list(result.effects),
        "note_id": result.note_id, "findings": findings_as_data(result.findings), "promise_id": result.promise_id,
        "guard_blocked_by": list(result.guard_blocked_by),
    }


class NoteIn(Schema):
    text: str | None = None


@router.post("/accounts/{loan_id}/notes", response={201: dict, **ERRORS}, summary="Write a note (content-checked, kept)")
@answers_errors
@_not_found_is_404
def add_note(request, loan_id: int, payload: NoteIn):
    from arrears.workbench.recording import findings_as_data, write_note

    loan = _visible_loan(request, loan_id)
    case = loan.cases.filter(closed_on__isnull=True).first()
    if case is None or not can(request.user, Action.RECORD_CONTACT, case):
        raise PermissionDenied
    form = NoteForm({"text": payload.text or ""})
    if not form.is_valid():
        return invalid(form)
    note, findings = write_note(request.user, loan_id=loan.pk, case_id=case.pk, text=form.cleaned_data["text"])
    return 201, {"id": note.pk, "findings": findings_as_data(findings)}


@router.get("/accounts/{loan_id}/notes", response={200: dict, **ERRORS}, summary="An account's notes")
@answers_errors
@_not_found_is_404
def notes(request, loan_id: int):
    from arrears.workbench.models import Note

    loan = _visible_loan(request, loan_id)
    return 200, {
        "notes": [
            {"id": n.pk, "at": n.created_at.isoformat(), "author": n.author.get_username(), "text": n.text,
             "findings": n.findings}
            for n in Note.objects.filter(loan=loan).select_related("author")[:200]
        ]
    }


class PassOverIn(Schema):
    version: int | str | None = None
    channel: str | None = "call"
    contact_point: int | str | None = None


@router.post("/cases/{case_id}/pass-over", response={200: dict, **ERRORS},
             summary="Pass over a case whose contact the guard blocks now (out of one's queue until tomorrow)")
@answers_errors
def pass_over(request, case_id: int, payload: PassOverIn):
    from arrears.cases.models import CollectionCase
    from arrears.workbench.forms import PassOverForm
    from arrears.workbench.passing import pass_over as passed

    case = CollectionCase.objects.filter(pk=case_id).first()
    if case is None or not can(request.user, Action.VIEW, case):
        return error(404, "没有此案件", "No such case")
    if not can(request.user, Action.RECORD_CONTACT, case):
        raise PermissionDenied
    form = PassOverForm({k: ("" if v is None else v) for k, v in payload.dict().items()})
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    result = passed(request.user, case_id=case.pk, version=data["version"], channel=data["channel"],
                    contact_point_id=data["contact_point"])
    return 200, {"attempt_id": result.attempt_id, "version": result.version, "blocked_by": list(result.rule_ids)}


class AssignIn(Schema):
    version: int | str | None = None
    team: int | str | None = None
    assignee: int | str | None = None


@router.post("/cases/{case_id}/assign", response={200: dict, **ERRORS}, summary="Give a case to a team and collector")
@answers_errors
def assign(request, case_id: int, payload: AssignIn):
    from arrears.cases.models import CollectionCase
    from arrears.workbench.assigning import assign_case

    case = CollectionCase.objects.filter(pk=case_id).first()
    if case is None or not can(request.user, Action.VIEW, case):
        return error(404, "没有此案件", "No such case")
    form = AssignForm({k: ("" if v is None else v) for k, v in payload.dict().items()})
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    version = assign_case(
        request.user, case_id=case.pk, version=data["version"], team_id=data.get("team"),
        assignee_id=data.get("assignee"),
    )
    return 200, {"case_id": case.pk, "version": version}


@router.get("/loans", response={200: dict, **ERRORS}, summary="The loans one may open, by external id")
@answers_errors
def loans(request, external_id: str):
    found = loans_visible_to(request.user).filter(external_id=external_id).values_list("pk", "external_id")
    return 200, {"loans": [{"id": pk, "external_id": ext} for pk, ext in found]}
