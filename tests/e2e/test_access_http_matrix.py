"""Role × object × action over the real HTTP surface: every page and every API operation answers each
role exactly as the rules below say, lists hold only what the role may see, and a refused write
leaves the stored data as it was.

The expected answers come from the written rules in this file (docs/access.md, docs/workbench.md,
docs/repayment-plans.md, docs/agencies.md, docs/visits.md, docs/holds.md), never from arrears.access.scope: the
views are checked independently of the code that decides. The world is tests/e2e/access_world.py,
built once for the module; each request runs in its own rolled-back transaction.

A route added to the project without joining ROUTES fails test_every_route_is_in_the_matrix.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.e2e.access_world import LOAN_IDS, PDF, PLACED_LOAN, ROLES, World, build_world

pytestmark = pytest.mark.django_db

WHO = (*ROLES, "anonymous")

# --- the rules ----------------------------------------------------------------------------------
# Objects: the cases and loans of access_world ("mine" is the collector's own case, "teammate" a
# colleague's in the same team, "team_pool" the team's unassigned case, "other_team" a case of
# another team, "no_case" a loan with no case); the agencies' placements ("own_agency": held by the
# agency the agency roles work for, "other_agency": held by another); the visits ("named_visit":
# the agency's visit with the field collector named on it, "lender_visit": the lender's own).

LOANS = ("mine", "teammate", "other_team", "no_case")
CASES = ("mine", "teammate", "other_team")
EVERY_LOAN = frozenset({*LOANS, "team_pool"})
QUEUED = frozenset({"mine", "teammate", "team_pool", "other_team"})  # every open case is in the queue
EAST = frozenset({"mine", "teammate", "team_pool"})  # the team the team lead leads and the collector belongs to
NOTHING: frozenset = frozenset()

# docs/access.md: the in-house back office (everyone with a role that sees cases; no agency role)
INTERNAL = frozenset({"admin", "strategy_manager", "compliance_officer", "legal_officer", "team_lead", "collector"})
# docs/access.md, the table: which accounts each role sees; a loan with no case only for those who see every case
SEES = {
    "admin": EVERY_LOAN,
    "strategy_manager": EVERY_LOAN,
    "compliance_officer": EVERY_LOAN,
    "legal_officer": EVERY_LOAN,
    "team_lead": EAST,
    "collector": EAST,
}
# docs/access.md: who works a case (contacts, notes, promises) — strategy manager, compliance and legal officers
# read only
WORKS = {"admin": EVERY_LOAN, "team_lead": EAST, "collector": EAST}
# docs/workbench.md: a contact or a note is recorded on the loan's open case: none, nothing to record on
WORKS_CASE = {who: loans - {"no_case"} for who, loans in WORKS.items()}
# docs/access.md: the team lead assigns the cases of the team they lead; the administrator every case
ASSIGNS = {"admin": EVERY_LOAN - {"no_case"}, "team_lead": EAST}
# docs/personal-data.md: who may reveal a contact value in clear (each reveal logged) on an account they see
REVEALS = {"admin": EVERY_LOAN, "team_lead": EAST, "compliance_officer": EVERY_LOAN}
# docs/workbench.md: taking the next account needs the right to work the queue
CLAIMS = frozenset({"admin", "team_lead", "collector"})
# docs/repayment-plans.md + plans/limits.yaml: proposing needs RECORD_CONTACT on the loan and a role
# with a limit; a 12-instalment plan (as each waiting plan of the world is) waits for a team lead or an admin
PROPOSES = WORKS
DECIDES_12 = {"admin": EVERY_LOAN, "team_lead": EAST}
WAITING_PLANS = frozenset(LOANS)
# docs/agencies.md: the lender's agency pages (league, placements, statements); the agency portal is
# for authorised agency staff only. The legal officer is not among the lender's agency staff.
LENDER = frozenset({"admin", "strategy_manager", "compliance_officer", "team_lead"})
PORTAL = frozenset({"agency_manager", "agency_collector", "field_collector"})
PLACEMENTS = ("own_agency", "other_agency")
PORTAL_SEES = {who: frozenset({"own_agency"}) for who in PORTAL}  # the agency roles work for the agency "own_agency"
# On the lender's side a placement is seen by those who see its case; recalling it decides who works
# the case (ASSIGNS); deciding an agency's plan proposal proposes a plan on the loan (WORKS).


def placed(placement: str) -> str:
    """The case a placement holds."""
    return PLACED_LOAN[placement]


# docs/visits.md, "Who sees what"
VISITS = ("named_visit", "lender_visit")
VISIT_SEES = {
    "admin": frozenset(VISITS),
    "team_lead": frozenset(VISITS),
    "compliance_officer": frozenset(VISITS),
    "agency_manager": frozenset({"named_visit"}),  # their agency's visits
    "field_collector": frozenset({"named_visit"}),  # the visits they are named on
}
VISIT_APPROVERS = frozenset({"admin", "team_lead"})  # approve, schedule, cancel
AT_THE_DOOR = {"field_collector": frozenset({"named_visit"})}  # code, check-in/out, files, incidents

# docs/holds.md, "Who places and releases": by kind, on an account the role sees (404 outside it); three
# kinds that part the roles differently are tried on each loan ("mine:bankruptcy" and so on)
PLACES = {
    "dispute_open": frozenset({"admin", "team_lead", "collector", "compliance_officer"}),
    "bankruptcy": frozenset({"admin", "team_lead", "compliance_officer", "legal_officer"}),
    "legal_hold": frozenset({"admin", "legal_officer"}),
}
RELEASES = {
    "dispute_open": frozenset({"admin", "team_lead", "compliance_officer"}),
    "bankruptcy": frozenset({"admin", "compliance_officer", "legal_officer"}),
    "legal_hold": frozenset({"admin", "legal_officer"}),
}
HOLDS = tuple(f"{loan}:{kind}" for loan in LOANS for kind in PLACES)

# docs/legal-reviews.md: who reads the legal reviews (those of the accounts they see) and who decides them;
# an open review waits on "mine" (team East) and on "other_team" (team West)
LEGAL_READERS = frozenset({"admin", "strategy_manager", "compliance_officer", "legal_officer", "team_lead"})
LEGAL_DECIDERS = frozenset({"admin", "legal_officer"})
REVIEWS = ("mine", "other_team")
# docs/legal-cases.md: legal cases are read by the legal review readers and opened and moved on by legal
# officers and administrators; an open case (route: suit, at preparation) stands on "teammate" (team East)
# and on "no_case" (seen only by those who see every account)
CASE_READERS = LEGAL_READERS
CASE_MANAGERS = LEGAL_DECIDERS
LEGAL_CASES = ("teammate", "no_case")
# docs/credit-reporting.md: credit-report objections are read by administrators, compliance and legal officers and
# team leads (those of the accounts they see), recorded and answered by administrators and compliance officers;
# an unanswered objection stands on "mine" and on "other_team"
OBJECTION_READERS = frozenset({"admin", "compliance_officer", "legal_officer", "team_lead"})
OBJECTION_ANSWERERS = frozenset({"admin", "compliance_officer"})
OBJECTIONS = ("mine", "other_team")

# docs/nightly.md: the record of the nights, read by administrators and compliance officers only
NIGHT_READERS = frozenset({"admin", "compliance_officer"})

# docs/dashboards.md: the dashboards of recovery and cost for every in-house role (each counting the accounts it
# sees); the experiments and the model's card count every account: for those who see the whole book
WHOLE_BOOK = frozenset({"admin", "strategy_manager", "compliance_officer", "legal_officer"})

# the tour of the book (web/tour.py): in-house staff; "placed" has an account in the state for every
# in-house role, "charged-off" has none in this world
TOUR_STOPS = ("placed", "charged-off")

# --- what a request answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    statuses: frozenset[int]
    allowed: bool
    why: str

    def __str__(self) -> str:
        return f"{'/'.join(map(str, sorted(self.statuses)))} ({self.why})"


def ok(*statuses: int) -> Expect:
    return Expect(frozenset(statuses), True, "allowed")


FORBIDDEN = Expect(frozenset({403}), False, "forbidden")
NOT_FOUND = Expect(frozenset({404}), False, "outside the scope: as if unknown")
REFUSED_PAGE = Expect(frozenset({302}), False, "refused with a message, nothing changed")
REFUSED_API = Expect(frozenset({409}), False, "refused step")
SIGN_IN = Expect(frozenset({302}), False, "sent to sign in")
UNAUTHORISED = Expect(frozenset({401}), False, "not signed in")


@dataclass(frozen=True)
class Route:
    """One method of one route, the objects it is tried on, and who may do what with each."""

    method: str
    name: str  # the URL name ("namespace:name"), or the API's path as OpenAPI gives it
    surface: str  # "page" (sign-in page for anonymous), "api" (401), or "public" (no sign-in)
    url: Callable[[World, str], str]
    rule: Callable[[str, str], Expect]  # (who, object) → what must be answered
    objects: tuple[str, ...] = ("-",)
    body: Callable[[World, str], dict] | None = None
    encoding: str = ""  # "json" or "form"; default: json for the API, form for pages
    writes: bool = True  # a POST allowed must change stored data (False: it only reads, or logs)
    listed: Callable[[str, str], frozenset] | None = None  # the objects a list must show (and no other)
    seen: Callable[[World, object, str], frozenset] | None = None  # the objects it did show
    prepare: Callable[[World], None] | None = None  # put the world in the state the step needs
    stubs: tuple[tuple[str, object], ...] = ()  # (dotted name, stand-in) for slow work beside the point
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.name}"

    def expected(self, who: str, obj: str) -> Expect:
        if who == "anonymous" and self.surface != "public":
            return SIGN_IN if self.surface == "page" else UNAUTHORISED
        return self.rule(who, obj)

    def send(self, world: World, who: str, obj: str):
        client = world.client(who)
        url = self.url(world, obj)
        data = self.body(world, obj) if self.body else {}
        if self.method == "GET":
            return client.get(url, data)
        encoding = self.encoding or ("json" if self.surface == "api" else "form")
        if encoding == "json":
            return client.post(url, json.dumps(data, default=str), content_type="application/json")
        return client.post(url, data)


def u(name: str, *args) -> Callable[[World, str], str]:
    return lambda w, o: reverse(name, args=args)


def loan_pk(w: World, o: str) -> int:
    return w.loans[o].pk


def in_body(universe: frozenset, marker: Callable[[World, str], str]) -> Callable[[World, object, str], frozenset]:
    def seen(w: World, response, _obj: str) -> frozenset:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        return frozenset(o for o in universe if marker(w, o) in text)

    return seen


def loan_ref(w: World, o: str) -> str:
    return LOAN_IDS[o]


def visit_ids_in_json(w: World, response, _obj: str) -> frozenset:
    ids = {row["id"] for row in response.json()}
    return frozenset(o for o, visit in w.visits.items() if visit.pk in ids)


def version(w: World, o: str) -> int:
    from arrears.cases.models import CollectionCase

    case = CollectionCase.objects.filter(loan=w.loans[o], closed_on__isnull=True).first()
    return case.version if case else 1


def yesterday_at_ten(w: World) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(w.today - dt.timedelta(days=1), dt.time(10)))


def visit_state(state: str) -> Callable[[World], None]:
    def prepare(w: World) -> None:
        from arrears.visits.models import Visit

        checked_in = timezone.now() - dt.timedelta(minutes=5) if state == "in_progress" else None
        Visit.objects.filter(pk__in=[v.pk for v in w.visits.values()]).update(state=state, checked_in_at=checked_in)

    return prepare


# --- rules by kind of route -------------------------------------------------------------------


def internal(who: str, _obj: str) -> Expect:
    """An in-house page with no object: any in-house role; no agency role."""
    return ok(200) if who in INTERNAL else FORBIDDEN


def sees_account(who: str, obj: str) -> Expect:
    """The account page and its API: the account must be in the role's scope; outside it, 404 as for
    an account that does not exist (docs/access.md, "Scope and existence")."""
    return ok(200) if obj in SEES.get(who, NOTHING) else NOT_FOUND


def works_case(ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, obj: str) -> Expect:
        if obj not in SEES.get(who, NOTHING):
            return NOT_FOUND
        return ok(ok_status) if obj in WORKS_CASE.get(who, NOTHING) else FORBIDDEN

    return rule


def may_i_call(who: str, obj: str) -> Expect:
    if obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(200) if obj in WORKS.get(who, NOTHING) else FORBIDDEN


def reveals(who: str, obj: str) -> Expect:
    if obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(200) if obj in REVEALS.get(who, NOTHING) else FORBIDDEN


def assign_page(who: str, obj: str) -> Expect:
    if obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(302) if obj in ASSIGNS.get(who, NOTHING) else FORBIDDEN


def in_house(rule: Callable[[str, str], Expect]) -> Callable[[str, str], Expect]:
    """A workbench page refuses a role outside the back office (403) before it looks for the object."""
    return lambda who, obj: rule(who, obj) if who in INTERNAL else FORBIDDEN


def assign_api(who: str, obj: str) -> Expect:
    if obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(200) if obj in ASSIGNS.get(who, NOTHING) else FORBIDDEN


def pass_over_api(who: str, obj: str) -> Expect:
    # docs/workbench.md: 404 for a case one cannot see, 403 for one seen but not worked; for one's
    # own, 200 when the guard blocks the contact now, 400 when it allows it (make the contact instead)
    if obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(200, 400) if obj in WORKS_CASE.get(who, NOTHING) else FORBIDDEN


def claims(ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, _obj: str) -> Expect:
        return ok(ok_status) if who in CLAIMS else FORBIDDEN

    return rule


def promises_read(who: str, obj: str) -> Expect:
    return ok(200) if obj in SEES.get(who, NOTHING) else NOT_FOUND


def promise_make(who: str, obj: str) -> Expect:
    # docs/workbench.md: 404 for an account one cannot see or with no open case; 403 for one seen, not worked
    if obj == "no_case" or obj not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(201) if obj in WORKS_CASE.get(who, NOTHING) else FORBIDDEN


def loan_plans_read(who: str, obj: str) -> Expect:
    # docs/repayment-plans.md: 404 outside the person's scope
    return ok(200) if obj in SEES.get(who, NOTHING) else NOT_FOUND


def plan_propose(ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, obj: str) -> Expect:
        if obj not in SEES.get(who, NOTHING):
            return NOT_FOUND
        return ok(ok_status) if obj in PROPOSES.get(who, NOTHING) else FORBIDDEN

    return rule


def plan_decide(refusal: Expect, ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, obj: str) -> Expect:
        if obj not in SEES.get(who, NOTHING):
            return NOT_FOUND
        return ok(ok_status) if obj in DECIDES_12.get(who, NOTHING) else refusal

    return rule


def signed_in(who: str, _obj: str) -> Expect:
    return ok(200)


def lender(who: str, _obj: str) -> Expect:
    return ok(200) if who in LENDER else FORBIDDEN


def whole_book(who: str, _obj: str) -> Expect:
    """A lender's page over every case, whichever team's (an agency's commission statement): the whole-book
    roles among the lender's agency staff."""
    return ok(200) if who in WHOLE_BOOK & LENDER else FORBIDDEN


def recall(who: str, placement: str) -> Expect:
    if who not in LENDER:
        return FORBIDDEN
    if placed(placement) not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(302) if placed(placement) in ASSIGNS.get(who, NOTHING) else FORBIDDEN


def decide_proposal(who: str, placement: str) -> Expect:
    if who not in LENDER:
        return FORBIDDEN
    if placed(placement) not in SEES.get(who, NOTHING):
        return NOT_FOUND
    return ok(302) if placed(placement) in WORKS.get(who, NOTHING) else FORBIDDEN


def portal(who: str, _obj: str) -> Expect:
    return ok(200) if who in PORTAL else FORBIDDEN


def portal_case(ok_status: int) -> Callable[[str, str], Expect]:
    """docs/agencies.md: another agency's case answers 404, like an unknown one."""

    def rule(who: str, placement: str) -> Expect:
        if who not in PORTAL:
            return FORBIDDEN
        return ok(ok_status) if placement in PORTAL_SEES[who] else NOT_FOUND

    return rule


def portal_results(ok_status: int) -> Callable[[str, str], Expect]:
    """The daily results file is taken whatever it holds; a row of another agency's case is rejected."""

    def rule(who: str, placement: str) -> Expect:
        if who not in PORTAL:
            return FORBIDDEN
        return ok(ok_status) if placement in PORTAL_SEES[who] else Expect(frozenset({ok_status}), False, "row rejected")

    return rule


def portal_dispute(who: str, placement: str) -> Expect:
    if who not in PORTAL:
        return FORBIDDEN
    return ok(302) if placement in PORTAL_SEES[who] else REFUSED_PAGE


def visit_read(who: str, visit: str) -> Expect:
    # docs/visits.md: a visit not visible is a 404, pages and API alike
    return ok(200) if visit in VISIT_SEES.get(who, NOTHING) else NOT_FOUND


def visit_step(doers: Callable[[str], frozenset], refused: Expect, ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, visit: str) -> Expect:
        if visit not in VISIT_SEES.get(who, NOTHING):
            return NOT_FOUND
        return ok(ok_status) if visit in doers(who) else refused

    return rule


def approver(who: str) -> frozenset:
    return frozenset(VISITS) if who in VISIT_APPROVERS else NOTHING


def door(who: str) -> frozenset:
    return AT_THE_DOOR.get(who, NOTHING)


def holds_read(who: str, obj: str) -> Expect:
    return ok(200) if obj in SEES.get(who, NOTHING) else NOT_FOUND


def hold_step(doers: dict[str, frozenset], ok_status: int) -> Callable[[str, str], Expect]:
    """Place or release a hold of a kind on a loan: 404 outside one's scope, 403 for a role that may not."""

    def rule(who: str, obj: str) -> Expect:
        loan, kind = obj.split(":")
        if loan not in SEES.get(who, NOTHING):
            return NOT_FOUND
        return ok(ok_status) if who in doers[kind] else FORBIDDEN

    return rule


def legal_read(who: str, _obj: str) -> Expect:
    return ok(200) if who in LEGAL_READERS else FORBIDDEN


def legal_decide(ok_status: int) -> Callable[[str, str], Expect]:
    """A role that may not decide is refused (403) before the review is looked for; a review outside one's scope
    answers 404, like an unknown one."""

    def rule(who: str, obj: str) -> Expect:
        if who not in LEGAL_DECIDERS:
            return FORBIDDEN
        return ok(ok_status) if obj in SEES.get(who, NOTHING) else NOT_FOUND

    return rule


def case_read(who: str, obj: str) -> Expect:
    if who not in CASE_READERS:
        return FORBIDDEN
    return ok(200) if obj in SEES.get(who, NOTHING) else NOT_FOUND


def case_step(ok_status: int) -> Callable[[str, str], Expect]:
    """A role that may not manage legal cases is refused (403) first; a case or review outside one's scope is 404."""

    def rule(who: str, obj: str) -> Expect:
        if who not in CASE_MANAGERS:
            return FORBIDDEN
        return ok(ok_status) if obj in SEES.get(who, NOTHING) else NOT_FOUND

    return rule


def objections_read(who: str, _obj: str) -> Expect:
    return ok(200) if who in OBJECTION_READERS else FORBIDDEN


def objection_step(ok_status: int) -> Callable[[str, str], Expect]:
    def rule(who: str, obj: str) -> Expect:
        if who not in OBJECTION_ANSWERERS:
            return FORBIDDEN
        return ok(ok_status) if obj in SEES.get(who, NOTHING) else NOT_FOUND

    return rule


def objection_loans_in_json(w: World, response, _obj: str) -> frozenset:
    loans = {row["loan"] for row in response.json()["objections"]}
    return frozenset(o for o in OBJECTIONS if LOAN_IDS[o] in loans)


def reviews_referred(w: World) -> None:
    from arrears.legal.models import LegalReview

    LegalReview.objects.filter(pk__in=[review.pk for review in w.reviews.values()]).update(state="referred")


def case_loans_in_json(w: World, response, _obj: str) -> frozenset:
    loans = {row["loan"] for row in response.json()["cases"]}
    return frozenset(o for o in LEGAL_CASES if LOAN_IDS[o] in loans)


def nights_read(who: str, _obj: str) -> Expect:
    return ok(200) if who in NIGHT_READERS else FORBIDDEN


def whole_book_figures(who: str, _obj: str) -> Expect:
    """Figures over every account (the model's card, the experiments): the whole-book roles."""
    return ok(200) if who in WHOLE_BOOK else FORBIDDEN


def tour_stop(who: str, stop: str) -> Expect:
    if who not in INTERNAL:
        return FORBIDDEN
    return ok(302) if stop == "placed" else Expect(frozenset({404}), False, "no account in this state")


def review_loans_in_json(w: World, response, _obj: str) -> frozenset:
    loans = {row["loan"] for row in response.json()["reviews"]}
    return frozenset(o for o in REVIEWS if LOAN_IDS[o] in loans)


def public(status: int) -> Callable[[str, str], Expect]:
    """No sign-in: everyone, signed in or not, gets the same answer."""
    return lambda _who, _obj: ok(status)


def token(who: str, obj: str) -> Expect:
    return ok(200) if obj == "valid_token" else Expect(frozenset({400}), False, "forged token")


# --- the bodies -----------------------------------------------------------------------------------


def contact_form(w: World, o: str) -> dict:
    return {"version": version(w, o), "channel": "call", "party": "debtor", "outcome": "no_answer",
            "contact_point": w.mobiles[o].pk, "note": ""}


def assignment(w: World, o: str) -> dict:
    """Hand the case to another member of its own team."""
    team = w.teams["west" if o == "other_team" else "east"]
    to = {"mine": "mate", "teammate": "collector", "other_team": "west_lead"}[o]
    return {"version": version(w, o), "team": team.pk, "assignee": w.users[to].pk}


def proposal(w: World, _o: str) -> dict:
    return {"kind": "instalments", "start_date": w.today.isoformat(), "instalments": 3, "reason": "矩阵"}


def agency_contact(w: World, _o: str) -> dict:
    return {"channel": "call", "outcome": "no_answer", "attempted_at": yesterday_at_ten(w).strftime("%Y-%m-%dT%H:%M")}


def agency_proposal(w: World, _o: str) -> dict:
    return {"instalments": 3, "instalment_amount": "100.00", "first_due_on": (w.today + dt.timedelta(days=7)).isoformat(),
            "note": ""}


def results_file(w: World, placement: str) -> dict:
    row = f"{LOAN_IDS[placed(placement)]},call,no_answer,{yesterday_at_ten(w):%Y-%m-%dT%H:%M}"
    return {"file": SimpleUploadedFile("results.csv", f"loan,channel,outcome,attempted_at\n{row}\n".encode(),
                                       content_type="text/csv")}


def booking_day(w: World, visit: str) -> str:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(w.visits[visit].loan.borrower.time_zone)
    return (timezone.now().astimezone(zone) + dt.timedelta(days=3)).date().isoformat()


def schedule_form(w: World, visit: str) -> dict:
    if visit == "named_visit":
        crew = [f"staff:{w.staff['field_collector'].pk}", f"staff:{w.staff['second_field'].pk}"]
    else:
        crew = [f"user:{person.pk}" for person in w.lender_crew]
    return {"day": booking_day(w, visit), "starts": "10:00", "ends": "11:00", "collectors": crew,
            "purpose": "repayment_talk", "notice_channel": "sms"}


def schedule_json(w: World, visit: str) -> dict:
    staff = [w.staff["field_collector"].pk, w.staff["second_field"].pk] if visit == "named_visit" else []
    users = [] if visit == "named_visit" else [person.pk for person in w.lender_crew]
    return {"day": booking_day(w, visit), "starts": "10:00", "ends": "11:00", "staff_ids": staff, "user_ids": users,
            "purpose": "repayment_talk", "notice_channel": "sms"}


CHECK_OUT = {"identification_shown": True, "purpose_stated": True, "no_disclosure": True, "outcome": "no_answer", "notes": ""}
CHECK_OUT_FORM = {"identification_shown": "on", "purpose_stated": "on", "no_disclosure": "on", "outcome": "no_answer", "notes": ""}
INCIDENT = {"kind": "verbal_abuse", "description": "矩阵 / matrix"}


def unsubscribe_url(w: World, o: str) -> str:
    from arrears.outbox.content import unsubscribe_token

    value = unsubscribe_token(w.mobiles["mine"].pk, "sms") if o == "valid_token" else "forged:token"
    return reverse("outbox:unsubscribe", kwargs={"token": value})


def plan_of(w: World, o: str) -> int:
    return w.plans[o].pk


def hold_body(w: World, o: str, *, api: bool = False) -> dict:
    loan, kind = o.split(":")
    return {"kind": kind, "reason": "矩阵 / matrix", **({"loan": LOAN_IDS[loan]} if api else {})}


def holds_in_force(w: World) -> None:
    """A hold of each kind tried, in force on each loan, so that each can be released."""
    from arrears.cases.models import AccountHold

    since = timezone.now() - dt.timedelta(hours=1)
    AccountHold.objects.bulk_create(
        AccountHold(loan=w.loans[loan], kind=kind, since=since, reason="矩阵 / matrix", source="web",
                    placed_by=w.users["admin"])
        for loan in LOANS for kind in PLACES
    )


def hold_in_force(w: World, o: str) -> int:
    """The hold `holds_in_force` placed for "loan:kind" (0, an unknown hold, before it ran)."""
    from arrears.cases.models import AccountHold

    loan, kind = o.split(":")
    found = AccountHold.objects.filter(loan=w.loans[loan], kind=kind, released_at=None).values_list("pk", flat=True)
    return found.first() or 0


def this_month(w: World) -> str:
    return f"{w.today:%Y-%m}"


# --- the routes -------------------------------------------------------------------------------

SEARCH = {"q": "矩阵"}
QUEUE_LIST = dict(
    listed=lambda who, _o: QUEUED & SEES.get(who, NOTHING), seen=in_body(EVERY_LOAN, loan_ref)
)
SEARCH_LIST = dict(
    listed=lambda who, _o: SEES.get(who, NOTHING), seen=in_body(EVERY_LOAN, loan_ref)
)
VISIT_LIST_PAGE = dict(
    listed=lambda who, _o: VISIT_SEES.get(who, NOTHING),
    seen=in_body(frozenset(VISITS), lambda w, o: f'data-visit="{w.visits[o].pk}"'),
)
PLACEMENT_LOANS = frozenset(PLACED_LOAN.values())
LENDER_PLACEMENT_LIST = dict(
    listed=lambda who, _o: PLACEMENT_LOANS & SEES.get(who, NOTHING),
    seen=in_body(PLACEMENT_LOANS, loan_ref),
)
PORTAL_LIST = dict(
    listed=lambda who, _o: frozenset(placed(p) for p in PORTAL_SEES.get(who, NOTHING)),
    seen=in_body(PLACEMENT_LOANS, loan_ref),
)
LEGAL_LIST_PAGE = dict(
    listed=lambda who, _o: frozenset(REVIEWS) & SEES.get(who, NOTHING), seen=in_body(frozenset(REVIEWS), loan_ref)
)
LEGAL_LIST_API = dict(listed=lambda who, _o: frozenset(REVIEWS) & SEES.get(who, NOTHING), seen=review_loans_in_json)

# docs/access.md, "Figures follow the same scope": the whole book for those who see every case; a
# collector's or team lead's figures count the loans of the cases they see (every loan here has a state)
WHOLE_BOOK = frozenset({"admin", "strategy_manager", "compliance_officer", "legal_officer"})


def figures_expected(counted: bool) -> Callable[[str, str], frozenset]:
    def listed(who: str, _obj: str) -> frozenset:
        facts = {("whole book", who in WHOLE_BOOK)}
        if counted:
            facts.add(("accounts", len(SEES.get(who, NOTHING))))
        return frozenset(facts)

    return listed


def figures_seen(w: World, response, _obj: str) -> frozenset:
    """What the figures cover, as the page or the API says it: whole book or not, and how many accounts."""
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        facts = {("whole book", body["scope"]["whole_book"])}
        if "accounts" in body:
            facts.add(("accounts", body["accounts"]))
        return frozenset(facts)
    text = response.content.decode()
    facts = {("whole book", 'data-scope="book"' in text)}
    counted = re.search(r'data-accounts="(\d+)"', text)
    if counted:
        facts.add(("accounts", int(counted.group(1))))
    return frozenset(facts)


PORTFOLIO_FIGURES = dict(listed=figures_expected(counted=True), seen=figures_seen)
ROLL_RATE_FIGURES = dict(listed=figures_expected(counted=False), seen=figures_seen)

# --- the borrower portal and the compliance queue (docs/borrower-portal.md) ---------------------------
# The portal (/my/) is public: with no borrower signed in, every page but the sign-in sends the visitor
# to the portal's sign-in, whoever they are on the staff side; nothing is stored. The compliance queue
# of disputes and complaints is for the compliance officer and the administrator only.
TO_PORTAL_SIGN_IN = Expect(frozenset({302}), False, "no borrower signed in: sent to the portal's sign-in")
COMPLIANCE_HANDLERS = frozenset({"admin", "compliance_officer"})
_MADE: dict[str, int] = {}


def to_portal(_who: str, _obj: str) -> Expect:
    return TO_PORTAL_SIGN_IN


def handles(ok_status: int) -> Callable[[str, str], Expect]:
    return lambda who, _obj: ok(ok_status) if who in COMPLIANCE_HANDLERS else FORBIDDEN


def my_url(name: str) -> Callable[[World, str], str]:
    return lambda w, o: reverse(name, args=[LOAN_IDS["mine"]])


def open_dispute(w: World) -> None:
    from arrears.disputes.services import raise_dispute

    _MADE["dispute"] = raise_dispute(w.loans["mine"], reason="other", details="矩阵 / matrix", source="phone").pk


def open_complaint(w: World) -> None:
    from arrears.disputes.services import raise_complaint

    _MADE["complaint"] = raise_complaint(loan=w.loans["mine"], category="other", details="矩阵 / matrix", source="phone").pk


ROUTES: tuple[Route, ...] = (
    # web: the book's figures, search and the account page
    Route("GET", "portfolio", "page", u("portfolio"), internal, **PORTFOLIO_FIGURES),
    Route("GET", "roll-rates", "page", u("roll-rates"), internal, **ROLL_RATE_FIGURES),
    Route("GET", "account-search", "page", u("account-search"), internal, body=lambda w, o: SEARCH, **SEARCH_LIST),
    Route("GET", "account", "page", lambda w, o: reverse("account", args=[LOAN_IDS[o]]), sees_account, LOANS),
    Route("GET", "tour", "page", u("tour"), internal),
    Route("GET", "intelligence:dashboards", "page", u("intelligence:dashboards"), internal),
    Route("GET", "intelligence:experiments", "page", u("intelligence:experiments"), whole_book_figures),
    Route("GET", "intelligence:model", "page", u("intelligence:model"), whole_book_figures),
    Route("GET", "tour-stop", "page", lambda w, o: reverse("tour-stop", args=[o]), tour_stop, TOUR_STOPS),
    Route("GET", "messaging:written_notice", "page", lambda w, o: reverse("messaging:written_notice", args=[LOAN_IDS[o]]),
          lambda who, o: FORBIDDEN if who not in INTERNAL else sees_account(who, o), LOANS,
          # the PDF itself is tested in tests/integration/test_notices_pdf.py; here, who may have it
          stubs=(("arrears.notices.written_notice_pdf", lambda *args, **kwargs: PDF),)),
    # workbench pages
    Route("GET", "workbench:queue", "page", u("workbench:queue"), internal, **QUEUE_LIST),
    Route("GET", "workbench:content-review", "page", u("workbench:content-review"), internal,
          note="transcripts with content findings, on the loans the reader may see"),
    Route("POST", "workbench:next", "page", u("workbench:next"), claims(302)),
    Route("POST", "workbench:record-contact", "page", lambda w, o: reverse("workbench:record-contact", args=[loan_pk(w, o)]),
          in_house(works_case(302)), LOANS, body=contact_form),
    Route("POST", "workbench:add-note", "page", lambda w, o: reverse("workbench:add-note", args=[loan_pk(w, o)]),
          in_house(works_case(302)), LOANS, body=lambda w, o: {"text": "矩阵 / matrix"}),
    Route("POST", "workbench:reveal", "page",
          lambda w, o: reverse("workbench:reveal", args=[loan_pk(w, o), w.mobiles[o].pk]), in_house(reveals), LOANS,
          writes=False),
    Route("POST", "workbench:assign", "page", lambda w, o: reverse("workbench:assign", args=[w.cases[o].pk]),
          in_house(assign_page), CASES, body=assignment),
    # passing over a case: a redirect either way (to the next account, or back when the guard allows the call)
    Route("POST", "workbench:pass-over", "page", lambda w, o: reverse("workbench:pass-over", args=[w.cases[o].pk]),
          in_house(works_case(302)), CASES, body=lambda w, o: {"version": version(w, o), "channel": "call"}),
    # plans pages
    Route("GET", "plans:loan", "page", lambda w, o: reverse("plans:loan", args=[loan_pk(w, o)]), loan_plans_read, LOANS),
    Route("POST", "plans:loan", "page", lambda w, o: reverse("plans:loan", args=[loan_pk(w, o)]), plan_propose(302), LOANS,
          body=lambda w, o: {**proposal(w, o), "action": "propose"}),
    Route("POST", "plans:approve", "page", lambda w, o: reverse("plans:approve", args=[plan_of(w, o)]),
          plan_decide(REFUSED_PAGE, 302), LOANS),
    Route("POST", "plans:reject", "page", lambda w, o: reverse("plans:reject", args=[plan_of(w, o)]),
          plan_decide(REFUSED_PAGE, 302), LOANS),
    Route("GET", "plans:awaiting", "page", u("plans:awaiting"), signed_in,
          listed=lambda who, _o: WAITING_PLANS & DECIDES_12.get(who, NOTHING),
          seen=in_body(WAITING_PLANS, loan_ref)),
    # holds on the account page
    Route("POST", "cases:place-hold", "page", lambda w, o: reverse("cases:place-hold", args=[loan_pk(w, o.split(":")[0])]),
          hold_step(PLACES, 302), HOLDS, body=hold_body),
    Route("POST", "cases:release-hold", "page", lambda w, o: reverse("cases:release-hold", args=[hold_in_force(w, o)]),
          hold_step(RELEASES, 302), HOLDS, body=lambda w, o: {"reason": "矩阵 / matrix"}, prepare=holds_in_force),
    # agencies: the lender's pages
    Route("GET", "agencies:league", "page", u("agencies:league"), lender, **LENDER_PLACEMENT_LIST,
          note="the pending agency proposals listed are those of cases in the reader's scope"),
    Route("GET", "agencies:whitelist", "public", u("agencies:whitelist"), public(200)),
    Route("GET", "agencies:placements", "page", u("agencies:placements"), lender, **LENDER_PLACEMENT_LIST),
    Route("POST", "agencies:recall", "page", lambda w, o: reverse("agencies:recall", args=[w.placements[o].pk]),
          recall, PLACEMENTS, body=lambda w, o: {"reason": "投诉 / complaint"}),
    Route("POST", "agencies:decide-proposal", "page",
          lambda w, o: reverse("agencies:decide-proposal", args=[w.proposals[o].pk]), decide_proposal, PLACEMENTS,
          body=lambda w, o: {"decision": "approve"}),
    Route("GET", "agencies:statement", "page", lambda w, o: reverse("agencies:statement", args=[w.agencies[o].pk]),
          whole_book, PLACEMENTS, body=lambda w, o: {"month": this_month(w)},
          note="an agency's commission statement lists every placement of the agency, whichever team's case"),
    # agencies: the portal
    Route("GET", "agencies:portal-statement", "page", u("agencies:portal-statement"), portal,
          body=lambda w, o: {"month": this_month(w)}, **PORTAL_LIST),
    Route("POST", "agencies:portal-statement", "page", u("agencies:portal-statement"), portal_dispute, PLACEMENTS,
          body=lambda w, o: {"month": this_month(w), "placement": w.placements[o].pk, "reason": "矩阵 / matrix"}),
    Route("GET", "agencies:portal", "page", u("agencies:portal"), portal, **PORTAL_LIST),
    Route("GET", "agencies:portal-case", "page", lambda w, o: reverse("agencies:portal-case", args=[w.placements[o].pk]),
          portal_case(200), PLACEMENTS),
    Route("POST", "agencies:portal-reveal", "page",
          lambda w, o: reverse("agencies:portal-reveal", args=[w.placements[o].pk]), portal_case(200), PLACEMENTS,
          writes=False),
    Route("POST", "agencies:portal-contact", "page",
          lambda w, o: reverse("agencies:portal-contact", args=[w.placements[o].pk]), portal_case(302), PLACEMENTS,
          body=agency_contact),
    Route("POST", "agencies:portal-proposal", "page",
          lambda w, o: reverse("agencies:portal-proposal", args=[w.placements[o].pk]), portal_case(302), PLACEMENTS,
          body=agency_proposal),
    Route("GET", "agencies:portal-upload", "page", u("agencies:portal-upload"), portal),
    Route("POST", "agencies:portal-upload", "page", u("agencies:portal-upload"), portal_results(200), PLACEMENTS,
          body=results_file),
    Route("GET", "agencies:portal-rejects", "page", lambda w, o: reverse("agencies:portal-rejects", args=[w.uploads[o].pk]),
          portal_case(200), PLACEMENTS),
    Route("GET", "agencies:portal-export", "page", u("agencies:portal-export"), portal, **PORTAL_LIST),
    # visits
    Route("GET", "visits:list", "page", u("visits:list"), signed_in, **VISIT_LIST_PAGE),
    Route("GET", "visits:verify", "public", u("visits:verify"), public(200)),
    Route("POST", "visits:verify", "public", u("visits:verify"), public(200), body=lambda w, o: {"code": "ABCD-EFGH"},
          writes=False, note="a wrong code: the same plain answer for everyone"),
    Route("GET", "visits:detail", "page", lambda w, o: reverse("visits:detail", args=[w.visits[o].pk]), visit_read, VISITS),
    Route("POST", "visits:decide", "page", lambda w, o: reverse("visits:decide", args=[w.visits[o].pk]),
          visit_step(approver, REFUSED_PAGE, 302), VISITS, body=lambda w, o: {"decision": "cancel", "note": ""}),
    Route("POST", "visits:schedule", "page", lambda w, o: reverse("visits:schedule", args=[w.visits[o].pk]),
          visit_step(approver, REFUSED_PAGE, 302), VISITS, body=schedule_form),
    Route("POST", "visits:code", "page", lambda w, o: reverse("visits:code", args=[w.visits[o].pk]),
          visit_step(door, REFUSED_PAGE, 302), VISITS),
    Route("POST", "visits:check-in", "page", lambda w, o: reverse("visits:check-in", args=[w.visits[o].pk]),
          visit_step(door, REFUSED_PAGE, 302), VISITS),
    Route("POST", "visits:check-out", "page", lambda w, o: reverse("visits:check-out", args=[w.visits[o].pk]),
          visit_step(door, REFUSED_PAGE, 302), VISITS, body=lambda w, o: CHECK_OUT_FORM, prepare=visit_state("in_progress")),
    Route("POST", "visits:attach", "page", lambda w, o: reverse("visits:attach", args=[w.visits[o].pk]),
          visit_step(door, REFUSED_PAGE, 302), VISITS, prepare=visit_state("in_progress"),
          body=lambda w, o: {"file": SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf"), "description": ""}),
    Route("GET", "visits:attachment", "page",
          lambda w, o: reverse("visits:attachment", args=[w.visits[o].pk, w.attachments[o].pk]), visit_read, VISITS),
    Route("POST", "visits:incident", "page", lambda w, o: reverse("visits:incident", args=[w.visits[o].pk]),
          visit_step(door, REFUSED_PAGE, 302), VISITS, body=lambda w, o: INCIDENT),
    # legal reviews
    Route("GET", "legal:reviews", "page", u("legal:reviews"), legal_read, **LEGAL_LIST_PAGE),
    Route("POST", "legal:decide", "page", lambda w, o: reverse("legal:decide", args=[w.reviews[o].pk]),
          legal_decide(302), REVIEWS, body=lambda w, o: {"decision": "refer", "note": "矩阵 / matrix"}),
    # legal cases
    Route("GET", "legal:cases", "page", u("legal:cases"), legal_read,
          listed=lambda who, _o: frozenset(LEGAL_CASES) & SEES.get(who, NOTHING),
          seen=in_body(frozenset(LEGAL_CASES), loan_ref)),
    Route("GET", "legal:case", "page", lambda w, o: reverse("legal:case", args=[w.legal_cases[o].pk]), case_read,
          LEGAL_CASES),
    Route("POST", "legal:open-case", "page", lambda w, o: reverse("legal:open-case", args=[w.reviews[o].pk]),
          case_step(302), REVIEWS, body=lambda w, o: {"route": "suit", "note": "矩阵 / matrix"},
          prepare=reviews_referred),
    Route("POST", "legal:advance", "page", lambda w, o: reverse("legal:advance", args=[w.legal_cases[o].pk]),
          case_step(302), LEGAL_CASES, body=lambda w, o: {"stage": "filed", "case_number": "(2026)矩阵1号"}),
    # credit-report objections
    Route("GET", "credit:objections", "page", u("credit:objections"), objections_read,
          listed=lambda who, _o: frozenset(OBJECTIONS) & SEES.get(who, NOTHING),
          seen=in_body(frozenset(OBJECTIONS), loan_ref)),
    Route("POST", "credit:record", "page", u("credit:record"), objection_step(302), LOANS,
          body=lambda w, o: {"loan": LOAN_IDS[o], "claim": "矩阵 / matrix"}),
    Route("POST", "credit:answer", "page", lambda w, o: reverse("credit:answer", args=[w.objections[o].pk]),
          objection_step(302), OBJECTIONS, body=lambda w, o: {"outcome": "unchanged", "answer": "经核实无误 / checked"}),
    # the record of the nights
    Route("GET", "nightly:nights", "page", u("nightly:nights"), nights_read),
    # outbox: the providers' callbacks and the unsubscribe link prove themselves (signature, signed token)
    Route("POST", "outbox:receipt-callback", "public", lambda w, o: reverse("outbox:receipt-callback", args=["nosuch"]),
          lambda who, o: Expect(frozenset({404}), False, "unknown provider"), body=lambda w, o: {"message_id": "x"},
          encoding="json"),
    Route("POST", "outbox:inbound-callback", "public", lambda w, o: reverse("outbox:inbound-callback", args=["nosuch"]),
          lambda who, o: Expect(frozenset({404}), False, "unknown provider"), body=lambda w, o: {"from": "x", "text": "退订"},
          encoding="json"),
    Route("GET", "outbox:unsubscribe", "public", unsubscribe_url, token, ("valid_token", "forged_token")),
    Route("POST", "outbox:unsubscribe", "public", unsubscribe_url, token, ("valid_token", "forged_token")),
    # the borrower portal: public, a borrower's session of its own
    Route("GET", "my:sign-in", "public", u("my:sign-in"), public(200)),
    Route("POST", "my:sign-in", "public", u("my:sign-in"), public(302), writes=False,
          body=lambda w, o: {"reference": "NO-SUCH-LOAN", "id_last4": "0000"},
          note="the same answer whether or not the loan exists; only a try is counted"),
    Route("GET", "my:code", "public", u("my:code"), to_portal),
    Route("POST", "my:code", "public", u("my:code"), to_portal, body=lambda w, o: {"code": "123456"}),
    Route("POST", "my:sign-out", "public", u("my:sign-out"), to_portal),
    Route("POST", "my:report-impostor", "public", u("my:report-impostor"), public(200),
          body=lambda w, o: {"what": "矩阵 / matrix"}, note="anyone may report an impostor; it lands as a complaint"),
    Route("GET", "my:home", "public", u("my:home"), to_portal),
    Route("GET", "my:verify", "public", u("my:verify"), public(200)),
    Route("GET", "verify-short", "public", u("verify-short"), public(302), note="the short link in every SMS footer"),
    Route("POST", "my:verify", "public", u("my:verify"), public(200), body=lambda w, o: {"code": "ABCD-EFGH"}, writes=False,
          note="a wrong code: the same plain answer for everyone; only the try is counted"),
    Route("POST", "my:call-code", "page", lambda w, o: reverse("my:call-code", args=[loan_pk(w, o)]), may_i_call, LOANS,
          note="the code for a call is taken by whoever may record the call"),
    Route("GET", "my:preferences", "public", u("my:preferences"), to_portal),
    Route("POST", "my:preferences", "public", u("my:preferences"), to_portal,
          body=lambda w, o: {"earliest": "10:00", "latest": "18:00"}),
    Route("GET", "my:loan", "public", my_url("my:loan"), to_portal),
    Route("GET", "my:notice", "public", my_url("my:notice"), to_portal),
    Route("POST", "my:paper-copy", "public", my_url("my:paper-copy"), to_portal),
    Route("GET", "my:dispute", "public", my_url("my:dispute"), to_portal),
    Route("POST", "my:dispute", "public", my_url("my:dispute"), to_portal, body=lambda w, o: {"reason": "not_my_debt"}),
    Route("GET", "my:credit-objection", "public", my_url("my:credit-objection"), to_portal),
    Route("POST", "my:credit-objection", "public", my_url("my:credit-objection"), to_portal,
          body=lambda w, o: {"claim": "矩阵 / matrix"}),
    Route("GET", "my:complaint", "public", my_url("my:complaint"), to_portal),
    Route("POST", "my:complaint", "public", my_url("my:complaint"), to_portal,
          body=lambda w, o: {"category": "other", "details": "矩阵 / matrix"}),
    Route("GET", "my:plan", "public", my_url("my:plan"), to_portal),
    Route("POST", "my:plan", "public", my_url("my:plan"), to_portal,
          body=lambda w, o: {"kind": "instalments", "start_date": w.today.isoformat(), "instalments": 3, "action": "propose"}),
    Route("GET", "my:pay", "public", my_url("my:pay"), to_portal),
    Route("POST", "my:pay", "public", my_url("my:pay"), to_portal, body=lambda w, o: {"amount": "100.00"}),
    Route("POST", "my:pay-callback", "public", u("my:pay-callback"),
          lambda who, o: Expect(frozenset({404}), False, "no payment provider configured"), encoding="json",
          body=lambda w, o: {"order": "x"}, note="the provider's webhook proves itself by its signature"),
    # the compliance queue of disputes and complaints
    Route("GET", "disputes:queue", "page", u("disputes:queue"), handles(200)),
    Route("POST", "disputes:enter-dispute", "page", u("disputes:enter-dispute"), handles(302),
          body=lambda w, o: {"loan": LOAN_IDS["mine"], "reason": "other", "source": "phone", "details": "矩阵 / matrix"}),
    Route("POST", "disputes:decide", "page", lambda w, o: reverse("disputes:decide", args=[_MADE["dispute"]]), handles(302),
          body=lambda w, o: {"outcome": "rejected", "reasons": "矩阵 / matrix"}, prepare=open_dispute),
    Route("POST", "disputes:enter-complaint", "page", u("disputes:enter-complaint"), handles(302),
          body=lambda w, o: {"loan": LOAN_IDS["mine"], "category": "other", "source": "regulator", "details": "矩阵 / matrix"}),
    Route("POST", "disputes:extend", "page", lambda w, o: reverse("disputes:extend", args=[_MADE["complaint"]]), handles(302),
          body=lambda w, o: {"reason": "矩阵 / matrix"}, prepare=open_complaint),
    Route("POST", "disputes:close", "page", lambda w, o: reverse("disputes:close", args=[_MADE["complaint"]]), handles(302),
          body=lambda w, o: {"upheld": "no", "responsible": "nobody", "outcome": "矩阵 / matrix"}, prepare=open_complaint),
    # --- the JSON API ------------------------------------------------------------------------------
    Route("GET", "/api/web/portfolio", "api", lambda w, o: "/api/web/portfolio", internal, **PORTFOLIO_FIGURES),
    Route("GET", "/api/web/roll-rates", "api", lambda w, o: "/api/web/roll-rates", internal, **ROLL_RATE_FIGURES),
    Route("GET", "/api/web/accounts", "api", lambda w, o: "/api/web/accounts", internal, body=lambda w, o: SEARCH,
          **SEARCH_LIST),
    Route("GET", "/api/workbench/queue", "api", lambda w, o: "/api/workbench/queue", internal, **QUEUE_LIST),
    Route("POST", "/api/workbench/next", "api", lambda w, o: "/api/workbench/next", claims(200)),
    Route("GET", "/api/workbench/accounts/{loan_id}", "api", lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}",
          sees_account, LOANS),
    Route("GET", "/api/workbench/accounts/{loan_id}/may-i-call", "api",
          lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}/may-i-call", may_i_call, LOANS,
          body=lambda w, o: {"contact_point": w.mobiles[o].pk, "channel": "call"}),
    Route("POST", "/api/workbench/accounts/{loan_id}/contacts", "api",
          lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}/contacts", works_case(201), LOANS, body=contact_form),
    Route("POST", "/api/workbench/accounts/{loan_id}/contacts/{point_id}/reveal", "api",
          lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}/contacts/{w.mobiles[o].pk}/reveal", reveals, LOANS,
          writes=False),
    Route("GET", "/api/workbench/accounts/{loan_id}/notes", "api",
          lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}/notes", sees_account, LOANS),
    Route("POST", "/api/workbench/accounts/{loan_id}/notes", "api",
          lambda w, o: f"/api/workbench/accounts/{loan_pk(w, o)}/notes", works_case(201), LOANS,
          body=lambda w, o: {"text": "矩阵 / matrix"}),
    Route("POST", "/api/workbench/cases/{case_id}/pass-over", "api",
          lambda w, o: f"/api/workbench/cases/{w.cases[o].pk}/pass-over", pass_over_api, CASES,
          body=lambda w, o: {"version": version(w, o), "channel": "call"}),
    Route("POST", "/api/workbench/cases/{case_id}/assign", "api",
          lambda w, o: f"/api/workbench/cases/{w.cases[o].pk}/assign", assign_api, CASES, body=assignment),
    Route("GET", "/api/workbench/loans", "api", lambda w, o: "/api/workbench/loans",
          lambda who, o: ok(200), LOANS, body=lambda w, o: {"external_id": LOAN_IDS[o]},
          listed=lambda who, o: frozenset({o}) & SEES.get(who, NOTHING),
          seen=in_body(EVERY_LOAN, loan_ref), note="a loan outside one's scope is simply not found"),
    Route("GET", "/api/promises/", "api", lambda w, o: "/api/promises/", promises_read, LOANS,
          body=lambda w, o: {"loan_id": loan_pk(w, o)}),
    Route("POST", "/api/promises/", "api", lambda w, o: "/api/promises/", promise_make, LOANS,
          body=lambda w, o: {"loan_id": loan_pk(w, o), "version": version(w, o), "amount": "100.00",
                             "due_date": (w.today + dt.timedelta(days=7)).isoformat()}),
    Route("GET", "/api/cases/holds", "api", lambda w, o: "/api/cases/holds", holds_read, LOANS,
          body=lambda w, o: {"loan": LOAN_IDS[o]}),
    Route("POST", "/api/cases/holds", "api", lambda w, o: "/api/cases/holds", hold_step(PLACES, 201), HOLDS,
          body=lambda w, o: hold_body(w, o, api=True)),
    Route("POST", "/api/cases/holds/{hold_id}/release", "api",
          lambda w, o: f"/api/cases/holds/{hold_in_force(w, o)}/release", hold_step(RELEASES, 200), HOLDS,
          body=lambda w, o: {"reason": "矩阵 / matrix"}, prepare=holds_in_force),
    Route("GET", "/api/plans/loans/{loan_id}/plans", "api", lambda w, o: f"/api/plans/loans/{loan_pk(w, o)}/plans",
          loan_plans_read, LOANS),
    Route("POST", "/api/plans/loans/{loan_id}/plans", "api", lambda w, o: f"/api/plans/loans/{loan_pk(w, o)}/plans",
          plan_propose(201), LOANS, body=proposal),
    Route("POST", "/api/plans/loans/{loan_id}/preview", "api", lambda w, o: f"/api/plans/loans/{loan_pk(w, o)}/preview",
          plan_propose(200), LOANS, body=proposal, writes=False),
    Route("POST", "/api/plans/plans/{plan_id}/approve", "api", lambda w, o: f"/api/plans/plans/{plan_of(w, o)}/approve",
          plan_decide(FORBIDDEN, 200), LOANS, body=lambda w, o: {"note": ""}),
    Route("POST", "/api/plans/plans/{plan_id}/reject", "api", lambda w, o: f"/api/plans/plans/{plan_of(w, o)}/reject",
          plan_decide(FORBIDDEN, 200), LOANS, body=lambda w, o: {"note": ""}),
    Route("GET", "/api/agencies/cases", "api", lambda w, o: "/api/agencies/cases", portal, **PORTAL_LIST),
    Route("GET", "/api/agencies/cases/{placement_id}", "api", lambda w, o: f"/api/agencies/cases/{w.placements[o].pk}",
          portal_case(200), PLACEMENTS),
    Route("POST", "/api/agencies/cases/{placement_id}/reveal-mobile", "api",
          lambda w, o: f"/api/agencies/cases/{w.placements[o].pk}/reveal-mobile", portal_case(200), PLACEMENTS,
          writes=False),
    Route("POST", "/api/agencies/cases/{placement_id}/contacts", "api",
          lambda w, o: f"/api/agencies/cases/{w.placements[o].pk}/contacts", portal_case(201), PLACEMENTS,
          body=lambda w, o: {"channel": "call", "outcome": "no_answer", "attempted_at": yesterday_at_ten(w).isoformat()}),
    Route("POST", "/api/agencies/cases/{placement_id}/proposals", "api",
          lambda w, o: f"/api/agencies/cases/{w.placements[o].pk}/proposals", portal_case(201), PLACEMENTS,
          body=agency_proposal),
    Route("POST", "/api/agencies/results", "api", lambda w, o: "/api/agencies/results", portal_results(201), PLACEMENTS,
          body=results_file, encoding="form"),
    Route("GET", "/api/agencies/results/{upload_id}/rejects.csv", "api",
          lambda w, o: f"/api/agencies/results/{w.uploads[o].pk}/rejects.csv", portal_case(200), PLACEMENTS),
    Route("GET", "/api/agencies/export.csv", "api", lambda w, o: "/api/agencies/export.csv", portal, **PORTAL_LIST),
    Route("GET", "/api/legal/reviews", "api", lambda w, o: "/api/legal/reviews", legal_read,
          body=lambda w, o: {"state": "open"}, **LEGAL_LIST_API),
    Route("POST", "/api/legal/reviews/{review_id}/decision", "api",
          lambda w, o: f"/api/legal/reviews/{w.reviews[o].pk}/decision", legal_decide(200), REVIEWS,
          body=lambda w, o: {"refer": False, "note": "矩阵 / matrix"}),
    Route("GET", "/api/legal/cases", "api", lambda w, o: "/api/legal/cases", legal_read,
          listed=lambda who, _o: frozenset(LEGAL_CASES) & SEES.get(who, NOTHING), seen=case_loans_in_json),
    Route("GET", "/api/legal/cases/{case_id}", "api", lambda w, o: f"/api/legal/cases/{w.legal_cases[o].pk}",
          case_read, LEGAL_CASES),
    Route("POST", "/api/legal/cases", "api", lambda w, o: "/api/legal/cases", case_step(201), REVIEWS,
          body=lambda w, o: {"review": w.reviews[o].pk, "route": "suit", "note": "矩阵 / matrix"},
          prepare=reviews_referred),
    Route("POST", "/api/legal/cases/{case_id}/stages", "api",
          lambda w, o: f"/api/legal/cases/{w.legal_cases[o].pk}/stages", case_step(200), LEGAL_CASES,
          body=lambda w, o: {"stage": "filed", "case_number": "(2026)矩阵1号"}),
    Route("GET", "/api/legal/limitation", "api", lambda w, o: "/api/legal/limitation", legal_read),
    Route("GET", "/api/credit/objections", "api", lambda w, o: "/api/credit/objections", objections_read,
          listed=lambda who, _o: frozenset(OBJECTIONS) & SEES.get(who, NOTHING), seen=objection_loans_in_json),
    Route("POST", "/api/credit/objections", "api", lambda w, o: "/api/credit/objections", objection_step(201), LOANS,
          body=lambda w, o: {"loan": LOAN_IDS[o], "claim": "矩阵 / matrix"}),
    Route("POST", "/api/credit/objections/{objection_id}/answer", "api",
          lambda w, o: f"/api/credit/objections/{w.objections[o].pk}/answer", objection_step(200), OBJECTIONS,
          body=lambda w, o: {"outcome": "unchanged", "answer": "经核实无误 / checked: correct"}),
    Route("GET", "/api/visits/", "api", lambda w, o: "/api/visits/", signed_in,
          listed=lambda who, _o: VISIT_SEES.get(who, NOTHING), seen=visit_ids_in_json),
    Route("GET", "/api/visits/{visit_id}", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}", visit_read, VISITS),
    Route("POST", "/api/visits/{visit_id}/approve", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/approve",
          visit_step(approver, REFUSED_API, 200), VISITS, body=lambda w, o: {"note": ""}, prepare=visit_state("screened")),
    Route("POST", "/api/visits/{visit_id}/reject", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/reject",
          visit_step(approver, REFUSED_API, 200), VISITS, body=lambda w, o: {"note": ""}, prepare=visit_state("screened")),
    Route("POST", "/api/visits/{visit_id}/schedule", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/schedule",
          visit_step(approver, REFUSED_API, 200), VISITS, body=schedule_json),
    Route("POST", "/api/visits/{visit_id}/code", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/code",
          visit_step(door, REFUSED_API, 200), VISITS),
    Route("POST", "/api/visits/{visit_id}/check-in", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/check-in",
          visit_step(door, REFUSED_API, 200), VISITS),
    Route("POST", "/api/visits/{visit_id}/check-out", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/check-out",
          visit_step(door, REFUSED_API, 200), VISITS, body=lambda w, o: CHECK_OUT, prepare=visit_state("in_progress")),
    Route("POST", "/api/visits/{visit_id}/incidents", "api", lambda w, o: f"/api/visits/{w.visits[o].pk}/incidents",
          visit_step(door, REFUSED_API, 200), VISITS, body=lambda w, o: INCIDENT),
)

