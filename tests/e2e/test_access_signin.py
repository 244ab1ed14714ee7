"""Sign-in with Django's machinery: password policy, session expiry, lockout, sign-out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def collector(django_user_model, settings):
    from django.contrib.auth.models import Group

    from arrears.access.sync import sync_roles

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_roles()
    user = django_user_model.objects.create_user(username="wang.fang", password=PASSWORD)
    user.groups.add(Group.objects.get(name="collector"))
    return user


@pytest.mark.parametrize(
    "password", ["short1", "password123", "12345678901234", "wang.fang.2026", "qwertyuiop"]
)
def test_weak_passwords_are_refused_in_both_languages(collector, password):
    for language in ("zh-hans", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            validate_password(password, user=collector)
        assert refused.value.messages


def test_a_strong_password_passes(collector):
    validate_password("晴天-collect-7319", user=collector)


def test_the_session_ends_with_the_browser_and_after_eight_hours(client, collector):
    # given a signed-in collector
    response = client.post("/login/", {"username": "wang.fang", "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # then the cookie is a browser-session cookie (no max-age, no expiry date)
    assert not cookie["max-age"] and not cookie["expires"]
    assert client.get("/workbench/").status_code == 200
    # when the server-side session is older than its age
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    # then the next page asks to sign in again
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_locked_out_user_cannot_sign_in_even_with_the_right_password_until_the_cool_off(client, collector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "wang.fang", "password": "wrong-password-000"})
    locked = client.post("/login/", {"username": "wang.fang", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert client.get("/workbench/").status_code == 302
    # another user from the same address is not locked (the lockout is per user name and address)
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="li.na", password=PASSWORD)
    assert client.post("/login/", {"username": "li.na", "password": PASSWORD}).status_code == 302


def test_signing_out_ends_the_session_on_the_server(client, collector):
    client.post("/login/", {"username": "wang.fang", "password": PASSWORD})
    assert Session.objects.count() == 1
    client.post("/logout/")
    assert Session.objects.count() == 0
    assert client.get("/workbench/").status_code == 302
