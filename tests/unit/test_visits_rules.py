"""The visit's pure rules: its steps, the guard's visit rules through compliance.decide, codes and files."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.compliance.context import Attempt, ContactPoint, Context
from arrears.compliance.profiles import load_profile
from arrears.compliance.vocabulary import Channel, Outcome
from arrears.errors import InputError
from arrears.visits import attachments, codes
from arrears.visits.guard import Collector, VisitFacts, judge
from arrears.visits.times import utc_of_local
from arrears.visits.workflow import OPEN_STATES, Step, StepRefused, VisitState, allowed_steps, next_state

CN = load_profile("cn")
ZONE = "Asia/Shanghai"
TWO = (Collector(name="张三", authorised=True), Collector(name="李四", authorised=True))  # the lender's own


def facts(*, day=dt.date(2026, 5, 12), starts=dt.time(10), ends=dt.time(11), collectors=TWO, notice=True, address="addr-1"):
    return VisitFacts(
        visit_id="1",
        debtor_id="d1",
        loan_id="L1",
        time_zone=ZONE,
        address_id=address,
        starts_utc=utc_of_local(day, starts, ZONE),
        ends_utc=utc_of_local(day, ends, ZONE),
        collectors=collectors,
        advance_notice=notice,
    )


def context(*, history=(), verified=True):
    return Context(
        debtor_id="d1",
        contact_points=(ContactPoint(contact_point_id="addr-1", consent=True, verified=verified),),
        history=history,
    )


def rule_ids(visit, ctx=None, **kwargs):
    return [v.rule_id for v in judge(visit, ctx or context(), CN, **kwargs)]


# --- steps ------------------------------------------------------------------------------------


def test_a_visit_runs_screened_approved_scheduled_in_progress_completed():
    state = VisitState.SCREENED
    for step in (Step.APPROVE, Step.SCHEDULE, Step.CHECK_IN, Step.CHECK_OUT):
        state = next_state(state, step)
    assert state == VisitState.COMPLETED


@pytest.mark.parametrize(
    "state, step",
    [
        (VisitState.SCREENED, Step.SCHEDULE),  # never without approval
        (VisitState.SCREENED, Step.CHECK_IN),
        (VisitState.APPROVED, Step.CHECK_IN),  # never without a schedule and notice
        (VisitState.SCHEDULED, Step.CHECK_OUT),
        (VisitState.COMPLETED, Step.CANCEL),
        (VisitState.REJECTED, Step.APPROVE),
    ],
)
def test_a_step_out_of_order_is_refused_in_both_languages(state, step):
    with pytest.raises(StepRefused) as refused:
        next_state(state, step)
    assert refused.value.zh and refused.value.en and refused.value.rule_ids == ()


def test_closed_visits_are_not_open_and_take_no_visit_steps():
    assert VisitState.COMPLETED not in OPEN_STATES and VisitState.CANCELLED not in OPEN_STATES
    assert Step.CHECK_IN not in allowed_steps(VisitState.CANCELLED)


# --- the guard's visit rules ------------------------------------------------------------------


def test_a_lawful_visit_passes():
    assert rule_ids(facts()) == []


def test_a_visit_needs_two_authorised_collectors():
    # given one collector, then two of whom one is not authorised on the day
    alone = facts(collectors=TWO[:1])
    one_unauthorised = facts(collectors=(TWO[0], Collector(name="王五", authorised=False)))
    # then both are blocked by the profile's rule, and the second also names who is not authorised
    assert rule_ids(alone) == ["cn.visit_collectors"]
    assert rule_ids(one_unauthorised) == ["cn.visit_collectors", "visits.collector_authorised"]
    assert "王五" in judge(one_unauthorised, context(), CN)[1].reason_zh


def test_a_visit_outside_visit_hours_is_blocked_at_either_end():
    # given a window starting at 07:30 and one running past 22:00 in the borrower's zone
    assert rule_ids(facts(starts=dt.time(7, 30), ends=dt.time(9))) == ["cn.contact_hours"]
    assert rule_ids(facts(starts=dt.time(21), ends=dt.time(22, 30))) == ["cn.contact_hours"]
    # and a window ending exactly at 22:00 is inside
    assert rule_ids(facts(starts=dt.time(21), ends=dt.time(22))) == []


def test_a_visit_without_advance_notice_is_blocked():
    assert rule_ids(facts(notice=False)) == ["cn.visit_advance_notice"]


def test_the_monthly_cap_counts_this_accounts_visits_in_the_borrowers_month():
    def visit_on(day):
        at = utc_of_local(day, dt.time(10), ZONE)
        return Attempt(attempt_id=str(day), at_utc=at, channel=Channel.VISIT, contact_point_id=None, outcome=Outcome.MET, loan_id="L1")

    # given two visits already this month, and two visits last month
    this_month = context(history=(visit_on(dt.date(2026, 5, 2)), visit_on(dt.date(2026, 5, 9))))
    last_month = context(history=(visit_on(dt.date(2026, 4, 2)), visit_on(dt.date(2026, 4, 30))))
    # then a third visit in May is blocked, while one after two April visits is not
    assert rule_ids(facts(), this_month) == ["cn.monthly_visits"]
    assert rule_ids(facts(), last_month) == []


def test_an_unverified_or_missing_address_is_blocked():
    assert rule_ids(facts(), context(verified=False)) == ["cn.contact_point_verified"]
    assert "cn.contact_point_known" in rule_ids(facts(address=None))


def test_collectors_from_two_agencies_and_a_long_window_are_refused():
    mixed = (TWO[0], Collector(name="赵六", authorised=True, agency_id="8"))  # one own, one an agency's
    assert "visits.one_team" in rule_ids(facts(collectors=mixed))
    assert rule_ids(facts(starts=dt.time(9), ends=dt.time(14))) == ["visits.window"]
    assert rule_ids(facts(starts=dt.time(11), ends=dt.time(10))) == ["visits.window"]


def test_an_agency_visit_needs_the_agencys_authority_whitelisting_and_the_outsourcing_notice():
    # given two collectors of agency 7, and a context that knows nothing of the agency
    crew = tuple(Collector(name=c.name, authorised=True, agency_id="7") for c in TWO)
    blocked = rule_ids(facts(collectors=crew))
    # then the profile's agency rules block it
    assert {"cn.outsourcing_notice", "cn.agency_whitelist", "cn.agency_authority"} <= set(blocked)
    # and with a whitelisted agency authorised for visits and the borrower told of the outsourcing, it passes
    from arrears.compliance.context import AgencyAuthority, LoanFacts

    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    told = Context(
        debtor_id="d1",
        contact_points=context().contact_points,
        loans=(LoanFacts(loan_id="L1", outsourcing_notice_utc=since),),
        agencies=(AgencyAuthority(agency_id="7", channels={"visit"}, valid_from=since, whitelisted=True),),
    )
    assert rule_ids(facts(collectors=crew), told) == []


def test_at_check_in_only_the_moment_counts():
    # given a visit booked 10–11; checking in at 22:10 is outside hours, at 10:05 it is fine
    visit = facts()
    late = utc_of_local(dt.date(2026, 5, 12), dt.time(22, 10), ZONE)
    assert rule_ids(visit, at_utc=late) == ["cn.contact_hours"]
    assert rule_ids(visit, at_utc=visit.starts_utc + dt.timedelta(minutes=5)) == []


# --- codes ------------------------------------------------------------------------------------


def test_a_code_is_eight_unambiguous_characters():
    code = codes.new_code()
    assert len(code) == 8 and set(code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)


@given(st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8))
def test_a_code_is_found_however_the_borrower_types_it(code):
    key = b"k"
    typed = f" {codes.shown(code).lower()} "
    assert codes.code_digest(typed, key=key) == codes.code_digest(code, key=key)
    assert codes.code_digest(code, key=b"other") != codes.code_digest(code, key=key)


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFGH9", "ABCD-EFG0", "ABCDEFG!"])
def test_text_that_cannot_be_a_code_is_not_one(typed):
    assert codes.normalised(typed) is None


def test_a_code_never_outlives_the_visit_window():
    issued = dt.datetime(2026, 5, 12, 2, tzinfo=dt.UTC)
    assert codes.expiry(issued, issued + dt.timedelta(hours=8)) == issued + codes.LIFETIME
    assert codes.expiry(issued, issued + dt.timedelta(minutes=30)) == issued + dt.timedelta(minutes=30)


# --- attachments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, head, kind",
    [
        ("协议.pdf", b"%PDF-1.7\n", attachments.AttachmentType.PDF),
        ("IMG_0001.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF", attachments.AttachmentType.JPEG),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00", attachments.AttachmentType.PNG),
    ],
)
def test_pdfs_and_photos_are_accepted_by_their_content(name, head, kind):
    assert attachments.kind_of(name, 1000, head) == kind


@pytest.mark.parametrize(
    "name, size, head, words",
    [
        ("agreement.pdf", 0, b"", ("文件为空", "empty")),
        ("agreement.pdf", attachments.MAX_BYTES + 1, b"%PDF-", ("过大", "too large")),
        ("agreement.pdf", 100, b"MZ\x90\x00", ("只接受", "Only PDF")),  # an executable named .pdf
        ("agreement.exe", 100, b"%PDF-1.4", ("后缀", "should end in")),
        ("photo.png", 100, b"\xff\xd8\xff", ("后缀", "should end in")),
    ],
)
def test_other_files_are_refused_with_a_reason_in_both_languages(name, size, head, words):
    with pytest.raises(InputError) as refused:
        attachments.kind_of(name, size, head)
    assert words[0] in refused.value.zh and words[1] in refused.value.en


def test_a_local_time_skipped_by_a_clock_change_is_refused():
    with pytest.raises(InputError):
        utc_of_local(dt.date(2026, 3, 8), dt.time(2, 30), "America/New_York")


@given(
    start_minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    length=st.integers(min_value=1, max_value=4 * 60),
    zone_name=st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "America/New_York"]),
)
def test_the_hours_rule_blocks_exactly_the_windows_that_leave_08_to_22_local(start_minute, length, zone_name):
    # given a window on one local day, in one of the borrower's zones
    day = dt.date(2026, 5, 12)
    end_minute = start_minute + length
    if end_minute > 24 * 60:
        return  # windows are booked within one day
    starts = dt.time(start_minute // 60, start_minute % 60)
    ends = dt.time(end_minute // 60, end_minute % 60) if end_minute < 24 * 60 else dt.time(23, 59, 59)
    visit = VisitFacts(
        visit_id="1", debtor_id="d1", loan_id="L1", time_zone=zone_name, address_id="addr-1",
        starts_utc=utc_of_local(day, starts, zone_name), ends_utc=utc_of_local(day, ends, zone_name),
        collectors=TWO, advance_notice=True,
    )
    # then it is blocked by the hours rule if and only if some minute of it lies outside 08:00–22:00
    outside = start_minute < 8 * 60 or end_minute > 22 * 60
    assert ("cn.contact_hours" in rule_ids(visit)) == outside
