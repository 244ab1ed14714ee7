"""After the nightly cycle: which plans were kept, which broke; broken plans revert.

Judged set-based on the states the cycle has just written, one query for the whole book:
- an active instalment plan or deferral whose account is now closed was **kept**;
- one whose account is more than the product's `plan_break_days` past due **broke** on `as_of`.
  It reverts from the next day: its segment is no longer in force, so the loan is aged again as
  if the plan had never been made (ledger/rescheduling.py). Where the product says so
  (`plan_break_reverses_waivers`), the waivers still standing on the loan are withdrawn too (they
  were part of the same forbearance): each gets a reversal value-dated the reversion day.

Every step is a PlanEvent with no actor (the cycle took it) and the business date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from arrears.ledger.models import Payment, Reschedule
from arrears.plans.models import Plan, PlanEvent
from arrears.plans.services import WAIVER_CHANNEL

VERDICTS_SQL = """
SELECT p.id AS plan_id,
       CASE WHEN s.status = 'closed' THEN 'kept' ELSE 'broken' END AS verdict
FROM plans_plan p
JOIN ledger_reschedule r ON r.id = p.reschedule_id
JOIN cycle_accountstate s ON s.loan_id = p.loan_id
JOIN ledger_loan l ON l.id = p.loan_id
JOIN ledger_product pr ON pr.id = l.product_id
WHERE p.status = 'active' AND p.kind <> 'waiver' AND r.start_date <= %s AND s.as_of = %s
  AND (s.status = 'closed' OR s.days_past_due > pr.plan_break_days)
ORDER BY p.id
"""


@dataclass(frozen=True)
class PlanVerdicts:
    kept: tuple[int, ...]
    reverted: tuple[int, ...]
    waivers_reversed: tuple[int, ...]


def judge_plans(as_of: dt.date) -> PlanVerdicts:
    """Mark plans kept or broken from the states of `as_of`; revert the broken from the next day."""
    with connection.cursor() as cursor:
        cursor.execute(VERDICTS_SQL, [as_of, as_of])
        verdicts = cursor.fetchall()
    kept = [plan_id for plan_id, verdict in verdicts if verdict == "kept"]
    broken = [plan_id for plan_id, verdict in verdicts if verdict == "broken"]
    reversion_day = as_of + dt.timedelta(days=1)
    with transaction.atomic():
        Plan.objects.filter(pk__in=kept, status=Plan.Status.ACTIVE).update(status=Plan.Status.KEPT)
        events = [PlanEvent(plan_id=plan_id, kind=PlanEvent.Kind.KEPT, business_date=as_of) for plan_id in kept]
        broken_plans = list(Plan.objects.filter(pk__in=broken, status=Plan.Status.ACTIVE).select_related("loan__product"))
        Reschedule.objects.filter(plan__in=broken_plans).update(reverted_from=reversion_day)
        Plan.objects.filter(pk__in=[p.pk for p in broken_plans]).update(status=Plan.Status.REVERTED, broken_on=as_of)
        for plan in broken_plans:
            events.append(PlanEvent(plan=plan, kind=PlanEvent.Kind.BROKEN, business_date=as_of))
            events.append(PlanEvent(plan=plan, kind=PlanEvent.Kind.REVERTED, business_date=reversion_day))
        waivers = _waivers_to_reverse(broken_plans)
        Payment.objects.bulk_create(
            Payment(
                reference=f"PLAN-{waiver.pk}-WAIVER-REVERSAL",
                loan_id=waiver.loan_id,
                amount=waiver.waiver_amount,
                value_date=max(reversion_day, waiver.start_date),
                channel=WAIVER_CHANNEL,
                reverses_id=waiver.waiver_payment_id,
            )
            for waiver in waivers
        )
        Plan.objects.filter(pk__in=[w.pk for w in waivers]).update(status=Plan.Status.REVERTED, broken_on=as_of)
        events.extend(
            PlanEvent(plan=waiver, kind=PlanEvent.Kind.REVERTED, business_date=reversion_day, note="plan broken")
            for waiver in waivers
        )
        PlanEvent.objects.bulk_create(events)
    return PlanVerdicts(tuple(kept), tuple(p.pk for p in broken_plans), tuple(w.pk for w in waivers))


def _waivers_to_reverse(broken: list[Plan]) -> list[Plan]:
    reversing = [plan for plan in broken if plan.loan.product.plan_break_reverses_waivers]
    if not reversing:
        return []
    return list(
        Plan.objects.filter(kind=Plan.Kind.WAIVER, status=Plan.Status.ACTIVE, loan_id__in=[p.loan_id for p in reversing])
    )
