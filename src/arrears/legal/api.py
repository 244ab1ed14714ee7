"""Legal reviews over JSON (mounted at /api/legal/), under the page's permission and scope rules.

    GET  /api/legal/reviews?state=open                      the open reviews, oldest first
    GET  /api/legal/reviews                                 open ones, then the decided ones, latest decision first
    POST /api/legal/reviews/{review_id}/decision            {"refer": true | false, "note": "…"} → 200 the review
    GET  /api/legal/cases?state=open                        legal cases, the latest opened first
    GET  /api/legal/cases/{case_id}                         one case with its stages
    POST /api/legal/cases                                   {"review": id | "loan": "L-1", "route": "payment_order",
                                                             "note": "…", "forum": "…"} → 201 the case
    POST /api/legal/cases/{case_id}/stages                  {"stage": "filed", "entered_on": "2026-05-12",
                                                             "case_number", "forum", "documents", "note",
                                                             "fees_paid", "amount_awarded", "costs_awarded",
                                                             "recovered" (fen)} → 200 the case
    GET  /api/legal/limitation?within_days=180              accounts whose limitation runs out soon

403 without `legal.view_legalreview` (reading) or `legal.review_legal` (deciding), `legal.view_legalcase`
or `legal.manage_legal_case` for cases; 404 for a review
outside one's scope (as for an unknown one); 400 with `errors` {field: [{zh, en}]} for bad input;
409 for a review already decided.
"""

from django.urls import reverse
from django.utils import translation
from ninja import Router, Schema

from arrears.api_answers import ERRORS, answers_errors, error, invalid
from arrears.errors import InputError
from arrears.legal.listing import (
    ReviewLine,
    decided_lines,
    may_read,
    open_lines,
    visible_reviews,
    with_labels,
)
from arrears.legal.models import ReviewState
from arrears.legal.reviews import ReviewRefused, decide, may_decide

router = Router(tags=["legal"])

DECIDED_LISTED = 500
MAY_NOT_READ = ("您的角色不能查看法务审查", "Your role may not read legal reviews")
MAY_NOT_DECIDE = ("您的角色不能处理法务审查", "Your role may not decide legal reviews")
NO_REVIEW = ("没有此法务审查", "No such legal review")


def _state_words(state: str) -> dict[str, str]:
    words = {}
    for language, key in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(language):
            words[key] = str(ReviewState(state).label)
    return words


def review_json(line: ReviewLine) -> dict:
    review = line.review
    return {
        "id": review.pk,
        "loan": review.loan.external_id,
        "account_url": reverse("account", args=[review.loan.external_id]),
        "opened_on": review.opened_on.isoformat(),
        "segment": review.segment,
        "segment_words": {"zh": line.segment_zh, "en": line.segment_en},
        "rule": review.rule,
        "days_past_due": review.days_past_due,
        "overdue_amount_fen": review.overdue_amount,
        "balance_fen": review.balance,
        "state": review.state,
        "state_words": _state_words(review.state),
        "decided_by": None if review.decided_by is None else review.decided_by.get_username(),
        "decided_at": None if review.decided_at is None else review.decided_at.isoformat(),
        "note": review.note,
    }


@router.get("/reviews", response={200: dict, **ERRORS},
            summary="Legal reviews: the open ones oldest first, then the decided ones, latest decision first")
@answers_errors
def reviews(request, state: str = ""):
    if not may_read(request.user):
        return error(403, *MAY_NOT_READ)
    state = state.strip()
    if state and state not in ReviewState.values:
        message = {"zh": f"状态须为 {', '.join(ReviewState.values)} 之一", "en": f"state must be one of {', '.join(ReviewState.values)}"}
        return 400, {"error": message, "errors": {"state": [message]}}
    lines = open_lines(request.user) if state in ("", ReviewState.OPEN) else []
    if state != ReviewState.OPEN:
        lines += decided_lines(request.user, state=state, limit=DECIDED_LISTED)
    return 200, {"state": state or None, "reviews": [review_json(line) for line in lines]}


