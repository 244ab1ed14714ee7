"""The outbox's batch path (a provider with a window): the guard judges a batch as it judges one
message at a time, every message goes once, what the guard refuses is blocked with its reasons, the
audit chain stays whole, and SMPP keeps submit_sm outstanding on one bind and binds again when the
session is lost."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections import Counter

import pytest
from django.utils import timezone

from arrears.channels import Message, Sent, UncertainError
from arrears.channels.smpp import SmppChannel
from arrears.contact.models import ContactAttempt
from arrears.ledger.models import Borrower, ContactPoint
from arrears.outbox.worker import Worker
from tests.integration.test_outbox_worker import attempts_for, config
from tests.outbox_peers import SmppPeer, SmtpPeer, nighttime_zone, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def windowed(smtp: SmtpPeer | None = None, smsc: SmppPeer | None = None, window: int = 8):
    providers = {}
    if smtp is not None:
        providers["mail"] = {"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "sender": "n@lender.cn",
                             "domain": "lender.cn", "carries": "email", "window": window, "sessions": 3}
    if smsc is not None:
        providers["smsc"] = {"kind": "smpp", "host": "127.0.0.1", "port": smsc.port, "system_id": "l", "password": "p",
                             "carries": "sms", "window": window}
    return config(**providers)


def a_mixed_book() -> list[ContactAttempt]:
    """Attempts the guard answers differently: allowed, at night, opted out, do-not-contact, on hold,
    outside the borrower's own hours, to a third party not yet allowed, with no contact point, to a
    contact point of another borrower, a sign-in code, and two for one debtor."""
    from arrears.borrower.preferences import set_preferences
    from arrears.cases.holds import place_hold
    from arrears.contact.optouts import opt_out

    sms = attempts_for(12, "sms", prefix="G")
    mails = attempts_for(3, "email", prefix="G")
    Borrower.objects.filter(pk=sms[1].loan.borrower_id).update(time_zone=nighttime_zone())
    opt_out(contact_point_id=sms[2].contact_point_id, channel="sms", source="collector")
    ContactAttempt.objects.filter(pk=sms[2].pk).update(state="planned", blocked_by="")  # judged again at sending
    ContactPoint.objects.filter(pk=sms[3].contact_point_id).update(do_not_contact=True)
    place_hold(loan_id=sms[4].loan_id, kind="dispute_open", reason="test", source="test")
    set_preferences(sms[5].loan.borrower, earliest=dt.time(14), latest=dt.time(20))  # it is about noon there
    ContactPoint.objects.filter(pk=sms[6].contact_point_id).update(owner="contact", relation="friend")
    ContactAttempt.objects.filter(pk=sms[7].pk).update(contact_point=None)
    ContactAttempt.objects.filter(pk=sms[8].pk).update(contact_point=sms[9].contact_point)
    ContactAttempt.objects.filter(pk=sms[10].pk).update(template="portal.sign_in_code")
    ContactAttempt.objects.create(idempotency_key="second-for-one-debtor", loan=sms[11].loan,
                                  contact_point=sms[11].contact_point, channel="sms", body="第二条。回复 TD 退订")
    ContactPoint.objects.filter(pk=mails[0].contact_point_id).update(verified=False, valid=False)
    return list(ContactAttempt.objects.select_related("contact_point", "loan__borrower").order_by("id"))


@pytest.mark.parametrize("profile", ["cn", "us-regf"])
def test_a_batch_is_judged_exactly_as_one_message_at_a_time(profile):
    from arrears.outbox.send_guard import check, check_many

    attempts = a_mixed_book()
    at = timezone.now()
    one_by_one = [check(attempt, at=at, profile_name=profile, just_read=True) for attempt in attempts]
    together = check_many(attempts, at=at, profile_name=profile)
    assert together == one_by_one
    # and the book does reach both answers and several rules
    assert {d.allowed for d in together} == {True, False}
    rules = {rule for d in together for rule in d.rule_ids}
    assert len(rules) >= 5, rules


def test_the_batch_path_blocks_what_the_one_message_path_blocks_and_sends_the_rest_once():
    smtp, smsc = SmtpPeer().start(), SmppPeer().start()
    try:
        a_mixed_book()
        expected = {}
        from arrears.outbox.send_guard import check

        for attempt in ContactAttempt.objects.select_related("contact_point", "loan__borrower"):
            expected[attempt.pk] = check(attempt, just_read=True)
        worker = Worker(windowed(smtp, smsc, window=4), batch=4)
        tally = worker.run(until_idle=True, max_seconds=60, listen_seconds=1.0)
        states = dict(ContactAttempt.objects.values_list("id", "state"))
        for attempt_id, decision in expected.items():
            assert states[attempt_id] == ("sent" if decision.allowed else "blocked"), (attempt_id, decision)
        for attempt in ContactAttempt.objects.filter(state="blocked"):
            assert attempt.blocked_by.split(",") == list(expected[attempt.pk].rule_ids)
            assert attempt.reasons_zh and attempt.reasons_en
        sent = ContactAttempt.objects.filter(state="sent")
        assert tally.sent == sent.count() == len(smsc.submits) + len(smtp.messages)
        assert sorted(Counter(s["to"] for s in smsc.submits).values())[-1] <= 2  # the debtor with two messages
        assert max(smtp.message_ids().values()) == 1
        assert all(a.tries == 1 and a.provider_message_id and a.sent_at for a in sent)
        assert {a.outcome for a in sent.filter(channel="sms")} == {"delivered"}
    finally:
        smtp.stop()
        smsc.stop()


def test_each_settled_message_is_in_the_audit_log_once_and_the_chain_verifies():
    from arrears.audit.models import AuditEntry
    from arrears.audit.verify import verify

    smtp, smsc = SmtpPeer().start(), SmppPeer().start()
    try:
        attempts = attempts_for(25, "sms", prefix="C") + attempts_for(25, "email", prefix="C")
        Worker(windowed(smtp, smsc, window=10), batch=20).run(until_idle=True, max_seconds=60, listen_seconds=1.0)
        assert set(ContactAttempt.objects.values_list("state", flat=True)) == {"sent"}
        entries = Counter(AuditEntry.objects.filter(kind="contact.sent").values_list("detail", flat=True))
        assert len(entries) == len(attempts) and set(entries.values()) == {1}
        assert AuditEntry.objects.filter(kind="contact.receipt").count() == 25
        # and each email, sent over three sessions at once, is stored under its own Message-ID
        stored = set(ContactAttempt.objects.filter(channel="email").values_list("provider_message_id", flat=True))
        assert stored == set(smtp.message_ids()) and len(stored) == 25
        assert verify().ok
    finally:
        smtp.stop()
        smsc.stop()


def test_smpp_keeps_a_window_of_submits_outstanding_and_matches_each_answer_to_its_message():
    smsc = SmppPeer(receipts=False).start()
    channel = SmppChannel(name="smsc", host="127.0.0.1", port=smsc.port, system_id="l", password="p")
    try:
        messages = [Message(key=f"k{i}", channel="sms", to=f"138{i:08d}", body=f"第 {i} 条") for i in range(30)]
        results = channel.send_many(messages, window=7)
        by_to = {submit["to"]: submit["id"] for submit in smsc.submits}
        assert [r.provider_message_id for r in results] == [by_to[m.to] for m in messages]
        assert len(smsc.submits) == 30
    finally:
        channel.close()
        smsc.stop()


class CuttableLink:
    """A TCP relay in front of a peer whose connections can be cut, as a network drop would."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        for end in self.open:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.open = []

    def close(self) -> None:
        self.cut()
        self.server.close()


