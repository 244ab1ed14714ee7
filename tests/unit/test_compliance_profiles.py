"""Jurisdiction profiles: their numbers and citations, and lender policies that may only tighten."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from arrears.compliance.profiles import apply_policy, available_profiles, load_profile, parse_profile
from arrears.compliance.quiet_days import QuietDayMode
from arrears.compliance.rules import Basis
from arrears.compliance.vocabulary import Channel, TemplateKind
from arrears.errors import ConfigurationError


@pytest.fixture(scope="module")
def cn():
    return load_profile("cn")


@pytest.fixture(scope="module")
def us():
    return load_profile("us-regf")


def test_both_jurisdictions_ship_and_china_is_the_default():
    assert set(available_profiles()) >= {"cn", "us-regf"}
    assert load_profile().profile_id == "cn"


@pytest.mark.parametrize("name", ["cn", "us-regf"])
def test_every_rule_is_cited(name):
    for rule in load_profile(name).rules:
        citation = rule.citation
        assert citation.source_zh.strip() and citation.source_en.strip(), rule.rule_id
        assert "http" not in f"{citation.source_en}{citation.article}{citation.note}"
        if citation.basis == Basis.LAW:
            assert citation.article, f"{rule.rule_id} cites a law without its article"
        zh, en = rule.reason()
        assert zh and en


def test_china_numbers(cn):
    hours = cn.rule("cn.contact_hours")
    assert (hours.earliest, hours.latest) == (dt.time(8), dt.time(22))
    assert cn.rule("cn.unanswered_per_contact_point").max_per_day == 6
    assert cn.rule("cn.effective_calls_per_debtor").max_per_day == 3
    assert cn.rule("cn.third_party_unreachable").min_failed_attempts == 3
    assert cn.rule("cn.third_party_templates").allowed_templates == {TemplateKind.LOCATE_ONLY}
    assert cn.rule("cn.visit_collectors").min_collectors == 2
    assert cn.rule("cn.visit_advance_notice").required is True
    monthly = cn.rule("cn.monthly_visits")
    assert monthly.max_per_month == 2 and monthly.citation.basis == Basis.LENDER_POLICY
    assert cn.rule("cn.quiet_days").mode == QuietDayMode.OFF
    assert cn.rule("cn.records.collection").years == 2
    assert cn.rule("cn.records.personal_data").years == 3
    assert "第四十一条" in cn.rule("cn.outsourcing_notice").citation.article
    assert "cn.records.collection" not in {rule.rule_id for rule in cn.action_rules}


def test_regulation_f_numbers(us):
    hours = us.rule("us.contact_hours")
    assert (hours.earliest, hours.latest) == (dt.time(8), dt.time(21))
    window = us.rule("us.calls_in_window")
    assert (window.max_calls, window.days) == (7, 7)
    assert window.citation.article == "12 CFR 1006.14(b)(2)(i)(A)"
    assert us.rule("us.wait_after_conversation").days == 7
    assert us.rule("us.validation_notice").within_days == 5
    assert us.rule("us.validation_notice").citation.article == "12 CFR 1006.34(a)(1)"
    assert us.rule("us.time_barred").citation.article == "12 CFR 1006.26(b)"
    assert us.rule("us.channel_opt_out").citation.article == "12 CFR 1006.14(h)(1)"
    assert us.rule("us.electronic_opt_out_notice").citation.article == "12 CFR 1006.6(e)"
    assert us.rule("us.records_retention").years == 3


def test_a_lender_policy_file_tightens_the_profile(tmp_path, cn):
    # given a policy file that narrows hours, lowers caps, sends more collectors, turns quiet days on
    policy = tmp_path / "acme.yaml"
    policy.write_text(
        """
policy: acme-consumer-finance
extends: cn
rules:
  cn.contact_hours: {earliest: "09:00", latest: "20:00", channels: [sms, email, app_push, call, visit, letter]}
  cn.unanswered_per_contact_point: {max_per_day: 3}
  cn.effective_calls_per_debtor: {max_per_day: 2}
  cn.visit_collectors: {min_collectors: 3}
  cn.quiet_days: {mode: public_holidays}
  cn.third_party_templates: {allowed_templates: []}
  cn.records.collection: {years: 5}
