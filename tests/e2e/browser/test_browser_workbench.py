"""The collector's workbench in a real Chromium (issue 5, browser flows 2, 3 and 5): take the next
account, record a promise to pay, and see a blocked call with the rule that blocks it.

The book is the page tests' (tests/e2e/conftest.py: six loans, their states on 2026-04-30); the
latest plan puts three of them in the in-house queue, worked by team East. The data is written
through the ORM: the cycle's bulk writes go through a second SQLite library (ADBC), which must
not share a database file with the live server's thread in one process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from arrears.access.models import Team
from arrears.cases.models import CollectionCase
from arrears.ledger.models import ContactPoint
from arrears.strategy.models import PlannedAction
from tests.e2e.browser.conftest import log_in, make_user, path_of
from tests.e2e.conftest import END

pytestmark = pytest.mark.usefixtures("fast_passwords")
IN_QUEUE = {"L-1001": "inhouse_late_mild", "L-1005": "internal_collection", "L-1003": "internal_collection"}


@dataclass(frozen=True)
class Floor:
    team: Team
    do_not_call: ContactPoint


@pytest.fixture
def floor(book) -> Floor:
    """L-1001, L-1005 and L-1003 in the work queue of team East (lead1; collectors col1 and col2)."""
    lead = make_user("lead1", "team_lead")
    team = Team.objects.create(name="East", lead=lead)
    team.members.add(make_user("col1", "collector"), make_user("col2", "collector"))
    for external_id, segment in IN_QUEUE.items():
        loan = book.loans[external_id]
        case = CollectionCase.objects.filter(loan=loan, closed_on__isnull=True).first() or CollectionCase(
            loan=loan, opened_on=dt.date(2026, 4, 1)
        )
        case.team = team
        case.save()
        PlannedAction.objects.create(
            as_of=END, loan=loan, strategy="default v1", segment=segment, owner="internal_queue", arm="champion",
            rule=f"{segment}.call", channel="call", template="call", allowed=True,
        )
    # 张伟's mother's mobile: a third party's, marked do-not-contact
    do_not_call = ContactPoint.objects.get(borrower=book.borrowers["B-0001"], do_not_contact=True)
    return Floor(team=team, do_not_call=do_not_call)


def take_next_account(page) -> str:
    """Press "next account" on the work queue; the loan id of the account it opens."""
    page.goto("/workbench/")
    with page.expect_navigation():
        page.locator("#next-account").click()
    path = path_of(page)
    assert path.startswith("/accounts/"), path
    return path.split("/")[2]


def test_next_account_hands_two_collectors_two_different_accounts(floor, new_page):
    # given two collectors of the team, each at their own computer, on the work queue
    first, second = new_page(), new_page()
    log_in(first, "col1", next_path="/workbench/")
    log_in(second, "col2", next_path="/workbench/")
    assert first.locator("#queue-table tbody tr").count() == 3
    # when each presses "next account"
    taken_by_first = take_next_account(first)
    taken_by_second = take_next_account(second)
    # then each lands on an account of the queue, ready to record a contact, and not the same one
    assert {taken_by_first, taken_by_second} <= set(IN_QUEUE)
    assert taken_by_first != taken_by_second
    assert first.locator("#record-contact").is_visible()
    assert first.locator("#case-assignee").inner_text() == "col1"
    assert second.locator("#case-assignee").inner_text() == "col2"
    # and the cases are theirs in the database
    assert CollectionCase.objects.get(loan__external_id=taken_by_first, closed_on__isnull=True).assignee.username == "col1"


def test_a_collector_records_a_promise_to_pay(floor, page):
    # given a collector on the account they took from the queue
    log_in(page, "col1", next_path="/workbench/")
    external_id = take_next_account(page)
    pay_by = timezone.localdate() + dt.timedelta(days=7)
    # when they record a call in which the borrower promised ¥500.00 within a week
    form = page.locator("#contact-form")
    form.locator("select[name=contact_point]").select_option(index=1)  # the borrower's first contact point
    form.locator("select[name=channel]").select_option("call")
    form.locator("select[name=party]").select_option("debtor")
    form.locator("select[name=outcome]").select_option("promise")
    form.locator("input[name=promise_amount]").fill("500")
    form.locator("input[name=promise_date]").fill(pay_by.isoformat())
    form.locator("textarea[name=note]").fill("客户说下周发工资后还款")
    with page.expect_navigation():
        page.locator("#record-contact-submit").click()
    # then the page confirms it, and the promise and the call are listed on the account
    assert path_of(page).startswith(f"/accounts/{external_id}/")
    promise = page.locator("#promise-table tbody tr[data-promise]")
    assert promise.count() == 1
    cells = promise.first.locator("td").all_inner_texts()
    assert cells[1] == pay_by.isoformat()
    assert "500.00" in cells[2]
    assert cells[5] == "col1"
    history = page.locator("#contact-history-table tbody tr[data-attempt]")
    assert history.count() == 1
    assert "col1" in history.first.inner_text()
    # and it is stored as a promise of 50,000 fen
    from arrears.promises.models import Promise

    stored = Promise.objects.get(loan__external_id=external_id)
    assert (stored.amount, stored.due_date) == (50_000, pay_by)


def test_may_i_call_shows_a_blocked_call_and_the_rule_that_blocks_it(floor, page):
    # given a collector on 张伟's account, whose mother's mobile is marked do-not-contact
    log_in(page, "col1", next_path="/accounts/L-1001/")
    assert path_of(page) == "/accounts/L-1001/"
    # when they ask "may I call now?" about that mobile
    check = page.locator("#may-i-call-form")
    check.locator("select[name=check-contact_point]").select_option(str(floor.do_not_call.pk))
    check.locator("select[name=check-channel]").select_option("call")
    with page.expect_navigation():
        check.get_by_role("button").click()
    # then the answer is "blocked", with the do-not-contact rule and its reason in zh-Hans
    result = page.locator("#may-i-call-result")
    assert result.get_attribute("data-allowed") == "false"
    rule = result.locator("li[data-rule='cn.do_not_contact']")
    assert rule.count() == 1
    assert "cn.do_not_contact" in rule.inner_text()
    # and in English after switching the language, on the same answer
    with page.expect_navigation():
        page.locator(".lang-switch button[value=en]").click()
    result = page.locator("#may-i-call-result")
    assert "Blocked now." in result.inner_text()
