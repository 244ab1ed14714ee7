"""Guessing the current password on the change-password page or API counts as failed sign-ins: the
user is locked out after AXES_FAILURE_LIMIT wrong guesses, as at the sign-in page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.test_access_password import API, NEW_PASSWORD, OLD_PASSWORD, PAGE, collector, reloaded  # noqa: F401

pytestmark = pytest.mark.django_db


def signed_in_client() -> Client:
    client = Client()
    assert client.post("/login/", {"username": "wang.fang", "password": OLD_PASSWORD}).status_code == 302
    return client


def page_guess(client: Client, old: str):
    return client.post(PAGE, {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_wrong_guesses_on_the_page_lock_the_user_out_even_with_the_right_password_after(collector):
    client = signed_in_client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert page_guess(client, f"guess-{attempt}").status_code == 200  # the form again, with its error
    last = page_guess(client, "guess-last")
    assert last.status_code == 429
    # locked: even the right current password changes nothing now, and sign-in is refused
    assert page_guess(client, OLD_PASSWORD).status_code == 429
    assert reloaded(collector).check_password(OLD_PASSWORD)
    fresh = Client()
    refused = fresh.post("/login/", {"username": "wang.fang", "password": OLD_PASSWORD})
    assert refused.status_code == 429 and refused["Content-Type"].startswith("text/html")
    assert 'role="alert"' in refused.content.decode()


def test_one_wrong_guess_through_the_api_counts_once(collector):
    from axes.models import AccessAttempt

    client = signed_in_client()
    response = client.post(API, {"old_password": "wrong-guess-1", "new_password": NEW_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 400
    assert AccessAttempt.objects.get(username="wang.fang").failures_since_start == 1


def test_wrong_guesses_through_the_api_lock_the_user_out(collector):
    client = signed_in_client()
    statuses = [client.post(API, {"old_password": f"guess-{n}", "new_password": NEW_PASSWORD},
                            content_type="application/json").status_code
                for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1) and statuses[-1] == 429
    right = client.post(API, {"old_password": OLD_PASSWORD, "new_password": NEW_PASSWORD},
                        content_type="application/json")
    assert right.status_code == 429
    # and the API says so in JSON, in both languages, with when to try again
    assert right["Content-Type"].startswith("application/json")
    assert "锁定" in right.json()["error"]["zh"] and "locked" in right.json()["error"]["en"]
    assert right.json()["retry_after_seconds"] == int(settings.AXES_COOLOFF_TIME * 3600) == int(right["Retry-After"])
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_the_right_password_after_a_few_wrong_ones_still_works(collector):
    client = signed_in_client()
    page_guess(client, "guess-1")
    page_guess(client, "guess-2")
    assert page_guess(client, OLD_PASSWORD).status_code == 302
    assert reloaded(collector).check_password(NEW_PASSWORD)
