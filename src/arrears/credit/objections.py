"""Objections (异议) to what was reported: recorded from the portal or by staff, answered in writing within
20 days (征信业管理条例 art. 25), each ending corrected, unchanged or cannot be settled, and kept.

    objection = file_objection(loan_id=7, claim="3月已还款却报逾期", source="staff", by=user)
    answer_objection(objection.pk, outcome="corrected", answer="核实后更正", by=officer)
    answer_objection(objection.pk, outcome="corrected", answer="非本人借款，删除", by=officer, delete=True)

An upheld objection leaves a correction (the record recomputed from today's ledger for the day last
reported) or a deletion (the account's record withdrawn) that the next day's report sends.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from arrears import clock
from arrears.errors import InputError

ANSWER_DAYS = 20
SOURCES = ("portal", "staff")
MAX_TEXT = 2000


class ObjectionRefused(InputError):
    """The person may not answer credit-report objections (HTTP 403)."""


def may_answer(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("credit.answer_credit_objection"))


def _text(value: str, zh: str, en: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError(f"{zh}不能为空", f"{en} is required")
    if len(value) > MAX_TEXT:
        raise InputError(f"{zh}不能超过 {MAX_TEXT} 字", f"{en} may be at most {MAX_TEXT} characters")
    return value


def file_objection(*, loan_id: int, claim: str, source: str, by=None, received_on: dt.date | None = None):
    from arrears.credit.models import CreditObjection
    from arrears.ledger.models import Loan

    if source not in SOURCES:
        raise InputError(f"来源须为 {'、'.join(SOURCES)}", f"source must be one of {', '.join(SOURCES)}")
    if not Loan.objects.filter(pk=loan_id).exists():
        raise InputError(f"找不到贷款 {loan_id}", f"no loan {loan_id}")
    received_on = received_on or clock.today()
    return CreditObjection.objects.create(
        loan_id=loan_id, received_on=received_on, answer_by=received_on + dt.timedelta(days=ANSWER_DAYS),
        source=source, claim=_text(claim, "异议内容", "The objection"), recorded_by=by if getattr(by, "pk", None) else None,
    )


def answer_objection(objection_id: int, *, outcome: str, answer: str, by, delete: bool = False):
    from arrears.credit.d1 import d1_record
    from arrears.credit.models import CreditObjection, ObjectionOutcome, SentRecord
    from arrears.credit.reporting import gather

    if not may_answer(by):
        raise ObjectionRefused("您的角色不能处理征信异议", "Your role may not answer credit-report objections")
    if outcome not in ObjectionOutcome.values:
        raise InputError(f"处理结果须为 {'、'.join(ObjectionOutcome.values)}", f"outcome must be one of {', '.join(ObjectionOutcome.values)}")
    answer = _text(answer, "书面答复", "The written answer")
    with transaction.atomic():
        objection = CreditObjection.objects.select_for_update().filter(pk=objection_id).first()
        if objection is None:
            raise InputError(f"找不到异议 {objection_id}", f"no objection {objection_id}")
        if objection.outcome:
            raise InputError("此异议已答复", "This objection has been answered already")
        correction = None
        if outcome == ObjectionOutcome.CORRECTED:
            last = SentRecord.objects.filter(loan_id=objection.loan_id, deleted=False).order_by("-as_of", "-pk").first()
            if last is None:
                raise InputError("此贷款尚未报送，无可更正", "Nothing was reported for this loan: nothing to correct")
            if delete:
                correction = {"event": "delete", "AcctCode": last.record["基础段"]["AcctCode"], "RptDate": last.as_of.isoformat()}
            else:
                account = gather(last.as_of, loan_ids=[objection.loan_id]).get(objection.loan_id)
                if account is None:
                    raise InputError(f"{last.as_of} 无账龄数据，无法更正", f"no ageing held for {last.as_of}: cannot correct")
                correction = {"event": "correction", "record": d1_record(account, last.as_of, event="correction")}
        objection.outcome, objection.answer, objection.answered_on = outcome, answer, clock.today()
        objection.answered_by = by if getattr(by, "pk", None) else None
        objection.correction = correction
        objection.save(update_fields=["outcome", "answer", "answered_on", "answered_by", "correction"])
    return objection


def overdue_objections(on: dt.date | None = None):
    """Objections still unanswered past their 20 days."""
    from arrears.credit.models import CreditObjection

    return CreditObjection.objects.filter(outcome="", answer_by__lt=on or clock.today())
