"""The regulators' worked cases, each judged both ways (one by one and as a frame)."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.compliance.context import (
    AccountHold,
    AgencyAuthority,
    ChannelOptOut,
    ContactPoint,
    DebtFacts,
    LoanFacts,
)
from arrears.compliance.profiles import load_profile
from tests.unit.test_compliance_fixtures import action, call, debtor_context, judge_both, local

UTC = dt.timezone.utc
NY = "America/New_York"
SHANGHAI = "Asia/Shanghai"
URUMQI = "Asia/Urumqi"


@pytest.fixture(scope="module")
def cn():
    return load_profile("cn")


@pytest.fixture(scope="module")
def us():
    return load_profile("us-regf")


def rule_ids(decisions, action_id="a1"):
    return set(decisions[action_id].rule_ids)


# --- Reg F 1006.14(b)(2): call frequency ----------------------------------------------------


def seven_calls(debt_ids=("A",), first_day=2):
    """One unanswered call a day at 10:00 New York time, days 1–7 = 2–8 March 2026 (the clocks
    change on the 8th, so day 7 is shorter)."""
    return tuple(
        call(f"h{day}", local(NY, 2026, 3, day, 10), debt_ids=debt_ids, loan_id="A")
        for day in range(first_day, first_day + 7)
    )


def test_an_eighth_call_within_seven_days_is_blocked_and_allowed_once_the_oldest_falls_out(us):
    # given 7 calls about debt A on days 1–7
    context = debtor_context(history=seven_calls())
    eighth_on_day_7 = action(dt.datetime(2026, 3, 8, 15, 0), NY, action_id="day7", debt_id="A", loan_id="A", opt_out_notice=True)
    on_day_8 = action(dt.datetime(2026, 3, 9, 9, 0), NY, action_id="day8", debt_id="A", loan_id="A")
    # when
    decisions = judge_both([eighth_on_day_7, on_day_8], [context], us)
    # then
    assert rule_ids(decisions, "day7") == {"us.calls_in_window"}
    assert decisions["day8"].allowed


def test_calls_are_counted_per_debt(us):
    # given 7 calls about debt A this week (CFPB: attempts are counted per debt)
    context = debtor_context(history=seven_calls(("A",)))
    # when a call about debt B is planned on day 7
    about_b = action(dt.datetime(2026, 3, 8, 15, 0), NY, debt_id="B", loan_id="B")
    about_a = action(dt.datetime(2026, 3, 8, 15, 0), NY, action_id="a2", debt_id="A", loan_id="A")
    decisions = judge_both([about_b, about_a], [context], us)
    # then only the call about A is blocked
    assert decisions["a1"].allowed
    assert rule_ids(decisions, "a2") == {"us.calls_in_window"}


def test_a_call_about_two_debts_counts_for_each(us):
    context = debtor_context(history=seven_calls(("A", "B")))
    decisions = judge_both(
        [
            action(dt.datetime(2026, 3, 8, 15), NY, action_id="a", debt_id="A", loan_id="A"),
            action(dt.datetime(2026, 3, 8, 15), NY, action_id="b", debt_id="B", loan_id="B"),
            action(dt.datetime(2026, 3, 8, 15), NY, action_id="c", debt_id="C", loan_id="C"),
        ],
        [context],
        us,
    )
    assert rule_ids(decisions, "a") == rule_ids(decisions, "b") == {"us.calls_in_window"}
    assert decisions["c"].allowed


def test_calls_that_never_connected_are_not_counted(us):
    history = tuple(
        call(f"h{day}", local(NY, 2026, 3, day, 10), debt_ids=("A",), outcome="not_connected") for day in range(2, 9)
    )
    decisions = judge_both([action(dt.datetime(2026, 3, 8, 15), NY, debt_id="A")], [debtor_context(history=history)], us)
    assert decisions["a1"].allowed


def conversation(day: int, debt_ids=("A",)):
    return call("talk", local(NY, 2026, 3, day, 11), outcome="right_party_contact", conversation=True, debt_ids=debt_ids)


def test_no_call_for_seven_days_after_a_conversation_the_conversation_day_being_day_1(us):
    # given a telephone conversation about debt A on Monday 2 March (day 1)
    context = debtor_context(history=(conversation(2),))
    planned = [
        action(dt.datetime(2026, 3, 2, 17), NY, action_id="day1", debt_id="A"),
        action(dt.datetime(2026, 3, 8, 20), NY, action_id="day7", debt_id="A"),
        action(dt.datetime(2026, 3, 9, 8), NY, action_id="day8", debt_id="A"),
    ]
    # when
    decisions = judge_both(planned, [context], us)
    # then
    assert rule_ids(decisions, "day1") == {"us.wait_after_conversation"}
    assert rule_ids(decisions, "day7") == {"us.wait_after_conversation"}
    assert decisions["day8"].allowed


def test_the_wait_applies_to_every_debt_discussed_in_the_conversation(us):
    context = debtor_context(history=(conversation(2, ("A", "B")),))
    decisions = judge_both(
        [
            action(dt.datetime(2026, 3, 4, 10), NY, action_id="a", debt_id="A"),
            action(dt.datetime(2026, 3, 4, 10), NY, action_id="b", debt_id="B"),
            action(dt.datetime(2026, 3, 4, 10), NY, action_id="c", debt_id="C"),
        ],
        [context],
        us,
    )
    assert rule_ids(decisions, "a") == rule_ids(decisions, "b") == {"us.wait_after_conversation"}
    assert decisions["c"].allowed


def test_the_wait_is_for_calls_only(us):
    context = debtor_context(history=(conversation(2),))
    sms = action(dt.datetime(2026, 3, 3, 10), NY, debt_id="A", channel="sms", opt_out_notice=True)
    assert judge_both([sms], [context], us)["a1"].allowed


def test_us_hours_are_eight_to_nine_local(us):
    planned = [
        action(dt.datetime(2026, 3, 3, 7, 59), NY, action_id="early"),
        action(dt.datetime(2026, 3, 3, 8, 0), NY, action_id="eight"),
        action(dt.datetime(2026, 3, 3, 20, 59), NY, action_id="late"),
        action(dt.datetime(2026, 3, 3, 21, 0), NY, action_id="nine"),
    ]
    decisions = judge_both(planned, [debtor_context()], us)
    assert rule_ids(decisions, "early") == rule_ids(decisions, "nine") == {"us.contact_hours"}
    assert decisions["eight"].allowed and decisions["late"].allowed


def test_stop_this_medium_binds_and_electronic_messages_carry_an_opt_out(us):
    context = debtor_context(opt_outs=(ChannelOptOut(channel="email", contact_point_id="tel-2"),))
    planned = [
        action(dt.datetime(2026, 3, 3, 10), NY, action_id="email", channel="email", contact_point_id="tel-2", opt_out_notice=True),
        action(dt.datetime(2026, 3, 3, 10), NY, action_id="sms_bare", channel="sms", contact_point_id="tel-1"),
        action(dt.datetime(2026, 3, 3, 10), NY, action_id="sms", channel="sms", contact_point_id="tel-1", opt_out_notice=True),
    ]
    decisions = judge_both(planned, [context], us)
    assert rule_ids(decisions, "email") == {"us.channel_opt_out"}
    assert rule_ids(decisions, "sms_bare") == {"us.electronic_opt_out_notice"}
    assert decisions["sms"].allowed


def test_validation_notice_is_due_within_five_days(us):
    initial = dt.datetime(2026, 3, 2, 15, tzinfo=UTC)
    owed = debtor_context(debts=(DebtFacts(debt_id="L1", initial_communication_utc=initial),))
    sent = debtor_context(debts=(DebtFacts(debt_id="L1", initial_communication_utc=initial, validation_notice_utc=initial),))
    day5 = dict(when=dt.datetime(2026, 3, 7, 9), zone=NY)
    day6 = dict(when=dt.datetime(2026, 3, 8, 12), zone=NY)
    assert judge_both([action(day5["when"], NY)], [owed], us)["a1"].allowed
    assert rule_ids(judge_both([action(day6["when"], NY)], [owed], us)) == {"us.validation_notice"}
    assert judge_both([action(day6["when"], NY, template_kind="notice", channel="letter")], [owed], us)["a1"].allowed
    assert judge_both([action(day6["when"], NY)], [sent], us)["a1"].allowed


def test_no_suit_on_a_time_barred_debt(us):
    context = debtor_context(debts=(DebtFacts(debt_id="L1", time_barred=True),))
    suit = action(dt.datetime(2026, 3, 3, 10), NY, channel="legal", contact_point_id=None)
    assert rule_ids(judge_both([suit], [context], us)) == {"us.time_barred"}


# --- China -----------------------------------------------------------------------------------


def test_china_hours_are_judged_in_the_borrowers_own_zone(cn):
    planned = [
        action(dt.datetime(2026, 3, 3, 21, 59), SHANGHAI, action_id="2159"),
        action(dt.datetime(2026, 3, 3, 22, 0), SHANGHAI, action_id="2200"),
        action(dt.datetime(2026, 3, 3, 7, 59), SHANGHAI, action_id="0759"),
        action(dt.datetime(2026, 3, 3, 8, 0), SHANGHAI, action_id="0800"),
        # 22:30 in Beijing is 20:30 in Urumqi, and 08:30 in Beijing is 06:30 there
        action(dt.datetime(2026, 3, 3, 20, 30), URUMQI, action_id="urumqi_evening"),
        action(dt.datetime(2026, 3, 3, 6, 30), URUMQI, action_id="urumqi_dawn"),
    ]
    decisions = judge_both(planned, [debtor_context()], cn)
    assert decisions["2159"].allowed and decisions["0800"].allowed
    assert rule_ids(decisions, "2200") == rule_ids(decisions, "0759") == {"cn.contact_hours"}
    assert decisions["urumqi_evening"].allowed
    assert rule_ids(decisions, "urumqi_dawn") == {"cn.contact_hours"}
    assert planned[4].planned_utc.astimezone(dt.timezone(dt.timedelta(hours=8))).hour == 22


def test_the_seventh_unanswered_call_of_the_day_to_one_number_is_blocked(cn):
    history = tuple(call(f"h{i}", local(SHANGHAI, 2026, 3, 3, 9 + i)) for i in range(6))
    context = debtor_context(history=history)
    planned = [
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="same_number"),
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="other_number", contact_point_id="tel-2"),
        action(dt.datetime(2026, 3, 4, 9), SHANGHAI, action_id="next_day"),
    ]
    decisions = judge_both(planned, [context], cn)
    assert rule_ids(decisions, "same_number") == {"cn.unanswered_per_contact_point"}
    assert decisions["other_number"].allowed and decisions["next_day"].allowed


def test_the_fourth_effective_call_of_the_day_is_blocked(cn):
    history = tuple(
        call(f"h{i}", local(SHANGHAI, 2026, 3, 3, 9 + i), outcome="right_party_contact", contact_point_id=point)
        for i, point in enumerate(("tel-1", "tel-2", "tel-1"))
    )
    planned = [
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="fourth", contact_point_id="tel-2"),
        action(dt.datetime(2026, 3, 4, 9), SHANGHAI, action_id="tomorrow"),
        action(dt.datetime(2026, 3, 3, 18), SHANGHAI, action_id="sms", channel="sms"),
    ]
    decisions = judge_both(planned, [debtor_context(history=history)], cn)
    assert rule_ids(decisions, "fourth") == {"cn.effective_calls_per_debtor"}
    assert decisions["tomorrow"].allowed and decisions["sms"].allowed


def third_party_call(**overrides):
    fields = dict(party="third_party", relation="emergency_contact", contact_point_id="tel-ec", template_kind="locate_only")
    fields.update(overrides)
    return action(dt.datetime(2026, 3, 3, 10), SHANGHAI, **fields)


def with_emergency_contact(failed: int):
    context = debtor_context(consecutive_failed_attempts=failed)
    points = context.contact_points + (ContactPoint(contact_point_id="tel-ec", consent=True, verified=True),)
    return debtor_context(consecutive_failed_attempts=failed, contact_points=points)


def test_a_third_party_only_once_the_debtor_is_unreachable_and_only_to_locate(cn):
    reachable = judge_both([third_party_call()], [with_emergency_contact(2)], cn)
    assert rule_ids(reachable) == {"cn.third_party_unreachable"}
    unreachable = with_emergency_contact(3)
    assert judge_both([third_party_call()], [unreachable], cn)["a1"].allowed
    telling_of_debt = judge_both([third_party_call(template_kind="collection")], [unreachable], cn)
    assert rule_ids(telling_of_debt) == {"cn.third_party_templates"}
    unrelated = judge_both([third_party_call(relation="unrelated")], [unreachable], cn)
    assert rule_ids(unrelated) == {"cn.third_party_relations"}


def test_a_third_party_number_taken_without_consent_is_refused(cn):
    context = debtor_context(
        consecutive_failed_attempts=5,
        contact_points=(ContactPoint(contact_point_id="tel-ec", consent=False, verified=True),),
    )
    assert rule_ids(judge_both([third_party_call()], [context], cn)) == {"cn.contact_point_consent"}


def visit(**overrides):
    fields = dict(channel="visit", contact_point_id="home-1", collectors=2, advance_notice=True)
    fields.update(overrides)
    return action(dt.datetime(2026, 3, 10, 14), SHANGHAI, **fields)


def test_a_visit_needs_two_collectors_notice_and_stays_under_the_monthly_cap(cn):
    assert judge_both([visit()], [debtor_context()], cn)["a1"].allowed
    assert rule_ids(judge_both([visit(collectors=1)], [debtor_context()], cn)) == {"cn.visit_collectors"}
    assert rule_ids(judge_both([visit(advance_notice=False)], [debtor_context()], cn)) == {"cn.visit_advance_notice"}
    two_visits = tuple(
        call(f"v{day}", local(SHANGHAI, 2026, 3, day, 15), channel="visit", contact_point_id="home-1", outcome="not_met")
        for day in (2, 5)
    )
    capped = debtor_context(history=two_visits)
    assert rule_ids(judge_both([visit()], [capped], cn)) == {"cn.monthly_visits"}
    next_month = action(dt.datetime(2026, 4, 1, 10), SHANGHAI, channel="visit", contact_point_id="home-1", collectors=2, advance_notice=True)
    assert judge_both([next_month], [capped], cn)["a1"].allowed


def test_an_agency_acts_only_when_authorised_whitelisted_and_after_the_debtor_was_told(cn):
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    authority = AgencyAuthority(agency_id="ag-1", channels={"call", "sms"}, valid_from=start, whitelisted=True)
    told = debtor_context(agencies=(authority,), loans=(LoanFacts(loan_id="L1", outsourcing_notice_utc=start),))
    untold = debtor_context(agencies=(authority,))
    assert judge_both([action(dt.datetime(2026, 3, 3, 10), SHANGHAI, agency_id="ag-1")], [told], cn)["a1"].allowed
    assert rule_ids(judge_both([action(dt.datetime(2026, 3, 3, 10), SHANGHAI, agency_id="ag-1")], [untold], cn)) == {
        "cn.outsourcing_notice"
    }
    visit_by_agency = visit(agency_id="ag-1")
    assert rule_ids(judge_both([visit_by_agency], [told], cn)) == {"cn.agency_authority"}
    unlisted = debtor_context(
        agencies=(AgencyAuthority(agency_id="ag-1", channels={"call"}, valid_from=start),),
        loans=(LoanFacts(loan_id="L1", outsourcing_notice_utc=start),),
    )
    assert rule_ids(judge_both([action(dt.datetime(2026, 3, 3, 10), SHANGHAI, agency_id="ag-1")], [unlisted], cn)) == {
        "cn.agency_whitelist"
    }


def test_holds_stop_collection_but_let_notices_through(cn):
    context = debtor_context(holds=(AccountHold(hold="dispute_open", loan_id="L1"), AccountHold(hold="deceased", loan_id="L9")))
    decisions = judge_both(
        [
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="collect"),
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="notice", template_kind="notice", channel="letter", contact_point_id="home-1"),
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="other_loan", loan_id="L2", debt_id="L2"),
        ],
        [context],
        cn,
    )
    assert rule_ids(decisions, "collect") == {"cn.hold.dispute_open"}
    assert decisions["notice"].allowed and decisions["other_loan"].allowed
    everywhere = debtor_context(holds=(AccountHold(hold="bankruptcy"),))
    notice = action(dt.datetime(2026, 3, 3, 10), SHANGHAI, template_kind="notice", loan_id="L7", debt_id="L7")
    assert rule_ids(judge_both([notice], [everywhere], cn)) == {"cn.hold.bankruptcy"}


def test_contact_point_flags(cn):
    context = debtor_context(
        contact_points=(
            ContactPoint(contact_point_id="tel-1", do_not_contact=True, consent=True),
            ContactPoint(contact_point_id="tel-2", valid=False, consent=True),
            ContactPoint(contact_point_id="home-1", consent=True, verified=False),
        )
    )
    decisions = judge_both(
        [
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="dnc"),
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="invalid", contact_point_id="tel-2"),
            action(dt.datetime(2026, 3, 3, 10), SHANGHAI, action_id="unknown", contact_point_id="tel-9"),
            visit(action_id="unverified"),
        ],
        [context],
        cn,
    )
    assert rule_ids(decisions, "dnc") == {"cn.do_not_contact"}
    assert rule_ids(decisions, "invalid") == {"cn.contact_point_valid"}
    assert rule_ids(decisions, "unknown") == {"cn.contact_point_known"}
    assert rule_ids(decisions, "unverified") == {"cn.contact_point_verified"}


def test_an_opt_out_lets_one_confirmation_through_in_china(cn):
    waiting = debtor_context(opt_outs=(ChannelOptOut(channel="sms"),))
    confirmed = debtor_context(opt_outs=(ChannelOptOut(channel="sms", confirmed=True),))
    confirmation = action(dt.datetime(2026, 3, 3, 10), SHANGHAI, channel="sms", template_kind="opt_out_confirmation")
    assert judge_both([confirmation], [waiting], cn)["a1"].allowed
    assert rule_ids(judge_both([confirmation], [confirmed], cn)) == {"cn.channel_opt_out"}
    collection = action(dt.datetime(2026, 3, 3, 10), SHANGHAI, channel="sms")
    assert rule_ids(judge_both([collection], [waiting], cn)) == {"cn.channel_opt_out"}


def test_quiet_days_when_a_lender_turns_them_on(cn):
    quiet = load_profile("cn", policy={"rules": {"cn.quiet_days": {"mode": "public_holidays"}}})
    national_day = action(dt.datetime(2026, 10, 2, 10), SHANGHAI, action_id="national_day")
    workday = action(dt.datetime(2026, 10, 12, 10), SHANGHAI, action_id="workday")
    unknown_year = action(dt.datetime(2031, 5, 6, 10), SHANGHAI, action_id="unknown_year")
    decisions = judge_both([national_day, workday, unknown_year], [debtor_context()], quiet)
    assert rule_ids(decisions, "national_day") == rule_ids(decisions, "unknown_year") == {"cn.quiet_days"}
    assert decisions["workday"].allowed
    assert judge_both([national_day], [debtor_context()], cn)["a1" if False else "national_day"].allowed


def test_every_blocking_rule_is_reported_not_just_the_first(cn):
    bad = action(
        dt.datetime(2026, 3, 3, 23, 0),
        SHANGHAI,
        party="third_party",
        relation="unrelated",
        contact_point_id="tel-1",
        template_kind="collection",
    )
    decision = judge_both([bad], [debtor_context()], cn)["a1"]
    assert set(decision.rule_ids) == {
        "cn.contact_hours",
        "cn.third_party_unreachable",
        "cn.third_party_templates",
        "cn.third_party_relations",
    }
    assert all(v.reason_zh and v.reason_en for v in decision.violations)


def test_a_late_conversation_before_the_clocks_change_counts_on_its_own_local_day(us):
    # given a conversation at 23:30 on Saturday 7 March (EST), which is already 8 March in UTC
    late = call("talk", local(NY, 2026, 3, 7, 23, 30), outcome="right_party_contact", conversation=True, debt_ids=("A",))
    assert late.at_utc.date() == dt.date(2026, 3, 8)
    context = debtor_context(history=(late,))
    planned = [
        action(dt.datetime(2026, 3, 13, 10), NY, action_id="day7", debt_id="A"),
        action(dt.datetime(2026, 3, 14, 10), NY, action_id="day8", debt_id="A"),
    ]
    # when
    decisions = judge_both(planned, [context], us)
    # then day 1 is the 7th, so the 14th is day 8
    assert rule_ids(decisions, "day7") == {"us.wait_after_conversation"}
    assert decisions["day8"].allowed
