"""The demo's staff: every role signs in, the team works the open cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate

from arrears.access.roles import Role, roles_of
from arrears.cases.models import CollectionCase
from arrears.demo import ensure_demo_users
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db


def test_demo_users_hold_their_roles_and_the_team_gets_the_open_cases(settings, rf):
    # given an open case
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = CollectionCase.objects.create(loan=make_loan("D-1"), opened_on=dt.date(2026, 3, 1))
    # when
    logins = ensure_demo_users()
    # then
    assert {role for _name, _password, role in logins} == {"admin", "team_lead", "collector", "compliance_officer"}
    for name, password, role in logins:
        user = authenticate(rf.post("/login/"), username=name, password=password)
        assert user is not None and Role(role) in roles_of(user)
    case.refresh_from_db()
    assert case.team is not None and case.team.lead.username == "lead"
    assert sorted(case.team.members.values_list("username", flat=True)) == ["collector1", "collector2"]
    # and running it twice changes nothing
    assert ensure_demo_users() == logins
