"""`arrears worker` as a process: killed with SIGKILL in the middle of sending and started again,
and three of them at once. What the peers received is counted."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from arrears.contact.models import ContactAttempt
from tests.integration.test_outbox_worker import attempts_for
from tests.outbox_peers import HttpProvider, SmtpPeer, wait_until, worker_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def write_config(path: Path, providers: dict) -> Path:
    channels = {options.pop("carries"): {"provider": name} for name, options in providers.items()}
    path.write_text(yaml.safe_dump({
        "channels": channels, "providers": providers,
        "retry": {"max_tries": 5, "base_seconds": 0.2, "max_seconds": 1, "jitter": 0},
        "public_url": "https://collect.lender.cn",
    }), encoding="utf-8")
    return path


def start_worker(config: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "arrears.cli", "worker", "--until-idle", "--max-seconds", "90", "--lease-seconds", "2",
         "--batch", "5", *extra],
        cwd=ROOT, env=worker_env(config), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def kill_mid_send(process: subprocess.Popen, received, after: int) -> None:
    assert wait_until(lambda: received() >= after, timeout=60), "the worker never got going"
    process.send_signal(signal.SIGKILL)
    process.wait(10)


def test_a_worker_killed_while_the_gateway_answers_sends_each_sms_exactly_once_after_restart(tmp_path):
    # given twenty SMS and a gateway that takes a moment to answer each
    gateway = HttpProvider(delay=0.3).start()
    try:
        attempts = attempts_for(20, "sms")
        config = write_config(tmp_path / "outbox.yaml", {
            "gateway": {"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"}})
        # when the worker is killed while the gateway holds its sixth request
        kill_mid_send(start_worker(config), lambda: len(gateway.requests), after=6)
        in_flight = ContactAttempt.objects.filter(state="sending").count()
        # and a new worker starts
        restarted = start_worker(config)
        out, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err
        # then the kill did land mid-send, and every SMS was delivered exactly once
        assert in_flight == 1
        assert sorted(gateway.delivered) == sorted(a.idempotency_key for a in attempts)
        assert len(gateway.requests) >= len(gateway.delivered) + 1  # the uncertain one was asked again, by its key
        for attempt in ContactAttempt.objects.all():
            assert attempt.state == "sent" and attempt.provider_message_id == gateway.ids[attempt.idempotency_key]
        assert "reconciled 1" in out
    finally:
        gateway.stop()


def test_a_worker_killed_during_smtp_data_never_sends_an_email_twice(tmp_path):
    # given twelve emails and an SMTP server slow to accept each message
    smtp = SmtpPeer(delay=0.3).start()
    try:
        attempts = attempts_for(12, "email")
        config = write_config(tmp_path / "outbox.yaml", {
            "mail": {"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "sender": "n@lender.cn", "domain": "lender.cn",
                     "carries": "email"}})
        # when the worker is killed after four messages and started again
        kill_mid_send(start_worker(config), lambda: len(smtp.messages), after=4)
        restarted = start_worker(config)
        _out, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err
        wait_until(lambda: False, timeout=0.5)  # the server finishes a DATA it was holding when the client died
        # then no Message-ID arrived twice
        received = smtp.message_ids()
        assert received and max(received.values()) == 1
        # and every email either arrived (sent) or, the one in flight, is held for a person to review
        states = Counter(ContactAttempt.objects.values_list("state", flat=True))
        assert states["sent"] + states["review"] == len(attempts) and states["review"] <= 1
        assert len(received) >= states["sent"]
    finally:
        smtp.stop()


def test_three_workers_at_once_deliver_each_message_once(tmp_path):
    # given sixty SMS and three workers started together
    gateway = HttpProvider(delay=0.01).start()
    try:
        attempts_for(60, "sms")
        config = write_config(tmp_path / "outbox.yaml", {
            "gateway": {"kind": "http_gateway", "url": gateway.url, "secret": gateway.secret, "carries": "sms"}})
        workers = [start_worker(config) for _ in range(3)]
        outputs = [w.communicate(timeout=120) for w in workers]
        assert all(w.returncode == 0 for w in workers), [err for _out, err in outputs]
        # then every message was requested once and delivered once, and the work was shared
        assert len(gateway.requests) == 60 and len(gateway.delivered) == 60
        assert set(ContactAttempt.objects.values_list("state", flat=True)) == {"sent"}
        sent_by_worker = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
        assert sum(sent_by_worker) == 60 and sum(1 for n in sent_by_worker if n > 0) >= 2
    finally:
        gateway.stop()