def test_smpp_binds_again_when_the_session_is_lost_and_calls_what_was_outstanding_uncertain():
    # given a slow SMSC behind a link that will drop while submits are outstanding
    smsc = SmppPeer(receipts=False, answer_delay=0.05).start()
    link = CuttableLink(smsc.port)
    channel = SmppChannel(name="smsc", host="127.0.0.1", port=link.port, system_id="l", password="p", timeout=3)
    cutter = threading.Thread(target=lambda: wait_until(lambda: len(smsc.submits) >= 6, timeout=20) and link.cut())
    try:
        messages = [Message(key=f"b{i}", channel="sms", to=f"137{i:08d}", body="二") for i in range(20)]
        cutter.start()
        # when twenty go with five outstanding at a time
        results = channel.send_many(messages, window=5)
        cutter.join()
        # then what was outstanding when the link dropped is uncertain, never resent, and the rest went on a new bind
        uncertain = [m.to for m, r in zip(messages, results, strict=True) if isinstance(r, UncertainError)]
        sent = {m.to: r.provider_message_id for m, r in zip(messages, results, strict=True) if isinstance(r, Sent)}
        assert 1 <= len(uncertain) <= 5 and len(sent) + len(uncertain) == 20, results
        received = Counter(submit["to"] for submit in smsc.submits)
        assert max(received.values()) == 1
        assert all(sent[to] == submit["id"] for submit in smsc.submits if (to := submit["to"]) in sent)
        assert set(sent) <= set(received) and messages[-1].to in sent
    finally:
        channel.close()
        link.close()
        smsc.stop()


def test_a_window_is_refused_for_a_provider_that_cannot_send_a_batch():
    from arrears.errors import ConfigurationError
    from arrears.outbox.config import parse_config

    with pytest.raises(ConfigurationError) as refused:
        parse_config({"providers": {"gw": {"kind": "http_gateway", "url": "http://x", "secret": "s", "window": 10}},
                      "channels": {"sms": {"provider": "gw"}}})
    assert "window" in refused.value.zh and "window is only for smpp, smtp" in refused.value.en
    with pytest.raises(ConfigurationError):
        parse_config({"providers": {"s": {"kind": "smpp", "host": "h", "port": 1, "system_id": "x", "password": "p",
                                          "window": 0}}, "channels": {"sms": {"provider": "s"}}})
    with pytest.raises(ConfigurationError) as sessions:
        parse_config({"providers": {"s": {"kind": "smpp", "host": "h", "port": 1, "system_id": "x", "password": "p",
                                          "sessions": 4}}, "channels": {"sms": {"provider": "s"}}})
    assert "sessions" in sessions.value.zh and "(smtp only)" in sessions.value.en
    mail = parse_config({"providers": {"m": {"kind": "smtp", "host": "h", "port": 25, "sender": "n@l.cn", "window": 50,
                                             "sessions": 4}}, "channels": {"email": {"provider": "m"}}})
    assert mail.providers["m"].window == 50 and mail.providers["m"].options["sessions"] == 4
