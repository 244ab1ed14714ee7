"""Passing over an account the guard will not let the collector contact now.

    passed = pass_over(user, case_id=7, version=3, channel="call", contact_point_id=11)

The queue hands a collector the next case not yet worked today. A case whose contact the guard
blocks (the number opted out of calls, a hold placed since the night, no valid number, outside the
hours) would come back again and again; passing over it keeps the guard's refusal as a blocked
attempt (never a contact: it has no `attempted_at`, so no limit counts it) and takes the case out of
the collector's queue until tomorrow. A contact the guard allows cannot be passed over: it is made
and its outcome recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from arrears import clock
from arrears.access.scope import Action, require
from arrears.cases.editing import edit_case
from arrears.errors import InputError
from arrears.workbench.recording import borrowers_point, verdict_fields


@dataclass(frozen=True, slots=True)
class PassedOver:
    attempt_id: int
    version: int
    rule_ids: tuple[str, ...]


def pass_over(user, *, case_id: int, version: int, channel: str = "call", contact_point_id: int | None = None,
              now: dt.datetime | None = None) -> PassedOver:
    from arrears.cases.models import CollectionCase
    from arrears.contact.models import ContactAttempt
    from arrears.guard import check_now
    from arrears.workbench.models import ContactRecord

    now = now or clock.now()
    case = CollectionCase.objects.select_related("loan").filter(pk=case_id, closed_on__isnull=True).first()
    if case is None:
        raise InputError(f"没有编号为 {case_id} 的未结案件", f"No open case with id {case_id}")
    require(user, Action.RECORD_CONTACT, case)
    point = borrowers_point(case, contact_point_id)
    decision = check_now(loan_id=case.loan_id, channel=channel, contact_point_id=contact_point_id, at=now, collector_id=user.pk)
    if decision.allowed:
        raise InputError(
            "此时可以联系该借款人：请联系并记录结果，不能跳过",
            "The guard allows this contact now: make it and record its outcome rather than passing over",
        )
    with transaction.atomic():
        version = edit_case(case_id=case.pk, version=version, last_worked_at=now, lease_until=None, leased_by=None)
        attempt = ContactAttempt.objects.create(
            idempotency_key=f"workbench:passed:{uuid.uuid4()}",
            loan=case.loan,
            contact_point=point,
            channel=channel,
            state=ContactAttempt.State.BLOCKED,
            planned_for=now,
            as_of=timezone.localdate(now),
            segment=case.segment,
            rule="workbench",
            **verdict_fields(decision),
        )
        ContactRecord.objects.create(attempt=attempt, case=case, recorded_by=user, recorded_at=now)
        from arrears.audit.events import contact_blocked

        contact_blocked(attempt, by=user)
    return PassedOver(attempt_id=attempt.pk, version=version, rule_ids=decision.rule_ids)
