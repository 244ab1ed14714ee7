"""The two ways of judging agree on random plans, and what they allow breaks no rule.

Random debtors get random contact points, holds, opt-outs, debts and contact histories packed
into a few days (so daily and weekly caps are reached), and random candidate actions in four
zones across two clock changes. `judge_both` fails unless the single and the set-based
decisions match exactly. Independently of both, a naive reading of the counting and hours rules
(zoneinfo and dates, no features) must find the same violations.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.compliance.context import (
    AccountHold,
    Action,
    AgencyAuthority,
    Attempt,
    ChannelOptOut,
    ContactPoint,
    Context,
    DebtFacts,
    LoanFacts,
)
from arrears.compliance.features import SOURCES, action_features, source_rows
from arrears.compliance.profiles import load_profile
from arrears.compliance.rules import (
    CallsInWindow,
    ContactHours,
    EffectiveCallsPerDebtor,
    MonthlyVisits,
    PythonOps,
    UnansweredPerContactPoint,
    WaitAfterConversation,
    count_matching,
)
from arrears.compliance.vocabulary import (
    CONNECTED_CALL,
    UNANSWERED_CALL,
    UNCOUNTED_BY_REG_F,
    Channel,
    Hold,
    Outcome,
    Party,
    Relation,
    TemplateKind,
)
from tests.unit.test_compliance_fixtures import judge_both

UTC = dt.timezone.utc
ZONES = ("Asia/Shanghai", "Asia/Urumqi", "America/New_York", "Europe/London")
START = dt.datetime(2026, 3, 5, tzinfo=UTC)  # New York changes clocks on 8 March, London on 29 March
PROFILES = {
    "cn": load_profile("cn"),
    "cn-strict": load_profile(
        "cn",
        policy={
            "rules": {
                "cn.quiet_days": {"mode": "rest_days"},
                "cn.contact_hours": {"earliest": "09:00", "latest": "20:30"},
                "cn.unanswered_per_contact_point": {"max_per_day": 2},
                "cn.effective_calls_per_debtor": {"max_per_day": 1},
                "cn.monthly_visits": {"max_per_month": 1},
                "cn.channel_opt_out": {"allow_confirmation": False},
            }
        },
    ),
    "us-regf": load_profile("us-regf"),
    "us-strict": load_profile(
        "us-regf", policy={"rules": {"us.calls_in_window": {"max_calls": 3, "days": 10}, "us.wait_after_conversation": {"days": 9}}}
    ),
}
AGREEMENT = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def instants(days: int):
    return st.integers(0, days * 1440).map(lambda minutes: START + dt.timedelta(minutes=minutes))


def optional_instant():
    return st.none() | instants(12).map(lambda at: at - dt.timedelta(days=6))


@st.composite
def debtor(draw, index: int, agencies: tuple[AgencyAuthority, ...]):
    prefix = f"d{index}"
    points = [f"{prefix}-c{j}" for j in range(3)]
    loans = [f"{prefix}-L{k}" for k in range(2)]
    debts = loans + [f"{prefix}-X"]
    good = st.sampled_from([True] * 7 + [False])
    usual_point = st.sampled_from([points[0]] * 4 + points[1:] + [None])
    contact_points = tuple(
        ContactPoint(
            contact_point_id=point,
            consent=draw(good),
            do_not_contact=not draw(good),
            valid=draw(good),
            verified=draw(good),
        )
        for point in points
    )
    history = tuple(
        Attempt(
            attempt_id=f"{prefix}-h{n}",
            at_utc=draw(instants(3)),
            channel=draw(st.sampled_from([Channel.CALL] * 6 + [Channel.SMS, Channel.VISIT])),
            contact_point_id=draw(usual_point),
            outcome=draw(st.sampled_from([Outcome.UNANSWERED, Outcome.RIGHT_PARTY_CONTACT] * 3 + list(Outcome) + [None])),
            party=draw(st.sampled_from([Party.DEBTOR] * 3 + [Party.THIRD_PARTY])),
            debt_ids=tuple(draw(st.lists(st.sampled_from(debts), max_size=2, unique=True))),
            loan_id=draw(st.sampled_from(loans + [None])),
            template_kind=draw(st.none() | st.sampled_from(list(TemplateKind))),
            conversation=draw(st.sampled_from([False, False, False, True])),
        )
        for n in range(draw(st.integers(0, 30)))
    )
    context = Context(
        debtor_id=prefix,
        consecutive_failed_attempts=draw(st.integers(0, 5)),
        holds=tuple(
            AccountHold(hold=draw(st.sampled_from(list(Hold))), loan_id=draw(st.sampled_from(loans + [None])),
                        agency_id=draw(st.sampled_from([None] * 3 + ["ag-1", "ag-2"])),
                        channel=draw(st.sampled_from([None] * 3 + [Channel.SMS, Channel.CALL, Channel.VISIT])))
            for _ in range(draw(st.sampled_from([0] * 6 + [1, 2])))
        ),
        opt_outs=tuple(
            ChannelOptOut(
                channel=draw(st.sampled_from(list(Channel))),
                contact_point_id=draw(st.sampled_from(points + [None])),
                confirmed=draw(st.booleans()),
            )
            for _ in range(draw(st.sampled_from([0] * 4 + [1, 2])))
        ),
        contact_points=contact_points,
        history=history,
        loans=tuple(LoanFacts(loan_id=loan, outsourcing_notice_utc=draw(optional_instant())) for loan in loans),
        debts=tuple(
            DebtFacts(
                debt_id=debt,
                initial_communication_utc=draw(optional_instant()),
                validation_notice_utc=draw(optional_instant()),
                time_barred=draw(st.sampled_from([False, False, True])),
            )
            for debt in debts
        ),
        agencies=agencies,
    )
    actions = []
    for n in range(draw(st.integers(1, 5))):
        party = draw(st.sampled_from([Party.DEBTOR] * 3 + [Party.THIRD_PARTY]))
        relation = Relation.SELF if party == Party.DEBTOR else draw(st.sampled_from([r for r in Relation if r != Relation.SELF]))
        usual_template = TemplateKind.COLLECTION if party == Party.DEBTOR else TemplateKind.LOCATE_ONLY
        actions.append(
            Action(
                action_id=f"{prefix}-a{n}",
                debtor_id=prefix,
                loan_id=draw(st.sampled_from(loans)),
                debt_id=draw(st.sampled_from(debts)),
                party=party,
                relation=relation,
                channel=draw(st.sampled_from([Channel.CALL] * 6 + list(Channel))),
                contact_point_id=draw(st.sampled_from([points[0]] * 6 + points[1:] + [None, f"{prefix}-c9"])),
                template_kind=draw(st.sampled_from([usual_template] * 4 + list(TemplateKind))),
                planned_utc=draw(instants(4)),
                time_zone=draw(st.sampled_from(ZONES)),
                agency_id=draw(st.sampled_from([None] * 6 + ["ag-1", "ag-2", "ag-x"])),
                collectors=draw(st.integers(0, 3)),
                advance_notice=draw(st.booleans()),
                opt_out_notice=draw(st.booleans()),
            )
        )
    return context, actions


@st.composite
def plans(draw):
    agencies = tuple(
        AgencyAuthority(
            agency_id=agency,
            channels=frozenset(draw(st.lists(st.sampled_from(list(Channel)), max_size=4))),
            valid_from=draw(instants(6)) - dt.timedelta(days=3),
            valid_until=draw(st.none() | instants(8)),
            whitelisted=draw(st.booleans()),
        )
        for agency in ("ag-1", "ag-2")
    )
    drawn = [draw(debtor(index, agencies)) for index in range(draw(st.integers(1, 3)))]
    contexts = [context for context, _ in drawn]
    actions = [a for _, debtor_actions in drawn for a in debtor_actions]
    return draw(st.sampled_from(sorted(PROFILES))), contexts, actions


# --- a naive reading of the counting and hours rules ------------------------------------------


def naive_violations(action: Action, context: Context, profile) -> set[str]:
    """The hours and counting rules read straight from their wording: local dates from zoneinfo,
    attempts counted one by one. Returns the ids of those rules the action breaks."""
    zone = ZoneInfo(action.time_zone)
    planned = action.planned_utc.astimezone(zone)
    day = planned.date()

    def local_date(attempt: Attempt) -> dt.date:
        return attempt.at_utc.astimezone(zone).date()

    def same_person(attempt: Attempt) -> bool:
        if action.party == Party.DEBTOR:
            return attempt.party == Party.DEBTOR
        return attempt.party == Party.THIRD_PARTY and attempt.contact_point_id == action.contact_point_id

    broken = set()
    for rule in profile.action_rules:
        history = context.history
        if isinstance(rule, ContactHours):
            if action.channel in rule.channels and not rule.earliest <= planned.time() < rule.latest:
                broken.add(rule.rule_id)
        elif isinstance(rule, UnansweredPerContactPoint):
            if action.channel in rule.channels and action.contact_point_id is not None:
                unanswered = [
                    h
                    for h in history
                    if h.channel in rule.channels
                    and h.contact_point_id == action.contact_point_id
                    and h.outcome in UNANSWERED_CALL
                    and local_date(h) == day
                ]
                if len(unanswered) >= rule.max_per_day:
                    broken.add(rule.rule_id)
        elif isinstance(rule, EffectiveCallsPerDebtor):
            if action.party == Party.DEBTOR and action.channel in rule.channels:
                effective = [
                    h
                    for h in history
                    if h.party == Party.DEBTOR and h.channel in rule.channels and h.outcome in CONNECTED_CALL and local_date(h) == day
                ]
                if len(effective) >= rule.max_per_day:
                    broken.add(rule.rule_id)
        elif isinstance(rule, CallsInWindow):
            if action.channel in rule.channels:
                first_day = day - dt.timedelta(days=rule.days - 1)
                placed = [
                    h
                    for h in history
                    if same_person(h)
                    and action.debt_id in h.debt_ids
                    and h.channel in rule.channels
                    and h.outcome not in UNCOUNTED_BY_REG_F
                    and first_day <= local_date(h) <= day
                ]
                if len(placed) >= rule.max_calls:
                    broken.add(rule.rule_id)
        elif isinstance(rule, WaitAfterConversation):
            if action.channel in rule.channels and any(
                same_person(h) and action.debt_id in h.debt_ids and h.conversation and 0 <= (day - local_date(h)).days < rule.days
                for h in history
            ):
                broken.add(rule.rule_id)
        elif isinstance(rule, MonthlyVisits):
            if action.channel == Channel.VISIT:
                visits = [
                    h
                    for h in history
                    if h.channel == Channel.VISIT
                    and h.loan_id == action.loan_id
                    and (local_date(h).year, local_date(h).month) == (day.year, day.month)
                ]
                if len(visits) >= rule.max_per_month:
                    broken.add(rule.rule_id)
    return broken


NAIVE_KINDS = (ContactHours, UnansweredPerContactPoint, EffectiveCallsPerDebtor, CallsInWindow, WaitAfterConversation, MonthlyVisits)


def rule_blocks(rule, action: Action, context: Context) -> bool:
    """The rule's own predicate, on its own."""
    a = action_features(action)
    n = 0
    if rule.source is not None:
        n = count_matching(rule, a, source_rows(rule.source, a, context), SOURCES[rule.source].distinct)
    return bool(rule.blocks(a, n, PythonOps))


@AGREEMENT
@given(plans())
def test_single_and_frame_decisions_always_agree(plan):
    name, contexts, actions = plan
    judge_both(actions, contexts, PROFILES[name])


@AGREEMENT
@given(plans())
def test_nothing_allowed_breaks_a_rule(plan):
    # given a random plan
    name, contexts, actions = plan
    profile = PROFILES[name]
    by_debtor = {c.debtor_id: c for c in contexts}
    # when it is judged
    decisions = judge_both(actions, contexts, profile)
    # then no allowed action breaks any rule's own predicate, and a naive reading of the hours
    # and counting rules finds exactly the violations the guard reported for them
    naive_ids = {rule.rule_id for rule in profile.action_rules if isinstance(rule, NAIVE_KINDS)}
    for action in actions:
        context = by_debtor[action.debtor_id]
        decision = decisions[action.action_id]
        if decision.allowed:
            assert not [rule.rule_id for rule in profile.action_rules if rule_blocks(rule, action, context)]
        assert naive_violations(action, context, profile) == set(decision.rule_ids) & naive_ids, action
