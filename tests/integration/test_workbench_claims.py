"""'Next account' under concurrency: collectors asking at the same moment never get the same case.

Runs on the suite's database: SQLite (claims serialised by BEGIN IMMEDIATE) and, in CI,
PostgreSQL (candidate rows locked with FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from arrears.access.models import Team
from arrears.access.sync import sync_roles
from arrears.cases.models import CollectionCase
from arrears.strategy.models import PlannedAction
from arrears.workbench.queue import ensure_fresh, next_account
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)

COLLECTORS = 6
CASES = 4  # fewer cases than collectors: two must come away empty-handed


@pytest.fixture
def team_at_work(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()
    team = Team.objects.create(name="T")
    users = []
    for index in range(COLLECTORS):
        user = django_user_model.objects.create_user(username=f"c{index}", password="a-long-test-password-1")
        user.groups.add(Group.objects.get(name="collector"))
        team.members.add(user)
        users.append(user)
    for index in range(CASES):
        loan = make_loan(f"Q-{index}")
        CollectionCase.objects.create(loan=loan, opened_on=dt.date(2026, 3, 1), team=team)
        PlannedAction.objects.create(
            as_of=dt.date(2026, 3, 2), loan=loan, strategy="default v1", segment="internal_collection",
            owner="internal_queue", arm="champion", rule="r", channel="call", template="t",
        )
    ensure_fresh()
    return users


def test_collectors_asking_at_once_get_different_cases(team_at_work):
    # given six collectors released at the same instant
    barrier = threading.Barrier(COLLECTORS)
    claimed: dict[str, int | None] = {}
    errors: list[BaseException] = []

    def ask(user):
        try:
            barrier.wait(timeout=30)
            case = next_account(user)
            claimed[user.username] = None if case is None else case.pk
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in team_at_work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then every case went to exactly one collector, and the rest were told the queue is empty
    assert errors == []
    taken = [pk for pk in claimed.values() if pk is not None]
    assert len(taken) == CASES and len(set(taken)) == CASES
    assert list(claimed.values()).count(None) == COLLECTORS - CASES
    leases = dict(CollectionCase.objects.values_list("pk", "leased_by__username"))
    assert all(leases[pk] == name for name, pk in claimed.items() if pk is not None)
