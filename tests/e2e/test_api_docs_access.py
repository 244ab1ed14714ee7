"""The API documentation (/api/docs, /api/openapi.json) is public by default and, with
ARREARS_API_DOCS=signed_in, only for signed-in users."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
DOCS, SCHEMA = "/api/docs", "/api/openapi.json"


def test_by_default_anyone_reads_the_docs_and_the_schema(client, settings):
    settings.API_DOCS = "public"
    assert client.get(DOCS).status_code == 200
    assert client.get(SCHEMA).json()["info"]["title"] == "arrears"


def test_restricted_a_stranger_is_sent_to_sign_in_and_the_schema_answers_401(client, settings):
    settings.API_DOCS = "signed_in"
    docs = client.get(DOCS)
    assert docs.status_code == 302 and docs["Location"].startswith("/login/?next=/api/docs")
    schema = client.get(SCHEMA)
    assert schema.status_code == 401 and schema.json()["error"] == {"zh": "请先登录", "en": "Sign in first"}
    assert "paths" not in schema.content.decode()


def test_restricted_a_signed_in_user_reads_both(client, settings, django_user_model):
    settings.API_DOCS = "signed_in"
    client.force_login(django_user_model.objects.create_user("reader", password="a-long-password-1"))
    assert client.get(DOCS).status_code == 200
    assert "paths" in client.get(SCHEMA).json()
