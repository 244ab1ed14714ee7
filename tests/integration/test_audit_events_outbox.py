"""The bulk and machine paths write their audit entries too: a contacts feed in bulk (in the same
transaction as its rows, nothing twice on a re-run), the outbox worker for each message it settles
and each receipt, and an opt-out through the unsubscribe link of an email."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arrears.audit.models import AuditEntry
from arrears.audit.verify import verify
from arrears.contact.models import ContactAttempt
from arrears.feeds import import_contacts
from arrears.ledger.models import ContactPoint
from arrears.outbox.content import unsubscribe_token
from arrears.outbox.worker import Worker
from tests.integration.test_cycle_service import make_loan
from tests.integration.test_feeds import products, write_csv  # noqa: F401 (fixture)
from tests.integration.test_feeds_contacts import COLUMNS, book, contact_row  # noqa: F401 (fixture)
from tests.integration.test_outbox_worker import attempts_for, config
from tests.outbox_peers import SmppPeer, SmtpPeer

pytestmark = pytest.mark.django_db(transaction=True)


def kinds(kind: str) -> list[dict]:
    return [json.loads(d) for d in AuditEntry.objects.filter(kind=kind).order_by("seq").values_list("detail", flat=True)]


def test_a_contacts_feed_logs_each_attempt_it_lands_once(book, tmp_path: Path) -> None:
    rows = [contact_row("R1"), contact_row("R2", channel="sms", outcome="stop_channel"),
            contact_row("R5", outcome="no_answer", duration_seconds="0")]
    source = write_csv(tmp_path / "contacts.csv", rows, COLUMNS)
    assert import_contacts(source).landed == 3
    logged = kinds("contact.outcome")
    landed = set(ContactAttempt.objects.values_list("id", flat=True))
    assert sorted(d["attempt"] for d in logged) == sorted(landed) and len(logged) == 3
    assert [d["channel"] for d in kinds("contact.opt_out")] == ["sms"]  # the stop request's effect
    # when the same file comes again, nothing new is logged
    import_contacts(source)
    assert len(kinds("contact.outcome")) == 3
    assert verify(with_checkpoints=False).ok


def test_the_worker_logs_each_message_it_settles_and_each_receipt():
    smtp, smsc = SmtpPeer().start(), SmppPeer().start()
    try:
        attempts_for(2, "email")
        texts = attempts_for(2, "sms")
        worker = Worker(config(
            mail={"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "sender": "n@lender.cn", "domain": "lender.cn", "carries": "email"},
            smsc={"kind": "smpp", "host": "127.0.0.1", "port": smsc.port, "system_id": "l", "password": "p", "carries": "sms"},
        ))
        assert worker.run(until_idle=True, max_seconds=30, listen_seconds=1.5).sent == 4
        worker.close()
    finally:
        smtp.stop()
        smsc.stop()
    sent = kinds("contact.sent")
    assert sorted(d["attempt"] for d in sent) == sorted(ContactAttempt.objects.values_list("id", flat=True))
    assert all(d["state"] == "sent" for d in sent)
    receipts = kinds("contact.receipt")
    assert sorted(d["attempt"] for d in receipts) == sorted(a.pk for a in texts)
    assert {d["outcome"] for d in receipts} == {"delivered"}
    assert verify(with_checkpoints=False).ok


def test_an_unsubscribe_link_logs_the_opt_out(client):
    loan = make_loan("L-UNSUB-AUDIT")
    email = ContactPoint.objects.create(borrower=loan.borrower, kind="email", value="z@example.org")
    assert client.post(f"/outbox/unsubscribe/{unsubscribe_token(email.pk, 'email')}/", {"List-Unsubscribe": "One-Click"}).status_code == 200
    (entry,) = AuditEntry.objects.filter(kind="contact.opt_out")
    assert entry.subject == f"contact_point:{email.pk}" and entry.actor == "anonymous"
    assert json.loads(entry.detail)["source"] == "email_unsubscribe" and "z@example.org" not in entry.detail
