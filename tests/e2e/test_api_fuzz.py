"""Every operation of the JSON API, fuzzed from its own OpenAPI schema (Schemathesis), signed in
as each kind of lender staff and as an agency: no call answers 5xx, and every refusal (4xx) is
JSON that names the problem in zh-Hans and English.

Bounded for CI: a fixed number of generated calls per operation and role, derandomised, so a
run is repeatable and a failure reproduces. The generated bodies, paths and queries include
wrong types, missing fields, huge numbers, unknown ids and Unicode; ids in the book (L-1001…,
small integers) are hit as often as the generator's integers land on them.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings

from tests.e2e.test_pages_scope import people  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

CALLS_PER_OPERATION = 8
ROLES = ("manager", "compliance", "ca", "agency")
CSRF = "fuzzcsrftokenfuzzcsrftokenfuzz32"  # a 32-character secret, sent as cookie and header alike


def _schema():
    from arrears.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _is_bilingual(body) -> bool:
    """Somewhere in the answer, a message with both a zh and an en text."""
    if isinstance(body, dict):
        if isinstance(body.get("zh"), str) and isinstance(body.get("en"), str) and body["zh"] and body["en"]:
            return True
        return any(_is_bilingual(value) for value in body.values())
    if isinstance(body, list):
        return any(_is_bilingual(value) for value in body)
    return False


@pytest.fixture
def connections_kept_open():
    """The WSGI application closes the database connections when a request ends; the test's
    transaction lives on them (Django's test client keeps them open the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(operation, role: str, session: str) -> int:
    """Run the generated calls of one operation; how many were made."""
    seen: list[int] = []

    @settings(max_examples=CALLS_PER_OPERATION, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call(cookies={"sessionid": session, "csrftoken": CSRF}, headers={"X-CSRFToken": CSRF})
        seen.append(response.status_code)
        where = f"{case.method} {case.formatted_path} as {role}: {response.status_code}"
        assert response.status_code < 500, f"{where}\n{response.text[:2000]}"
        if 400 <= response.status_code < 500:
            content_type = (response.headers.get("content-type") or [""])[0]
            assert content_type.startswith(("application/json", "text/csv")), f"{where}: {content_type}"
            if content_type.startswith("application/json"):
                assert _is_bilingual(json.loads(response.content)), f"{where}: {response.text[:500]}"

    call()
    return len(seen)


@pytest.mark.parametrize("role", ROLES)
def test_no_generated_call_fails_the_server_or_answers_in_one_language(client, people, connections_kept_open, role):
    client.force_login(people[role])
    session = client.cookies["sessionid"].value
    calls = {operation.label: _fuzz(operation, role, session) for operation in OPERATIONS}
    assert len(calls) == len(OPERATIONS) >= 45 and min(calls.values()) >= 1, calls