# Routes the matrix leaves out, each with its reason. A name ending in "*" covers every name it begins.
NOT_IN_THE_MATRIX_PAGES = {
    "set_language": "Django's language switch (i18n/): no data, no object",
    "login": "Django's sign-in view (tests/e2e/test_access_signin.py)",
    "logout": "Django's sign-out view (tests/e2e/test_access_signin.py)",
    "access:password*": "covered by test_access_password.py",
}
NOT_IN_THE_MATRIX_API = {
    "/api/access/me/password": "covered by test_access_password.py",
}
SKIPPED_PREFIXES = ("admin/", "api/")  # Django's admin; the API is walked through its OpenAPI schema


# --- the matrix ---------------------------------------------------------------------------------


def _cases():
    for route in ROUTES:
        for who in WHO:
            for obj in route.objects:
                yield pytest.param(route, who, obj, id=f"{route.key} | {who} | {obj}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once and rolled back after the module; every test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


STORED = (
    "cases.CollectionCase", "cases.AccountHold", "contact.ContactAttempt", "contact.ChannelOptOut",
    "ledger.ContactPoint", "ledger.Payment", "ledger.Reschedule", "ledger.Instalment",
    "workbench.Note", "workbench.ContactRecord", "promises.Promise", "plans.Plan", "plans.PlanEvent",
    "agencies.Placement", "agencies.PlacementEvent", "agencies.PlanProposal", "agencies.AgencyContact",
    "agencies.StatementDispute", "visits.Visit", "visits.VisitCollector", "visits.VisitAttachment",
    "visits.SafetyIncident", "legal.LegalReview", "disputes.Dispute", "disputes.BorrowerComplaint", "borrower.PaperCopyRequest",
    "borrower.CallCode", "legal.LegalCase", "legal.LegalStage", "credit.CreditObjection",
)  # the business data; audit trails (read logs, refusals, verification tries, sessions) are left out


def stored() -> dict[str, list[tuple]]:
    """Every row of the business tables, as the database holds them (raw: the ORM's conversions cost more than the query)."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for label in STORED:
            table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows[label] = cursor.fetchall()
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in STORED if before[label] != after[label]]


@pytest.mark.parametrize(("route", "who", "obj"), list(_cases()))
def test_each_role_gets_exactly_what_it_may(world, monkeypatch, route: Route, who: str, obj: str):
    # given the world in the state the step needs
    if route.prepare:
        route.prepare(world)
    for target, stand_in in route.stubs:
        monkeypatch.setattr(target, stand_in)
    expected = route.expected(who, obj)
    before = stored() if route.method == "POST" else None
    # when the role asks
    response = route.send(world, who, obj)
    # then the answer is the rule's
    where = f"{route.key} as {who} on {obj}"
    assert response.status_code in expected.statuses, (
        f"{where}: answered {response.status_code}, the rule says {expected}"
        + (f" — {response.content[:300]!r}" if not response.streaming else "")
    )
    if response.status_code == 302:
        signing_in = response["Location"].startswith(reverse("login"))
        assert signing_in == (expected is SIGN_IN), f"{where}: redirected to {response['Location']}"
    # and a write happened only where it was allowed
    if before is not None:
        changed = changed_tables(before, stored())
        if expected.allowed and route.writes:
            assert changed, f"{where}: allowed, yet nothing was stored"
        else:
            assert not changed, f"{where}: {expected}, yet it changed {changed}"
    # and a list shows what the role may see, and nothing else
    if route.listed is not None and expected.allowed:
        assert route.seen(world, response, obj) == route.listed(who, obj), f"{where}: the list's objects"


# --- completeness -------------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
            yield prefix + str(pattern.pattern), f"{namespace}:{name}" if namespace else name


def _allowlisted(name: str, allowlist: dict[str, str]) -> bool:
    return any(name == key or (key.endswith("*") and name.startswith(key[:-1])) for key in allowlist)


def page_routes() -> dict[str, str]:
    from django.urls import get_resolver

    return {
        name: route
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES) and not _allowlisted(name, NOT_IN_THE_MATRIX_PAGES)
    }


def api_operations() -> set[tuple[str, str]]:
    from arrears.api import api

    return {
        (method.upper(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if not _allowlisted(path, NOT_IN_THE_MATRIX_API)
    }


def test_every_route_is_in_the_matrix():
    # given the matrix's routes
    pages = {route.name for route in ROUTES if route.surface != "api"}
    operations = {(route.method, route.name) for route in ROUTES if route.surface == "api"}
    # when the project's URL resolver and the API's operations are walked
    found_pages, found_operations = page_routes(), api_operations()
    # then each is in the matrix (or allowlisted with its reason), and the matrix names nothing that is gone
    assert sorted(set(found_pages) - pages) == [], "pages not in the access matrix"
    assert sorted(found_operations - operations) == [], "API operations not in the access matrix"
    assert sorted(pages - set(found_pages)) == [], "the matrix names pages that no longer exist"
    assert sorted(operations - found_operations) == [], "the matrix names API operations that no longer exist"


def test_a_method_outside_the_matrix_is_not_answered(world):
    # given each page and the methods the matrix tries on it
    tried: dict[str, set[str]] = {}
    for route in ROUTES:
        if route.surface != "api":
            tried.setdefault(route.name, set()).add(route.method)
    # when an administrator sends one the matrix does not try
    answered = []
    for route in ROUTES:
        if route.surface == "api" or route.name not in tried:
            continue
        for method in {"GET", "POST"} - tried.pop(route.name):
            client = world.client("admin")
            url = route.url(world, route.objects[0])
            response = client.get(url) if method == "GET" else client.post(url)
            if response.status_code != 405:
                answered.append(f"{method} {route.name}: {response.status_code}")
    # then it is refused as a method not allowed, so every method a page answers is in the matrix
    assert answered == []
