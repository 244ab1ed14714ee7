"""Credit-report objections over JSON (mounted at /api/credit/).

    GET  /api/credit/objections                         the objections, unanswered first by their answer-by day
    POST /api/credit/objections                         {"loan": "L-1001", "claim": "…"} → 201 (recorded by staff)
    POST /api/credit/objections/{objection_id}/answer   {"outcome": "corrected" | "unchanged" | "cannot_settle",
                                                         "answer": "…", "delete": false} → 200

403 without `credit.view_creditobjection` (reading) or `credit.answer_credit_objection` (recording and
answering); 404 for a loan or objection outside one's scope; 409 for an objection answered already or a
correction with nothing reported to correct; 400 for bad input.
"""


from ninja import Router, Schema

from arrears.api_answers import ERRORS, answers_errors, error
from arrears.errors import InputError

router = Router(tags=["credit"])
MAY_NOT_READ = ("您的角色不能查看征信异议", "Your role may not read credit-report objections")
MAY_NOT_ANSWER = ("您的角色不能处理征信异议", "Your role may not record or answer credit-report objections")
NO_OBJECTION = ("没有此异议", "No such objection")
LISTED = 500


def _may_read(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("credit.view_creditobjection"))


def _visible(user):
    from arrears.access.scope import loans_visible_to
    from arrears.credit.models import CreditObjection

    if not _may_read(user) and not _may_answer(user):
        return CreditObjection.objects.none()
    return CreditObjection.objects.filter(loan__in=loans_visible_to(user)).select_related("loan")


def _may_answer(user) -> bool:
    from arrears.credit.objections import may_answer

    return may_answer(user)


def objection_json(objection) -> dict:
    return {
        "id": objection.pk, "loan": objection.loan.external_id, "received_on": objection.received_on.isoformat(),
        "answer_by": objection.answer_by.isoformat(), "source": objection.source, "claim": objection.claim,
        "outcome": objection.outcome or None, "answer": objection.answer,
        "answered_on": None if objection.answered_on is None else objection.answered_on.isoformat(),
        "correction": objection.correction, "correction_sent": objection.correction_sent_id is not None,
    }


@router.get("/objections", response={200: dict, **ERRORS}, summary="Credit-report objections, unanswered first")
@answers_errors
def objections(request):
    if not _may_read(request.user):
        return error(403, *MAY_NOT_READ)
    rows = _visible(request.user).order_by("answered_on", "answer_by", "pk")[:LISTED]
    return 200, {"objections": [objection_json(row) for row in rows]}


class ObjectionIn(Schema):
    loan: str | None = None
    claim: str | None = None


@router.post("/objections", response={201: dict, **ERRORS}, summary="Record a borrower's objection (staff)")
@answers_errors
def record(request, payload: ObjectionIn):
    from arrears.access.scope import loans_visible_to
    from arrears.credit.objections import file_objection

    if not _may_answer(request.user):
        return error(403, *MAY_NOT_ANSWER)
    loan = loans_visible_to(request.user).filter(external_id=(payload.loan or "").strip()).first()
    if loan is None:
        return error(404, "没有此贷款", "No such loan")
    try:
        objection = file_objection(loan_id=loan.pk, claim=payload.claim or "", source="staff", by=request.user)
    except InputError as problem:
        message = {"zh": problem.zh, "en": problem.en}
        return 400, {"error": message, "errors": {"claim": [message]}}
    return 201, objection_json(objection)


class AnswerIn(Schema):
    outcome: str | None = None
    answer: str | None = None
    delete: bool = False


@router.post("/objections/{objection_id}/answer", response={200: dict, **ERRORS},
             summary="Answer an objection in writing: corrected, unchanged or cannot be settled")
@answers_errors
def answer(request, objection_id: int, payload: AnswerIn):
    from arrears.credit.models import ObjectionOutcome
    from arrears.credit.objections import ObjectionRefused, answer_objection

    if not _may_answer(request.user):
        return error(403, *MAY_NOT_ANSWER)
    objection = _visible(request.user).filter(pk=objection_id).first()
    if objection is None:
        return error(404, *NO_OBJECTION)
    if payload.outcome not in ObjectionOutcome.values or not (payload.answer or "").strip():
        field = "outcome" if payload.outcome not in ObjectionOutcome.values else "answer"
        message = ({"zh": f"处理结果须为 {'、'.join(ObjectionOutcome.values)}",
                    "en": f"outcome must be one of {', '.join(ObjectionOutcome.values)}"} if field == "outcome"
                   else {"zh": "书面答复不能为空", "en": "The written answer is required"})
        return 400, {"error": message, "errors": {field: [message]}}
    try:
        answered = answer_objection(objection.pk, outcome=payload.outcome, answer=payload.answer or "",
                                    by=request.user, delete=payload.delete)
    except ObjectionRefused as refused:
        return error(403, refused.zh, refused.en)
    except InputError as problem:
        return error(409, problem.zh, problem.en)
    return 200, objection_json(answered)
