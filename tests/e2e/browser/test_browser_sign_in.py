"""Signing in and choosing the language, in a real Chromium (issue 5, browser flows 1 and 6)."""

from __future__ import annotations

import pytest

from tests.e2e.browser.conftest import PASSWORD, log_in, make_user, path_of

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_a_collector_signs_in_and_lands_on_the_portfolio(page):
    # given a collector with an account
    make_user("collector1", "collector")
    # when they sign in with the right password through the form
    log_in(page, "collector1")
    # then they are on the portfolio, signed in under their name
    assert path_of(page) == "/"
    assert page.locator("h1").inner_text() == "资产概览"
    assert page.locator(".topbar .user").inner_text() == "collector1"


def test_a_wrong_password_shows_an_error_and_keeps_the_person_out(page):
    # given a collector
    make_user("collector1", "collector")
    # when they type a wrong password
    log_in(page, "collector1", "not-the-password")
    # then the sign-in page says so, in zh-Hans by default, and nothing behind it opens
    assert path_of(page).startswith("/login/")
    alert = page.get_by_role("alert")
    assert "请输入一个正确的" in alert.inner_text()
    page.goto("/")
    assert path_of(page).startswith("/login/")


def test_repeated_failures_lock_the_sign_in_even_for_the_right_password(page, settings):
    # given a collector, and a limit of 5 failed attempts (settings.AXES_FAILURE_LIMIT)
    make_user("collector1", "collector")
    limit = settings.AXES_FAILURE_LIMIT
    # when someone tries wrong passwords up to the limit
    for _ in range(limit):
        log_in(page, "collector1", "guessing-wrong")
    # then the next attempt, even with the right password, is refused with the lockout page
    log_in(page, "collector1", PASSWORD)
    assert page.locator("h1").inner_text() == "登录已锁定"
    page.goto("/")
    assert path_of(page).startswith("/login/")


def test_switching_language_changes_the_labels_and_switching_back_restores_them(page):
    # given a collector signed in, reading the pages in zh-Hans (the default)
    make_user("collector1", "collector")
    log_in(page, "collector1")
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link", name="资产概览").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # when they press "English" in the language switch
    with page.expect_navigation():
        page.locator(".lang-switch button[value=en]").click()
    # then the same page reads in English
    assert path_of(page) == "/"
    assert page.locator("h1").inner_text() == "Portfolio"
    assert nav.get_by_role("link", name="Accounts").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".lang-switch button[value=en]").get_attribute("aria-pressed") == "true"
    # and the choice holds on the next page
    page.goto("/roll-rates/")
    page.locator("#account-menu summary").click()  # the person's own links are behind their name
    assert page.locator(".topbar").get_by_role("button", name="Log out").is_visible()
    # when they press "中文"
    with page.expect_navigation():
        page.locator(".lang-switch button[value=zh-hans]").click()
    # then the labels are zh-Hans again
    page.locator("#account-menu summary").click()
    assert page.locator(".topbar").get_by_role("button", name="退出登录").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
