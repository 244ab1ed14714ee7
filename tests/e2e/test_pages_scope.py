"""The portfolio and roll rates count only what the reader may see: a collector's and a team
lead's figures cover their own and their teams' cases; the whole book is for those who see every case."""

from __future__ import annotations

import pytest

from tests.e2e.test_pages import row, text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def people(django_user_model, settings, book):
    """Team A: lead la, collector ca; team B: collector cb. Cases: L-1001 ca's, L-1003 team A's, L-1005 cb's."""
    from django.contrib.auth.models import Group

    from arrears.access.models import Team
    from arrears.access.sync import sync_roles
    from arrears.cases.models import CollectionCase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()

    def person(name: str, role: str):
        user = django_user_model.objects.create_user(username=name, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))
        return user

    users = {
        "la": person("la", "team_lead"),
        "ca": person("ca", "collector"),
        "cb": person("cb", "collector"),
        "loner": person("loner", "collector"),
        "manager": person("manager", "strategy_manager"),
        "compliance": person("compliance", "compliance_officer"),
        "agency": person("agency", "agency_manager"),
    }
    team_a = Team.objects.create(name="华东一组", lead=users["la"])
    team_a.members.add(users["ca"])
    team_b = Team.objects.create(name="华南二组")
    team_b.members.add(users["cb"])
    CollectionCase.objects.filter(loan=book.loans["L-1001"]).update(team=team_a, assignee=users["ca"])
    CollectionCase.objects.create(loan=book.loans["L-1003"], opened_on="2026-04-20", team=team_a)
    CollectionCase.objects.create(loan=book.loans["L-1005"], opened_on="2026-04-10", team=team_b,
                                  assignee=users["cb"])
    return users


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_collector_sees_the_portfolio_of_their_own_and_their_teams_cases(client, people):
    response = signed_in(client, people["ca"]).get("/")
    assert response.status_code == 200
    assert row(response, "bucket-table", "合计")[:2] == ["合计", "2"]
    assert row(response, "bucket-table", "M2")[:2] == ["M2", "1"]
    assert row(response, "bucket-table", "M1")[:2] == ["M1", "1"]
    assert row(response, "bucket-table", "M0")[:2] == ["M0", "0"]
    assert row(response, "bucket-table", "合计")[3] == "¥13,000.00"  # L-1001 + L-1003, not the book's ¥30,500.00
    assert 'data-scope="own"' in text(response) and "华东一组" in text(response)


def test_a_collector_of_another_team_sees_only_that_teams_figures(client, people):
    response = signed_in(client, people["cb"]).get("/")
    assert row(response, "bucket-table", "合计")[:2] == ["合计", "1"]
    assert row(response, "bucket-table", "M1")[:2] == ["M1", "1"]
    assert "华东一组" not in text(response)


def test_a_team_lead_sees_the_figures_of_the_team_they_lead(client, people):
    response = signed_in(client, people["la"]).get("/")
    assert row(response, "bucket-table", "合计")[:2] == ["合计", "2"]
    assert row(response, "status-table", "delinquent")[1] == "2"


def test_a_collector_without_cases_sees_zero_and_is_told_why(client, people):
    response = signed_in(client, people["loner"]).get("/")
    assert response.status_code == 200
    assert row(response, "bucket-table", "合计")[:2] == ["合计", "0"]
    assert "本页数字仅覆盖分配给您的案件" in text(response)


@pytest.mark.parametrize("who", ["manager", "compliance"])
def test_those_who_see_every_case_see_the_whole_book(client, people, who):
    response = signed_in(client, people[who]).get("/")
    assert row(response, "bucket-table", "合计")[:2] == ["合计", "6"]
    assert 'data-scope="book"' in text(response)


def test_the_whole_books_cached_figures_never_reach_a_collector(client, people):
    # the manager's read fills the per-run cache with the whole book
    assert row(signed_in(client, people["manager"]).get("/"), "bucket-table", "合计")[1] == "6"
    response = signed_in(client, people["ca"]).get("/")
    assert row(response, "bucket-table", "合计")[1] == "2"


def test_a_case_handed_to_another_team_leaves_the_old_teams_figures_at_once(client, people, book):
    from arrears.access.models import Team
    from arrears.cases.models import CollectionCase

    assert row(signed_in(client, people["cb"]).get("/"), "bucket-table", "合计")[1] == "1"
    CollectionCase.objects.filter(loan=book.loans["L-1003"]).update(team=Team.objects.get(name="华南二组"))
    assert row(client.get("/"), "bucket-table", "合计")[1] == "2"
    assert row(signed_in(client, people["ca"]).get("/"), "bucket-table", "合计")[1] == "1"


def test_a_collectors_roll_rates_count_their_cases_only(client, people):
    response = signed_in(client, people["ca"]).get("/roll-rates/")
    assert response.status_code == 200
    # L-1003 was M0 and is M1; L-1001 was M1 and is M2
    assert row(response, "roll-summary", "M0")[:3] == ["M0", "1", "100.0%"]
    assert row(response, "roll-summary", "M1")[:3] == ["M1", "1", "100.0%"]
    assert 'data-scope="own"' in text(response)


def test_the_whole_books_roll_rates_for_a_strategy_manager(client, people):
    response = signed_in(client, people["manager"]).get("/roll-rates/")
    assert row(response, "roll-summary", "M1")[:2] == ["M1", "4"]
    assert 'data-scope="book"' in text(response)


def test_a_collector_with_no_case_has_no_roll_rates(client, people):
    response = signed_in(client, people["loner"]).get("/roll-rates/")
    assert response.status_code == 200
    assert 'id="not-enough-history"' in text(response)


@pytest.mark.parametrize("path", ["/", "/roll-rates/"])
def test_agency_users_see_neither_page(client, people, path):
    assert signed_in(client, people["agency"]).get(path).status_code == 403


def test_the_scope_is_said_in_english(client, people):
    client = signed_in(client, people["ca"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = text(client.get("/"))
    assert "Figures over your cases and your teams" in body and "not the whole book" in body
