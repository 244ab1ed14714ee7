"""The plan's allowed messages become outbox attempts, set-based and idempotent by key; the
signed callbacks and the unsubscribe link act on them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from arrears.channels.signing import SIGNATURE_HEADER, sign
from arrears.cli import main
from arrears.contact.models import ChannelOptOut, ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.ledger.models import ContactPoint
from arrears.outbox.content import unsubscribe_token
from arrears.outbox.enqueue import enqueue
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 3, 1)
SECRET = "callback-secret"


def test_enqueue_turns_the_allowed_messages_into_attempts_once(capsys):
    # given two accounts one day past due, one reachable, one whose mobile is do-not-contact
    reachable, blocked = make_loan("L-Q1"), make_loan("L-Q2")
    mobile = ContactPoint.objects.create(borrower=reachable.borrower, kind="mobile", value="13800000011")
    ContactPoint.objects.create(borrower=blocked.borrower, kind="mobile", value="13800000012", do_not_contact=True)
    run_cycle(AS_OF)
    run_plan(AS_OF)
    # when the day's allowed actions are put in the outbox, twice
    first = enqueue(AS_OF)
    assert main(["outbox", "enqueue", "--as-of", AS_OF.isoformat()]) == 0
    # then only the reachable account's SMS and app notice are there, once each, keyed and timed
    attempts = list(ContactAttempt.objects.order_by("channel"))
    assert first.added == 2 and len(attempts) == 2 and "0 new attempts" in capsys.readouterr().out
    assert [a.channel for a in attempts] == ["app_push", "sms"]
    sms = attempts[1]
    assert sms.idempotency_key == f"L{reachable.pk}/sms/{sms.template}/2026-03-01/1"
    assert sms.contact_point_id == mobile.pk and sms.state == "planned" and sms.as_of == AS_OF
    assert sms.planned_for == dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai on the work day after
    assert sms.segment == "early_reminder" and sms.rule


def test_outbox_status_lists_counts_and_alerts(capsys):
    assert main(["outbox", "status"]) == 0
    out = capsys.readouterr().out
    assert "the outbox is empty" in out and "no alerts" in out


def _attempt(**fields) -> ContactAttempt:
    loan = make_loan("L-CB")
    point = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000021")
    return ContactAttempt.objects.create(idempotency_key="cb", loan=loan, contact_point=point, channel="sms", **fields)


def _post(client, path: str, payload: dict, secret: str = SECRET):
    body = json.dumps(payload).encode()
    return client.post(path, data=body, content_type="application/json", headers={SIGNATURE_HEADER: sign(secret, body)})


@pytest.fixture
def gateway_config(tmp_path, monkeypatch):
    path = tmp_path / "outbox.yaml"
    path.write_text(
        "channels: {sms: {provider: gateway}}\n"
        f"providers: {{gateway: {{kind: http_gateway, url: 'http://127.0.0.1:9/send', secret: {SECRET}}}}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ARREARS_OUTBOX_CONFIG", str(path))


def test_a_signed_delivery_receipt_marks_the_attempt_delivered(client, gateway_config):
    attempt = _attempt(state="sent", provider="gateway", provider_message_id="gw-000001")
    response = _post(client, "/outbox/callbacks/gateway/receipt", {"message_id": "gw-000001", "status": "DELIVERED"})
    attempt.refresh_from_db()
    assert response.status_code == 200 and response.json() == {"matched": 1}
    assert attempt.outcome == "delivered" and attempt.receipt_at is not None


def test_a_callback_with_a_wrong_signature_or_body_is_refused_in_both_languages(client, gateway_config):
    attempt = _attempt(state="sent", provider="gateway", provider_message_id="gw-000002")
    forged = _post(client, "/outbox/callbacks/gateway/receipt", {"message_id": "gw-000002", "status": "delivered"}, "guess")
    assert forged.status_code == 403 and forged.json()["error"]["zh"] and forged.json()["error"]["en"]
    body = b"not json"
    broken = client.post("/outbox/callbacks/gateway/receipt", data=body, content_type="application/json",
                         headers={SIGNATURE_HEADER: sign(SECRET, body)})
    assert broken.status_code == 400 and broken.json()["error"]["en"] == "the body is not JSON"
    unknown = _post(client, "/outbox/callbacks/nobody/receipt", {"message_id": "x", "status": "delivered"})
    assert unknown.status_code == 404
    attempt.refresh_from_db()
    assert attempt.outcome == ""


def test_an_inbound_sms_saying_tuiding_opts_the_mobile_out(client, gateway_config):
    attempt = _attempt()
    response = _post(client, "/outbox/callbacks/gateway/inbound", {"from": "+86 138 0000 0021", "text": "退订"})
    assert response.status_code == 200 and response.json() == {"opted_out": 1}
    assert ChannelOptOut.objects.filter(contact_point_id=attempt.contact_point_id, channel="sms").exists()
    attempt.refresh_from_db()
    assert attempt.state == "blocked"
    ignored = _post(client, "/outbox/callbacks/gateway/inbound", {"from": "13800000021", "text": "我明天还款"})
    assert ignored.json() == {"opted_out": 0}


def test_the_unsubscribe_link_asks_then_opts_the_email_out_and_refuses_a_forged_link(client):
    loan = make_loan("L-UNSUB")
    email = ContactPoint.objects.create(borrower=loan.borrower, kind="email", value="z@example.org")
    path = f"/outbox/unsubscribe/{unsubscribe_token(email.pk, 'email')}/"
    # given the link from an email: opening it only asks
    page = client.get(path)
    assert page.status_code == 200 and not ChannelOptOut.objects.exists()
    assert "退订" in page.content.decode()
    # when the mail client posts the one-click request
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    # then the address is opted out of email, recorded as an unsubscribe
    assert done.status_code == 200
    record = ChannelOptOut.objects.get(contact_point=email)
    assert record.channel == "email" and record.source == "email_unsubscribe"
    # and a forged link is refused with a page, not an error
    assert client.post("/outbox/unsubscribe/forged-token/").status_code == 400


def test_an_attempt_is_claimed_at_the_very_second_it_is_planned_for():
    # given an account one day past due whose SMS the night put in the outbox for 10:00
    from arrears import clock
    from arrears.outbox.claims import claim

    loan = make_loan("L-Q-SECOND")
    ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000013")
    run_cycle(AS_OF)
    run_plan(AS_OF)
    enqueue(AS_OF)
    sms = ContactAttempt.objects.get(channel="sms")
    # when a worker asks for due messages at exactly that second
    with clock.set_to(sms.planned_for):
        claimed = claim(channel="sms", provider="smsc", owner="test", limit=10, lease=dt.timedelta(seconds=60))
    # then it is due, and claimed
    assert claimed == [sms.pk]


def test_a_forbearance_offer_goes_out_as_an_sms_with_its_template():
    # given an account one day past due whose borrower said on a call that they cannot pay
    loan = make_loan("L-Q-HARDSHIP")
    mobile = ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13800000014")
    ContactAttempt.objects.create(
        idempotency_key="call-hardship", loan=loan, contact_point=mobile, channel="call", state="done",
        attempted_at=dt.datetime(2026, 2, 27, 3, tzinfo=dt.UTC), outcome="hardship_claim", conversation=True,
    )
    # when the night plans and enqueues
    run_cycle(AS_OF)
    run_plan(AS_OF)
    enqueue(AS_OF)
    # then the strategy's forbearance offer is in the outbox as an SMS to the mobile, with the offer's template
    offer = ContactAttempt.objects.get(template="forbearance_offer")
    assert (offer.channel, offer.contact_point_id, offer.segment) == ("sms", mobile.pk, "hardship_forbearance")
    assert offer.idempotency_key == f"L{loan.pk}/sms/forbearance_offer/2026-03-01/1"
