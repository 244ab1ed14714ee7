"""/api/visits/: the same steps as the pages, for agencies' and the lender's systems.

Every call passes the same scope and role checks as the pages; a refused step answers 409 with
the reasons in zh-Hans and English and the rule ids that refused it. An agency user is shown the
loan reference, the days past due and the overdue amount only where the placement's contract
shares them (null otherwise), and each read is logged as on the pages (arrears.visits.disclosure).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from arrears.api_answers import Refused
from arrears.errors import ArrearsError
from arrears.visits import services
from arrears.visits.access import visible_visits
from arrears.visits.disclosure import disclose
from arrears.visits.models import Visit
from arrears.visits.times import local_of
from arrears.visits.workflow import StepRefused

router = Router(tags=["visits"])


class VisitOut(Schema):
    id: int
    loan: str | None
    state: str
    screened_on: dt.date
    days_past_due: int | None
    overdue_amount_fen: int | None
    purpose: str
    agency_id: int | None
    starts_at_utc: dt.datetime | None
    ends_at_utc: dt.datetime | None
    starts_local: str | None
    time_zone: str
    collectors: list[str]
    notice_attempt_id: int | None
    checked_in_at_utc: dt.datetime | None
    checked_out_at_utc: dt.datetime | None
    outcome: str


class Refusal(Schema):
    zh: str
    en: str
    rule_ids: list[str] = []


class NoteIn(Schema):
    note: str = ""


class BookingIn(Schema):
    day: dt.date
    starts: dt.time
    ends: dt.time
    staff_ids: list[int] = []
    user_ids: list[int] = []
    purpose: str = "repayment_talk"
    notice_channel: str = "sms"


class ReportIn(Schema):
    identification_shown: bool
    purpose_stated: bool
    no_disclosure: bool
    outcome: str
    notes: str = ""
    promise_amount: int | None = None  # fen, with the outcome "promise"
    promise_due: dt.date | None = None


class IncidentIn(Schema):
    kind: str
    description: str
    injured: bool = False
    police_called: bool = False


class CodeOut(Schema):
    code: str
    expires_at_utc: dt.datetime


def _out(visit: Visit, shown: dict) -> VisitOut:
    """`shown`: the borrower's fields the reader may see (arrears.visits.disclosure.disclose)."""
    zone_name = visit.loan.borrower.time_zone
    starts = local_of(visit.starts_at, zone_name)
    return VisitOut(
        id=visit.pk, loan=visit.loan.external_id if "loan_reference" in shown else None, state=visit.state,
        screened_on=visit.screened_on, days_past_due=visit.days_past_due if "days_past_due" in shown else None,
        overdue_amount_fen=visit.overdue_amount if "overdue_amount" in shown else None, purpose=visit.purpose,
        agency_id=visit.agency_id, starts_at_utc=visit.starts_at, ends_at_utc=visit.ends_at,
        starts_local=None if starts is None else starts.isoformat(), time_zone=zone_name,
        collectors=[c.name for c in visit.collectors.order_by("id")], notice_attempt_id=visit.notice_id,
        checked_in_at_utc=visit.checked_in_at, checked_out_at_utc=visit.checked_out_at, outcome=visit.outcome,
    )


def _visible(request: HttpRequest, visit_id: int) -> Visit:
    visit = visible_visits(request.user).filter(pk=visit_id).select_related("loan__borrower", "address").first()
    if visit is None:
        raise Refused(404, "没有此上门，或无权查看", "No such visit, or not yours to see")
    return visit


def _run(request: HttpRequest, visit_id: int, step):
    _visible(request, visit_id)
    try:
        step()
    except StepRefused as refused:
        return 409, Refusal(zh=refused.zh, en=refused.en, rule_ids=list(refused.rule_ids))
    except ArrearsError as error:
        return 400, Refusal(zh=error.zh, en=error.en)
    return 200, _read(request, Visit.objects.select_related("loan__borrower", "address").get(pk=visit_id))


def _read(request: HttpRequest, visit: Visit) -> VisitOut:
    return _out(visit, disclose(request.user, [visit], action="view", via="api")[visit.pk])


ANSWERS = {200: VisitOut, 400: Refusal, 404: Refusal, 409: Refusal}


@router.get("/", response=list[VisitOut])
def list_visits(request: HttpRequest, state: str = ""):
    visits = visible_visits(request.user).select_related("loan__borrower", "address").order_by("-screened_on", "-id")
    if state:
        visits = visits.filter(state=state)
    visits = list(visits[:500])
    shown = disclose(request.user, visits, action="list", via="api")
    return [_out(v, shown[v.pk]) for v in visits]


@router.get("/{visit_id}", response=VisitOut)
def get_visit(request: HttpRequest, visit_id: int):
    return _read(request, _visible(request, visit_id))


@router.post("/{visit_id}/approve", response=ANSWERS)
def approve(request: HttpRequest, visit_id: int, body: NoteIn):
    return _run(request, visit_id, lambda: services.approve(visit_id, actor=request.user, note=body.note))


@router.post("/{visit_id}/reject", response=ANSWERS)
def reject(request: HttpRequest, visit_id: int, body: NoteIn):
    return _run(request, visit_id, lambda: services.reject(visit_id, actor=request.user, note=body.note))


@router.post("/{visit_id}/schedule", response=ANSWERS)
def schedule(request: HttpRequest, visit_id: int, body: BookingIn):
    booking = services.Booking(
        day=body.day, starts=body.starts, ends=body.ends, staff_ids=tuple(body.staff_ids), user_ids=tuple(body.user_ids),
        purpose=body.purpose, notice_channel=body.notice_channel,
    )
    return _run(request, visit_id, lambda: services.schedule(visit_id, actor=request.user, booking=booking))


@router.post("/{visit_id}/code", response={200: CodeOut, 400: Refusal, 404: Refusal, 409: Refusal})
def issue_code(request: HttpRequest, visit_id: int):
    _visible(request, visit_id)
    try:
        code = services.issue_code(visit_id, actor=request.user)
    except StepRefused as refused:
        return 409, Refusal(zh=refused.zh, en=refused.en, rule_ids=list(refused.rule_ids))
    except ArrearsError as error:
        return 400, Refusal(zh=error.zh, en=error.en)
    from arrears.visits.codes import shown

    return 200, CodeOut(code=shown(code), expires_at_utc=Visit.objects.get(pk=visit_id).code_expires_at)


@router.post("/{visit_id}/check-in", response=ANSWERS)
def check_in(request: HttpRequest, visit_id: int):
    return _run(request, visit_id, lambda: services.check_in(visit_id, actor=request.user))


@router.post("/{visit_id}/check-out", response=ANSWERS)
def check_out(request: HttpRequest, visit_id: int, body: ReportIn):
    report = services.Report(**body.dict())
    return _run(request, visit_id, lambda: services.check_out(visit_id, actor=request.user, report=report))


@router.post("/{visit_id}/incidents", response=ANSWERS)
def report_incident(request: HttpRequest, visit_id: int, body: IncidentIn):
    return _run(
        request, visit_id,
        lambda: services.report_incident(visit_id, actor=request.user, kind=body.kind, description=body.description,
                                         injured=body.injured, police_called=body.police_called),
    )
