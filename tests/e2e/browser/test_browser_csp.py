"""With the Content-Security-Policy on, the pages, the admin and the API docs still work in a real
Chromium and it reports no violation: nothing the product serves needs an inline script."""

from __future__ import annotations

import pytest

from tests.e2e.browser.conftest import log_in, make_user

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def csp_on(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.CSP_DIRECTIVES}


def test_pages_admin_and_api_docs_run_under_the_policy(page, csp_on):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    make_user("admin1", "admin", is_staff=True, is_superuser=True)
    log_in(page, "admin1")
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in ("/workbench/", "/admin/", "/admin/access/team/add/", "/api/docs"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert page.locator("#swagger-ui .info").count() == 1  # Swagger UI drew the API
    assert violations == []
