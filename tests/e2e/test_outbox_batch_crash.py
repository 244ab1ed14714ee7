"""`arrears worker` on the batch path (a provider with a window), killed with SIGKILL in the middle
of a batch and started again: nothing is sent twice, and nothing is lost (each message went once, or,
marked sending when the worker died, is held for a person to review)."""

from __future__ import annotations

from collections import Counter

import pytest

from arrears.contact.models import ContactAttempt
from tests.e2e.test_outbox_crash import kill_mid_send, start_worker, write_config
from tests.integration.test_outbox_worker import attempts_for
from tests.outbox_peers import SmppPeer, SmtpPeer

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES, WINDOW = 40, 10


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_worker_killed_mid_batch_sends_nothing_twice_and_loses_nothing(tmp_path, channel):
    from arrears.audit.verify import verify

    # given forty messages and a provider that takes a moment over each, sent ten at a time
    if channel == "sms":
        peer = SmppPeer(answer_delay=0.1, receipts=False).start()
        provider = {"kind": "smpp", "host": "127.0.0.1", "port": peer.port, "system_id": "l", "password": "p"}
        received = lambda: [submit["to"] for submit in peer.submits]  # noqa: E731
        names = lambda: {submit["id"] for submit in peer.submits}  # noqa: E731
    else:
        peer = SmtpPeer(delay=0.1).start()
        provider = {"kind": "smtp", "host": "127.0.0.1", "port": peer.port, "sender": "n@lender.cn", "domain": "lender.cn"}
        received = lambda: [message["To"] for message in peer.messages]  # noqa: E731
        names = lambda: set(peer.message_ids())  # noqa: E731
    try:
        attempts = attempts_for(MESSAGES, channel)
        config = write_config(tmp_path / "outbox.yaml", {"peer": {**provider, "carries": channel, "window": WINDOW}})
        # when the worker is killed in its second batch
        kill_mid_send(start_worker(config), lambda: len(received()), after=WINDOW + 3)
        in_flight = ContactAttempt.objects.filter(state="sending").count()
        # and a new worker starts
        restarted = start_worker(config)
        _out, err = restarted.communicate(timeout=180)
        assert restarted.returncode == 0, err
        # then the kill landed mid-batch
        assert 1 <= in_flight <= WINDOW
        # and no one received a message twice
        assert max(Counter(received()).values()) == 1
        # and every message went once (its provider's name stored), or is held for review: none is left waiting
        states = Counter(ContactAttempt.objects.values_list("state", flat=True))
        assert states["sent"] + states["review"] == len(attempts) and states["review"] <= in_flight
        sent = ContactAttempt.objects.filter(state="sent")
        assert {attempt.provider_message_id for attempt in sent} <= names()
        assert len(received()) >= states["sent"]
        # and the audit chain is whole
        assert verify().ok
    finally:
        peer.stop()
