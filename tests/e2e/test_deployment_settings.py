"""The documented production settings pass Django's deployment checks, and the security headers
(HSTS, secure cookies, Content-Security-Policy) follow the environment: on by default over HTTPS."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRODUCTION = {  # as in docs/deployment.md
    "ARREARS_HTTPS": "1",
    "ARREARS_HSTS_PRELOAD": "1",
    "ARREARS_ALLOWED_HOSTS": "arrears.example.com",
    "ARREARS_SECRET": "a-production-like-secret-Zx81ka0Qm2Lr7Vb3Nc5Tf9Hd4Jg6Wp1Ys8Ue0",
}
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; from django.test import Client;"
    "r = Client().get('/login/', secure=True, HTTP_HOST=s.ALLOWED_HOSTS[0]);"
    "print(json.dumps({'csp': r.get('Content-Security-Policy'), 'hsts': r.get('Strict-Transport-Security'),"
    "'cookie_secure': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE, 'redirect': s.SECURE_SSL_REDIRECT}))"
)


def _run(arguments: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ARREARS_HTTPS", "ARREARS_CSP", "ARREARS_HSTS"))}
    return subprocess.run([sys.executable, *arguments], env={**base, "DATABASE_URL": "", **env},
                          capture_output=True, text=True, timeout=120)


def _probe(**env: str) -> dict:
    import json

    done = _run(["-c", PROBE], DJANGO_SETTINGS_MODULE="arrears.settings", **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_under_the_documented_production_settings():
    done = _run(["-m", "arrears.cli", "check", "--deploy"], **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_what_is_missing_without_https():
    done = _run(["-m", "arrears.cli", "check", "--deploy"], ARREARS_SECRET=PRODUCTION["ARREARS_SECRET"])
    assert done.returncode == 1
    assert "SECURE_HSTS_SECONDS" in done.stderr and "配置检查未通过" in done.stderr and "Traceback" not in done.stderr


def test_over_https_the_headers_and_cookies_are_on_by_default():
    seen = _probe(**PRODUCTION)
    assert seen["cookie_secure"] and seen["redirect"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"] and "frame-ancestors 'none'" in seen["csp"]
    assert "object-src 'none'" in seen["csp"]


@pytest.mark.parametrize(("env", "csp_on"), [({}, False), ({"ARREARS_CSP": "1"}, True),
                                             ({**PRODUCTION, "ARREARS_CSP": "0"}, False)])
def test_the_content_security_policy_follows_the_environment(env, csp_on):
    seen = _probe(**{"ARREARS_SECRET": PRODUCTION["ARREARS_SECRET"], **env})
    assert (seen["csp"] is not None) is csp_on


def test_a_malformed_switch_is_refused_in_both_languages():
    done = _run(["-m", "arrears.cli", "check"], ARREARS_CSP="maybe")
    assert done.returncode == 1 and "ARREARS_CSP" in done.stderr and "应为" in done.stderr
    assert "Traceback" not in done.stderr
