"""The explanation says, in both languages, where an account is, why, what comes next and what was blocked."""

from __future__ import annotations

import datetime as dt

from arrears.strategy import default_strategy
from arrears.strategy.explain import BlockedAction, explain_account

AS_OF = dt.date(2026, 3, 1)


def facts(**overrides):
    base = dict(
        loan_id=7, dpd=2, bucket="M1", overdue_amount=110_016, balance=1_200_000, principal_outstanding=1_000_000,
        product="CASH", score=None, status="delinquent", hardship=False, dispute=False, unreachable=False,
        address_verified=True, promise_pending=False, plan_active=False, refusal_count=0, failed_contacts=0,
        broken_promises=0,
    )
    return {**base, **overrides}


def test_an_early_account_is_explained_with_its_oldest_due_date_segment_and_next_step():
    explanation = explain_account(facts(), default_strategy(), AS_OF)
    zh, en = explanation.text("zh-hans"), explanation.text("en")
    assert "逾期 2 天" in zh and "2026-02-27" in zh and "¥1,100.16" in zh
    assert "2 days past due" in en and "2026-02-27" in en
    early = default_strategy().segment("early_reminder")
    assert early.label_zh in zh and early.label_en in en
    assert "下一步" in zh and "Next:" in en


def test_hardship_is_explained_as_forbearance_not_escalation():
    explanation = explain_account(facts(dpd=45, bucket="M2", hardship=True), default_strategy(), AS_OF)
    forbearance = default_strategy().segment("hardship_forbearance")
    assert forbearance.label_en in explanation.text("en")
    assert "agency" not in explanation.lines_en[1].lower()


def test_blocked_actions_are_listed_with_their_rules_and_reasons():
    blocked = [BlockedAction("call", "call_early", ("cn.contact_hours",), ("夜间不得催收",), ("no calls at night",))]
    explanation = explain_account(facts(dpd=15, bucket="M1"), default_strategy(), AS_OF, blocked)
    assert "cn.contact_hours" in explanation.text("zh-hans") and "夜间不得催收" in explanation.text("zh-hans")
    assert "no calls at night" in explanation.text("en")


def test_a_current_account_has_nothing_planned():
    explanation = explain_account(facts(dpd=0, bucket="M0", status="current", overdue_amount=0), default_strategy(), AS_OF)
    assert "未逾期" in explanation.text("zh-hans")
    assert "nothing is planned" in explanation.text("en")
