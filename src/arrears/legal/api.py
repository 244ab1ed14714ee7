"""Legal reviews over JSON (mounted at /api/legal/), under the page's permission and scope rules.

    GET  /api/legal/reviews?state=open                      the open reviews, oldest first
    GET  /api/legal/reviews                                 open ones, then the decided ones, latest decision first
    POST /api/legal/reviews/{review_id}/decision            {"refer": true | false, "note": "…"} → 200 the review

403 without `legal.view_legalreview` (reading) or `legal.review_legal` (deciding); 404 for a review
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
