"""An attempt held for review is settled by a person in the admin: sent again, or marked sent;
open provider alerts are listed there too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from arrears.contact.models import ContactAttempt
from arrears.ledger.models import ContactPoint
from arrears.outbox.models import OutboxAlert
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "a-long-test-password-1"))
    return client


def test_a_reviewer_sends_again_only_what_was_held_for_review(admin_client):
    # given one email held for review and one already sent
    loan = make_loan("L-REV")
    point = ContactPoint.objects.create(borrower=loan.borrower, kind="email", value="r@example.org")
    held = ContactAttempt.objects.create(idempotency_key="held", loan=loan, contact_point=point, channel="email", state="review")
    sent = ContactAttempt.objects.create(idempotency_key="sent", loan=loan, contact_point=point, channel="email", state="sent")
    # when the reviewer chooses "send again" for both
    response = admin_client.post("/admin/contact/contactattempt/",
                                 {"action": "send_again", "_selected_action": [held.pk, sent.pk]}, follow=True)
    # then only the held one goes back to the outbox
    assert response.status_code == 200
    held.refresh_from_db()
    sent.refresh_from_db()
    assert held.state == "planned" and sent.state == "sent"


def test_the_admin_lists_open_provider_alerts(admin_client):
    OutboxAlert.objects.create(provider="smsc", channel="sms", opened_at=timezone.now(), failures=3, last_error="bind refused")
    page = admin_client.get("/admin/outbox/outboxalert/")
    assert page.status_code == 200 and "smsc" in page.content.decode()
