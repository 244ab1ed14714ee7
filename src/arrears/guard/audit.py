"""Judging again every contact that happened: the compliance officer's audit of a period.

    findings = audit(first_day, last_day)       # [(attempt id, rule ids)] the guard would have blocked

Each contact made or sent (state `sent` or `done`) is judged as it stood just before it happened,
by the same rules and the same context readers the live checks use: a collector's call and an
outbox message by `check_now`, an agency's contact by the agency's own check (its contract, the
outsourcing notice), a visit with its collectors and whether notice went out before it. A
contact the product's own checks let through is never a finding; any finding is a defect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears.strategy.guarding import GUARD_CHANNEL

JUST_BEFORE = dt.timedelta(microseconds=1)  # judged at its moment, on what had happened just before it


@dataclass(frozen=True)
class Finding:
    attempt_id: int
    loan_id: int
    channel: str
    at: dt.datetime
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class AuditResult:
    judged: int
    findings: tuple[Finding, ...]

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            for rule in finding.rule_ids:
                counts[rule] = counts.get(rule, 0) + 1
        return counts


def _agency_placement(attempt):
    from arrears.agencies.models import Placement

    agency_id = int(attempt.rule.split("/", 1)[1])
    day = attempt.attempted_at.date()
    return (
        Placement.objects.filter(loan_id=attempt.loan_id, agency_id=agency_id, placed_on__lte=day)
        .select_related("notice").order_by("-placed_on", "-pk").first()
    )


def rejudge(attempt) -> tuple[str, ...]:
    """The rule ids that block `attempt` judged as it was about to happen; () when it was lawful."""
    from arrears.guard import check_now

    at = attempt.attempted_at
    before = at - JUST_BEFORE
    if attempt.rule.startswith("agency/"):
        from arrears.agencies.authority import judge_agency_contact

        placement = _agency_placement(attempt)
        if placement is None:
            return ("audit.no_placement",)
        decision = judge_agency_contact(placement, channel=attempt.channel, contact_point_id=attempt.contact_point_id,
                                        at=at, context_at=before)
        return tuple(v.rule_id for v in decision.violations)
    extra = {}
    if attempt.channel == "visit":
        visit = getattr(attempt, "visit", None)
        collectors = visit.collectors.count() if visit is not None else 0
        notice = visit.notice if visit is not None else None
        sent = notice is not None and notice.sent_at is not None and notice.sent_at <= attempt.attempted_at
        extra = {"collectors": collectors, "advance_notice": sent}
    from arrears.outbox.send_guard import BORROWER_REQUESTED, template_kind

    if attempt.template in BORROWER_REQUESTED:  # not a collection contact: the send guard does not judge it either
        return ()
    decision = check_now(
        loan_id=attempt.loan_id, channel=GUARD_CHANNEL.get(attempt.channel, attempt.channel),
        contact_point_id=attempt.contact_point_id, at=at, context_at=before,
        template_kind=template_kind(attempt.template or ""), **extra,
    )
    return tuple(v.rule_id for v in decision.violations)


def audit(first_day: dt.date, last_day: dt.date) -> AuditResult:
    """Judge again every contact made or sent on the days from `first_day` to `last_day` (lender's zone)."""
    from arrears import clock
    from arrears.contact.models import ContactAttempt

    start = clock.at_local(first_day, dt.time(0))
    end = clock.at_local(last_day + dt.timedelta(days=1), dt.time(0))
    attempts = (
        ContactAttempt.objects.filter(state__in=("sent", "done"), attempted_at__gte=start, attempted_at__lt=end)
        .exclude(contact_point__isnull=True)
        .order_by("attempted_at", "pk")
    )
    judged, findings = 0, []
    for attempt in attempts.iterator(chunk_size=500):
        judged += 1
        rules = rejudge(attempt)
        if rules:
            findings.append(Finding(attempt.pk, attempt.loan_id, attempt.channel, attempt.attempted_at, rules))
    return AuditResult(judged, tuple(findings))
