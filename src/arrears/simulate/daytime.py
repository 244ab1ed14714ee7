"""A simulated working day: what the lender's people, the agencies and the borrowers do between two
nights, each through the product's own services, as a person would through its pages.

    work_the_day(day, world, desk)

In order: the team lead assigns new cases, approves plans beyond the collectors' limits (once their
proof of hardship is in) and the visits screened overnight, and books tomorrow's visits; the
compliance officer releases disputes reviewed; the legal officer decides legal reviews open long
enough to gather the file; collectors work the queue within their capacity, asking the guard before
each call; the agencies work their placed cases; field teams make the visits booked for today; and
borrowers answer as their hidden behaviour says. The clock reads each
moment as it happens.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

from arrears import clock
from arrears.errors import ArrearsError
from arrears.simulate.organisation import Organisation, assign_open_cases_to_team
from arrears.simulate.params import Params
from arrears.simulate.world import Borrowers

WORK_STARTS = dt.time(9, 0)
WORK_HOURS = 9
VISIT_WINDOWS = ((dt.time(10, 0), dt.time(11, 0)), (dt.time(14, 0), dt.time(15, 0)), (dt.time(16, 0), dt.time(17, 0)))


@dataclass
class World:
    organisation: Organisation
    borrowers: Borrowers
    params: Params
    tally: Counter
    dispute_releases: dict  # day → [hold id]
    seconds: Counter = field(default_factory=Counter)  # by kind of work
    letters_dir: object = None  # where the print house's letters go


def _spread(day: dt.date, index: int, count: int, offset_minutes: int = 0) -> dt.datetime:
    """The `index`-th of `count` moments spread over the working day."""
    start = clock.at_local(day, WORK_STARTS)
    step = dt.timedelta(hours=WORK_HOURS) / max(count, 1)
    return start + step * index + dt.timedelta(minutes=offset_minutes)


def _mobile(loan):
    from arrears.ledger.models import ContactPoint

    return (
        ContactPoint.objects.filter(borrower_id=loan.borrower_id, owner="borrower", kind="mobile", valid=True)
        .order_by("pk").first()
    )


def _unverified_address(loan):
    from arrears.ledger.models import ContactPoint

    return (
        ContactPoint.objects.filter(borrower_id=loan.borrower_id, owner="borrower", kind="address", valid=True,
                                    verified=False)
        .order_by("pk").first()
    )


def _overdue(loan) -> int:
    from arrears.cycle.models import AccountState

    state = AccountState.objects.filter(loan=loan).values(
        "overdue_principal", "overdue_interest", "fee_outstanding", "penalty_outstanding").first()
    return sum(state.values()) if state else 0


# --- what a borrower says, and what it leads to ---------------------------------------------------------


def _promise_terms(world: World, day: dt.date, loan) -> tuple[int, dt.date] | None:
    amount = _overdue(loan)
    if amount <= 0:
        return None
    low, high = world.params.promise_days
    return amount, day + dt.timedelta(days=world.borrowers.between(low, high))


def _after_promise(world: World, day: dt.date, loan, amount: int, due: dt.date) -> None:
    """A borrower who will keep the promise pays on a day up to its date."""
    reference = loan.external_id
    if world.borrowers.chance(world.params.rate("keeps_promise", world.borrowers.of(reference))):
        paid_on = day + dt.timedelta(days=world.borrowers.between(1, max((due - day).days, 1)))
        world.borrowers.book(paid_on, reference, amount, "promise")


def _offer_plan(world: World, day: dt.date, user, loan) -> None:
    """The collector proposes an instalment plan; within their limit it is in force at once."""
    from arrears.plans.services import propose

    low, high = world.params.plan_instalments
    soonest, latest = world.params.plan_first_payment_days
    first_payment = day + dt.timedelta(days=world.borrowers.between(soonest, latest))
    try:
        propose(user, loan, "instalments", first_payment, instalments=world.borrowers.between(low, high),
                reason="借款人称还款困难，协商分期 / hardship: instalments agreed on a call", today=day)
        world.tally["plans_proposed"] += 1
    except ArrearsError:
        world.tally["plans_refused"] += 1


def _after_dispute(world: World, day: dt.date, loan) -> None:
    from arrears.cases.models import AccountHold

    hold = AccountHold.objects.filter(loan=loan, kind="dispute_open", released_at__isnull=True).order_by("-pk").first()
    if hold is not None:
        low, high = world.params.dispute_review_days
        world.dispute_releases.setdefault(day + dt.timedelta(days=world.borrowers.between(low, high)), []).append(hold.pk)


# --- the in-house team -----------------------------------------------------------------------------------


def collector_call(world: World, user, at: dt.datetime, seen: set[int]) -> bool:
    """The collector takes the next account of their queue and, if the guard allows, calls;
    False when the queue has nothing left for them today."""
    from arrears.guard import check_now
    from arrears.workbench.queue import next_account
    from arrears.workbench.recording import ContactEntry, record_contact

    day = clock.today()
    case = next_account(user, now=at)
    if case is None:
        return False
    if case.pk in seen:
        return True
    seen.add(case.pk)
    loan, reference = case.loan, case.loan.external_id
    point = _mobile(loan)
    if point is None:
        world.tally["calls_no_number"] += 1
    decision = check_now(loan_id=loan.pk, channel="call", contact_point_id=point.pk if point else None, at=at)
    if not decision.allowed:
        _pass_over(world, user, case, point, at)
        return True
    behaviour = world.borrowers.of(reference)
    answered = world.borrowers.chance(world.params.rate("answers_call", behaviour))
    if answered:
        outcome = world.borrowers.pick(world.params.when_reached[behaviour])
    else:
        outcome = "wrong_number" if world.borrowers.chance(world.params.wrong_number) else "no_answer"
    terms = _promise_terms(world, day, loan) if outcome == "promise" else None
    if outcome == "promise" and terms is None:
        outcome = "right_party_contact"
    confirmed = ()
    if answered and world.borrowers.chance(world.params.confirms_address_when_reached):
        address = _unverified_address(loan)
        confirmed = (address.pk,) if address is not None else ()
    entry = ContactEntry(
        case_id=case.pk, version=case.version, channel="call", party="debtor", outcome=outcome,
        contact_point_id=point.pk, promise_amount=terms[0] if terms else None,
        promise_date=terms[1] if terms else None, confirmed_points=confirmed,
    )
    try:
        record_contact(user, entry, now=at)
    except ArrearsError:
        world.tally["calls_not_recorded"] += 1
        return True
    world.tally["calls"] += 1
    world.tally[f"call:{outcome}"] += 1
    if terms:
        _after_promise(world, day, loan, *terms)
    elif outcome == "dispute":
        _after_dispute(world, day, loan)
    if outcome == "hardship_claim" or (answered and world.borrowers.chance(world.params.rate("asks_for_plan", behaviour))):
        _offer_plan(world, day, user, loan)
    return True


def _pass_over(world: World, user, case, point, at: dt.datetime) -> None:
    """The guard will not let the collector call: they pass over the case until tomorrow (the
    blocked attempt is kept, and counted among the guard's blocks from the table)."""
    from arrears.workbench.passing import pass_over

    try:
        passed = pass_over(user, case_id=case.pk, version=case.version, channel="call",
                           contact_point_id=point.pk if point else None, now=at)
    except ArrearsError:
        world.tally["calls_not_passed_over"] += 1
        return
    for rule in passed.rule_ids:
        world.tally[f"passed_over:{rule}"] += 1


def agency_call(world: World, staff, placement, at: dt.datetime) -> None:
    """An agency collector calls a placed case, if the guard allows the agency to."""
    from arrears.agencies.authority import judge_agency_contact
    from arrears.agencies.portal import record_contact

    day = clock.today()
    loan, reference = placement.loan, placement.loan.external_id
    point = _mobile(loan)
    if point is None or "call" not in placement.contract.channels:
        return
    decision = judge_agency_contact(placement, channel="call", contact_point_id=point.pk, at=at)
    if not decision.allowed:
        for violation in decision.violations:
            world.tally[f"agency_call_refused:{violation.rule_id}"] += 1
        return
    behaviour = world.borrowers.of(reference)
    answered = world.borrowers.chance(world.params.rate("answers_call", behaviour))
    outcome = world.borrowers.pick(world.params.when_reached[behaviour]) if answered else "no_answer"
    if outcome in ("hardship_claim", "callback_requested"):
        outcome = "right_party_contact"  # an agency notes them; plans go through the lender
    terms = _promise_terms(world, day, loan) if outcome == "promise" else None
    if outcome == "promise" and terms is None:
        outcome = "right_party_contact"
    try:
        record_contact(staff, placement, channel="call", outcome=outcome, attempted_at=at,
                       promise_amount=terms[0] if terms else None, promise_due=terms[1] if terms else None)
    except ArrearsError:
        world.tally["agency_calls_not_recorded"] += 1
        return
    world.tally["agency_calls"] += 1
    world.tally[f"agency_call:{outcome}"] += 1
    if terms:
        _after_promise(world, day, loan, *terms)
    elif outcome == "dispute":
        _after_dispute(world, day, loan)


def _agency_rounds(day: dt.date, world: World):
    """(moment, action) of each agency's calls today, over the cases it holds this morning."""
    from arrears.agencies.portal import active_placements

    calls = world.params.agency_calls_per_agency
    for people in world.organisation.agencies:
        staff = people.collectors[0]
        with clock.set_to(_spread(day, 0, calls)):
            placements = list(active_placements(staff, day=day).select_related("loan", "contract").order_by("pk"))
        if not placements:
            continue
        start = world.borrowers.between(0, len(placements) - 1)
        chosen = (placements[start:] + placements[:start])[:calls]
        for index, placement in enumerate(chosen):
            at = _spread(day, index, len(chosen), offset_minutes=7)
            yield at, (lambda at=at, staff=staff, placement=placement: agency_call(world, staff, placement, at))


def _collector_rounds(day: dt.date, world: World):
    """(moment, action) of each collector's calls today; a collector whose queue is empty stops."""
    calls = world.params.calls_per_collector
    for number, user in enumerate(world.organisation.collectors):
        state = {"done": False, "seen": set()}

        def call(at, user=user, state=state):
            if not state["done"]:
                state["done"] = not collector_call(world, user, at, state["seen"])

        for index in range(calls):
            at = _spread(day, index, calls, offset_minutes=number)
            yield at, (lambda at=at, call=call: call(at))


def work_the_day(day: dt.date, world: World, desk) -> None:
    """Everything people do between 08:30 and 20:00, in the order of the clock: reviews and bookings in
    the morning, then calls, agencies' calls, visits and the outbox's rounds as their moments come.
    The seconds each kind of work took are added up in `world.seconds`."""
    from arrears.simulate.portal import borrowers_use_the_portal, compliance_answers

    began = time.perf_counter()
    morning_reviews(day, world)
    compliance_answers(day, world)
    book_visits(day, world)
    world.seconds["reviews"] += time.perf_counter() - began
    moments = [(at, "calls", action) for at, action in _collector_rounds(day, world)]
    moments += [(at, "agencies", action) for at, action in _agency_rounds(day, world)]
    moments += [(at, "visits", action) for at, action in _visit_rounds(day, world)]
    moments += [(clock.at_local(day, moment), "messages", (lambda moment=moment: desk.round(day, moment)))
                for moment in desk.ROUNDS]
    moments.append((clock.at_local(day, dt.time(12, 30)), "portal", lambda: borrowers_use_the_portal(day, world)))
    for at, kind, action in sorted(moments, key=lambda item: item[0]):
        began = time.perf_counter()
        with clock.set_to(at):
            action()
        world.seconds[kind] += time.perf_counter() - began
    plan_instalments_due(day, world)


# --- the team lead, compliance and legal in the morning ----------------------------------------------------


def morning_reviews(day: dt.date, world: World) -> None:
    from arrears.cases.holds import release_hold
    from arrears.legal.models import LegalReview
    from arrears.legal.reviews import decide
    from arrears.plans.models import Plan
    from arrears.plans.services import approve, reject

    organisation = world.organisation
    with clock.set_to(clock.at_local(day, dt.time(8, 30))):
        assign_open_cases_to_team()
        proposed_before = clock.at_local(day - dt.timedelta(days=world.params.plan_review_days - 1), dt.time(0, 0))
        waiting = Plan.objects.filter(status=Plan.Status.PROPOSED, created_at__lt=proposed_before)
        for plan in waiting.select_related("loan").order_by("pk"):
            try:
                approve(organisation.lead, plan, note="组长审批 / approved by the team lead", today=day)
                world.tally["plans_approved_by_lead"] += 1
            except ArrearsError as refused:  # e.g. another plan was put in force meanwhile: turned down
                reject(organisation.lead, plan, note=f"无法批准：{refused.zh} / cannot approve: {refused.en}")
                world.tally["plans_rejected_by_lead"] += 1
    with clock.set_to(clock.at_local(day, dt.time(9, 15))):
        for hold_id in world.dispute_releases.pop(day, []):
            try:
                release_hold(hold_id, by=organisation.compliance,
                             reason="已核实：借款合同与还款记录无误 / reviewed: the contract and payment record confirm the debt")
                world.tally["disputes_released"] += 1
            except ArrearsError:
                pass
    with clock.set_to(clock.at_local(day, dt.time(9, 30))):
        ready = day - dt.timedelta(days=world.params.legal_review_days)
        reviews = LegalReview.objects.filter(state="open", opened_on__lte=ready).order_by("opened_on", "pk")
        for review in reviews[: world.params.legal_decides_per_day]:
            refer = world.borrowers.of(review.loan.external_id) in ("refuses", "unreachable")
            try:
                decide(review.pk, user=organisation.legal, refer=refer,
                       note="多次拒绝还款，移交诉讼准备 / repeated refusal: referred for legal action" if refer
                       else "暂不起诉，继续协商 / not now: collection continues")
            except ArrearsError:  # e.g. a complaint under review blocks the referral: the review waits
                world.tally["legal_decisions_blocked"] += 1
                continue
            world.tally["legal_referred" if refer else "legal_declined"] += 1
        run_legal_cases(day, world)


# A case moves one stage on when its current stage is this many days old; it waits at enforcement.
LEGAL_STAGE_DAYS = 3
LEGAL_ADVANCES_TO = ("filed", "issued", "served", "effective", "enforcement")


def run_legal_cases(day: dt.date, world: World) -> None:
    """The legal officer opens a payment-order case for each referred review, and moves the open cases on,
    one stage every few days, to enforcement (where they wait), so the book holds cases at every stage."""
    from arrears.legal.cases import advance, open_case
    from arrears.legal.models import LegalCase, LegalReview

    legal = world.organisation.legal
    for review in LegalReview.objects.filter(state="referred", legal_case__isnull=True).order_by("pk"):
        try:
            open_case(user=legal, route="payment_order", review_id=review.pk, on=day,
                      note="支付令：债权债务关系明确 / payment order: the debt is clear")
            world.tally["legal_cases_opened"] += 1
        except ArrearsError:
            world.tally["legal_cases_not_opened"] += 1
    for case in LegalCase.objects.filter(state="open", stage__in=("prepare", *LEGAL_ADVANCES_TO[:-1])).order_by("pk"):
        last = case.stages.order_by("-entered_on", "-pk").first()
        if last is None or (day - last.entered_on).days < LEGAL_STAGE_DAYS:
            continue
        following = LEGAL_ADVANCES_TO[LEGAL_ADVANCES_TO.index(case.stage) + 1] if case.stage != "prepare" else "filed"
        extra = {"case_number": f"(2026)沪0101民督{case.pk}号", "fees_paid": 5_000} if following == "filed" else {}
        if following == "effective":  # the order in force: the debtor bears the application fee paid at filing
            extra = {"costs_awarded": 5_000}
        try:
            advance(case.pk, user=legal, to=following, entered_on=day, **extra)
            world.tally["legal_stages_recorded"] += 1
        except ArrearsError:
            world.tally["legal_stages_refused"] += 1


# --- field visits ------------------------------------------------------------------------------------------


def book_visits(day: dt.date, world: World) -> None:
    """The lead approves most visits screened overnight and books tomorrow's with two collectors."""
    from arrears.visits import services
    from arrears.visits.models import Visit

    organisation = world.organisation
    at = clock.at_local(day, dt.time(8, 45))
    with clock.set_to(at):
        for visit in Visit.objects.filter(state="screened").order_by("pk"):
            try:
                if world.borrowers.chance(world.params.approves_visits):
                    services.approve(visit.pk, actor=organisation.lead, note="地址已核实，金额较大 / verified address, large amount")
                else:
                    services.reject(visit.pk, actor=organisation.lead, note="先电话沟通 / phone first")
            except ArrearsError:
                world.tally["visits_not_decided"] += 1
        tomorrow = day + dt.timedelta(days=1)
        booked = 0
        for visit in Visit.objects.filter(state="approved").select_related("loan").order_by("pk"):
            if booked >= world.params.field_visits_per_day:
                break
            starts, ends = VISIT_WINDOWS[booked % len(VISIT_WINDOWS)]
            booking = services.Booking(day=tomorrow, starts=starts, ends=ends,
                                       user_ids=tuple(u.pk for u in organisation.field_collectors))
            try:
                services.schedule(visit.pk, actor=organisation.lead, booking=booking, now=at)
                booked += 1
                world.tally["visits_booked"] += 1
            except ArrearsError as error:
                world.tally[f"visit_not_booked:{getattr(error, 'rule_ids', ('refused',))[0]}"] += 1


def field_visit(world: World, visit, arrival: dt.datetime) -> None:
    """A booked visit: the code, the borrower checking it, check-in, the talk, check-out."""
    from arrears.visits import services
    from arrears.visits.services import Report

    day = clock.today()
    lead_collector = world.organisation.field_collectors[0]
    reference = visit.loan.external_id
    behaviour = world.borrowers.of(reference)
    try:
        code = services.issue_code(visit.pk, actor=lead_collector, now=arrival)
        if world.borrowers.chance(world.params.verifies_visit_code):
            services.verify(code, client=f"sim-{reference}", now=arrival)
            world.tally["visit_codes_checked"] += 1
        services.check_in(visit.pk, actor=lead_collector, now=arrival + dt.timedelta(minutes=1))
    except ArrearsError as error:
        world.tally[f"visit_refused:{getattr(error, 'rule_ids', ('refused',))[0]}"] += 1
        return
    home = world.borrowers.chance(world.params.rate("at_home_for_visit", behaviour))
    outcome = world.borrowers.pick(world.params.when_visited.get(behaviour, {"right_party_contact": 1.0})) if home else "no_answer"
    leave = arrival + dt.timedelta(minutes=45)
    with clock.set_to(leave):
        terms = _promise_terms(world, day, visit.loan) if outcome == "promise" else None
        if outcome == "promise" and terms is None:
            outcome = "right_party_contact"
        report = Report(identification_shown=True, purpose_stated=True, no_disclosure=True, outcome=outcome,
                        notes="上门面谈 / met at home" if home else "无人在家 / nobody at home",
                        promise_amount=terms[0] if terms else None, promise_due=terms[1] if terms else None)
        try:
            services.check_out(visit.pk, actor=lead_collector, report=report, now=leave)
        except ArrearsError:
            world.tally["visits_not_reported"] += 1
            return
    world.tally["visits"] += 1
    world.tally[f"visit:{outcome}"] += 1
    if terms:
        _after_promise(world, day, visit.loan, *terms)
    elif outcome == "dispute":
        _after_dispute(world, day, visit.loan)
    elif outcome == "hardship_claim":
        _offer_plan(world, day, world.organisation.lead, visit.loan)


def _visit_rounds(day: dt.date, world: World):
    """(moment, action) of the visits booked for today: the collectors arrive five minutes in."""
    from arrears.visits.models import Visit

    start, end = clock.at_local(day, dt.time(0)), clock.at_local(day + dt.timedelta(days=1), dt.time(0))
    for visit in Visit.objects.filter(state="scheduled", starts_at__gte=start, starts_at__lt=end).select_related("loan"):
        arrival = visit.starts_at + dt.timedelta(minutes=5)
        yield arrival, (lambda visit=visit, arrival=arrival: field_visit(world, visit, arrival))


# --- plans in force ----------------------------------------------------------------------------------------


def plan_instalments_due(day: dt.date, world: World) -> None:
    """Each instalment of a plan in force that falls due today is paid, or not, by behaviour."""
    from django.db.models import Q

    from arrears.ledger.models import Instalment

    due = (
        Instalment.objects.filter(due_date=day, reschedule__isnull=False)
        .filter(Q(reschedule__reverted_from__isnull=True) | Q(reschedule__reverted_from__gt=day))
        .select_related("loan")
    )
    for row in due:
        reference = row.loan.external_id
        if world.borrowers.chance(world.params.rate("pays_plan_instalment", world.borrowers.of(reference))):
            world.borrowers.book(day, reference, row.principal + row.interest, "plan")
            world.tally["plan_instalments_paid"] += 1
        else:
            world.tally["plan_instalments_missed"] += 1