""",
        encoding="utf-8",
    )
    # when
    tightened = load_profile("cn", policy=policy)
    # then
    hours = tightened.rule("cn.contact_hours")
    assert (hours.earliest, hours.latest) == (dt.time(9), dt.time(20))
    assert Channel.LETTER in hours.channels
    assert tightened.rule("cn.unanswered_per_contact_point").max_per_day == 3
    assert tightened.rule("cn.effective_calls_per_debtor").max_per_day == 2
    assert tightened.rule("cn.visit_collectors").min_collectors == 3
    assert tightened.rule("cn.quiet_days").mode == QuietDayMode.PUBLIC_HOLIDAYS
    assert tightened.rule("cn.third_party_templates").allowed_templates == frozenset()
    assert tightened.layers == ("cn.yaml", "acme-consumer-finance")
    assert tightened.rule("cn.contact_hours").citation == cn.rule("cn.contact_hours").citation
    assert cn.rule("cn.contact_hours").latest == dt.time(22)  # the jurisdiction itself is untouched


LOOSENINGS = [
    ("cn", "cn.contact_hours", "latest", "23:00", "22:00"),
    ("cn", "cn.contact_hours", "earliest", "07:30", "08:00"),
    ("cn", "cn.contact_hours", "channels", ["call"], "[app_push, call, email, sms, visit]"),
    ("cn", "cn.unanswered_per_contact_point", "max_per_day", 7, "6"),
    ("cn", "cn.effective_calls_per_debtor", "max_per_day", 4, "3"),
    ("cn", "cn.third_party_unreachable", "min_failed_attempts", 2, "3"),
    ("cn", "cn.third_party_templates", "allowed_templates", ["locate_only", "collection"], "[locate_only]"),
    ("cn", "cn.third_party_relations", "forbidden_relations", [], "[unrelated]"),
    ("cn", "cn.visit_collectors", "min_collectors", 1, "2"),
    ("cn", "cn.visit_advance_notice", "required", False, "true"),
    ("cn", "cn.monthly_visits", "max_per_month", 3, "2"),
    ("cn", "cn.hold.dispute_open", "allowed_templates", ["notice", "collection"], "[notice, opt_out_confirmation]"),
    ("cn", "cn.hold.bankruptcy", "hold", "deceased", "bankruptcy"),
    ("cn", "cn.contact_point_known", "optional_channels", ["legal", "sms"], "[legal]"),
    ("cn", "cn.records.personal_data", "years", 2, "3"),
    ("us-regf", "us.contact_hours", "latest", "21:30", "21:00"),
    ("us-regf", "us.calls_in_window", "max_calls", 8, "7"),
    ("us-regf", "us.calls_in_window", "days", 6, "7"),
    ("us-regf", "us.wait_after_conversation", "days", 5, "7"),
    ("us-regf", "us.channel_opt_out", "allow_confirmation", True, "false"),
    ("us-regf", "us.validation_notice", "within_days", 10, "5"),
    ("us-regf", "us.time_barred", "channels", [], "[legal]"),
]


@pytest.mark.parametrize(("profile_name", "rule_id", "name", "value", "shown"), LOOSENINGS)
def test_a_policy_that_loosens_is_refused_naming_the_rule_and_both_values(profile_name, rule_id, name, value, shown):
    profile = load_profile(profile_name)
    with pytest.raises(ConfigurationError) as refused:
        apply_policy(profile, {"policy": "lax", "rules": {rule_id: {name: value}}})
    error = refused.value
    for text in (error.zh, error.en):
        assert rule_id in text and name in text and shown in text and "lax" in text
    assert "拒绝放宽" in error.zh and "loosening refused" in error.en


def test_a_second_policy_may_not_undo_the_first():
    strict = load_profile("cn", policy={"rules": {"cn.quiet_days": {"mode": "rest_days"}}})
    with pytest.raises(ConfigurationError, match="rest_days"):
        apply_policy(strict, {"rules": {"cn.quiet_days": {"mode": "public_holidays"}}})
    assert apply_policy(strict, {"rules": {"cn.quiet_days": {"mode": "rest_days"}}}).rule("cn.quiet_days").mode == "rest_days"


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ({"rules": {"cn.no_such_rule": {"max_per_day": 1}}}, "cn.no_such_rule"),
        ({"rules": {"cn.contact_hours": {"start": "09:00"}}}, "start"),
        ({"rules": {"cn.unanswered_per_contact_point": {"max_per_day": "five"}}}, "five"),
        ({"rules": {"cn.unanswered_per_contact_point": {"max_per_day": -1}}}, "-1"),
        ({"rules": {"cn.contact_hours": {"latest": 1260}}}, "HH:MM"),
        ({"rules": {"cn.contact_hours": {"earliest": "9am"}}}, "9am"),
        ({"rules": {"cn.contact_hours": {"earliest": "21:00", "latest": "20:00"}}}, "20:00"),
        ({"rules": {"cn.contact_hours": {"channels": "call"}}}, "'call'"),
        ({"rules": {"cn.contact_hours": {"channels": ["sms", "email", "app_push", "call", "visit", "fax"]}}}, "fax"),
        ({"extends": "us-regf", "rules": {}}, "us-regf"),
        ({"rules": {}, "colour": "red"}, "colour"),
    ],
)
def test_a_malformed_policy_gets_a_precise_bilingual_error(cn, policy, words):
    with pytest.raises(ConfigurationError) as refused:
        apply_policy(cn, policy, source="lender.yaml")
    assert words in refused.value.zh and words in refused.value.en


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"id": "cn.x", "kind": "no_such_kind", "citation": {}}, "no_such_kind"),
        ({"id": "CN X", "kind": "do_not_contact"}, "CN X"),
        ({"id": "cn.x", "kind": "visit_collectors", "citation": {"source_zh": "a", "source_en": "b", "basis": "law"}}, "min_collectors"),
        ({"id": "cn.x", "kind": "do_not_contact"}, "citation"),
        ({"id": "cn.x", "kind": "do_not_contact", "citation": {"source_zh": "a", "source_en": "b", "basis": "rumour"}}, "rumour"),
    ],
)
def test_a_malformed_profile_is_refused(rule, words):
    with pytest.raises(ConfigurationError) as refused:
        parse_profile({"profile": "xx", "rules": [rule]}, source="xx.yaml")
    assert words in refused.value.en


def test_an_unknown_profile_names_the_known_ones():
    with pytest.raises(ConfigurationError, match="us-regf"):
        load_profile("mars")


def test_profiles_and_rules_are_frozen(cn):
    with pytest.raises(dataclasses.FrozenInstanceError):
        cn.rules = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cn.rule("cn.contact_hours").latest = dt.time(23)


def test_the_guide_lists_every_rule_id():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "compliance-guard.md").read_text(encoding="utf-8")
    for name in available_profiles():
        for rule in load_profile(name).rules:
            assert f"`{rule.rule_id}`" in guide, rule.rule_id
