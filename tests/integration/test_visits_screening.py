"""`arrears visits screen --as-of DATE`: the plan's visit reviews become visits awaiting approval,
set-based and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.cli import main
from arrears.contact.models import ContactAttempt
from arrears.cycle.models import AccountState
from arrears.cycle.service import run_cycle
from arrears.ledger.models import ContactPoint
from arrears.strategy.document import default_strategy
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from arrears.visits.models import Visit, VisitEvent
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 4, 29)  # 60 days after the first instalment fell due on 2026-02-28


def long_overdue_and_unreachable(external_id: str, *, address_verified: bool):
    """¥120,000 borrowed, nothing paid; one refusal, then three unanswered calls."""
    loan = make_loan(external_id, principal=12_000_000)
    ContactPoint.objects.create(borrower=loan.borrower, kind="address", value=f"北京市朝阳区 {external_id}", verified=address_verified)
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value=f"1350000{loan.pk:04d}", verified=True)
    calls = [("refusal", 1), ("no_answer", 10), ("no_answer", 11), ("no_answer", 12)]
    for n, (outcome, day) in enumerate(calls):
        ContactAttempt.objects.create(
            idempotency_key=f"{external_id}-{n}", loan=loan, contact_point=mobile, channel="call", state="done",
            outcome=outcome, attempted_at=dt.datetime(2026, 4, day, 3, tzinfo=dt.UTC),
        )
    return loan


def test_screening_turns_the_plans_visit_reviews_into_visits_once(capsys):
    # given two long-overdue accounts with failed contact, one with a verified address
    screened = long_overdue_and_unreachable("L-VISIT", address_verified=True)
    unverified = long_overdue_and_unreachable("L-NOADDR", address_verified=False)
    run_cycle(AS_OF)
    assert AccountState.objects.get(loan=screened).days_past_due == 60
    run_plan(AS_OF)
    assert PlannedAction.objects.filter(as_of=AS_OF, channel="visit_request").count() == 1
    # when the day's visit reviews are screened, through the command
    assert main(["visits", "screen", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    # then only the account the strategy picked awaits approval, with the facts the lender decides on
    visit = Visit.objects.get()
    assert visit.loan == screened and visit.state == "screened" and visit.days_past_due == 60
    assert visit.overdue_amount == AccountState.objects.get(loan=screened).overdue_principal + AccountState.objects.get(loan=screened).overdue_interest + AccountState.objects.get(loan=screened).fee_outstanding + AccountState.objects.get(loan=screened).penalty_outstanding
    assert visit.address.kind == "address" and visit.address.verified
    assert visit.rule.startswith(f"default/v{default_strategy().version}/visit_review")
    assert not Visit.objects.filter(loan=unverified).exists()
    assert "1" in out and "visits created" in out
    # and screening again, or the plan re-run, adds nothing
    assert main(["visits", "screen", "--as-of", AS_OF.isoformat()]) == 0
    run_plan(AS_OF)
    assert main(["visits", "screen", "--as-of", AS_OF.isoformat()]) == 0
    assert Visit.objects.count() == 1 and VisitEvent.objects.filter(kind="screened").count() == 1


def test_screening_a_bad_date_is_refused_in_both_languages(capsys):
    with pytest.raises(SystemExit):
        main(["visits", "screen", "--as-of", "2026-02-30"])
    err = capsys.readouterr().err
    assert "日期格式" in err and "YYYY-MM-DD" in err
