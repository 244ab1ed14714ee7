"""The agency portal as JSON, at /api/agencies/ (session auth, CSRF on writes): the same use-cases
and the same scope as the pages — an agency user sees its own active cases and only shared fields."""

from __future__ import annotations

import datetime as dt

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from arrears.agencies import portal
from arrears.agencies.exports import export_cases
from arrears.api_answers import Refused
from arrears.errors import InputError
from arrears.money import MoneyError, to_fen

router = Router(tags=["agencies"])


class CaseOut(Schema):
    placement_id: int
    placed_on: dt.date
    expires_on: dt.date
    fields: dict


class ContactIn(Schema):
    channel: str
    outcome: str
    attempted_at: dt.datetime
    note: str = ""
    promise_amount: str | None = None  # yuan, as text: never a float
    promise_due: dt.date | None = None


class ContactOut(Schema):
    attempt_id: int
    compliance_findings: list[str]
    content_findings: list[str]


class ProposalIn(Schema):
    instalments: int
    instalment_amount: str  # yuan, as text
    first_due_on: dt.date
    note: str = ""


class ProposalOut(Schema):
    proposal_id: int
    state: str


class MobileOut(Schema):
    mobile: str


class UploadOut(Schema):
    upload_id: int
    rows_read: int
    rows_landed: int
    rows_rejected: int
    rejects_url: str | None


def _staff(request):
    staff = portal.staff_of(request.user)
    if staff is None:
        raise Refused(403, "仅限已授权的委外机构人员", "Only authorised agency staff may use the agency portal")
    return staff


def _placement(staff, placement_id: int):
    placement = portal.placement_for(staff, placement_id, via="api")
    if placement is None:
        raise Refused(404, "本机构进行中的案件中没有此案件", "No such case among your agency's active cases")
    return placement


def _fen(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    try:
        return to_fen(text)
    except MoneyError:
        raise Refused(400, f"金额不正确：{text!r}", f"not an amount in yuan: {text!r}") from None


@router.get("/cases", response=list[CaseOut])
def list_cases(request):
    staff = _staff(request)
    return portal.case_rows(staff, portal.active_placements(staff).order_by("pk"), via="api")


@router.get("/cases/{placement_id}", response=CaseOut)
def get_case(request, placement_id: int):
    staff = _staff(request)
    return portal.case_detail(staff, _placement(staff, placement_id), via="api")


@router.post("/cases/{placement_id}/reveal-mobile", response=MobileOut)
def reveal_mobile(request, placement_id: int):
    staff = _staff(request)
    try:
        return {"mobile": portal.reveal_mobile(staff, _placement(staff, placement_id), via="api")}
    except InputError as error:
        raise Refused(403, error.zh, error.en) from None


@router.post("/cases/{placement_id}/contacts", response={201: ContactOut})
def record_contact(request, placement_id: int, payload: ContactIn):
    staff = _staff(request)
    placement = _placement(staff, placement_id)
    try:
        attempt = portal.record_contact(
            staff, placement, channel=payload.channel, outcome=payload.outcome, attempted_at=payload.attempted_at,
            note=payload.note, promise_amount=_fen(payload.promise_amount), promise_due=payload.promise_due, via="api",
        )
    except InputError as error:
        raise Refused(400, error.zh, error.en) from None
    note_findings = attempt.agency_contact.note_findings
    return 201, {"attempt_id": attempt.pk, "compliance_findings": [r for r in attempt.blocked_by.split(",") if r],
                 "content_findings": sorted({finding["rule_id"] for finding in note_findings})}


@router.post("/cases/{placement_id}/proposals", response={201: ProposalOut})
def propose_plan(request, placement_id: int, payload: ProposalIn):
    staff = _staff(request)
    placement = _placement(staff, placement_id)
    amount = _fen(payload.instalment_amount)
    try:
        proposal = portal.propose_plan(staff, placement, instalments=payload.instalments, instalment_amount=amount or 0,
                                       first_due_on=payload.first_due_on, note=payload.note, via="api")
    except InputError as error:
        raise Refused(400, error.zh, error.en) from None
    return 201, {"proposal_id": proposal.pk, "state": proposal.state}


@router.post("/results", response={201: UploadOut})
def upload_results(request, file: UploadedFile = File(...)):
    """The day's results as CSV (the portal's upload format): good rows land, bad ones are kept with reasons."""
    from arrears.agencies.results import upload_results as land

    staff = _staff(request)
    try:
        upload = land(staff, file_name=file.name or "results.csv", content=file.read(), via="api")
    except InputError as error:
        raise Refused(400, error.zh, error.en) from None
    rejects = f"/api/agencies/results/{upload.pk}/rejects.csv" if upload.rows_rejected else None
    return 201, {"upload_id": upload.pk, "rows_read": upload.rows_read, "rows_landed": upload.rows_landed,
                 "rows_rejected": upload.rows_rejected, "rejects_url": rejects}


@router.get("/results/{upload_id}/rejects.csv")
def upload_rejects(request, upload_id: int):
    from django.http import HttpResponse

    from arrears.agencies.models import ResultUpload

    staff = _staff(request)
    upload = ResultUpload.objects.filter(pk=upload_id, agency_id=staff.agency_id).first()
    if upload is None:
        raise Refused(404, "没有此上传记录", "No such upload")
    return HttpResponse("\ufeff" + upload.rejects_csv, content_type="text/csv; charset=utf-8")


@router.get("/export.csv")
def export(request):
    from django.http import HttpResponse

    staff = _staff(request)
    return HttpResponse("\ufeff" + export_cases(staff, via="api"), content_type="text/csv; charset=utf-8")
