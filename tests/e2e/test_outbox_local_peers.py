"""A newcomer's first run, as processes: `arrears worker` with no outbox configuration sends to the
local peers and says so in both languages; `arrears peers` listens, prints what arrives and stops
cleanly when terminated. Ports come from ARREARS_PEERS_*_PORT, free ones, so runs do not collide."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arrears.channels import Message
from arrears.channels.smpp import SmppChannel
from arrears.channels.smtp import SmtpChannel
from arrears.channels.webhook import WebhookChannel
from arrears.contact.models import ContactAttempt
from arrears.outbox.local import LOCAL_SECRET, start_local_peers
from tests.integration.test_outbox_worker import attempts_for
from tests.outbox_peers import free_port, wait_until, worker_env

ROOT = Path(__file__).resolve().parents[2]


def arrears(*command: str, env: dict, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "arrears.cli", *command], cwd=ROOT, env=env, text=True, **popen)


def port_variables(smpp: int, smtp: int, push: int) -> dict:
    return {"ARREARS_PEERS_SMPP_PORT": str(smpp), "ARREARS_PEERS_SMTP_PORT": str(smtp), "ARREARS_PEERS_PUSH_PORT": str(push)}


@pytest.mark.django_db(transaction=True)
def test_a_worker_with_no_configuration_sends_to_the_local_peers_and_says_so(tmp_path):
    # given the local peers listening, an SMS and an email due, and a var/ with no outbox.yaml
    with start_local_peers() as peers:
        sms, mail = attempts_for(1, "sms")[0], attempts_for(1, "email")[0]
        ports = peers.addresses
        env = worker_env() | {"ARREARS_VAR": str(tmp_path)} | port_variables(ports.smpp_port, ports.smtp_port, ports.push_port)
        # when the worker runs with no configuration named
        worker = arrears("worker", "--until-idle", "--max-seconds", "60", "--listen-seconds", "0.5", env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        # then it said, in both languages, that it found none and where it is sending
        expected = tmp_path / "outbox.yaml"
        assert f"未找到发件箱配置 {expected}" in err and f"No outbox configuration at {expected}" in err
        for address in (f"127.0.0.1:{ports.smpp_port}", f"127.0.0.1:{ports.smtp_port}", f"http://127.0.0.1:{ports.push_port}/push"):
            assert err.count(address) == 2
        assert "ARREARS_OUTBOX_CONFIG" in err and "arrears peers" in err and "Traceback" not in err
        # and both messages reached the peers
        assert "sent 2" in out
        assert wait_until(lambda: len(peers.smtp.messages) == 1)
        arrived = {(message.channel, message.to): message for message in peers.take_new()}
        for attempt in (sms, mail):
            attempt.refresh_from_db()
            assert arrived[attempt.channel, attempt.contact_point.value].message_id == attempt.provider_message_id
        assert set(ContactAttempt.objects.values_list("state", flat=True)) == {"sent"}


def test_arrears_peers_prints_what_arrives_and_stops_cleanly_when_terminated(tmp_path):
    # given `arrears peers` started on free ports
    ports = {"smpp": free_port(), "smtp": free_port(), "push": free_port()}
    env = dict(os.environ) | port_variables(**ports) | {"ARREARS_VAR": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    output = tmp_path / "peers.out"
    with output.open("w") as sink:
        peers = arrears("peers", env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            assert wait_until(lambda: "Ctrl-C" in output.read_text(), timeout=30), output.read_text()
            printed = output.read_text()
            assert "本机模拟对端已启动" in printed and "The local peers are listening" in printed
            assert f"127.0.0.1:{ports['smpp']}" in printed and f"127.0.0.1:{ports['smtp']}" in printed
            # when an SMS, an email and an app notice are sent to it
            smsc = SmppChannel(name="smsc", host="127.0.0.1", port=ports["smpp"], system_id="l", password="p")
            smsc.send(Message(key="k/sms", channel="sms", to="8613800000001", body="您的借款已逾期 1 天。\n回复 TD 退订"))
            smsc.close()
            smtp = SmtpChannel(name="mail", host="127.0.0.1", port=ports["smtp"], sender="notice@lender.cn")
            smtp.send(Message(key="k/email", channel="email", to="zhang@example.org", subject="逾期提醒", body="张先生：\n您好"))
            smtp.close()
            WebhookChannel(name="push", url=f"http://127.0.0.1:{ports['push']}/push", secret=LOCAL_SECRET).send(
                Message(key="k/push", channel="app_push", to="device-7", subject="还款提醒", body="请尽快还款"))
            # then it printed each: channel, recipient, first line
            assert wait_until(lambda: output.read_text().count("\n") >= 5, timeout=30), output.read_text()
        finally:
            # and when terminated it stops cleanly
            peers.terminate()
            returncode = peers.wait(15)
    printed = output.read_text()
    lines = printed.splitlines()
    assert any("sms" in line and "8613800000001" in line and line.endswith("您的借款已逾期 1 天。") for line in lines), printed
    assert any("email" in line and "zhang@example.org" in line and line.endswith("逾期提醒") for line in lines), printed
    assert any("push" in line and "device-7" in line and line.endswith("还款提醒") for line in lines), printed
    assert returncode == 0 and lines[-1] == "本机模拟对端已停止 / the local peers have stopped", printed
    assert "Traceback" not in printed
