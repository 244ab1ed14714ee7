"""Each channel against a real local peer: SMTP (aiosmtpd), SMPP 3.4 (smpp34's SMSC), the SMS
gateway's and the push service's HTTP APIs, and the print-house directory."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from arrears import clock
from arrears.channels import Message, PermanentError, Receipt, Reply, TransientError
from arrears.channels.http_gateway import HttpGatewayChannel
from arrears.channels.letter import LetterChannel
from arrears.channels.smpp import SmppChannel
from arrears.channels.smtp import SmtpChannel
from arrears.channels.webhook import WebhookChannel
from tests.outbox_peers import HttpProvider, SmppPeer, SmtpPeer, free_port, wait_until

CHINESE = "【某某消费金融】张先生，您的借款已逾期 1 天，应还 ¥1,180.00。请通过官方 App 还款。回复 TD 退订"


def message(key: str = "L1/sms/early/2026-03-01/1", **fields) -> Message:
    values = {"channel": "sms", "to": "8613800000001", "body": CHINESE} | fields
    return Message(key=key, **values)


@pytest.fixture
def smtp_peer():
    peer = SmtpPeer().start()
    yield peer
    peer.stop()


@pytest.fixture
def smsc():
    peer = SmppPeer().start()
    yield peer
    peer.stop()


@pytest.fixture
def gateway():
    peer = HttpProvider().start()
    yield peer
    peer.stop()


def test_an_email_carries_a_message_id_from_its_key_and_a_one_click_unsubscribe(smtp_peer):
    # given an SMTP channel to the local server
    channel = SmtpChannel(name="mail", host="127.0.0.1", port=smtp_peer.port, sender="催收中心 <notice@lender.cn>",
                          domain="lender.cn")
    mail = message(channel="email", to="zhang@example.org", subject="逾期提醒", unsubscribe_url="https://x/outbox/unsubscribe/t/")
    # when it sends one message
    sent = channel.send(mail)
    channel.close()
    # then the server received it once, with the Message-ID derived from the key and the unsubscribe headers
    assert wait_until(lambda: len(smtp_peer.messages) == 1)
    received = smtp_peer.messages[0]
    assert received["Message-ID"] == sent.provider_message_id == f"<{mail.digest}@lender.cn>"
    assert received["List-Unsubscribe"] == "<https://x/outbox/unsubscribe/t/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "逾期" in received.get_content() and received["Subject"] == "逾期提醒"


def test_an_smtp_server_that_is_not_there_is_a_transient_error():
    channel = SmtpChannel(name="mail", host="127.0.0.1", port=free_port(), sender="n@lender.cn", timeout=2)
    with pytest.raises(TransientError):
        channel.send(message(channel="email", to="a@example.org"))


def test_sms_over_smpp_arrives_in_ucs2_asks_for_a_receipt_and_the_receipt_comes_back(smsc):
    # given an SMPP channel bound to the local SMSC
    channel = SmppChannel(name="smsc", host="127.0.0.1", port=smsc.port, system_id="lender", password="pw",
                          source_addr="10690000")
    # when a Chinese message is sent
    sent = channel.send(message())
    # then the SMSC holds it as one or more UCS-2 parts, its id is the SMSC's, a receipt was asked for
    assert wait_until(lambda: smsc.submits)
    assert sent.provider_message_id == smsc.submits[0]["id"]
    assert all(s["registered_delivery"] and s["coding"] == 8 for s in smsc.submits)
    assert smsc.submits[0]["to"] == "8613800000001"
    # and the delivery receipt comes back on the session, naming that id
    events = channel.listen(2.0)
    receipts = [e for e in events if isinstance(e, Receipt)]
    assert any(r.provider_message_id == sent.provider_message_id and r.delivered for r in receipts)
    # and a borrower's reply arrives as a Reply with its sender and text
    smsc.reply("8613800000001", "退订")
    replies = [e for e in channel.listen(2.0) if isinstance(e, Reply)]
    assert replies and replies[0].sender == "8613800000001" and replies[0].text == "退订"
    channel.close()


def test_a_reply_and_a_receipt_over_smpp_are_stamped_with_the_products_clock(smsc):
    # given an SMPP channel bound to the local SMSC, and the product's clock set to a day long past
    channel = SmppChannel(name="smsc", host="127.0.0.1", port=smsc.port, system_id="lender", password="pw")
    moment = dt.datetime(2026, 2, 12, 3, 0, tzinfo=dt.UTC)
    with clock.set_to(moment):
        # when a message goes out and the borrower answers it
        channel.send(message())
        assert wait_until(lambda: smsc.submits)
        smsc.reply("8613800000001", "TD")
        events = channel.listen(2.0) + channel.listen(1.0)
    channel.close()
    # then both the receipt and the reply were heard at that moment, not at the wall clock's
    assert {type(event) for event in events} == {Receipt, Reply}
    assert {event.at for event in events} == {moment}


def test_an_smsc_that_is_not_there_is_a_transient_error():
    channel = SmppChannel(name="smsc", host="127.0.0.1", port=free_port(), system_id="x", password="y", timeout=2)
    with pytest.raises(TransientError):
        channel.send(message())


def test_the_http_gateway_is_signed_and_a_resend_with_the_same_key_delivers_nothing_twice(gateway):
    channel = HttpGatewayChannel(name="gateway", url=gateway.url, secret=gateway.secret)
    first = channel.send(message())
    again = channel.reconcile(message())
    assert again.sent is True and again.provider_message_id == first.provider_message_id
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1
    assert gateway.delivered["L1/sms/early/2026-03-01/1"]["text"] == CHINESE


def test_the_http_gateway_refuses_a_wrong_signature_for_good_and_an_outage_for_now(gateway):
    with pytest.raises(PermanentError):
        HttpGatewayChannel(name="gateway", url=gateway.url, secret="wrong").send(message())
    assert gateway.refused_signatures == 1
    gateway.down = True
    with pytest.raises(TransientError):
        HttpGatewayChannel(name="gateway", url=gateway.url, secret=gateway.secret).send(message())
    gateway.stop()
    with pytest.raises(TransientError):
        HttpGatewayChannel(name="gateway", url=gateway.url, secret=gateway.secret, timeout=2).send(message())
    gateway.start()  # the fixture stops it again


def test_an_app_notice_is_a_signed_post_with_title_and_body(gateway):
    channel = WebhookChannel(name="push", url=gateway.url, secret=gateway.secret)
    sent = channel.send(message(channel="app_push", to="device-1", subject="还款提醒", body="您的借款已逾期"))
    payload = gateway.delivered["L1/sms/early/2026-03-01/1"]
    assert sent.provider_message_id.startswith("gw-") and payload["title"] == "还款提醒" and payload["to"] == "device-1"


def test_a_letter_is_one_pdf_in_the_days_batch_listed_once_in_the_manifest(tmp_path):
    made = []

    def render(msg):
        made.append(msg.key)
        return b"%PDF-1.7\n% a letter\n%%EOF\n"

    channel = LetterChannel(name="print", directory=tmp_path, render_pdf=render)
    letter = message(channel="letter", to="北京市朝阳区某路 1 号", extra={"batch": "2026-03-01", "recipient": "张三"})
    sent = channel.send(letter)
    again = channel.send(letter)  # after a crash the worker may ask twice
    batch = tmp_path / "2026-03-01"
    assert sent == again and (batch / sent.provider_message_id).read_bytes().startswith(b"%PDF")
    rows = list(csv.DictReader((batch / "manifest.csv").open(encoding="utf-8")))
    assert [r["key"] for r in rows] == [letter.key] and rows[0]["recipient"] == "张三" and made == [letter.key]


def test_a_letter_renderer_that_fails_refuses_the_letter(tmp_path):
    channel = LetterChannel(name="print", directory=tmp_path, render_pdf=lambda msg: b"<html>")
    with pytest.raises(PermanentError):
        channel.send(message(channel="letter", to="somewhere"))
