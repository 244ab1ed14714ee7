"""The queue read per index and merged gives exactly the visible cases, in working order, page by page."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.contrib.auth.models import Group

from arrears.access.models import Team
from arrears.access.sync import sync_roles
from arrears.cases.models import CollectionCase
from arrears.workbench.queue import QueueFilter, next_account, queue_ids
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db

CASES = 90


@pytest.fixture
def world(django_user_model, settings):
    """Three teams; `me` belongs to teams A and B and also holds cases of team C and cases of no team."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()

    def person(name, role):
        user = django_user_model.objects.create_user(username=name, password="a-long-test-password-1")
        user.groups.add(Group.objects.get(name=role))
        return user

    me, other, manager = person("me", "collector"), person("other", "collector"), person("m", "strategy_manager")
    teams = [Team.objects.create(name=name) for name in "ABC"]
    teams[0].members.add(me)
    teams[1].members.add(me)
    teams[2].members.add(other)
    chance = random.Random(20261202)
    for index in range(CASES):
        team = chance.choice([*teams, None])
        assignee = chance.choice([me, other, None])
        CollectionCase.objects.create(
            loan=make_loan(f"QO-{index}"), opened_on=dt.date(2026, 3, 1), team=team, assignee=assignee,
            in_queue=chance.random() < 0.8, closed_on=dt.date(2026, 3, 5) if chance.random() < 0.1 else None,
            priority=chance.choice([10, 20, 20, 30, 100]), expected_value=chance.choice([0, 500, 500, 90_000]),
            days_past_due=chance.randint(1, 5), bucket=chance.choice(["M1", "M2"]),
        )
    return {"me": me, "other": other, "manager": manager, "teams": teams}


def expected(cases, keep) -> list[int]:
    chosen = [c for c in cases if c.in_queue and c.closed_on is None and keep(c)]
    return [c.pk for c in sorted(chosen, key=lambda c: (-c.priority, -c.expected_value, -c.days_past_due, c.pk))]


def test_a_collector_sees_their_teams_and_own_cases_in_working_order(world):
    mine = {world["teams"][0].pk, world["teams"][1].pk}
    want = expected(CollectionCase.objects.all(), lambda c: c.team_id in mine or c.assignee_id == world["me"].pk)
    ids = queue_ids(world["me"])
    assert ids.count() == len(want) and len(want) > 20
    assert ids[0 : len(want)] == want
    for start in range(0, len(want), 7):  # every page of 7 agrees with the whole order
        assert ids[start : start + 7] == want[start : start + 7]
    assert ids[len(want) : len(want) + 5] == []


def test_filters_narrow_every_part_alike(world):
    mine = {world["teams"][0].pk, world["teams"][1].pk}
    want = expected(CollectionCase.objects.all(), lambda c: (c.team_id in mine or c.assignee_id == world["me"].pk)
                    and c.bucket == "M2" and c.assignee_id is None)
    ids = queue_ids(world["me"], QueueFilter(buckets=("M2",), assignee="unassigned"))
    assert ids[0:100] == want and ids.count() == len(want)


def test_those_who_see_every_case_get_the_whole_queue(world):
    want = expected(CollectionCase.objects.all(), lambda c: True)
    assert queue_ids(world["manager"])[0:1000] == want


def test_next_account_takes_the_first_claimable_case_in_working_order(world):
    me = world["me"]
    mine = {world["teams"][0].pk, world["teams"][1].pk}
    want = expected(CollectionCase.objects.all(),
                    lambda c: c.assignee_id == me.pk or (c.assignee_id is None and c.team_id in mine))
    taken = [next_account(me, now=dt.datetime(2026, 3, 6, 2, 0, tzinfo=dt.UTC)) for _ in range(3)]
    # each call takes the best case not leased to me already (the earlier lease is given back)
    assert [case.pk for case in taken[:2]] == want[:2]
