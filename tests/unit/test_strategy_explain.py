"""The explanation says, in both languages, where an account is, the holds in force, why, what comes next and
what was blocked."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from arrears.strategy import default_strategy
from arrears.strategy.explain import BlockedAction, HoldOnDay, explain_account

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


SHANGHAI = ZoneInfo("Asia/Shanghai")
BANKRUPTCY = HoldOnDay(kind="bankruptcy", kind_zh="破产", kind_en="bankruptcy",
                       since=dt.datetime(2026, 2, 20, 9, 30, tzinfo=SHANGHAI), until=None, reason="法院受理破产申请")
CEASE = HoldOnDay(kind="cease_contact", kind_zh="停止联系", kind_en="cease contact",
                  since=dt.datetime(2026, 3, 1, 11, 0, tzinfo=SHANGHAI), until=dt.datetime(2026, 3, 5, tzinfo=SHANGHAI),
                  reason="")


def test_holds_in_force_on_the_day_are_told_with_their_dates_and_reasons_and_that_contact_is_held():
    # given two holds in force on the day explained
    # when the account is explained
    explanation = explain_account(facts(dpd=15, bucket="M1"), default_strategy(), AS_OF, holds=[BANKRUPTCY, CEASE])
    zh, en = explanation.text("zh-hans"), explanation.text("en")
    # then, right after where the account stands, both languages say which holds bind and that contact is held
    assert explanation.lines_zh[1].startswith("2026-03-01 生效的暂停") and "暂停期间停止催收联系" in zh
    assert explanation.lines_en[1].startswith("Holds in force on 2026-03-01") and "contact is held while they are" in en
    assert "· 破产：自 2026-02-20 09:30 起，直至解除；原因：法院受理破产申请。" in zh
    assert "· bankruptcy: from 2026-02-20 09:30, until released; reason: 法院受理破产申请." in en
    assert "· 停止联系：自 2026-03-01 11:00 起，至 2026-03-05 00:00 止；原因：—。" in zh
    assert "· cease contact: from 2026-03-01 11:00, until 2026-03-05 00:00; reason: —." in en
    # and the rest of the explanation follows as before
    assert "下一步" in zh and "Next:" in en


def test_holds_told_up_to_now_say_so():
    explanation = explain_account(facts(), default_strategy(), AS_OF, holds=[BANKRUPTCY], holds_to_now=True)
    assert explanation.lines_zh[1].startswith("2026-03-01 及其后生效的暂停")
    assert explanation.lines_en[1].startswith("Holds in force on 2026-03-01 or since")


def test_an_account_with_no_hold_says_nothing_of_holds():
    explanation = explain_account(facts(), default_strategy(), AS_OF)
    assert "暂停（" not in explanation.text("zh-hans") and "Holds in force" not in explanation.text("en")