class DecisionIn(Schema):
    refer: bool | str | None = None  # a string that is not "true" or "false" is answered 400, not 422
    note: str | None = None


@router.post("/reviews/{review_id}/decision", response={200: dict, **ERRORS},
             summary="Decide a legal review: refer the account for legal action, or decline, with the reason")
@answers_errors
def decision(request, review_id: int, payload: DecisionIn):
    from arrears.legal.forms import DecisionApiForm

    if not may_decide(request.user):
        return error(403, *MAY_NOT_DECIDE)
    review = visible_reviews(request.user).filter(pk=review_id).first()
    if review is None:
        return error(404, *NO_REVIEW)
    form = DecisionApiForm({"refer": payload.refer, "note": payload.note or ""})
    if not form.is_valid():
        return invalid(form)
    try:
        decided = decide(review.pk, user=request.user, refer=form.refers(), note=form.cleaned_data["note"])
    except ReviewRefused as refused:
        return error(403, refused.zh, refused.en)
    except InputError as problem:  # the reason was checked above: what is left is a review decided meanwhile
        return error(409, problem.zh, problem.en)
    return 200, review_json(with_labels([visible_reviews(request.user).get(pk=decided.pk)])[0])


MAY_NOT_READ_CASES = ("您的角色不能查看法律案件", "Your role may not read legal cases")
MAY_NOT_MANAGE = ("您的角色不能办理法律案件", "Your role may not open or advance legal cases")
NO_CASE = ("没有此法律案件", "No such legal case")
CASES_LISTED = 500


@router.get("/cases", response={200: dict, **ERRORS}, summary="Legal cases, the latest opened first")
@answers_errors
def cases(request, state: str = ""):
    from arrears.legal.case_listing import case_json, may_read_cases, visible_cases

    if not may_read_cases(request.user):
        return error(403, *MAY_NOT_READ_CASES)
    state = state.strip()
    if state not in ("", "open", "closed"):
        message = {"zh": "状态须为 open 或 closed", "en": "state must be open or closed"}
        return 400, {"error": message, "errors": {"state": [message]}}
    rows = visible_cases(request.user)
    if state:
        rows = rows.filter(state=state)
    return 200, {"state": state or None, "cases": [case_json(case) for case in rows[:CASES_LISTED]]}


@router.get("/cases/{case_id}", response={200: dict, **ERRORS}, summary="One legal case with its stage history")
@answers_errors
def case_detail(request, case_id: int):
    from arrears.legal.case_listing import case_json, may_read_cases, visible_cases

    if not may_read_cases(request.user):
        return error(403, *MAY_NOT_READ_CASES)
    case = visible_cases(request.user).filter(pk=case_id).first()
    if case is None:
        return error(404, *NO_CASE)
    return 200, case_json(case, with_stages=True)


class OpenCaseIn(Schema):
    review: int | None = None
    loan: str | None = None
    route: str | None = None
    note: str | None = None
    forum: str | None = None


@router.post("/cases", response={201: dict, **ERRORS},
             summary="Open a legal case from a referred review or a manual referral, after the checks")
@answers_errors
def open_legal_case(request, payload: OpenCaseIn):
    from arrears.legal.case_listing import case_json, visible_cases
    from arrears.legal.cases import CaseRefused, may_manage, open_case

    if not may_manage(request.user):
        return error(403, *MAY_NOT_MANAGE)
    if not payload.route:
        message = {"zh": "须指明法律途径", "en": "Name the route"}
        return 400, {"error": message, "errors": {"route": [message]}}
    review_id = loan_id = None
    if payload.review is not None:
        review = visible_reviews(request.user).filter(pk=payload.review).first()
        if review is None:
            return error(404, *NO_REVIEW)
        review_id = review.pk
    elif payload.loan:
        from arrears.access.scope import loans_visible_to

        loan = loans_visible_to(request.user).filter(external_id=payload.loan).first()
        if loan is None:
            return error(404, "没有此贷款", "No such loan")
        loan_id = loan.pk
    else:
        message = {"zh": "须指明法务审查或贷款", "en": "Name a referred review or a loan"}
        return 400, {"error": message, "errors": {"review": [message]}}
    try:
        case = open_case(user=request.user, route=payload.route, review_id=review_id, loan_id=loan_id,
                         note=payload.note or "", forum=payload.forum or "")
    except CaseRefused as refused:
        return error(403, refused.zh, refused.en)
    except InputError as problem:
        return error(409, problem.zh, problem.en)
    return 201, case_json(visible_cases(request.user).get(pk=case.pk), with_stages=True)


