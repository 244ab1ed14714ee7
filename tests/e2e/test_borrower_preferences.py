"""Communication preferences set in the portal tighten the guard for that borrower and never loosen
it: hours narrower than the profile's refuse a call or SMS outside them (the send guard and the
agency's contact too), a channel opted out is refused by the guard's own opt-out rule, and hours
wider than the profile's change nothing.

The book is tests/e2e/conftest.py (张伟, Asia/Shanghai, mobile verified; L-1001).
"""

from __future__ import annotations

import datetime as dt

import pytest

from arrears import clock
from arrears.contact.models import ContactAttempt
from arrears.guard import check_now
from arrears.ledger.models import ContactPoint
from arrears.outbox import send_guard
from tests.e2e.test_borrower_portal import MORNING, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(MORNING)
    yield
    clock.set_now(None)


def shanghai(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, 12, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def rules(book, channel: str, at: dt.datetime) -> tuple[str, ...]:
    mobile = ContactPoint.objects.get(borrower=book.borrowers["B-0001"], kind="mobile", owner="borrower")
    return check_now(loan_id=book.loans["L-1001"].pk, channel=channel, contact_point_id=mobile.pk, at=at).rule_ids


def test_hours_narrower_than_the_profile_refuse_contact_outside_them(client, book):
    assert rules(book, "sms", shanghai(9, 30)) == ()
    signed_in(client)
    response = client.post("/my/preferences/", {"earliest": "10:00", "latest": "18:00", "preferred_channel": "sms"})
    assert response.status_code == 302
    assert rules(book, "sms", shanghai(9, 30)) == ("borrower.preferred_hours",)
    assert rules(book, "sms", shanghai(10, 30)) == ()
    assert rules(book, "call", shanghai(18, 0)) == ("borrower.preferred_hours",)
    # the outbox's send guard refuses the same
    mobile = ContactPoint.objects.get(borrower=book.borrowers["B-0001"], kind="mobile", owner="borrower")
    queued = ContactAttempt.objects.create(idempotency_key="q-1", loan=book.loans["L-1001"], contact_point=mobile,
                                           channel="sms", template="reminder", state="planned")
    assert "borrower.preferred_hours" in send_guard.check(queued, at=shanghai(19)).rule_ids


def test_a_channel_opted_out_in_the_portal_is_refused_by_the_guard(client, book):
    signed_in(client)
    assert client.post("/my/preferences/", {"earliest": "09:00", "latest": "20:00", "opt_out": ["call"]}).status_code == 302
    assert any("opt_out" in rule for rule in rules(book, "call", shanghai(11)))
    assert rules(book, "sms", shanghai(11)) == ()


def test_hours_wider_than_the_profile_loosen_nothing(client, book):
    signed_in(client)
    assert client.post("/my/preferences/", {"earliest": "06:00", "latest": "23:30"}).status_code == 302
    late = rules(book, "call", shanghai(22, 30))
    assert late and "borrower.preferred_hours" not in late  # the profile's own hours still refuse it


def test_hours_that_end_before_they_start_are_refused(client, book):
    signed_in(client)
    response = client.post("/my/preferences/", {"earliest": "18:00", "latest": "10:00"})
    assert response.status_code == 400 and "开始时间须早于结束时间" in response.content.decode()
