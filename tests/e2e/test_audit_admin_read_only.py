"""Records that prove what happened cannot be rewritten through the admin: as a superuser, over HTTP,
the add, change and delete of audit entries, contact attempts, opt-outs and agency data-access rows
are refused, and the rows stay exactly as they were. They can still be read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse

from arrears import audit
from arrears.agencies.models import Agency, DataAccess
from arrears.audit.models import AuditEntry
from arrears.audit.verify import verify
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.ledger.models import ContactPoint
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.cn", "a-long-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def records(admin_client):
    loan = make_loan("L-ADMIN-RO")
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000077")
    attempt = ContactAttempt.objects.create(idempotency_key="k-ro", loan=loan, contact_point=mobile, channel="call",
                                            state="done", outcome="no_answer", attempted_at=AT)
    opt_out = ChannelOptOut.objects.create(contact_point=mobile, channel="sms", at=AT, source="sms_reply")
    agency = Agency.objects.create(name="丙催收", credit_code="91310000MA1FL000C3")
    access = DataAccess.objects.create(at=AT, user=get_user_model().objects.get(username="root"), agency=agency,
                                       action="view", fields="mobile")
    entry = audit.record("test.admin", subject=f"loan:{loan.pk}", detail={"n": 1})
    return [attempt, opt_out, access, AuditEntry.objects.get(seq=entry.seq)]


def snapshot(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def url(obj, view: str) -> str:
    meta = obj._meta
    args = [] if view in ("add", "changelist") else [obj.pk]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_each_record_can_be_read_but_not_added_changed_or_deleted_through_the_admin(admin_client, records):
    for obj in records:
        before = snapshot(obj)
        # it can be read
        assert admin_client.get(url(obj, "change")).status_code == 200
        # a change posted by hand is refused, and nothing moves
        fields = {name: "tampered" for name in before if isinstance(before[name], str)}
        assert admin_client.post(url(obj, "change"), fields).status_code == 403
        # a delete, from its page or as a list action, is refused
        assert admin_client.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
        admin_client.post(url(obj, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        # an add is refused
        assert admin_client.post(url(obj, "add"), fields).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists() and snapshot(obj) == before, type(obj).__name__
    assert verify(with_checkpoints=False).ok


def test_the_change_page_offers_no_save_or_delete(admin_client, records):
    for obj in records:
        page = admin_client.get(url(obj, "change")).content.decode()
        assert 'name="_save"' not in page and "deletelink" not in page, type(obj).__name__


def test_the_review_decisions_on_an_attempt_are_logged_with_who_made_them(admin_client, records):
    attempt = records[0]
    ContactAttempt.objects.filter(pk=attempt.pk).update(state="review")
    response = admin_client.post(url(attempt, "changelist"), {"action": "mark_sent", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "sent"
    entry = AuditEntry.objects.filter(kind="contact.marked_sent").get()
    assert entry.actor.endswith(":root") and f'"attempt":{attempt.pk}' in entry.detail
