"""Pure parts of the outbox: stop words, receipts, signatures, backoff, configuration."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.channels.replies import is_stop_request, parse_smpp_receipt
from arrears.channels.signing import sign, verify
from arrears.errors import ConfigurationError
from arrears.outbox.backoff import RetryPolicy
from arrears.outbox.config import parse_config


@pytest.mark.parametrize("text", ["STOP", " stop ", "Td", "TD。", "退订", " 退订！", "ＳＴＯＰ"])
def test_stop_requests_are_recognised_in_any_case_and_width(text):
    assert is_stop_request(text)


@pytest.mark.parametrize("text", ["", "stop calling my mother", "我会还款", "TDX", "退订了吗？我还想问"])
def test_other_replies_are_not_stop_requests(text):
    assert not is_stop_request(text)


def test_an_smpp_receipt_gives_its_message_id_and_state():
    assert parse_smpp_receipt("id:0123abc sub:001 dlvrd:000 submit date:2603011000 done date:2603011005 stat:UNDELIV err:001") == (
        "0123abc", "UNDELIV")
    assert parse_smpp_receipt("hello") is None


@given(st.binary(max_size=200), st.text(min_size=1, max_size=20))
def test_a_signature_verifies_only_its_own_body_and_secret(body, secret):
    header = sign(secret, body, timestamp=1_767_225_600)
    assert verify(secret, body, header, now=1_767_225_600)
    assert not verify(secret + "x", body, header, now=1_767_225_600)
    assert not verify(secret, body + b"x", header, now=1_767_225_600)
    assert not verify(secret, body, header, now=1_767_225_600 + 3600)  # a replay an hour later


@given(st.integers(min_value=1, max_value=40))
def test_backoff_doubles_and_stays_within_its_ceiling(tries):
    policy = RetryPolicy(base_seconds=10, max_seconds=600, jitter=0.1)
    delay = policy.delay(tries, rng=random.Random(tries)).total_seconds()
    floor = min(600, 10 * 2 ** (tries - 1))
    assert floor <= delay <= floor * 1.1


def test_a_retry_policy_that_makes_no_sense_is_refused():
    with pytest.raises(ValueError):
        RetryPolicy(base_seconds=10, max_seconds=5)


def test_the_configuration_names_every_mistake_in_both_languages():
    with pytest.raises(ConfigurationError) as unknown_channel:
        parse_config({"channels": {"fax": {"provider": "x"}}, "providers": {}})
    assert "fax" in unknown_channel.value.en and unknown_channel.value.zh
    with pytest.raises(ConfigurationError) as missing:
        parse_config({"providers": {"smsc": {"kind": "smpp", "host": "h"}}})
    assert "port" in missing.value.en
    with pytest.raises(ConfigurationError) as wrong_carrier:
        parse_config({"channels": {"email": {"provider": "smsc"}},
                      "providers": {"smsc": {"kind": "smpp", "host": "h", "port": 1, "system_id": "s", "password": "p"}}})
    assert "cannot carry email" in wrong_carrier.value.en
    with pytest.raises(ConfigurationError):
        parse_config({"channels": {"sms": {"provider": "g", "rate": {"count": 0, "seconds": 1}}},
                      "providers": {"g": {"kind": "http_gateway", "url": "u", "secret": "s"}}})


def test_a_step_s_attempts_become_that_many_attempts_two_hours_apart_and_a_letter_stays_one():
    import datetime as dt

    import pyarrow as pa

    from arrears.outbox.enqueue import attempt_rows

    # given an SMS step allowing 3 attempts a day, an email allowing 1, a letter marked 2
    actions = pa.table({
        "loan_id": [7, 7, 8], "channel": ["sms", "email", "letter"], "template": ["t_sms", "t_mail", "t_letter"],
        "segment": ["s"] * 3, "rule": ["r"] * 3, "attempts": [3, 1, 2], "time_zone": ["Asia/Shanghai"] * 3,
        "mobile_id": [70, 70, 80], "email_id": [71, 71, 81], "address_id": [72, 72, 82],
    })
    # when they become attempts
    rows = attempt_rows(actions, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)).to_pylist()
    # then the SMS is three attempts numbered in their keys, from 10:00 Beijing time two hours apart
    sms = [r for r in rows if r["channel"] == "sms"]
    assert [r["idempotency_key"] for r in sms] == [f"L7/sms/t_sms/2026-03-01/{n}" for n in (1, 2, 3)]
    assert [r["planned_for"].hour for r in sms] == [2, 4, 6]  # UTC: 10:00, 12:00, 14:00 in Shanghai
    # and the email and the letter are one each
    assert [r["idempotency_key"] for r in rows if r["channel"] != "sms"] == [
        "L7/email/t_mail/2026-03-01/1", "L8/letter/t_letter/2026-03-01/1"]
