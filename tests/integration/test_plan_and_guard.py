"""`plan` makes the day's actions from the strategy, passes each through the guard, and keeps the
blocks with their rules and reasons; `explain` tells them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from arrears.cases.models import AccountHold
from arrears.cli import main
from arrears.cycle.service import run_cycle
from arrears.errors import InputError
from arrears.ledger.models import ContactPoint
from arrears.strategy.document import default_strategy
from arrears.strategy.models import PlannedAction
from arrears.strategy.service import run_plan
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 3, 1)  # one day after the first instalment fell due


def with_mobile(loan, **flags):
    ContactPoint.objects.create(
        borrower=loan.borrower, kind="mobile", value=f"1380000{loan.pk:04d}", verified=True, **flags
    )
    return loan


def planned(loan):
    return list(PlannedAction.objects.filter(loan=loan, as_of=AS_OF).order_by("channel"))


def test_plan_allows_lawful_reminders_and_blocks_what_a_rule_forbids(capsys):
    # given three accounts one day past due: one reachable, one whose mobile is marked
    # do-not-contact, one under a cease-contact hold
    reachable = with_mobile(make_loan("L-OK"))
    do_not_contact = with_mobile(make_loan("L-DNC"), do_not_contact=True)
    ceased = with_mobile(make_loan("L-CEASE"))
    AccountHold.objects.create(loan=ceased, kind="cease_contact", since=timezone.make_aware(dt.datetime(2026, 2, 27)))
    run_cycle(AS_OF)
    # when the day is planned
    outcome = run_plan(AS_OF)
    # then the early-reminder SMS and app notice are planned for each, with the rule that made them
    assert [a.channel for a in planned(reachable)] == ["app_push", "sms"]
    assert all(a.segment == "early_reminder" and a.rule.startswith(f"default/v{default_strategy().version}/early_reminder") for a in planned(reachable))
    assert all(a.allowed for a in planned(reachable))
    # and the guard blocks the others, naming the rule in both languages
    for action in planned(do_not_contact):
        assert not action.allowed and "cn.do_not_contact" in action.blocked_by.split(",")
        assert action.reasons_zh and action.reasons_en
    for action in planned(ceased):
        assert not action.allowed and "cn.hold.cease_contact" in action.blocked_by.split(",")
    assert outcome.blocked == 4 and outcome.allowed == 2
    assert outcome.blocks_by_rule["cn.hold.cease_contact"] == 2
    # and planning the same day again replaces, never duplicates
    run_plan(AS_OF)
    assert PlannedAction.objects.filter(as_of=AS_OF).count() == 6


def test_a_hold_placed_after_the_send_time_does_not_rewrite_that_day_but_binds_the_next():
    # given an account whose cease-contact request arrives on the first plan's work day (the day after
    # its night) at 15:00 Beijing time, after that plan's 10:00 messages
    loan = with_mobile(make_loan("L-LATE-HOLD"))
    AccountHold.objects.create(loan=loan, kind="cease_contact", since=timezone.make_aware(dt.datetime(2026, 3, 2, 15)))
    # when both days are aged and planned, each after its own cycle
    run_cycle(AS_OF)
    run_plan(AS_OF)
    run_cycle(AS_OF + dt.timedelta(days=1))
    run_plan(AS_OF + dt.timedelta(days=1))
    # then the 10:00 messages of the first day stood as planned, and every message of the next day is blocked
    assert all(a.allowed for a in planned(loan))
    next_day = PlannedAction.objects.filter(loan=loan, as_of=AS_OF + dt.timedelta(days=1))
    assert next_day.exists() and all("cn.hold.cease_contact" in a.blocked_by.split(",") for a in next_day)


def test_explain_tells_where_the_account_is_and_what_was_blocked(capsys):
    loan = with_mobile(make_loan("L-EXPLAIN"), do_not_contact=True)
    run_cycle(AS_OF)
    run_plan(AS_OF)
    assert main(["explain", "L-EXPLAIN"]) == 0
    out = capsys.readouterr().out
    assert "逾期 1 天" in out and "1 days past due" in out
    assert "合规拦截" in out and "Blocked by the guard" in out and "cn.do_not_contact" in out


def test_explain_refuses_an_unknown_loan_in_both_languages(capsys):
    assert main(["explain", "NO-SUCH-LOAN"]) == 1
    err = capsys.readouterr().err
    assert "找不到贷款" in err and "no loan" in err


def test_the_account_page_shows_the_explanation_and_the_blocked_actions(client, django_user_model):
    loan = with_mobile(make_loan("L-PAGE"), do_not_contact=True)
    run_cycle(AS_OF)
    run_plan(AS_OF)
    # an administrator: the account has no case here, and only those who see every case open it
    user = django_user_model.objects.create_superuser("collector", password="a-long-password-1")
    client.force_login(user)
    page = client.get(f"/accounts/{loan.external_id}/").content.decode()
    assert "策略与下一步" in page and "逾期 1 天" in page
    assert "拦截" in page and "cn.do_not_contact" in page
    english = client.get(f"/accounts/{loan.external_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Strategy and next steps" in english and "1 days past due" in english


def test_explain_as_of_a_past_day_tells_the_account_as_it_stood_that_day(capsys):
    # given an account aged and planned one day past due (its messages blocked: do-not-contact),
    # then aged again 35 days past due
    with_mobile(make_loan("L-THEN"), do_not_contact=True)
    run_cycle(AS_OF)
    run_plan(AS_OF)
    later = AS_OF + dt.timedelta(days=34)
    run_cycle(later)
    # when it is explained as of the first day
    assert main(["explain", "L-THEN", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    # then the first day's days past due, bucket, segment and blocks are told, not today's
    assert f"截至 {AS_OF}，账户逾期 1 天（M1）" in out and f"As of {AS_OF} the account is 1 days past due (M1)" in out
    assert "Early reminder" in out and "cn.do_not_contact" in out
    assert "35" not in out.split("\n")[0]
    # and without a date it is explained as of the last cycle
    assert main(["explain", "L-THEN", "--lang", "en"]) == 0
    now = capsys.readouterr().out
    assert f"As of {later} the account is 35 days past due (M2)" in now and "Blocked by the guard" not in now


def test_explain_as_of_a_day_the_account_was_not_aged_says_so_in_both_languages(capsys):
    # given an account aged on one day only
    make_loan("L-ONE-DAY")
    run_cycle(AS_OF)
    # when it is explained as of a day with no stored state
    code = main(["explain", "L-ONE-DAY", "--as-of", "2026-03-10"])
    # then it is refused, plainly, naming the day and the days that are stored
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "没有 2026-03-10 的账户状态" in err and "no stored state for 2026-03-10" in err
    assert str(AS_OF) in err


def test_plan_is_refused_for_a_day_the_cycle_has_not_aged(capsys):
    # given a book aged to one day
    make_loan("L-STALE")
    run_cycle(AS_OF)
    next_day = AS_OF + dt.timedelta(days=1)
    # when the next day is planned before its cycle
    with pytest.raises(InputError) as refused:
        run_plan(next_day)
    # then it is refused in both languages, naming the day asked for and the day the states are of
    assert str(next_day) in refused.value.zh and str(AS_OF) in refused.value.zh
    assert f"cannot plan {next_day}" in refused.value.en and f"as of {AS_OF}" in refused.value.en
    assert not PlannedAction.objects.exists()
    # and the command prints it without a traceback and exits with 1
    assert main(["plan", "--as-of", next_day.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "夜间账龄计算尚未运行" in err and f"cycle has not been run for {next_day}" in err and "Traceback" not in err


def test_plan_is_refused_before_any_cycle(capsys):
    # given a book never aged
    make_loan("L-NEVER")
    # when a day is planned, then it is refused with the command to run first
    assert main(["plan", "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "尚未运行过" in err and "has not been run yet" in err and f"arrears cycle --as-of {AS_OF}" in err


def test_a_cadence_step_s_attempts_are_kept_on_its_planned_action():
    # given an account seven days past due, in the in-house segment whose call step allows 2 attempts a
    # day and whose SMS step sends one that day
    loan = with_mobile(make_loan("L-ATTEMPTS"))
    day = AS_OF + dt.timedelta(days=6)
    run_cycle(day)
    # when the day is planned
    run_plan(day)
    # then the call carries its 2 attempts and the SMS its single one
    actions = {a.channel: a for a in PlannedAction.objects.filter(loan=loan, as_of=day)}
    assert actions["call"].segment == "internal_collection" and actions["call"].attempts == 2
    assert actions["sms"].attempts == 1
