"""The guard's visit rules applied to one visit, through the one definition in compliance/rules.

A visit is judged as a compliance `Action` of channel `visit` at its start and at its last
second, so the whole window lies within the profile's contact hours; the cap per month, the
number of collectors and the advance notice are the profile's own rules (cn.monthly_visits,
cn.visit_collectors, cn.visit_advance_notice). Three checks belong to visits alone and carry
their own ids: every named collector is authorised on the day (visits.collector_authorised),
the collectors come from one organisation (visits.one_team), and the window is a sensible
length (visits.window).

    violations = judge(visit, context, load_profile("cn"))
    [v.rule_id for v in violations]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.compliance.context import Action, Context
from arrears.compliance.rules import Violation, decide
from arrears.compliance.vocabulary import Channel, Party, Relation, TemplateKind

MAX_WINDOW = dt.timedelta(hours=4)
"""Lender policy: a visit is booked for at most four hours, so the notice names a real time."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Collector:
    """A person named for a visit. agency_id: None for the lender's own field collector."""

    name: str
    authorised: bool
    agency_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VisitFacts:
    """What the guard needs to know about one visit.

    address_id: the borrower's address contact point visited; None when none is known.
    advance_notice: the borrower has been (or, when scheduling, is being) told the time and purpose.
    """

    visit_id: str
    debtor_id: str
    loan_id: str
    time_zone: str
    address_id: str | None
    starts_utc: dt.datetime
    ends_utc: dt.datetime
    collectors: tuple[Collector, ...]
    advance_notice: bool


def _violation(rule_id: str, zh: str, en: str) -> Violation:
    return Violation(rule_id=rule_id, reason_zh=zh, reason_en=en)


def agency_of(collectors: tuple[Collector, ...]) -> str | None:
    agencies = {c.agency_id for c in collectors}
    return next(iter(agencies)) if len(agencies) == 1 else None


def visit_action(visit: VisitFacts, at_utc: dt.datetime) -> Action:
    authorised = sum(1 for c in visit.collectors if c.authorised)
    return Action(
        action_id=f"visit-{visit.visit_id}",
        debtor_id=visit.debtor_id,
        loan_id=visit.loan_id,
        debt_id=visit.loan_id,
        party=Party.DEBTOR,
        relation=Relation.SELF,
        channel=Channel.VISIT,
        contact_point_id=visit.address_id,
        template_kind=TemplateKind.COLLECTION,
        planned_utc=at_utc,
        time_zone=visit.time_zone,
        agency_id=agency_of(visit.collectors),
        collectors=authorised,
        advance_notice=visit.advance_notice,
    )


def own_rules(visit: VisitFacts) -> list[Violation]:
    found = []
    if visit.ends_utc <= visit.starts_utc or visit.ends_utc - visit.starts_utc > MAX_WINDOW:
        hours = int(MAX_WINDOW.total_seconds() // 3600)
        found.append(
            _violation(
                "visits.window",
                f"上门时段须在开始之后结束，且不超过 {hours} 小时",
                f"A visit's window must end after it starts and last at most {hours} hours",
            )
        )
    unauthorised = sorted(c.name for c in visit.collectors if not c.authorised)
    if unauthorised:
        names = "、".join(unauthorised)
        found.append(
            _violation(
                "visits.collector_authorised",
                f"以下人员在上门当日未获授权：{names}",
                f"Not authorised on the day of the visit: {', '.join(unauthorised)}",
            )
        )
    if len({c.agency_id for c in visit.collectors}) > 1:
        found.append(
            _violation(
                "visits.one_team",
                "同一次上门的催收员须来自同一机构（或均为本机构外访人员）",
                "The collectors of one visit must all come from one agency, or all be the lender's own",
            )
        )
    return found


def judge(visit: VisitFacts, context: Context, profile, *, at_utc: dt.datetime | None = None) -> tuple[Violation, ...]:
    """Every rule the visit breaks, the profile's first, each once. `at_utc`: judge the moment
    the visit actually starts (check-in) instead of its booked window."""
    instants = [at_utc] if at_utc is not None else [visit.starts_utc, max(visit.starts_utc, visit.ends_utc - dt.timedelta(seconds=1))]
    found: dict[str, Violation] = {}
    for instant in instants:
        for violation in decide(visit_action(visit, instant), context, profile).violations:
            found.setdefault(violation.rule_id, violation)
    for violation in own_rules(visit):
        if at_utc is not None and violation.rule_id == "visits.window":
            continue  # the booked window was judged when it was booked
        found.setdefault(violation.rule_id, violation)
    return tuple(found.values())
