"""Holds over JSON (mounted at /api/cases/), under the pages' scope and role rules.

    GET  /api/cases/holds?loan=L-1001                 the loan's holds, newest first
    POST /api/cases/holds                             {"loan", "kind", "reason", "until"?} → 201 the hold
    POST /api/cases/holds/{hold_id}/release           {"reason"} → 200 the hold, ended

404 for an account outside one's scope (as for an unknown one); 403 for a role that may not place or
release that kind; 400 with `errors` {field: [{zh, en}]} for bad input; 409 for a hold already ended.
"""

from ninja import Router, Schema

from arrears.access.scope import loans_visible_to
from arrears.api_answers import ERRORS, answers_errors, error, invalid
from arrears.cases.hold_lines import HoldLine, hold_lines, line_of, placeable_kinds
from arrears.cases.holds import HoldRefused, place_hold, release_hold, require_may
from arrears.errors import InputError

router = Router(tags=["cases"])

NO_ACCOUNT = ("没有此账户", "No such account")
NO_HOLD = ("没有此暂停", "No such hold")


def _iso(instant) -> str | None:
    return None if instant is None else instant.isoformat()


def _username(user) -> str | None:
    return None if user is None else user.get_username()


def hold_json(line: HoldLine) -> dict:
    hold = line.hold
    return {
        "id": hold.pk,
        "loan_id": hold.loan_id,
        "kind": hold.kind,
        "kind_words": {"zh": line.kind_zh, "en": line.kind_en},
        "scope": {"agency": line.hold.scope_agency_id, "collector": line.hold.scope_collector_id,
                  "channel": line.hold.scope_channel or None, "words": {"zh": line.scope_zh, "en": line.scope_en}},
        "state": line.state,
        "in_force": line.in_force,
        "since": _iso(hold.since),
        "until": _iso(hold.until),
        "reason": hold.reason,
        "source": hold.source,
        "placed_by": _username(hold.placed_by),
        "released_at": _iso(hold.released_at),
        "released_by": _username(hold.released_by),
        "release_reason": hold.release_reason,
        "may_release": line.may_release,
    }


def _refused(refusal: HoldRefused):
    return error(403, refusal.zh, refusal.en)


@router.get("/holds", response={200: dict, **ERRORS}, summary="A loan's holds, newest first")
@answers_errors
def holds(request, loan: str = ""):
    if not loan.strip():
        message = {"zh": "请给出贷款编号（loan）", "en": "Give the loan's external id (loan)"}
        return 400, {"error": message, "errors": {"loan": [message]}}
    found = loans_visible_to(request.user).filter(external_id=loan.strip()).first()
    if found is None:
        return error(404, *NO_ACCOUNT)
    return 200, {"loan": found.external_id, "holds": [hold_json(line) for line in hold_lines(found.pk, user=request.user)]}


class HoldIn(Schema):
    loan: str | None = None
    kind: str | None = None
    reason: str | None = None
    until: str | None = None  # ISO 8601 with its offset; none: until released


@router.post("/holds", response={201: dict, **ERRORS}, summary="Place a hold on a loan")
@answers_errors
def place(request, payload: HoldIn):
    from arrears.cases.forms import PlaceHoldApiForm

    data = {key: ("" if value is None else value) for key, value in payload.dict().items()}
    loan = None
    if str(data["loan"]).strip():
        loan = loans_visible_to(request.user).filter(external_id=str(data["loan"]).strip()).first()
        if loan is None:
            return error(404, *NO_ACCOUNT)
    if not placeable_kinds(request.user):
        return error(403, "您的角色不能设置暂停", "Your role may not place holds")
    form = PlaceHoldApiForm(data)
    if not form.is_valid():
        return invalid(form)
    try:
        require_may(request.user, "place", form.cleaned_data["kind"])
    except HoldRefused as refusal:
        return _refused(refusal)
    hold = place_hold(
        loan_id=loan.pk, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
        until=form.until_instant(), source="api", by=request.user,
    )
    return 201, hold_json(line_of(hold, user=request.user))


class ReleaseIn(Schema):
    reason: str | None = None


@router.post("/holds/{hold_id}/release", response={200: dict, **ERRORS}, summary="Release a hold: it stops binding at once")
@answers_errors
def release(request, hold_id: int, payload: ReleaseIn):
    from arrears.cases.forms import ReleaseHoldForm
    from arrears.cases.models import AccountHold

    hold = AccountHold.objects.filter(pk=hold_id).first()
    if hold is None or not loans_visible_to(request.user).filter(pk=hold.loan_id).exists():
        return error(404, *NO_HOLD)
    try:
        require_may(request.user, "release", hold.kind)
    except HoldRefused as refusal:
        return _refused(refusal)
    form = ReleaseHoldForm({"reason": payload.reason or ""})
    if not form.is_valid():
        return invalid(form)
    try:
        released = release_hold(hold.pk, reason=form.cleaned_data["reason"], by=request.user)
    except InputError as problem:  # the reason was checked above: what is left is a hold already ended
        return error(409, problem.zh, problem.en)
    released = AccountHold.objects.select_related("placed_by", "released_by").get(pk=released.pk)
    return 200, hold_json(line_of(released, user=request.user))
