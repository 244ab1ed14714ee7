"""The work queue and "next account", through the pages and the JSON API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arrears.cases.models import CollectionCase
from arrears.promises.models import Promise
from arrears.workbench.queue import BROKEN_PROMISE_PRIORITY, ensure_fresh, next_account
from tests.e2e.test_pages import tables
from tests.e2e.workbench_world import signed_in, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def queue_loans(response) -> list[str]:
    return [key for key, cells in tables(response)["queue-table"] if key]


def test_the_queue_lists_the_in_house_cases_by_priority_then_expected_value(client, world):
    # given a collector of team East
    signed_in(client, world.users["col1"])
    # when
    response = client.get("/workbench/")
    # then
    assert response.status_code == 200
    assert queue_loans(response) == ["L-1001", "L-1005", "L-1003"]


def test_a_collector_of_another_team_sees_only_theirs(client, world):
    signed_in(client, world.users["col3"])
    response = client.get("/workbench/")
    assert queue_loans(response) == []  # L-1006 is the agency pool's, not the in-house queue's


def test_administrators_and_compliance_see_the_whole_queue_agency_users_nothing(client, world, django_user_model):
    signed_in(client, world.users["comp1"])
    assert queue_loans(client.get("/workbench/")) == ["L-1001", "L-1005", "L-1003"]
    signed_in(client, world.users["agent1"])
    assert client.get("/workbench/").status_code == 403
    assert client.get("/api/workbench/queue").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bucket=M2", ["L-1001"]),
        ("bucket=M1", ["L-1005", "L-1003"]),
        ("dpd_min=20&dpd_max=30", ["L-1005"]),
        ("segment=internal_collection", ["L-1005", "L-1003"]),
        ("assignee=unassigned", ["L-1001", "L-1005", "L-1003"]),
        ("assignee=me", []),
        ("promise_state=broken", []),
    ],
)
def test_the_queue_filters(client, world, query, expected):
    signed_in(client, world.users["col1"])
    assert queue_loans(client.get(f"/workbench/?{query}")) == expected


@pytest.mark.parametrize("query", ["dpd_min=abc", "dpd_min=30&dpd_max=10", "bucket=M99", "assignee=;drop", "dpd_min=-1"])
def test_bad_filters_answer_400_with_the_field_in_both_languages(client, world, query):
    signed_in(client, world.users["col1"])
    page = client.get(f"/workbench/?{query}")
    assert page.status_code == 400
    assert 'class="errorlist' in page.content.decode()
    api = client.get(f"/api/workbench/queue?{query}")
    assert api.status_code == 400
    errors = api.json()["errors"]
    assert errors and all(message["zh"] and message["en"] for field in errors.values() for message in field)


def test_next_account_hands_two_collectors_different_accounts(client, world):
    # when col1 then col2 ask for the next account
    first = next_account(world.users["col1"])
    second = next_account(world.users["col2"])
    # then each gets a different one, the first the top of the queue
    assert first.loan.external_id == "L-1001"
    assert second.loan.external_id == "L-1005"
    assert first.leased_by_id == world.users["col1"].pk and first.assignee_id == world.users["col1"].pk


def test_next_again_moves_on_and_releases_the_previous_lease(client, world):
    first = next_account(world.users["col1"])
    second = next_account(world.users["col1"])
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.leased_by_id is None
    # and the released case is there for a colleague, assigned to col1 now, so not claimable by col2
    third = next_account(world.users["col2"])
    assert third.loan.external_id == "L-1003"


def test_an_expired_lease_frees_the_case(client, world):
    first = next_account(world.users["col1"])
    CollectionCase.objects.filter(pk=first.pk).update(assignee=None)
    later = timezone.now() + dt.timedelta(minutes=11)
    assert next_account(world.users["col2"], now=later).pk == first.pk


def test_the_next_account_button_opens_the_account_page(client, world):
    signed_in(client, world.users["col1"])
    response = client.post("/workbench/next/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/L-1001/#record-contact"
    page = client.get("/workbench/")
    assert 'accesskey="n"' in page.content.decode()


def test_next_account_with_an_empty_queue_says_so(client, world):
    signed_in(client, world.users["col3"])
    response = client.post("/workbench/next/", follow=True)
    assert response.status_code == 200
    assert "messages" in response.content.decode()
    assert client.post("/api/workbench/next").status_code == 404


def test_read_only_roles_may_not_take_accounts(client, world):
    signed_in(client, world.users["comp1"])
    assert client.post("/workbench/next/").status_code == 403
    assert client.post("/api/workbench/next").status_code == 403


def test_the_queue_api_lists_the_same_order_with_the_priority_columns(client, world):
    signed_in(client, world.users["lead1"])
    body = client.get("/api/workbench/queue").json()
    assert body["total"] == 3
    assert [c["loan"] for c in body["cases"]] == ["L-1001", "L-1005", "L-1003"]
    assert [c["priority"] for c in body["cases"]] == [40, 30, 30]
    assert body["cases"][1]["expected_value"] == 88_000


def test_a_broken_promise_returns_the_case_to_the_queue_first(client, world):
    # given L-1006 is the agency pool's, with a promise that broke on 2026-04-30
    loan = world.book.loans["L-1006"]
    Promise.objects.create(
        loan=loan, case=world.cases["L-1006"], amount=50_000, promised_on=dt.date(2026, 4, 20),
        due_date=dt.date(2026, 4, 28), made_by=world.users["col3"], state="broken", judged_on=dt.date(2026, 4, 30),
    )
    # when the queue is refreshed
    assert ensure_fresh()
    # then the case is back in the in-house queue, above every segment, with its promise history
    signed_in(client, world.users["col3"])
    assert queue_loans(client.get("/workbench/")) == ["L-1006"]
    case = CollectionCase.objects.get(pk=world.cases["L-1006"].pk)
    assert case.priority == 50 + BROKEN_PROMISE_PRIORITY and case.in_queue and case.promise_state == "broken"
    assert queue_loans(client.get("/workbench/?promise_state=broken")) == ["L-1006"]
    page = client.get("/accounts/L-1006/")
    assert "promise-table" in page.content.decode()
