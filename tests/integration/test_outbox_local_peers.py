"""The outbox on this machine: the local peers' addresses and their environment variables, the
worker's choice between a configuration file and the local peers, and the worker sending to peers
started by `start_local_peers`, whose `take_new` tells what arrived for whom."""

from __future__ import annotations

import pytest
import yaml

from arrears.channels import Message
from arrears.channels.smpp import SmppChannel
from arrears.contact.models import ContactAttempt
from arrears.errors import ConfigurationError
from arrears.outbox.local import LOCAL_SOURCE, LocalAddresses, configured_or_local, local_config, start_local_peers
from arrears.outbox.worker import Worker
from tests.integration.test_outbox_worker import attempts_for
from tests.outbox_peers import free_port, wait_until

LONG_TEXT = "【某某消费金融】张先生，您的借款已逾期 1 天，应还 ¥1,180.00。请通过官方 App 还款，如有疑问请致电客服热线 95000。回复 TD 退订"


@pytest.fixture
def no_outbox_configuration(settings, tmp_path, monkeypatch):
    """A var/ directory holding no outbox.yaml, and no ARREARS_OUTBOX_CONFIG or port variables."""
    settings.VAR_DIR = tmp_path
    for variable in ("ARREARS_OUTBOX_CONFIG", "ARREARS_PEERS_SMPP_PORT", "ARREARS_PEERS_SMTP_PORT", "ARREARS_PEERS_PUSH_PORT"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_the_local_addresses_are_fixed_loopback_ports_each_overridable_by_its_variable():
    assert LocalAddresses.from_environment({}) == LocalAddresses(smpp_port=2775, smtp_port=8025, push_port=8026)
    moved = LocalAddresses.from_environment({"ARREARS_PEERS_SMTP_PORT": "2525", "ARREARS_PEERS_PUSH_PORT": " "})
    assert moved == LocalAddresses(smpp_port=2775, smtp_port=2525, push_port=8026)
    assert moved.push_url == "http://127.0.0.1:8026/push"


def test_a_port_variable_that_is_not_a_port_is_reported_in_both_languages():
    with pytest.raises(ConfigurationError) as not_a_number:
        LocalAddresses.from_environment({"ARREARS_PEERS_SMPP_PORT": "smsc"})
    assert "ARREARS_PEERS_SMPP_PORT" in not_a_number.value.zh and "must be a port number" in not_a_number.value.en
    with pytest.raises(ConfigurationError) as out_of_range:
        LocalAddresses.from_environment({"ARREARS_PEERS_PUSH_PORT": "70000"})
    assert "1–65535" in out_of_range.value.zh and "1–65535" in out_of_range.value.en


def test_the_local_configuration_sends_every_channel_to_this_machine(tmp_path):
    config = local_config(LocalAddresses(smpp_port=3001, smtp_port=3002, push_port=3003), letters=tmp_path)
    assert set(config.channels) == {"sms", "email", "app_push", "letter"}
    assert config.provider_for("sms").kind == "smpp"
    assert (config.provider_for("sms").options["host"], config.provider_for("sms").options["port"]) == ("127.0.0.1", 3001)
    assert config.provider_for("email").options["port"] == 3002
    assert config.provider_for("app_push").options["url"] == "http://127.0.0.1:3003/push"
    assert config.provider_for("letter").options["directory"] == str(tmp_path)


def test_without_any_configuration_the_worker_takes_the_local_peers(no_outbox_configuration, monkeypatch):
    monkeypatch.setenv("ARREARS_PEERS_SMPP_PORT", "3775")
    config, local = configured_or_local()
    assert local == LocalAddresses(smpp_port=3775) and config.source == LOCAL_SOURCE
    assert config.provider_for("sms").options["port"] == 3775


def test_var_outbox_yaml_when_present_is_the_configuration(no_outbox_configuration):
    path = no_outbox_configuration / "outbox.yaml"
    path.write_text(yaml.safe_dump({"providers": {"print": {"kind": "letter"}}, "channels": {"letter": {"provider": "print"}}}))
    config, local = configured_or_local()
    assert local is None and config.source == str(path) and set(config.channels) == {"letter"}


def test_a_named_configuration_that_does_not_exist_is_an_error_not_the_local_peers(no_outbox_configuration, monkeypatch):
    monkeypatch.setenv("ARREARS_OUTBOX_CONFIG", str(no_outbox_configuration / "typo.yaml"))
    with pytest.raises(ConfigurationError) as named:
        configured_or_local()
    assert "typo.yaml" in named.value.zh and "typo.yaml" in named.value.en
    monkeypatch.delenv("ARREARS_OUTBOX_CONFIG")
    with pytest.raises(ConfigurationError):
        configured_or_local(no_outbox_configuration / "missing.yaml")


def test_a_taken_port_is_reported_with_the_variable_that_moves_it():
    with start_local_peers() as running:
        with pytest.raises(ConfigurationError) as taken:
            start_local_peers(LocalAddresses(smpp_port=free_port(), smtp_port=running.addresses.smtp_port, push_port=free_port()))
    assert "ARREARS_PEERS_SMTP_PORT" in taken.value.zh and "ARREARS_PEERS_SMTP_PORT" in taken.value.en


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_to_started_local_peers_and_each_recipient_message_can_be_read_once(tmp_path):
    # given the local peers on free ports, and an SMS, an email and an app notice due
    with start_local_peers(letters=tmp_path) as peers:
        attempts = attempts_for(1, "sms") + attempts_for(1, "email") + attempts_for(1, "app_push")
        # when the worker sends with the configuration they came with
        tally = Worker(peers.config).run(until_idle=True, max_seconds=30, listen_seconds=0.5)
        assert tally.sent == 3
        assert wait_until(lambda: len(peers.smtp.messages) == 1)
        arrived = peers.take_new()
        # then each recipient got its message, named by the id the outbox stored
        by_recipient = {(message.channel, message.to): message for message in arrived}
        assert len(arrived) == len(by_recipient) == 3
        for attempt in attempts:
            attempt.refresh_from_db()
            message = by_recipient[attempt.channel, attempt.contact_point.value]
            assert message.message_id == attempt.provider_message_id
            assert message.text.strip().startswith("您的借款已逾期 1 天")
        mail = by_recipient["email", "zhang0@example.org"]
        assert mail.subject == mail.first_line == "逾期提醒"
        # and what was taken is not given again
        assert peers.take_new() == []
        # and the SMSC's receipt came back to the outbox
        assert ContactAttempt.objects.get(channel="sms").outcome == "delivered"


def test_a_long_sms_arrives_as_one_message_under_its_first_parts_id():
    with start_local_peers() as peers:
        channel = SmppChannel(name="smsc", host="127.0.0.1", port=peers.addresses.smpp_port, system_id="l", password="p")
        sent = channel.send(Message(key="L1/sms/early/2026-03-01/1", channel="sms", to="8613800000001", body=LONG_TEXT))
        channel.close()
        assert len(peers.smsc.submits) > 1  # it did go in parts
        [message] = peers.smsc.take_new()
    assert message.text == LONG_TEXT and message.message_id == sent.provider_message_id == peers.smsc.submits[0]["id"]
    assert message.to == "8613800000001" and message.channel == "sms"
