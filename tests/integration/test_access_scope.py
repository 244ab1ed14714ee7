"""Roles × objects × actions: each role sees and does exactly what it may, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from arrears.access.models import Team
from arrears.access.roles import Role
from arrears.access.scope import Action, can, cases_visible_to, loans_visible_to, sees_unmasked_contacts
from arrears.access.sync import arrears_permissions, sync_roles
from arrears.cases.models import CollectionCase
from arrears.ledger.models import Borrower, Loan, Product

pytestmark = pytest.mark.django_db

OBJECTS = ("mine", "my_team", "other_team", "no_team")
ACTIONS = tuple(Action)

# who: (role, team membership); the user "collector" is the assignee of the case "mine"
USERS = {
    "admin": (Role.ADMIN, None),
    "strategy_manager": (Role.STRATEGY_MANAGER, None),
    "compliance_officer": (Role.COMPLIANCE_OFFICER, None),
    "team_lead": (Role.TEAM_LEAD, "lead"),
    "collector": (Role.COLLECTOR, "member"),
    "other_collector": (Role.COLLECTOR, "other"),
    "agency_manager": (Role.AGENCY_MANAGER, None),
    "agency_collector": (Role.AGENCY_COLLECTOR, None),
    "field_collector": (Role.FIELD_COLLECTOR, None),
    "no_role": (None, None),
}

EVERYTHING = {(obj, action) for obj in OBJECTS for action in ACTIONS}
SEE_ALL = {(obj, Action.VIEW) for obj in OBJECTS}
WORK = (Action.VIEW, Action.RECORD_CONTACT, Action.EDIT, Action.CLAIM)

ALLOWED: dict[str, set[tuple[str, Action]]] = {
    "admin": EVERYTHING,
    "strategy_manager": SEE_ALL,
    "compliance_officer": SEE_ALL,
    "team_lead": {(obj, action) for obj in ("mine", "my_team") for action in ACTIONS},
    "collector": {(obj, action) for obj in ("mine", "my_team") for action in WORK},
    "other_collector": {("other_team", action) for action in WORK},
    "agency_manager": set(),
    "agency_collector": set(),
    "field_collector": set(),
    "no_role": set(),
}


@pytest.fixture
def world(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()
    users = {}
    for name, (role, _membership) in USERS.items():
        user = django_user_model.objects.create_user(username=name, password="a-long-test-password-1")
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        users[name] = user
    team = Team.objects.create(name="Team East", lead=users["team_lead"])
    team.members.add(users["collector"])
    other = Team.objects.create(name="Team West")
    other.members.add(users["other_collector"])
    product = Product.objects.create(
        code="P1", name_zh="产品", name_en="Product", repayment_method="annuity", annual_rate_bp=1800
    )
    cases = {}
    for index, obj in enumerate(OBJECTS):
        borrower = Borrower.objects.create(
            external_id=f"B-{index}", name=f"借款人{index}", national_id_cipher="c", national_id_digest=f"d{index}",
            national_id_masked="1101********0000",
        )
        loan = Loan.objects.create(
            external_id=f"L-{obj}", borrower=borrower, product=product, principal=100_000, term_months=12,
            start_date=dt.date(2026, 1, 1),
        )
        cases[obj] = CollectionCase.objects.create(
            loan=loan,
            opened_on=dt.date(2026, 3, 1),
            team={"mine": team, "my_team": team, "other_team": other, "no_team": None}[obj],
            assignee=users["collector"] if obj == "mine" else None,
        )
    return users, cases


def _fresh(user):
    """The user as a new request would load it (no cached roles, teams or permissions)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("obj", OBJECTS)
@pytest.mark.parametrize("who", USERS)
def test_each_role_may_do_exactly_what_the_matrix_says(world, who, obj, action):
    # given
    users, cases = world
    user = _fresh(users[who])
    # when
    allowed = can(user, action, cases[obj])
    # then
    assert allowed == ((obj, action) in ALLOWED[who])


@pytest.mark.parametrize("who", USERS)
def test_the_case_list_a_role_sees_is_the_matrix_s_view_column(world, who):
    # given
    users, cases = world
    user = _fresh(users[who])
    # when
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    loans = set(loans_visible_to(user).values_list("external_id", flat=True))
    # then
    expected = {cases[obj].pk for obj in OBJECTS if (obj, Action.VIEW) in ALLOWED[who]}
    assert visible == expected
    assert loans == {cases[obj].loan.external_id for obj in OBJECTS if cases[obj].pk in expected}


@pytest.mark.parametrize("who", USERS)
def test_a_loan_is_judged_on_its_open_case(world, who):
    users, cases = world
    user = _fresh(users[who])
    for obj in OBJECTS:
        assert can(user, Action.RECORD_CONTACT, cases[obj].loan) == ((obj, Action.RECORD_CONTACT) in ALLOWED[who])


def test_an_inactive_user_may_do_nothing(world):
    # given
    users, cases = world
    users["admin"].is_active = False
    users["admin"].save()
    # then
    assert not can(_fresh(users["admin"]), Action.VIEW, cases["mine"])
    assert not cases_visible_to(_fresh(users["admin"])).exists()


def test_a_superuser_without_groups_is_an_administrator(world, django_user_model):
    _, cases = world
    root = django_user_model.objects.create_superuser(username="root", password="a-long-test-password-1")
    assert all(can(root, action, cases["no_team"]) for action in ACTIONS)


def test_only_compliance_and_administrators_see_contacts_unmasked(world):
    users, _ = world
    unmasked = {who for who, user in users.items() if sees_unmasked_contacts(_fresh(user))}
    assert unmasked == {"admin", "compliance_officer"}


def test_leaving_a_team_takes_its_cases_out_of_sight(world):
    # given
    users, cases = world
    Team.objects.get(name="Team East").members.remove(users["collector"])
    # when
    user = _fresh(users["collector"])
    # then: only the case assigned to them personally stays
    assert set(cases_visible_to(user)) == {cases["mine"]}


def test_the_roles_groups_hold_their_grants_after_migrate(world):
    # given the groups as migrate left them
    # then
    collector = Group.objects.get(name=Role.COLLECTOR.value)
    names = {f"{p.content_type.app_label}.{p.codename}" for p in collector.permissions.select_related("content_type")}
    assert {"workbench.work_queue", "contact.add_contactattempt", "promises.add_promise"} <= names
    assert "access.view_all_cases" not in names
    assert not Group.objects.get(name=Role.AGENCY_COLLECTOR.value).permissions.exists()
    admin = Group.objects.get(name=Role.ADMIN.value)
    assert set(admin.permissions.all()) == set(arrears_permissions())
    assert not admin.permissions.filter(content_type__app_label="auth").exists()


def test_syncing_twice_changes_nothing(world):
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    sync_roles()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_an_unknown_object_type_is_a_programming_error(world):
    users, _ = world
    with pytest.raises(TypeError):
        can(_fresh(users["admin"].__class__.objects.get(username="collector")), Action.VIEW, object())
