"""Verify your collector: a collector takes a code for the call they are about to make; the borrower
checks it on the public page or by replying with it by SMS, and sees who, the staff number, the
organisation and the time window — nothing about the debt. A wrong code says it is not ours and
offers the impostor report.

The world is tests/e2e/workbench_world.py (col1 works L-1001 of 张伟, mobile 13812345678; col3 is of
another team); the clock stands at 2026-05-12 10:00 Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from arrears import clock
from arrears.borrower.models import CallCode
from arrears.channels import Reply
from arrears.contact.models import ContactAttempt
from arrears.outbox import send_guard
from arrears.outbox.inbound import apply_reply
from tests.e2e import workbench_world
from tests.e2e.workbench_world import signed_in

world = workbench_world.world  # the fixture

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(MORNING)
    yield
    clock.set_now(None)


def take_code(client, world, who="col1", loan="L-1001"):
    signed_in(client, world.users[who])
    return client.post(f"/my/call-code/{world.book.loans[loan].pk}/")


def test_a_collector_s_call_code_shows_who_calls_and_nothing_about_the_debt(client, world):
    response = take_code(client, world)
    assert response.status_code == 200
    code = re.search(r'id="call-code"><strong>([A-Z0-9-]+)<', response.content.decode()).group(1)
    assert code not in CallCode.objects.get().digest
    page = Client().post("/my/verify/", {"code": code.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="genuine"' in html
    assert 'id="staff-number">col1<' in html and "10:00–12:00" in html
    assert "L-1001" not in html and "10,000" not in html and "张伟" not in html
    # two hours later the code has run out
    clock.set_now(MORNING + dt.timedelta(hours=2, minutes=1))
    assert 'id="not-ours"' in Client().post("/my/verify/", {"code": code}).content.decode()


def test_a_wrong_code_is_not_ours_and_offers_the_report(world):
    html = Client().post("/my/verify/", {"code": "ZZZZ-ZZZZ"}).content.decode()
    assert 'id="not-ours"' in html and 'action="/my/report-impostor/"' in html


def test_only_those_who_work_the_case_take_a_code(client, world):
    assert take_code(client, world, who="col3").status_code == 403
    assert take_code(client, world, who="strat1").status_code == 403
    assert Client().post(f"/my/call-code/{world.book.loans['L-1001'].pk}/").status_code == 302
    assert not CallCode.objects.exists()


def test_a_code_replied_by_sms_is_answered_through_the_outbox(client, world):
    code = re.search(r'id="call-code"><strong>([A-Z0-9-]+)<', take_code(client, world).content.decode()).group(1)
    apply_reply(Reply(provider="smsc", channel="sms", sender="+8613812345678", text=f" {code} ", at=MORNING))
    answer = ContactAttempt.objects.get(template="portal.code_check")
    assert "核验通过" in answer.body and "col1" in answer.body and answer.contact_point.value == "13812345678"
    assert send_guard.check(answer, at=MORNING).allowed
    apply_reply(Reply(provider="smsc", channel="sms", sender="13812345678", text="ABCD-EFGH",
                      at=MORNING + dt.timedelta(minutes=1)))
    wrong = ContactAttempt.objects.filter(template="portal.code_check").latest("id")
    assert "不是我们的" in wrong.body and "/my/verify/" in wrong.body


def test_the_check_page_is_rate_limited(world):
    client = Client(REMOTE_ADDR="10.7.7.7")
    statuses = [client.post("/my/verify/", {"code": "ABCD-EFGH"}).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
