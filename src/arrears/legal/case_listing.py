"""The legal cases a person may read, and what the pages and the API show of each.

Reading needs `legal.view_legalcase`; within it, the cases of the accounts the reader sees
(arrears.access.scope), as for legal reviews.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from arrears.legal.models import LegalCase
from arrears.legal.routes import ROUTES, stage_words


def may_read_cases(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("legal.view_legalcase"))


def visible_cases(user) -> QuerySet:
    from arrears.access.scope import loans_visible_to

    if not may_read_cases(user):
        return LegalCase.objects.none()
    return LegalCase.objects.filter(loan__in=loans_visible_to(user)).select_related("loan", "opened_by")


def stage_json(stage) -> dict:
    zh, en = stage_words(stage.stage)
    return {
        "stage": stage.stage, "stage_words": {"zh": zh, "en": en},
        "entered_on": stage.entered_on.isoformat(),
        "due_by": None if stage.due_by is None else stage.due_by.isoformat(),
        "documents": stage.documents, "case_number": stage.case_number, "forum": stage.forum,
        "fees_paid_fen": stage.fees_paid, "amount_awarded_fen": stage.amount_awarded,
        "costs_awarded_fen": stage.costs_awarded, "recovered_fen": stage.recovered,
        "costs_recovered_fen": stage.costs_recovered,
        "payment": None if stage.payment_id is None else stage.payment.reference, "note": stage.note,
        "recorded_by": None if stage.recorded_by is None else stage.recorded_by.get_username(),
    }


def case_json(case, *, with_stages: bool = False) -> dict:
    from arrears.legal.cases import totals

    route = ROUTES[case.route]
    zh, en = stage_words(case.stage)
    stages = list(case.stages.select_related("payment", "recorded_by"))
    current = stages[-1] if stages else None
    total = totals(case)
    answer = {
        "id": case.pk,
        "loan": case.loan.external_id, "currency": case.loan.currency,
        "account_url": reverse("account", args=[case.loan.external_id]),
        "route": case.route, "route_words": {"zh": route.zh, "en": route.en},
        "stage": case.stage, "stage_words": {"zh": zh, "en": en},
        "next_due_by": None if current is None or current.due_by is None else current.due_by.isoformat(),
        "state": case.state, "forum": case.forum, "case_number": case.case_number,
        "claim_amount_fen": case.claim_amount, "limitation_date": case.limitation_date.isoformat(),
        "opened_on": case.opened_on.isoformat(), "review": case.review_id,
        "fees_paid_fen": total.fees_paid, "amount_awarded_fen": total.amount_awarded,
        "costs_awarded_fen": total.costs_awarded, "recovered_fen": total.recovered,
        "costs_recovered_fen": total.costs_recovered,
        "costs_outstanding_fen": total.costs_awarded - total.costs_recovered,
    }
    if with_stages:
        answer["stages"] = [stage_json(stage) for stage in stages]
    return answer
