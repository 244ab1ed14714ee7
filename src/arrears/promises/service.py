"""Taking a promise to pay outside a recorded call (a chat, a letter, a walk-in)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from arrears.access.scope import Action, require
from arrears.cases.editing import edit_case
from arrears.errors import InputError
from arrears import clock


def make_promise(user, *, case_id: int, version: int, amount: int, due_date: dt.date):
    """A pending promise of `amount` fen by `due_date` on the case's loan; raises the case's version."""
    from arrears.cases.models import CollectionCase
    from arrears.promises.models import Promise

    case = CollectionCase.objects.filter(pk=case_id, closed_on__isnull=True).first()
    if case is None:
        raise InputError(f"没有编号为 {case_id} 的未结案件", f"No open case with id {case_id}")
    require(user, Action.RECORD_CONTACT, case)
    today = clock.today()
    if amount <= 0:
        raise InputError("承诺金额必须大于零", "The promised amount must be more than zero")
    if due_date < today:
        raise InputError("还款日期不能早于今天", "The date to pay by cannot be in the past")
    with transaction.atomic():
        edit_case(case_id=case.pk, version=version, promise_state="pending", last_worked_at=clock.now())
        return Promise.objects.create(
            loan_id=case.loan_id, case=case, amount=amount, promised_on=today, due_date=due_date, made_by=user
        )
