"""An agency's reads and recorded outcomes reach the audit log through the portal's pages and API."""

from __future__ import annotations

import json

import pytest

from arrears.agencies.models import DataAccess
from arrears.audit.models import AuditEntry
from arrears.audit.verify import verify
from tests.e2e.test_agencies_portal import local, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_an_agency_users_reads_and_outcomes_are_logged(client, world):
    user, mine = world["a_user"], world["mine"]
    client.force_login(user)
    # when the agency user lists its cases, opens one through the API and records a call
    client.get("/agencies/portal/")
    client.get(f"/api/agencies/cases/{mine.pk}")
    response = client.post(f"/api/agencies/cases/{mine.pk}/contacts", json.dumps({
        "channel": "call", "outcome": "no_answer", "attempted_at": local(1, 10).isoformat()}), content_type="application/json")
    assert response.status_code == 201
    # then each data access row has its entry, in the same order, naming the user
    accesses = list(DataAccess.objects.filter(user=user).order_by("pk"))
    logged = list(AuditEntry.objects.filter(kind="agency.access").order_by("seq"))
    assert [(json.loads(e.detail)["action"], json.loads(e.detail)["via"]) for e in logged] == [
        (a.action, a.via) for a in accesses
    ]
    assert {e.actor for e in logged} == {f"user:{user.pk}"}
    assert logged[1].subject == f"placement:{mine.pk}"
    # and the outcome, with who recorded it
    (outcome,) = AuditEntry.objects.filter(kind="contact.outcome")
    assert outcome.subject == f"loan:{mine.loan_id}" and outcome.actor == f"user:{user.pk}:{user.username}"
    assert json.loads(outcome.detail)["rule"] == f"agency/{mine.agency_id}"
    assert verify(with_checkpoints=False).ok
