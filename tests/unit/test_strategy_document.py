"""The strategy document: loading into frozen records, problems reported by line and field,
and the shipped default strategy routing sample accounts to the stages of the domain."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from arrears.strategy import (
    Action,
    Arm,
    Channel,
    Owner,
    StrategyDocumentError,
    default_strategy,
    load_strategy,
    load_strategy_file,
    segment_for,
)
from arrears.strategy.facts import ACCOUNT_FACTS

VALID = textwrap.dedent(
    """\
    name: trial
    version: 2
    segments:
      - id: early
        label_zh: 早期提醒
        label_en: Early reminder
        when: dpd between 1 and 3
        owner: automated
        priority: 10
        cadence:
          - {channel: sms, template: sms_early, on_dpd: [3, 1]}
          - channel: call
            template: call_early
            every: 2
            from_dpd: 2
            attempts: 2
        challenger:
          name: daily_sms
          share: 25
          cadence:
            - {channel: sms, template: sms_early, every: 1, from_dpd: 1}
      - id: rest
        label_zh: 其他
        label_en: The rest
        when: true
        owner: internal_queue
        priority: 0
        cadence: []
    """
)


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(StrategyDocumentError) as caught:
        load_strategy(text, source="trial.yaml")
    return [(p.line, p.field) for p in caught.value.problems]


def test_a_valid_document_loads_into_frozen_records():
    # when
    strategy = load_strategy(VALID)
    # then
    assert (strategy.name, strategy.version) == ("trial", 2)
    early = strategy.segment("early")
    assert early.owner is Owner.AUTOMATED and early.line == 4
    assert early.cadence[0] == Action(Channel.SMS, "sms_early", 1, (1, 3))
    assert early.cadence[1] == Action(Channel.CALL, "call_early", 2, (), every=2, from_dpd=2)
    assert early.challenger.share == 25
    assert early.cadence_for(Arm.CHALLENGER) == early.challenger.cadence
    assert strategy.segment("rest").cadence == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        early.priority = 3


def test_an_action_is_due_on_its_days():
    every = Action(Channel.CALL, "c", every=7, from_dpd=4)
    assert [d for d in range(20) if every.due_on(d)] == [4, 11, 18]
    assert [d for d in range(5) if Action(Channel.SMS, "s", on_dpd=(1, 3)).due_on(d)] == [1, 3]


def edited(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "field", "en"),
    [
        (edited("version: 2", "version: two"), 2, "version", "expected a whole number"),
        (edited("version: 2", "version: 0"), 2, "version", "at least 1"),
        (edited("name: trial", "name: Trial Run"), 1, "name", "not an identifier"),
        (edited("owner: automated", "owner: agency"), 8, "segments[0].owner", "did you mean 'agency_pool'"),
        (edited("priority: 10", "priority: high"), 9, "segments[0].priority", "expected a whole number"),
        (edited("priority: 10", "priority: 5000"), 9, "segments[0].priority", "between 0 and 1000"),
        (edited("label_en: Early reminder", "label_en: ''"), 6, "segments[0].label_en", "non-empty text"),
        (edited("when: dpd between 1 and 3", "when: dpd betwen 1 and 3"), 7, "segments[0].when", "column 5"),
        (edited("when: dpd between 1 and 3", 'when: overdue_amount > "5"'), 7, "segments[0].when", "cannot be compared"),
        (edited("{channel: sms, template: sms_early, on_dpd: [3, 1]}", "{channel: smss, template: sms_early, on_dpd: [1]}"),
         11, "segments[0].cadence[0].channel", "did you mean 'sms'"),
        (edited("on_dpd: [3, 1]", "on_dpd: [3, 3]"), 11, "segments[0].cadence[0].on_dpd[1]", "listed twice"),
        (edited("on_dpd: [3, 1]", "on_dpd: []"), 11, "segments[0].cadence[0].on_dpd", "may not be empty"),
        (edited("on_dpd: [3, 1]", "on_dpd: [-1]"), 11, "segments[0].cadence[0].on_dpd[0]", "between 0 and"),
        (edited("on_dpd: [3, 1]", "on_dpd: [1], every: 2"), 11, "segments[0].cadence[0].every", "not both"),
        (edited("on_dpd: [3, 1]", "from_dpd: 1"), 11, "segments[0].cadence[0].on_dpd", "needs 'on_dpd'"),
        (edited("        from_dpd: 2\n", ""), 14, "segments[0].cadence[1].from_dpd", "'every' needs 'from_dpd'"),
        (edited("attempts: 2", "attempts: 7"), 16, "segments[0].cadence[1].attempts", "between 1 and 6"),
        (edited("template: call_early", "templat: call_early"), 13, "segments[0].cadence[1].templat", "did you mean 'template'"),
        (edited("template: call_early", "templat: call_early"), 12, "segments[0].cadence[1].template", "required field missing"),
        (edited("share: 25", "share: 100"), 19, "segments[0].challenger.share", "between 1 and 99"),
        (edited("share: 25", "share: 0"), 19, "segments[0].challenger.share", "between 1 and 99"),
        (edited("      name: daily_sms\n", ""), 18, "segments[0].challenger.name", "required field missing"),
        (edited("  - id: rest", "  - id: early"), 22, "segments[1].id", "used twice (first on line 4)"),
        (edited("    priority: 0\n", "    priority: 0\n    colour: red\n"), 28, "segments[1].colour", "unknown field"),
        (edited("    priority: 0\n", "    priority: 0\n    priority: 1\n"), 28, "segments[1].priority", "given twice (first on line 27)"),
        (edited("cadence: []", "cadence: sms"), 28, "segments[1].cadence", "expected a list"),
        (edited("segments:", "segment:"), 3, "segment", "did you mean 'segments'"),
        (edited("segments:", "segment:"), 1, "segments", "required field missing"),
        (edited("name: trial", "name: [trial"), 2, "(YAML)", "YAML syntax"),
        ("", 1, "(document)", "empty"),
        ("- a\n- b\n", 1, "(document)", "expected a mapping"),
        ("name: x\nversion: 1\nsegments: []\n", 3, "segments", "may not be empty"),
    ],
)
def test_problems_give_the_line_and_the_field(text, line, field, en):
    # when
    with pytest.raises(StrategyDocumentError) as caught:
        load_strategy(text, source="trial.yaml")
    # then
    matching = [p for p in caught.value.problems if (p.line, p.field) == (line, field)]
    assert matching, [(p.line, p.field, p.en) for p in caught.value.problems]
    assert en in matching[0].en
    assert f"strategy trial.yaml line {line}, {field}: " in caught.value.en
    assert f"策略文件 trial.yaml 第 {line} 行，{field}：" in caught.value.zh


def test_every_problem_is_reported_at_once_in_line_order():
    text = edited("version: 2", "version: 0").replace("owner: automated", "owner: agency")
    assert problems_of(text) == [(2, "version"), (8, "segments[0].owner")]


def test_an_expression_problem_in_a_block_scalar_is_on_its_own_line():
    # given the condition written over several lines
    text = edited("when: dpd between 1 and 3", 'when: |\n      dpd >= 1\n      and product == 3')
    # when
    with pytest.raises(StrategyDocumentError) as caught:
        load_strategy(text, source="trial.yaml")
    # then the line is the one holding the fault, with the caret under it
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (9, "segments[0].when")
    assert "line 2, column 16" in problem.en
    assert problem.en.splitlines()[1:] == ["  and product == 3", "                 ^"]


def test_a_catch_all_before_the_end_is_refused():
    text = edited("when: dpd between 1 and 3", "when: true")
    assert (4, "segments[0].when") in problems_of(text)


def test_errors_read_in_chinese():
    with pytest.raises(StrategyDocumentError) as caught:
        load_strategy(edited("owner: automated", "owner: agency"), source="trial.yaml")
    assert "“agency” 无效" in caught.value.zh and "是否指 “agency_pool”" in caught.value.zh


def test_a_file_is_named_in_its_problems(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(edited("version: 2", "version: 0"), encoding="utf-8")
    with pytest.raises(StrategyDocumentError, match="mine.yaml line 2"):
        load_strategy_file(path)


# --- the shipped default strategy ----------------------------------------------------------


def account(**facts) -> dict:
    quiet = {name: None for name in ACCOUNT_FACTS}
    quiet.update(
        loan_id=1,
        bucket="M1",
        status="delinquent",
        product="cash",
        overdue_amount=100_000,
        balance=1_000_000,
        principal_outstanding=900_000,
        score=None,
        hardship=False,
        dispute=False,
        unreachable=False,
        address_verified=False,
        promise_pending=False,
        plan_active=False,
        refusal_count=0,
        failed_contacts=0,
        broken_promises=0,
    )
    quiet.update(facts)
    return quiet


def test_the_default_strategy_loads():
    strategy = default_strategy()
    assert strategy.name == "default"
    assert [s.id for s in strategy.segments][-1] == "early_reminder"


@pytest.mark.parametrize(
    ("facts", "segment_id", "owner"),
    [
        (dict(dpd=2), "early_reminder", Owner.AUTOMATED),
        (dict(dpd=15), "internal_collection", Owner.INTERNAL_QUEUE),
        (dict(dpd=45, overdue_amount=2_000_000, score=550), "agency_placement", Owner.AGENCY_POOL),
        (dict(dpd=45, overdue_amount=200_000), "inhouse_late_mild", Owner.INTERNAL_QUEUE),
        (dict(dpd=45, overdue_amount=2_000_000, score=820), "inhouse_late_mild", Owner.INTERNAL_QUEUE),
        (dict(dpd=45, overdue_amount=2_000_000, hardship=True), "hardship_forbearance", Owner.INTERNAL_QUEUE),
        (dict(dpd=120, overdue_amount=2_000_000, refusal_count=4), "legal_review", Owner.LEGAL_REVIEW),
        (dict(dpd=120, refusal_count=4, promise_pending=True), "promise_watch", Owner.AUTOMATED),
        (dict(dpd=75, refusal_count=4, plan_active=True), "plan_active", Owner.AUTOMATED),
        (dict(dpd=20, dispute=True, hardship=True), "dispute_hold", Owner.INTERNAL_QUEUE),
        (
            dict(dpd=75, overdue_amount=1_500_000, failed_contacts=4, refusal_count=1, address_verified=True),
            "visit_review",
            Owner.VISIT_REVIEW,
        ),
        (
            dict(dpd=75, overdue_amount=1_500_000, failed_contacts=4, refusal_count=1, address_verified=False),
            "agency_placement",
            Owner.AGENCY_POOL,
        ),
        # a borrower who never answers: 90 days without paying is the unwillingness
        (dict(dpd=95, overdue_amount=300_000, failed_contacts=6, address_verified=True), "visit_review", Owner.VISIT_REVIEW),
        # before 90 days, silence alone is not: a refusal or a broken promise is needed
        (dict(dpd=75, overdue_amount=1_500_000, failed_contacts=6, address_verified=True), "agency_placement", Owner.AGENCY_POOL),
        (
            dict(dpd=75, overdue_amount=1_500_000, failed_contacts=6, broken_promises=1, address_verified=True),
            "visit_review",
            Owner.VISIT_REVIEW,
        ),
        # answering and refusing, without failed calls, is no case for a visit
        (dict(dpd=95, overdue_amount=300_000, refusal_count=2, address_verified=True), "agency_placement", Owner.AGENCY_POOL),
        (dict(dpd=0), None, None),
    ],
)
def test_the_default_strategy_routes_accounts_to_their_stage(facts, segment_id, owner):
    # when
    assignment = segment_for(account(**facts), default_strategy())
    # then
    assert (assignment.segment_id, assignment.owner) == (segment_id, owner)


def test_the_default_strategy_reminds_early_by_sms_and_app_and_offers_forbearance_in_hardship():
    strategy = default_strategy()
    assert {a.channel for a in strategy.segment("early_reminder").cadence} == {Channel.SMS, Channel.APP_PUSH}
    assert Channel.FORBEARANCE_OFFER in {a.channel for a in strategy.segment("hardship_forbearance").cadence}
    assert strategy.segment("dispute_hold").cadence == ()
