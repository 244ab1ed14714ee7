"""A small team at work on the page tests' book (tests/e2e/conftest.py).

    team East: lead "lead1", collectors "col1" and "col2"     team West: collector "col3"
    compliance officer "comp1", strategy manager "strat1", agency collector "agent1"

Open cases and the latest plan (2026-04-30):
    L-1001  DPD 45  inhouse_late_mild      internal queue, priority 40   team East
    L-1005  DPD 25  internal_collection    internal queue, priority 30   team East (overdue ¥880.00)
    L-1003  DPD 12  internal_collection    internal queue, priority 30   team East (overdue ¥550.00)
    L-1006  DPD 50  agency_placement       agency pool (not in the queue) team West
Queue order for team East: L-1001, L-1005, L-1003.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from arrears.access.models import Team
from arrears.access.sync import sync_roles
from arrears.cases.models import CollectionCase
from arrears.strategy.models import PlannedAction

from tests.e2e.conftest import END

PASSWORD = "a-long-test-password-1"
PLAN = {
    "L-1001": ("inhouse_late_mild", "internal_queue"),
    "L-1005": ("internal_collection", "internal_queue"),
    "L-1003": ("internal_collection", "internal_queue"),
    "L-1006": ("agency_placement", "agency_pool"),
}
PEOPLE = {
    "lead1": "team_lead",
    "col1": "collector",
    "col2": "collector",
    "col3": "collector",
    "comp1": "compliance_officer",
    "strat1": "strategy_manager",
    "agent1": "agency_collector",
}


@dataclass(frozen=True)
class World:
    book: object
    users: dict
    cases: dict
    east: Team
    west: Team


@pytest.fixture
def world(book, django_user_model, settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()
    users = {}
    for name, role in PEOPLE.items():
        users[name] = django_user_model.objects.create_user(username=name, password=PASSWORD)
        users[name].groups.add(Group.objects.get(name=role))
    east = Team.objects.create(name="East", lead=users["lead1"])
    east.members.add(users["col1"], users["col2"])
    west = Team.objects.create(name="West")
    west.members.add(users["col3"])
    cases = {}
    for external_id, (segment, owner) in PLAN.items():
        loan = book.loans[external_id]
        case = CollectionCase.objects.filter(loan=loan, closed_on__isnull=True).first() or CollectionCase.objects.create(
            loan=loan, opened_on=dt.date(2026, 4, 1)
        )
        case.team = west if external_id == "L-1006" else east
        case.save()
        cases[external_id] = case
        PlannedAction.objects.create(
            as_of=END, loan=loan, strategy="default v1", segment=segment, owner=owner, arm="champion",
            rule=f"{segment}.call", channel="call", template="call", allowed=True,
        )
    return World(book=book, users=users, cases=cases, east=east, west=west)


def signed_in(client, user):
    client.force_login(user)
    return client