class StageIn(Schema):
    stage: str | None = None
    entered_on: str | None = None
    case_number: str | None = None
    forum: str | None = None
    documents: str | None = None
    note: str | None = None
    fees_paid: int | None = None
    amount_awarded: int | None = None
    costs_awarded: int | None = None
    recovered: int | None = None


@router.post("/cases/{case_id}/stages", response={200: dict, **ERRORS},
             summary="Move a legal case to its next stage (or close it), with what happened")
@answers_errors
def case_stage(request, case_id: int, payload: StageIn):
    import datetime as dt

    from arrears.legal.case_listing import case_json, visible_cases
    from arrears.legal.cases import CaseRefused, advance, may_manage

    if not may_manage(request.user):
        return error(403, *MAY_NOT_MANAGE)
    case = visible_cases(request.user).filter(pk=case_id).first()
    if case is None:
        return error(404, *NO_CASE)
    if not payload.stage:
        message = {"zh": "须指明阶段", "en": "Name the stage"}
        return 400, {"error": message, "errors": {"stage": [message]}}
    entered_on = None
    if payload.entered_on:
        try:
            entered_on = dt.date.fromisoformat(payload.entered_on)
        except ValueError:
            message = {"zh": "日期格式应为 YYYY-MM-DD", "en": "a date must look like YYYY-MM-DD"}
            return 400, {"error": message, "errors": {"entered_on": [message]}}
    try:
        advance(case.pk, user=request.user, to=payload.stage, entered_on=entered_on,
                documents=payload.documents or "", case_number=payload.case_number or "", forum=payload.forum or "",
                note=payload.note or "", fees_paid=payload.fees_paid or 0, amount_awarded=payload.amount_awarded or 0,
                costs_awarded=payload.costs_awarded or 0, recovered=payload.recovered or 0)
    except CaseRefused as refused:
        return error(403, refused.zh, refused.en)
    except InputError as problem:
        return error(409, problem.zh, problem.en)
    return 200, case_json(visible_cases(request.user).get(pk=case.pk), with_stages=True)


@router.get("/limitation", response={200: dict, **ERRORS},
            summary="Accounts whose limitation date falls within the coming days (or has passed), soonest first")
@answers_errors
def limitation(request, within_days: int = 180):
    from arrears import clock
    from arrears.access.scope import loans_visible_to
    from arrears.legal.case_listing import may_read_cases
    from arrears.legal.limitation import nearing

    if not may_read_cases(request.user):
        return error(403, *MAY_NOT_READ_CASES)
    if not 0 <= within_days <= 3660:
        message = {"zh": "天数须在 0 到 3660 之间", "en": "within_days must be between 0 and 3660"}
        return 400, {"error": message, "errors": {"within_days": [message]}}
    today = clock.today()
    visible = dict(loans_visible_to(request.user).filter(state__balance__gt=0).values_list("pk", "external_id"))
    rows = nearing(today, within_days=within_days, loan_ids=visible)
    return 200, {"as_of": today.isoformat(), "accounts": [
        {"loan": visible[row.loan_id], "expires_on": row.expires_on.isoformat(), "days_left": row.days_left(today),
         "runs_from": row.runs_from.isoformat(), "reason": row.reason,
         "citation": {"zh": row.citation_zh, "en": row.citation_en}} for row in rows]}
