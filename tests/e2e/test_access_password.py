"""Changing one's own password: the page (/access/password/) and the API (POST /api/access/me/password),
both through Django's PasswordChangeForm and the configured password validators."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "a-long-test-password-1"
NEW_PASSWORD = "晴天-collect-7319"
PAGE = "/access/password/"
DONE = "/access/password/done/"
API = "/api/access/me/password"


@pytest.fixture
def collector(django_user_model, settings):
    from django.contrib.auth.models import Group

    from arrears.access.sync import sync_roles

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    sync_roles()
    user = django_user_model.objects.create_user(username="wang.fang", password=OLD_PASSWORD)
    user.groups.add(Group.objects.get(name="collector"))
    return user


@pytest.fixture
def signed_in(collector) -> Client:
    """A browser signed in as the collector through the sign-in page."""
    client = Client()
    assert client.post("/login/", {"username": "wang.fang", "password": OLD_PASSWORD}).status_code == 302
    return client


def reloaded(user):
    return get_user_model().objects.get(pk=user.pk)


def signs_in(password: str) -> bool:
    client = Client()
    client.post("/login/", {"username": "wang.fang", "password": password})
    return "_auth_user_id" in client.session


def change_on_page(client: Client, old: str, new: str, confirmation: str | None = None, language: str = "zh-hans"):
    return client.post(
        PAGE,
        {"old_password": old, "new_password1": new, "new_password2": new if confirmation is None else confirmation},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def call_api(client: Client, body, language: str = "zh-hans"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(API, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


# --- the page -----------------------------------------------------------------------------------


def test_the_header_links_to_the_page_and_the_page_has_labelled_fields(signed_in):
    # when the collector opens any signed-in page
    portfolio = signed_in.get("/workbench/").content.decode()
    # then the header links to the password page
    assert f'href="{PAGE}"' in portfolio
    # and the page has a label for each of its three password fields
    page = signed_in.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("id_old_password", "id_new_password1", "id_new_password2"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert 'aria-current="page"' in html and "Change password" in html
    assert "修改密码" in signed_in.get(PAGE).content.decode()


def test_a_collector_changes_their_password_and_only_the_new_one_signs_in(signed_in, collector):
    # when the collector changes their password on the page
    response = change_on_page(signed_in, OLD_PASSWORD, NEW_PASSWORD)
    # then they are sent to the confirmation, and the stored password is the new one
    assert response.status_code == 302 and response["Location"] == DONE
    assert reloaded(collector).check_password(NEW_PASSWORD)
    assert not reloaded(collector).check_password(OLD_PASSWORD)
    done = signed_in.get(DONE, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200 and "Your password has been changed" in done.content.decode()
    # and the new password signs in, the old one no longer does
    assert signs_in(NEW_PASSWORD)
    assert not signs_in(OLD_PASSWORD)


def test_the_session_stays_valid_after_the_change(signed_in, collector):
    # given a signed-in collector who can open the work queue
    assert signed_in.get("/workbench/").status_code == 200
    # when they change their password
    assert change_on_page(signed_in, OLD_PASSWORD, NEW_PASSWORD).status_code == 302
    # then the same browser is still signed in as them
    assert signed_in.get("/workbench/").status_code == 200
    assert signed_in.session["_auth_user_id"] == str(collector.pk)
    assert signed_in.session[HASH_SESSION_KEY] == reloaded(collector).get_session_auth_hash()


def test_the_users_other_sessions_end_with_the_change(signed_in, collector):
    # given the collector is signed in on a second browser too
    elsewhere = Client()
    elsewhere.post("/login/", {"username": "wang.fang", "password": OLD_PASSWORD})
    assert elsewhere.get("/workbench/").status_code == 200
    # when they change their password on the first
    assert change_on_page(signed_in, OLD_PASSWORD, NEW_PASSWORD).status_code == 302
    # then the second asks to sign in again, the first does not
    response = elsewhere.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert signed_in.get("/workbench/").status_code == 200


def test_a_wrong_old_password_is_refused(signed_in, collector):
    response = change_on_page(signed_in, "not-my-password-99", NEW_PASSWORD, language="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your old password was entered incorrectly" in html
    assert 'id="id_old_password_error"' in html
    assert reloaded(collector).check_password(OLD_PASSWORD)
    assert "你的旧密码不正确" in change_on_page(signed_in, "not-my-password-99", NEW_PASSWORD).content.decode()


@pytest.mark.parametrize(
    ("weak", "english", "chinese"),
    [
        ("short1", "This password is too short", "密码长度太短"),
        ("password123", "This password is too common", "这个密码太常见了"),
        ("12345678901234", "This password is entirely numeric", "密码只包含数字"),
    ],
)
def test_a_weak_new_password_is_refused_in_both_languages(signed_in, collector, weak, english, chinese):
    for language, message in (("en", english), ("zh-hans", chinese)):
        response = change_on_page(signed_in, OLD_PASSWORD, weak, language=language)
        assert response.status_code == 200
        html = response.content.decode()
        # the message stands beside the field it is about
        error_list = re.search(r'<ul class="errorlist" id="id_new_password2_error">(.*?)</ul>', html, re.S)
        assert error_list and message in error_list.group(1)
        assert 'aria-invalid="true"' in html
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_a_password_like_the_user_name_is_refused(signed_in, collector):
    response = change_on_page(signed_in, OLD_PASSWORD, "wang.fang.2026", language="en")
    assert response.status_code == 200 and "too similar" in response.content.decode()
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_a_mismatched_confirmation_is_refused(signed_in, collector):
    response = change_on_page(signed_in, OLD_PASSWORD, NEW_PASSWORD, confirmation=NEW_PASSWORD + "x", language="en")
    assert response.status_code == 200
    assert "The two password fields didn’t match" in response.content.decode()
    assert reloaded(collector).check_password(OLD_PASSWORD)


@pytest.mark.parametrize("path", [PAGE, DONE])
def test_an_anonymous_visitor_is_sent_to_sign_in(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/") and "next=" in response["Location"]


def test_an_anonymous_post_changes_nothing(collector):
    response = change_on_page(Client(), OLD_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_every_password_page_text_has_a_zh_hans_translation():
    # given every msgid the access templates use
    import polib
    from django.utils.translation.template import templatize

    import arrears.access

    package = Path(arrears.access.__file__).parent
    used = set()
    for template in package.glob("templates/access/*.html"):
        code = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        used |= {m.group(2) for m in re.finditer(r"""gettext\(u?(["'])((?:(?!\1).)+)\1\)""", code)}
    catalogue = polib.pofile(str(package / "locale/zh_Hans/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in catalogue.translated_entries()}
    # then each has a translation in the app's own catalogue
    assert used and not (used - translated), sorted(used - translated)


# --- the API ------------------------------------------------------------------------------------


def test_the_api_changes_the_password_and_keeps_the_session(signed_in, collector):
    # when the collector changes their password through the API
    answer = call_api(signed_in, {"old_password": OLD_PASSWORD, "new_password": NEW_PASSWORD})
    # then it is changed, and the same session still answers
    assert answer.status_code == 200 and answer.json() == {"changed": True}
    assert reloaded(collector).check_password(NEW_PASSWORD)
    assert signed_in.get("/workbench/").status_code == 200
    assert signs_in(NEW_PASSWORD) and not signs_in(OLD_PASSWORD)


def test_the_api_refuses_a_wrong_old_password_with_a_field_error(signed_in, collector):
    answer = call_api(signed_in, {"old_password": "not-my-password-99", "new_password": NEW_PASSWORD}, language="en")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert list(errors) == ["old_password"]
    (error,) = errors["old_password"]
    assert error["code"] == "password_incorrect"
    assert error["message"] == error["en"] and "old password was entered incorrectly" in error["en"]
    assert "旧密码不正确" in error["zh"]
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_the_api_refuses_a_weak_password_with_field_errors_in_the_request_language(signed_in, collector):
    answer = call_api(signed_in, {"old_password": OLD_PASSWORD, "new_password": "1234567"})
    assert answer.status_code == 400
    errors = answer.json()["errors"]["new_password"]
    codes = {error["code"] for error in errors}
    assert {"password_too_short", "password_entirely_numeric"} <= codes
    assert all(error["message"] == error["zh"] for error in errors)  # the request asked for zh-Hans
    assert any("密码长度太短" in error["zh"] for error in errors)
    assert any("This password is too short" in error["en"] for error in errors)
    english = call_api(signed_in, {"old_password": OLD_PASSWORD, "new_password": "1234567"}, language="en")
    assert all(error["message"] == error["en"] for error in english.json()["errors"]["new_password"])
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_the_api_asks_for_missing_fields(signed_in, collector):
    answer = call_api(signed_in, {}, language="en")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"old_password", "new_password"}
    assert len(errors["new_password"]) == 1 and errors["new_password"][0]["code"] == "required"
    assert reloaded(collector).check_password(OLD_PASSWORD)


@pytest.mark.parametrize(
    "body", ['{"old_password": "a-long-test-password-1", "new_password": ', "not json", "[1, 2]",
             '{"old_password": 12, "new_password": ["x"]}']
)
def test_the_api_answers_malformed_input_with_a_4xx_not_a_500(signed_in, collector, body):
    answer = call_api(signed_in, body)
    assert answer.status_code in (400, 422)
    assert answer["Content-Type"].startswith("application/json")
    assert reloaded(collector).check_password(OLD_PASSWORD)


def test_the_api_refuses_an_anonymous_caller(collector):
    answer = call_api(Client(), {"old_password": OLD_PASSWORD, "new_password": NEW_PASSWORD})
    assert answer.status_code == 401
    assert reloaded(collector).check_password(OLD_PASSWORD)
