"""A local profile file can never replace a packaged profile: it is read as a policy on the packaged
profile it names, each rule checked to only tighten it; and no product may cost more than its
profile's legal ceiling."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.compliance.profiles import cost_ceiling_bp, load_profile
from arrears.errors import ConfigurationError, InputError
from arrears.ledger.catalogue import parse_catalogue

LOOSE_CN = """
profile: cn
name_zh: 中国内地
name_en: Mainland China
rules:
  - id: cn.contact_hours
    kind: contact_hours
    earliest: "00:00"
    latest: "23:59"
    channels: [sms, email, app_push, call, visit]
    citation: {source_zh: 自定, source_en: self-made, basis: law}
"""


def _file(tmp_path, text: str):
    path = tmp_path / "local.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_calling_itself_cn_that_allows_every_hour_is_refused(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        load_profile(_file(tmp_path, LOOSE_CN))
    assert "cn.contact_hours" in refused.value.zh and "拒绝放宽" in refused.value.zh
    assert "loosening refused" in refused.value.en and "08:00" in refused.value.en and "00:00" in refused.value.en


def test_a_profile_shaped_file_that_tightens_keeps_every_packaged_rule(tmp_path):
    text = LOOSE_CN.replace('"00:00"', '"09:00"').replace('"23:59"', '"21:00"')
    profile = load_profile(_file(tmp_path, text))
    cn = load_profile("cn")
    assert profile.rule_ids == cn.rule_ids  # leaving rules out drops none
    hours = profile.rule("cn.contact_hours")
    assert (hours.earliest, hours.latest) == (dt.time(9), dt.time(21))
    assert profile.rule("cn.unanswered_per_contact_point") == cn.rule("cn.unanswered_per_contact_point")
    assert profile.layers == ("cn.yaml", "local.yaml")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (LOOSE_CN.replace("profile: cn", "profile: mars"), "只能收紧随附的辖区配置", "may only tighten a packaged profile"),
        ("rules: []\n", "只能收紧随附的辖区配置", "named by profile: or extends:"),
        (LOOSE_CN.replace("id: cn.contact_hours", "id: cn.anything_goes"), "没有规则 cn.anything_goes",
         "only tightens existing rules"),
        (LOOSE_CN.replace("kind: contact_hours", "kind: quiet_days"), "不能把类型", "may not become"),
        ("extends: cn\nrules:\n  cn.effective_calls_per_debtor: {max_per_day: 9}\n", "只能调低", "may only be lowered"),
        ("extends: us-regf\nrules:\n  us.cost_ceiling: {annual_cost_bp: 9900}\n", "只能调低", "may only be lowered"),
    ],
)
def test_local_files_that_replace_invent_or_loosen_are_refused_in_both_languages(tmp_path, text, zh, en):
    with pytest.raises(ConfigurationError) as refused:
        load_profile(_file(tmp_path, text))
    assert zh in refused.value.zh and en in refused.value.en


def test_the_lender_profile_setting_cannot_loosen_either(tmp_path, settings):
    from arrears.compliance.lender import lender_profile

    settings.ARREARS_PROFILE = str(_file(tmp_path, LOOSE_CN))
    with pytest.raises(ConfigurationError):
        lender_profile()


def test_each_packaged_profile_has_a_cost_ceiling_a_policy_may_lower():
    assert cost_ceiling_bp(load_profile("cn")) == 2400
    assert cost_ceiling_bp(load_profile("us-regf")) == 3600
    state = load_profile("us-regf", policy={"rules": {"us.cost_ceiling": {"annual_cost_bp": 1600}}})
    assert cost_ceiling_bp(state) == 1600


def _catalogue(cap: int) -> dict:
    return {"products": [{"code": "HIGH", "name_zh": "高息", "name_en": "High", "repayment_method": "annuity",
                          "annual_rate_bp": 1800, "cost_cap_bp": cap}]}


def test_a_product_above_the_ceiling_is_refused_naming_both_numbers():
    with pytest.raises(InputError) as refused:
        parse_catalogue(_catalogue(3000), cost_ceiling_bp=2400)
    assert "products[0].cost_cap_bp" in refused.value.zh and "3000" in refused.value.zh and "2400" in refused.value.zh
    assert "exceeds the profile's legal ceiling of 2400" in refused.value.en
    assert parse_catalogue(_catalogue(2400), cost_ceiling_bp=2400)[0].cost_cap_bp == 2400
