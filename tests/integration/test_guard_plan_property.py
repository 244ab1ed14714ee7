"""No stored plan ever holds an allowed action that a rule forbids: every planned action, judged
again singly at its send time by `check_now`, gets the plan's own answer and the same rules."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from arrears.cases.models import AccountHold
from arrears.contact.models import ContactAttempt
from arrears.contact.optouts import opt_out
from arrears.cycle.service import run_cycle
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from arrears.strategy.guarding import CONTACT_KIND, GUARD_CHANNEL
from arrears.workday import contact_instant
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 3, 1)
HOLDS = ["cease_contact", "dispute_open", "complaint_review", "bankruptcy", "deceased", "legal_hold"]
OUTCOMES = ["no_answer", "right_party_contact", "wrong_number", "delivered", "undelivered", "refusal", ""]


def random_account(rng: random.Random, n: int) -> None:
    """One account with a random mix of what the guard looks at."""
    loan = make_loan(f"P-{n}")
    zone = rng.choice(["Asia/Shanghai", "Asia/Urumqi", "Asia/Shanghai"])
    loan.borrower.time_zone = zone
    loan.borrower.save(update_fields=["time_zone"])
    points = [
        ContactPoint.objects.create(
            borrower=loan.borrower, kind=kind, value=f"{kind}-{n}", verified=rng.random() < 0.8,
            consent=rng.random() < 0.9, do_not_contact=rng.random() < 0.15, valid=rng.random() < 0.9,
        )
        for kind in ("mobile", "email")
    ]
    if rng.random() < 0.25:
        AccountHold.objects.create(
            loan=loan, kind=rng.choice(HOLDS), since=timezone.now() - dt.timedelta(days=400),
            until=None if rng.random() < 0.7 else timezone.now() - dt.timedelta(days=200),
        )
    if rng.random() < 0.2:
        opt_out(contact_point_id=points[0].pk, channel=rng.choice(["sms", "app_push", "call"]), source="test",
                at=timezone.now() - dt.timedelta(days=300))
    send = contact_instant(AS_OF, zone)
    for k in range(rng.randint(0, 12)):
        ContactAttempt.objects.create(
            idempotency_key=f"P-{n}-{k}", loan=loan, contact_point=rng.choice(points),
            channel=rng.choice(["call", "sms", "app_push", "email"]), state="done",
            attempted_at=send - dt.timedelta(minutes=rng.randint(1, 30 * 24 * 60)),
            outcome=rng.choice(OUTCOMES), conversation=rng.random() < 0.2,
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_planned_action_is_what_the_single_check_decides(seed):
    # given forty accounts with random contact points, holds, opt-outs and 30 days of history
    rng = random.Random(seed)
    for n in range(40):
        random_account(rng, n)
    run_cycle(AS_OF)
    # when the day is planned
    run_plan(AS_OF)
    actions = list(PlannedAction.objects.filter(as_of=AS_OF).select_related("loan__borrower"))
    guarded = [a for a in actions if a.channel in GUARD_CHANNEL and a.channel in CONTACT_KIND]
    assert guarded and any(a.allowed for a in guarded) and any(not a.allowed for a in guarded)
    # then each one, judged singly at its send time, gets the same answer for the same rules
    for action in guarded:
        point = (
            ContactPoint.objects.filter(borrower=action.loan.borrower, owner="borrower", kind=CONTACT_KIND[action.channel], valid=True)
            .order_by("pk").first()
        )
        at = contact_instant(AS_OF, action.loan.borrower.time_zone)
        single = check_now(
            loan_id=action.loan_id, channel=GUARD_CHANNEL[action.channel],
            contact_point_id=None if point is None else point.pk, at=at,
        )
        assert (single.allowed, set(single.rule_ids)) == (action.allowed, set(filter(None, action.blocked_by.split(",")))), action
