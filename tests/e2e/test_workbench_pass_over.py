"""Passing over an account the guard blocks now: the refusal is kept as a blocked attempt, the case
leaves the collector's queue until tomorrow, and the next account is taken — never for a contact the
guard allows."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears import clock
from arrears.cases.editing import StaleEdit
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.errors import InputError
from arrears.workbench.passing import pass_over
from arrears.workbench.queue import next_account
from tests.e2e.test_workbench_account import WORKDAY_MORNING, at_ten, case_of, points  # noqa: F401 (fixtures)
from tests.e2e.workbench_world import signed_in, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls_opted_out(points):
    return ChannelOptOut.objects.create(contact_point=points["mobile"], channel="call", at=WORKDAY_MORNING,
                                        source="collector")


def test_a_blocked_account_is_passed_over_until_tomorrow_and_the_refusal_kept(world, at_ten, points, calls_opted_out):
    collector = world.users["col1"]
    case = next_account(collector, now=at_ten)
    assert case.loan.external_id == "L-1001"
    # when the collector passes over the account whose number opted out of calls
    passed = pass_over(collector, case_id=case.pk, version=case.version, channel="call",
                       contact_point_id=points["mobile"].pk, now=at_ten)
    # then the guard's refusal is kept as a blocked attempt, which no limit counts as a contact
    assert passed.rule_ids == ("cn.channel_opt_out",)
    attempt = ContactAttempt.objects.get(pk=passed.attempt_id)
    assert (attempt.state, attempt.attempted_at, attempt.planned_for) == ("blocked", None, at_ten)
    assert attempt.blocked_by == "cn.channel_opt_out" and attempt.reasons_zh and attempt.reasons_en
    # the case is released and out of the queue for today, back tomorrow
    after = case_of(world)
    assert after.leased_by_id is None and after.version == passed.version == case.version + 1
    assert next_account(collector, now=at_ten + dt.timedelta(minutes=1)).loan.external_id == "L-1005"
    tomorrow = at_ten + dt.timedelta(days=1)
    assert next_account(world.users["col1"], now=tomorrow).loan.external_id == "L-1001"


def test_a_contact_the_guard_allows_cannot_be_passed_over(world, at_ten, points):
    case = next_account(world.users["col1"], now=at_ten)
    with pytest.raises(InputError) as refused:
        pass_over(world.users["col1"], case_id=case.pk, version=case.version, contact_point_id=points["mobile"].pk,
                  now=at_ten)
    assert "不能跳过" in refused.value.zh and "rather than passing over" in refused.value.en
    assert not ContactAttempt.objects.filter(state="blocked").exists()
    assert case_of(world).last_worked_at is None


def test_a_stale_page_cannot_pass_over(world, at_ten, points, calls_opted_out):
    case = next_account(world.users["col1"], now=at_ten)
    with pytest.raises(StaleEdit):
        pass_over(world.users["col1"], case_id=case.pk, version=case.version - 1, contact_point_id=points["mobile"].pk,
                  now=at_ten)
    assert not ContactAttempt.objects.filter(state="blocked").exists()


def test_the_account_page_offers_it_when_blocked_and_it_takes_the_next_account(client, world, at_ten, points,
                                                                              calls_opted_out):
    signed_in(client, world.users["col1"])
    assert client.post("/workbench/next/")["Location"] == "/accounts/L-1001/#record-contact"
    allowed_sms = client.get(f"/accounts/L-1001/?check-contact_point={points['mobile'].pk}&check-channel=sms")
    assert 'id="pass-over"' not in allowed_sms.content.decode()
    page = client.get(f"/accounts/L-1001/?check-contact_point={points['mobile'].pk}&check-channel=call")
    html = page.content.decode()
    assert 'id="may-i-call-result" data-allowed="false"' in html and 'id="pass-over"' in html
    # when the collector passes over
    response = client.post(f"/workbench/cases/{world.cases['L-1001'].pk}/pass-over/", {
        "version": case_of(world).version, "channel": "call", "contact_point": points["mobile"].pk,
    })
    # then the next account opens, and the blocked one is kept with its rule
    assert response.status_code == 302 and response["Location"] == "/accounts/L-1005/#record-contact"
    assert ContactAttempt.objects.get(state="blocked").blocked_by == "cn.channel_opt_out"
    # a second pass over from the same (now stale) page is refused without a traceback
    again = client.post(f"/workbench/cases/{world.cases['L-1001'].pk}/pass-over/", {
        "version": 1, "channel": "call", "contact_point": points["mobile"].pk,
    }, follow=True)
    assert again.status_code == 200 and ContactAttempt.objects.filter(state="blocked").count() == 1
    # and the account's contact history shows it: blocked, not a contact, with who passed over and why
    history = client.get("/accounts/L-1001/").content.decode()
    row = history[history.index(f'data-attempt="{ContactAttempt.objects.get(state="blocked").pk}"'):]
    row = row[: row.index("</tr>")]
    assert "已拦截：未联系" in row and "col1" in row and "cn.channel_opt_out" in row


def test_the_api_passes_over_a_blocked_case_and_refuses_an_allowed_one(client, world, at_ten, points, calls_opted_out):
    import json

    signed_in(client, world.users["col1"])
    case = next_account(world.users["col1"], now=at_ten)
    url = f"/api/workbench/cases/{case.pk}/pass-over"
    # bad input answers with field errors in both languages, and stores nothing
    bad = client.post(url, json.dumps({"version": "x"}), content_type="application/json")
    assert bad.status_code == 400 and not ContactAttempt.objects.filter(state="blocked").exists()
    # an SMS to the same number is allowed: it is sent, not passed over
    allowed = client.post(url, json.dumps({"version": case.version, "channel": "sms",
                                           "contact_point": points["mobile"].pk}), content_type="application/json")
    assert allowed.status_code == 400 and "rather than passing over" in allowed.content.decode()
    # a call is blocked (the number opted out of calls): passed over, the refusal kept with who did it
    passed = client.post(url, json.dumps({"version": case.version, "channel": "call",
                                          "contact_point": points["mobile"].pk}), content_type="application/json")
    assert passed.status_code == 200 and passed.json()["blocked_by"] == ["cn.channel_opt_out"]
    attempt = ContactAttempt.objects.get(pk=passed.json()["attempt_id"])
    assert attempt.record.recorded_by == world.users["col1"]
    account = client.get(f"/api/workbench/accounts/{case.loan_id}").json()
    assert {"id": attempt.pk, "state": "blocked", "blocked_by": "cn.channel_opt_out"}.items() <= next(
        a for a in account["contact_history"] if a["id"] == attempt.pk).items()


def test_a_role_that_may_not_work_the_account_cannot_pass_it_over(client, world, at_ten, points, calls_opted_out):
    signed_in(client, world.users["col3"])  # another team's collector
    response = client.post(f"/workbench/cases/{world.cases['L-1001'].pk}/pass-over/", {
        "version": case_of(world).version, "channel": "call", "contact_point": points["mobile"].pk,
    })
    assert response.status_code == 404  # another team's case answers as one that does not exist
    assert clock.now() == WORKDAY_MORNING and not ContactAttempt.objects.filter(state="blocked").exists()
