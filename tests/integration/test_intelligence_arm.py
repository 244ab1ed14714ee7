"""The optimised arm on a real database: the night's choice of calls, the guard's blocks, the queue's order.

The hand-made book of test_intelligence_model (240 accounts in arrears, a third paying on a rhythm).
A promoted model whose ability head has learnt that the rhythmic payers pay when reached and whose
willingness head that nobody pays on a reminder alone: a call is worth most on the payers. The
champion's queue (overdue amount × score) puts the others first; the optimised arm must put the
payers first, never choose a call the guard blocked, and stay within the team's calls of the day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from arrears.cases.models import CollectionCase
from arrears.contact.models import ContactAttempt
from arrears.intelligence.arm import optimise_day, rank_queue
from arrears.intelligence.models import DailyChoice, TrainedModel
from arrears.ledger.models import Loan
from arrears.strategy.models import PlannedAction
from arrears.strategy.versions import store_version
from tests.integration.test_intelligence_model import AS_OF, LOANS, make_book

pytestmark = pytest.mark.django_db(transaction=True)

STRATEGY = """
name: arm_test
version: 1
segments:
  - id: inhouse
    label_zh: 内催
    label_en: In-house
    when: dpd >= 1
    owner: internal_queue
    priority: 10
    cadence:
      - {channel: call, template: c, every: 1, from_dpd: 1}
    challenger:
      name: optimised
      share: 100
      ranking: optimised
      cadence:
        - {channel: call, template: c, every: 1, from_dpd: 1}
"""
BLOCKED = 12  # the first accounts' calls are blocked by the guard tonight
CALLS_MADE = 30


def payer(loan: Loan) -> bool:
    return int(loan.external_id[1:]) % 3 == 0


def promoted_model() -> TrainedModel:
    from arrears.bulk import BulkConnection
    from arrears.intelligence.features import compute, load_sources
    from arrears.intelligence.training import Encoder, fit_booster

    with BulkConnection.for_django() as db:
        sources = load_sources(db, first=AS_OF, last=AS_OF)
    table = compute(sources, [AS_OF])
    encoder = Encoder.fit(table)
    x = encoder.matrix(table)
    payers = {loan.pk for loan in Loan.objects.all() if payer(loan)}
    y_ability = np.array([loan in payers for loan in table.column("loan_id").to_pylist()], dtype=int)
    y_willingness = np.zeros(len(y_ability), dtype=int)
    y_willingness[::25] = 1
    boosters = {head: fit_booster(x, y, seed=1).model_to_string()
                for head, y in (("single", y_ability), ("ability", y_ability), ("willingness", y_willingness))}
    return TrainedModel.objects.create(version=1, as_of=AS_OF, horizon_days=30, share_pct=50, state="promoted",
                                       card={"categories": encoder.categories}, boosters=boosters)


def plan_the_night() -> list[Loan]:
    loans = list(Loan.objects.order_by("pk"))
    PlannedAction.objects.bulk_create(
        PlannedAction(as_of=AS_OF, loan=loan, strategy="arm_test", segment="inhouse", owner="internal_queue",
                      arm="challenger", rule="arm_test/v1/inhouse/challenger/1", channel="call", template="c",
                      allowed=index >= BLOCKED, blocked_by="" if index >= BLOCKED else "quiet_hours")
        for index, loan in enumerate(loans))
    ContactAttempt.objects.bulk_create(
        ContactAttempt(idempotency_key=f"made-{n}", loan=loans[n], channel="call", state="done", outcome="no_answer",
                       as_of=AS_OF, attempted_at=dt.datetime(2026, 5, 30, 3, tzinfo=dt.UTC)) for n in range(CALLS_MADE))
    return loans


def test_the_arm_calls_whom_the_model_says_within_the_guard_and_the_capacity():
    make_book()
    model = promoted_model()
    store_version(STRATEGY, AS_OF - dt.timedelta(days=5))
    loans = plan_the_night()

    day = optimise_day(AS_OF)
    assert day.accounts == LOANS and day.capacity == CALLS_MADE
    choices = {c.loan_id: c for c in DailyChoice.objects.filter(as_of=AS_OF)}
    chosen = [loan for loan in loans if choices[loan.pk].action == "call"]
    assert len(chosen) == day.chosen <= CALLS_MADE and chosen
    # the guard rules: a blocked call is never chosen
    assert not {loan.pk for loan in loans[:BLOCKED]} & {loan.pk for loan in chosen}
    # the chosen are the callable accounts worth most, and a call is worth most on the payers
    callable_values = sorted((choices[loan.pk].call_value for loan in loans[BLOCKED:]), reverse=True)
    assert min(choices[loan.pk].call_value for loan in chosen) >= callable_values[len(chosen) - 1]
    assert all(choices[loan.pk].call_value > 0 for loan in chosen)
    assert sum(payer(loan) for loan in chosen) / len(chosen) > 0.9
    assert all(0 <= c.reach <= 1 and c.model_version == model.version for c in choices.values())

    # running the night again gives the same choices (idempotent)
    optimise_day(AS_OF)
    assert {c.loan_id: c.action for c in DailyChoice.objects.filter(as_of=AS_OF)} == \
        {k: v.action for k, v in choices.items()}

    # the champion's queue: the non-payers first (their value is higher); the arm reorders its cases
    for index, loan in enumerate(loans):
        CollectionCase.objects.create(loan=loan, opened_on=AS_OF, in_queue=True, priority=10,
                                      expected_value=(5_000 if not payer(loan) else 1_000) + index,
                                      days_past_due=30, bucket="M2")
    champion_order = list(CollectionCase.objects.order_by("-priority", "-expected_value", "pk")
                          .values_list("loan_id", flat=True))
    values_before = sorted(CollectionCase.objects.values_list("expected_value", flat=True))
    with connection.cursor() as cursor:
        rank_queue(cursor, CollectionCase._meta.db_table, AS_OF)
    optimised_order = list(CollectionCase.objects.order_by("-priority", "-expected_value", "pk")
                           .values_list("loan_id", flat=True))
    assert sorted(CollectionCase.objects.values_list("expected_value", flat=True)) == values_before  # same values
    top = len(chosen)
    assert set(optimised_order[:top]) == {loan.pk for loan in chosen}
    by_pk = {loan.pk: loan for loan in loans}
    assert sum(payer(by_pk[pk]) for pk in champion_order[:top]) == 0
    assert sum(payer(by_pk[pk]) for pk in optimised_order[:top]) > 0.9 * top
    # after the chosen, by the marginal value of a call
    rest = [choices[pk].call_value for pk in optimised_order[top:]]
    assert rest == sorted(rest, reverse=True)


def test_without_a_model_with_both_heads_the_arm_is_ranked_as_the_champion():
    make_book()
    store_version(STRATEGY, AS_OF - dt.timedelta(days=5))
    plan_the_night()
    day = optimise_day(AS_OF)
    assert "no promoted model" in day.summary()["optimised_skipped"]
    assert not DailyChoice.objects.exists()
