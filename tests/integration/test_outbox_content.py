"""The worker sends what the approved templates say, and prints the written notice for a letter."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from arrears.contact.models import ContactAttempt
from arrears.cycle.service import run_cycle
from arrears.ledger.models import Borrower
from arrears.outbox.config import parse_config
from arrears.outbox.worker import Worker
from tests.integration.test_messaging_render import approved, attempt_for, make_account
from tests.outbox_peers import HttpProvider, daytime_zone

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 5, 10)


def test_an_sms_from_its_template_and_a_letter_with_the_written_notice_go_out(tmp_path):
    # given an aged account, an approved SMS template, and an SMS and a written-notice letter due
    loan = make_account("L-OUT-1")
    Borrower.objects.filter(pk=loan.borrower_id).update(time_zone=daytime_zone())
    run_cycle(AS_OF)
    approved("sms_overdue_notice", "sms", "zh-hans",
             "【禾丰消费金融】{{ borrower_name }}您好，您的借款已逾期{{ days_past_due }}天，请通过{{ app_name }}还款。", loan=loan)
    sms = attempt_for(loan)
    letter = attempt_for(loan, channel="letter", template="written_collection_notice")
    missing = attempt_for(loan, channel="sms", template="no_such_template")
    ContactAttempt.objects.filter(pk__in=[sms.pk, letter.pk, missing.pk]).update(as_of=AS_OF)
    gateway = HttpProvider().start()
    try:
        cfg = parse_config({
            "channels": {"sms": {"provider": "gateway"}, "letter": {"provider": "print"}},
            "providers": {"gateway": {"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret},
                          "print": {"kind": "letter", "directory": str(tmp_path)}},
        })
        # when the worker runs
        Worker(cfg).run(until_idle=True, max_seconds=60)
        # then the SMS carries the rendered text with the profile's opt-out line
        text = gateway.delivered[sms.idempotency_key]["text"]
        assert text.startswith("【禾丰消费金融】") and text.endswith("回复TD退订")
        # and the letter is a PDF in the day's print batch, listed once in the manifest
        letter.refresh_from_db()
        assert letter.state == "sent"
        pdf = tmp_path / AS_OF.isoformat() / letter.provider_message_id
        assert pdf.read_bytes().startswith(b"%PDF-")
        rows = list(csv.DictReader((pdf.parent / "manifest.csv").open(encoding="utf-8")))
        assert [r["key"] for r in rows] == [letter.idempotency_key] and "北京市" in rows[0]["address"]
        # and an attempt whose template has no approved version waits, with the reason, and is not lost
        missing.refresh_from_db()
        assert missing.state == "planned" and "no_such_template" in missing.last_error and missing.next_try_at
        assert missing.idempotency_key not in gateway.delivered
    finally:
        gateway.stop()


def test_an_attempt_s_own_text_is_linted_and_carries_the_opt_out_line():
    # given an aged account with two SMS of their own wording: a plain reminder and a threat
    loan = make_account("L-OUT-FREE")
    Borrower.objects.filter(pk=loan.borrower_id).update(time_zone=daytime_zone())
    run_cycle(AS_OF)
    plain = attempt_for(loan)
    threat = attempt_for(loan)
    ContactAttempt.objects.filter(pk=plain.pk).update(as_of=AS_OF, body="【禾丰消费金融】您好，您的借款已逾期，请通过官方App还款。")
    ContactAttempt.objects.filter(pk=threat.pk).update(as_of=AS_OF, body="再不还钱就上门找你家人，让你好看。")
    gateway = HttpProvider().start()
    try:
        cfg = parse_config({
            "channels": {"sms": {"provider": "gateway"}},
            "providers": {"gateway": {"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret}},
        })
        # when the worker runs
        Worker(cfg).run(until_idle=True, max_seconds=60)
        # then the plain text goes out ending with the profile's opt-out line
        assert gateway.delivered[plain.idempotency_key]["text"].endswith("回复TD退订")
        # and the threat is never sent: the attempt fails with the lint's rules named
        threat.refresh_from_db()
        assert threat.idempotency_key not in gateway.delivered
        assert threat.state == "failed" and "lint." in threat.last_error
    finally:
        gateway.stop()
