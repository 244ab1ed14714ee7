"""Browser tests: Debian's Chromium, headless, driven by Playwright against pytest-django's live server.

Every test gets a fresh browser context (no cookies, zh-Hans by default, as a new visitor) on a
browser started once per session. The live server runs in a thread of this process on the test
database (a file on SQLite, a database on PostgreSQL), so data made through the ORM in a fixture
is what the pages show.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django would take the ORM
# calls that fixtures and assertions make afterwards for calls from async code and refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("ARREARS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a-long-test-password-1"
# A loaded machine (CI runs both databases) can be slow to answer; a real failure still fails.
TIMEOUT_MS = 20_000


def _chromium_or_skip() -> Path:
    """The browser binary; in CI its absence fails the run, elsewhere the tests skip with the reason."""
    if CHROMIUM.exists() or shutil.which(str(CHROMIUM)):
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI may not skip the browser tests", pytrace=False)
    pytest.skip(f"{reason} (allowed outside CI only)")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security


@pytest.fixture
def new_page(browser, live_server):
    """`new_page()` opens a page in a context of its own: a second person at another computer."""
    from arrears.access.sync import sync_roles

    # The roles' groups with their permissions: the live server's database is emptied after
    # every test, and `migrate`'s own sync may not have run on it.
    sync_roles()
    contexts = []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 768})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def make_user(username: str, *roles: str, **fields):
    """A member of staff (or of an agency) with these role groups and the test password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from arrears.access.sync import sync_roles

    names = [str(role) for role in roles]
    if Group.objects.filter(name__in=names).count() < len(names):
        sync_roles()  # the role groups, with their permissions, on a database emptied by the last test
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=names))
    return user


def log_in(page, username: str, password: str = PASSWORD, next_path: str = "/"):
    """Sign in through the login form, as a person does; returns the page after the redirect."""
    page.goto(f"/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form[action$='/login/'] button[type=submit]").click()
    return page


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)
