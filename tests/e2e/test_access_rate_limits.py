"""Sign-in limits per user name across addresses, per address across user names, an IPv6 client
counted by its /64; every 429 carries Retry-After (sign-in page, API, visit-code page)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from arrears.access.addresses import limited_address
from tests.e2e.test_visits_pages import agency_visit, lead  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"
COOL_OFF_SECONDS = str(int(settings.AXES_COOLOFF_TIME * 3600))


@pytest.fixture
def people(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {name: django_user_model.objects.create_user(username=name, password=PASSWORD)
            for name in ("wang.fang", "li.na")}


def _try(address: str, username: str, password: str = "wrong-password-000"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def _signs_in(address: str, username: str) -> bool:
    return _try(address, username, PASSWORD).status_code == 302


@pytest.mark.parametrize(("address", "counted"), [
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
    ("2001:db8:1:2::1", "2001:db8:1:2::"),
    ("2001:db8:1:3::1", "2001:db8:1:3::"),
    ("203.0.113.9", "203.0.113.9"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("not an address", "not an address"),
])
def test_an_ipv6_client_is_counted_by_its_64(address, counted):
    assert limited_address(address) == counted


def test_a_user_name_is_locked_across_addresses(people):
    # given failures for one user name, one from each of many addresses (none reaches the per-address limit)
    for n in range(settings.ARREARS_LOCKOUT_USER_LIMIT - 1):
        assert _try(f"198.51.100.{n + 1}", "wang.fang").status_code == 200
    assert _try("198.51.100.99", "wang.fang").status_code == 429  # the failure that reaches the limit
    # then the name is locked from a new address too, even with the right password, and says when to retry
    locked = _try("192.0.2.77", "wang.fang", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == COOL_OFF_SECONDS
    # while another user from those addresses signs in
    assert _signs_in("198.51.100.1", "li.na")


def test_addresses_of_one_ipv6_64_count_as_one(people):
    # given failures for one name from different addresses of one /64
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try(f"2001:db8:7:7::{n + 1:x}", "wang.fang")
    # then another address of that /64 is locked out for that name
    locked = _try("2001:db8:7:7:ffff::9", "wang.fang", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == COOL_OFF_SECONDS
    # and the name still signs in from another network (the user-name limit is not reached)
    assert _signs_in("2001:db8:8:8::1", "wang.fang")


def test_one_address_trying_many_names_is_locked(people):
    for n in range(settings.ARREARS_LOCKOUT_ADDRESS_LIMIT):
        _try("2001:db8:9:9::1", f"guess-{n}")
    # the right password of a real user from that /64 waits
    locked = _try("2001:db8:9:9::2", "li.na", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == COOL_OFF_SECONDS
    # below the limit an office behind one address is not held back
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try("203.0.113.50", f"typo-{n}")
    assert _signs_in("203.0.113.50", "li.na")


def test_the_api_lockout_carries_retry_after_too(people):
    client = Client(REMOTE_ADDR="198.51.100.200")
    client.force_login(people["wang.fang"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/access/me/password", {"old_password": "guess-000000", "new_password": "晴天-collect-7319"},
                    content_type="application/json")
    locked = client.post("/api/access/me/password", {"old_password": "guess-000000", "new_password": "晴天-collect-7319"},
                         content_type="application/json")
    assert locked.status_code == 429 and locked["Retry-After"] == COOL_OFF_SECONDS
    assert locked.json()["retry_after_seconds"] == int(COOL_OFF_SECONDS)


def test_the_visit_code_page_limits_a_64_and_says_when_to_retry(agency_visit):  # noqa: F811
    from arrears.visits import services

    for n in range(services.RATE_LIMIT):
        assert Client(REMOTE_ADDR=f"2001:db8:5:5::{n + 1:x}").post("/visits/verify/", {"code": "ABCD-EFGH"}).status_code == 200
    limited = Client(REMOTE_ADDR="2001:db8:5:5:abcd::1").post("/visits/verify/", {"code": "ABCD-EFGH"})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= services.RATE_WINDOW.total_seconds()
    assert Client(REMOTE_ADDR="2001:db8:5:6::1").post("/visits/verify/", {"code": "ABCD-EFGH"}).status_code == 200


def test_the_retry_after_of_the_visit_code_limit_is_when_the_oldest_try_leaves_the_window():
    import datetime as dt

    from arrears.visits import services
    from arrears.visits.models import VerificationAttempt

    start = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    for n in range(services.RATE_LIMIT):
        VerificationAttempt.objects.create(client="c", at=start + dt.timedelta(minutes=n))
    with pytest.raises(services.VerificationRefused) as refused:
        services.verify("ABCD-EFGH", client="c", now=start + dt.timedelta(minutes=10))
    assert refused.value.reason == "rate_limited"
    assert refused.value.retry_after == (services.RATE_WINDOW - dt.timedelta(minutes=10)).total_seconds()
