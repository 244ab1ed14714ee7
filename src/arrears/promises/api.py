"""Promises to pay over JSON (mounted at /api/promises/), under the workbench's permissions and scope."""


from ninja import Router, Schema

from arrears.access.scope import Action, can
from arrears.api_answers import ERRORS, answers_errors, error, invalid
from arrears.workbench.api import _promise_json

router = Router(tags=["promises"])


@router.get("/", response={200: dict, **ERRORS}, summary="The promises on a loan, newest first")
@answers_errors
def promises(request, loan_id: int):
    from arrears.ledger.models import Loan
    from arrears.promises.models import Promise

    loan = Loan.objects.filter(pk=loan_id).first()
    if loan is None or not can(request.user, Action.VIEW, loan):
        return error(404, "没有此账户", "No such account")
    found = Promise.objects.filter(loan=loan).select_related("made_by")
    return 200, {"promises": [_promise_json(p) for p in found]}


class PromiseIn(Schema):
    loan_id: int
    version: int | str | None = None
    amount: str | int | None = None
    due_date: str | None = None


@router.post("/", response={201: dict, **ERRORS}, summary="Take a promise to pay (amount in yuan, pay-by date)")
@answers_errors
def make(request, payload: PromiseIn):
    from arrears.cases.models import CollectionCase
    from arrears.promises.forms import PromiseForm
    from arrears.promises.service import make_promise

    case = CollectionCase.objects.filter(loan_id=payload.loan_id, closed_on__isnull=True).first()
    if case is None or not can(request.user, Action.VIEW, case):
        return error(404, "没有此账户的未结案件", "No open case on this account")
    form = PromiseForm({k: ("" if v is None else v) for k, v in payload.dict().items() if k != "loan_id"})
    if not form.is_valid():
        return invalid(form)
    data = form.cleaned_data
    promise = make_promise(
        request.user, case_id=case.pk, version=data["version"], amount=data["amount"], due_date=data["due_date"]
    )
    return 201, _promise_json(promise)
