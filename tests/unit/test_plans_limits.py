"""Approval limits by role: read from YAML with zh/en errors; who may approve what."""

from __future__ import annotations

import pytest

from arrears.errors import InputError
from arrears.plans.limits import PlanTerms, parse_limits, read_limits
from arrears.plans.preview import PlanKind

LIMITS = read_limits()


@pytest.mark.parametrize(
    ("roles", "terms", "covered"),
    [
        ({"collector"}, PlanTerms(PlanKind.INSTALMENTS, instalments=6), True),
        ({"collector"}, PlanTerms(PlanKind.INSTALMENTS, instalments=7), False),
        ({"team_lead"}, PlanTerms(PlanKind.INSTALMENTS, instalments=12), True),
        ({"team_lead"}, PlanTerms(PlanKind.INSTALMENTS, instalments=13), False),
        ({"collector"}, PlanTerms(PlanKind.DEFERRAL, deferral_months=1), True),
        ({"collector"}, PlanTerms(PlanKind.DEFERRAL, deferral_months=2), False),
        ({"team_lead"}, PlanTerms(PlanKind.DEFERRAL, deferral_months=3), True),
        ({"collector"}, PlanTerms(PlanKind.WAIVER, waiver=20_000), True),
        ({"collector"}, PlanTerms(PlanKind.WAIVER, waiver=20_001), False),
        ({"team_lead"}, PlanTerms(PlanKind.WAIVER, waiver=200_000), True),
        ({"admin"}, PlanTerms(PlanKind.WAIVER, waiver=5_000_000), True),
        ({"field_collector"}, PlanTerms(PlanKind.WAIVER, waiver=1), False),
        ({"compliance_officer"}, PlanTerms(PlanKind.INSTALMENTS, instalments=1), False),
        ({"collector", "team_lead"}, PlanTerms(PlanKind.INSTALMENTS, instalments=10), True),
        (set(), PlanTerms(PlanKind.INSTALMENTS, instalments=1), False),
    ],
)
def test_each_role_approves_alone_only_within_its_limit(roles, terms, covered):
    assert LIMITS.covers(roles, terms) is covered


def test_a_proposal_over_the_collectors_limit_names_the_roles_that_can_approve_it():
    # given a 10-instalment plan, beyond a collector's 6
    terms = PlanTerms(PlanKind.INSTALMENTS, instalments=10)
    # then a team lead or an administrator can approve it
    assert LIMITS.roles_covering(terms) == ("team_lead", "admin")
    assert LIMITS.may_propose({"collector"}) and not LIMITS.may_propose({"compliance_officer"})


def test_every_problem_of_a_limits_file_is_listed_in_both_languages():
    # given a file with an unknown role, a float amount, a missing field and a count out of range
    document = {
        "roles": {
            "janitor": {"max_waiver": "1", "max_instalments": 1, "max_deferral_months": 1},
            "collector": {"max_waiver": 200.0, "max_instalments": 6, "max_deferral_months": 1},
            "team_lead": {"max_waiver": "1.00", "max_instalments": 99},
        }
    }
    # when it is read
    with pytest.raises(InputError) as refused:
        parse_limits(document, source="limits.yaml")
    # then each problem is named, where it is, in zh-Hans and English
    en, zh = refused.value.en, refused.value.zh
    assert "roles.janitor: unknown role" in en and "roles.janitor: 未知角色" in zh
    assert "roles.collector.max_waiver: write amounts as quoted text" in en
    assert "roles.team_lead.max_deferral_months: required field is missing" in en
    assert "缺少必填字段" in zh


def test_an_empty_limits_file_is_refused():
    with pytest.raises(InputError) as refused:
        parse_limits(None)
    assert "roles" in refused.value.en


def test_a_missing_file_is_refused_with_its_path(tmp_path):
    with pytest.raises(InputError) as refused:
        read_limits(tmp_path / "nope.yaml")
    assert "nope.yaml" in refused.value.en and "找不到" in refused.value.zh
