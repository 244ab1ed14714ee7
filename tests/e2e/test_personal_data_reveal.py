"""Contact values in clear only for the roles that need them, each reveal logged; list pages that show
personal data log one entry per page view naming the accounts listed."""

from __future__ import annotations

import json

import pytest

from arrears.audit.models import AuditEntry
from arrears.ledger.models import ContactPoint
from tests.e2e.workbench_world import signed_in, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobile(world):
    return ContactPoint.objects.filter(borrower=world.book.borrowers["B-0001"], kind="mobile", owner="borrower").first()


def entries(kind: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=kind).order_by("seq"))


def reveal_url(world, point, loan="L-1001") -> str:
    return f"/workbench/loans/{world.book.loans[loan].pk}/contacts/{point.pk}/reveal/"


def test_a_team_lead_reveals_a_number_on_the_account_page_and_the_reveal_is_logged(client, world, mobile):
    signed_in(client, world.users["lead1"])
    page = client.get(f"/accounts/{world.book.loans['L-1001'].external_id}/").content.decode()
    assert mobile.value not in page and reveal_url(world, mobile) in page  # masked, with the way to reveal it
    answer = client.post(reveal_url(world, mobile))
    assert answer.status_code == 200
    assert f'data-revealed="{mobile.pk}">{mobile.value}<' in answer.content.decode()
    [entry] = entries("read.reveal")
    detail = json.loads(entry.detail)
    assert entry.subject == f"loan:{world.book.loans['L-1001'].pk}" and entry.actor.endswith(":lead1")
    assert detail == {"contact_point": mobile.pk, "kind": "mobile", "via": "web"}
    assert mobile.value not in entry.detail


def test_the_api_reveals_to_a_compliance_officer_and_logs_it(client, world, mobile):
    signed_in(client, world.users["comp1"])
    answer = client.post(f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/contacts/{mobile.pk}/reveal")
    assert answer.status_code == 200 and answer.json() == {"id": mobile.pk, "kind": "mobile", "value": mobile.value}
    assert json.loads(entries("read.reveal")[0].detail)["via"] == "api"


def test_a_collector_may_not_reveal_and_another_teams_account_answers_as_missing(client, world, mobile):
    signed_in(client, world.users["col1"])
    page = client.get(f"/accounts/{world.book.loans['L-1001'].external_id}/").content.decode()
    assert mobile.value not in page and reveal_url(world, mobile) not in page
    assert client.post(reveal_url(world, mobile)).status_code == 403
    api = f"/api/workbench/accounts/{world.book.loans['L-1001'].pk}/contacts/{mobile.pk}/reveal"
    assert client.post(api).status_code == 403
    signed_in(client, world.users["col3"])  # team West: L-1001 is not theirs
    assert client.post(reveal_url(world, mobile)).status_code == 404
    # a point of another borrower, named under a loan one may reveal on, is missing too
    signed_in(client, world.users["lead1"])
    from arrears.ledger.models import Borrower

    stranger = ContactPoint.objects.create(borrower=Borrower.objects.exclude(pk=mobile.borrower_id).first(),
                                           kind="mobile", value="13700000000")
    assert client.post(reveal_url(world, stranger)).status_code == 404
    assert entries("read.reveal") == []


def test_the_queue_and_search_log_one_entry_per_page_view_naming_the_accounts(client, world):
    signed_in(client, world.users["lead1"])
    assert client.get("/workbench/").status_code == 200
    [queue] = entries("read.list")
    assert queue.subject == "list:queue"
    listed = set(json.loads(queue.detail)["loans"])
    assert {world.book.loans[loan].pk for loan in ("L-1001", "L-1005", "L-1003")} <= listed
    assert world.book.loans["L-1006"].pk not in listed
    assert client.get("/accounts/", {"q": world.book.loans["L-1001"].external_id}).status_code == 200
    search = entries("read.list")[-1]
    assert search.subject == "list:search"
    assert json.loads(search.detail) == {"loans": [world.book.loans["L-1001"].pk], "via": "web"}
    assert client.get("/api/workbench/queue").status_code == 200
    assert [e.subject for e in entries("read.list")] == ["list:queue", "list:search", "list:queue"]
