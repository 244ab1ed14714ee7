"""The compliance guard again, at the moment of sending, for one attempt.

The plan judged the action in the night; by the time it goes out the person may have opted out,
a hold may have started, the contact point may have been marked do-not-contact, or the hour may
have moved outside the contact window. It is judged with the same rules as `arrears.guard.check_now`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrears import clock
from arrears.errors import ArrearsError
from arrears.strategy.guarding import GUARD_CHANNEL


@dataclass(frozen=True)
class SendDecision:
    allowed: bool
    rule_ids: tuple[str, ...] = ()
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()


BORROWER_REQUESTED = frozenset({"portal.sign_in_code", "portal.code_check"})
"""Messages the borrower asked for a moment ago that carry nothing about the debt (a sign-in code):
not a collection contact, so the collection guard does not judge them."""


def template_kind(template: str) -> str:
    """How the guard classes an attempt's text: a written notice (the notice itself, or a `notice.*`
    answer such as a dispute's outcome, which a hold still lets through), else collection."""
    from arrears.notices import NOTICE_TEMPLATES

    return "notice" if template in NOTICE_TEMPLATES or template.startswith("notice.") else "collection"


NO_CONTACT_POINT = SendDecision(False, ("outbox.no_contact_point",), ("没有可用的联系方式",), ("No contact point to send to",))


def check(attempt, *, at: dt.datetime | None = None, profile_name: str | None = None, just_read: bool = False) -> SendDecision:
    """The guard's decision on sending `attempt` at `at` (default now): the same steps as
    `arrears.guard.check_now` (subject, the debtor's context, `compliance.rules.decide`), with the
    profile kept between messages.

    `just_read`: the caller has just read `attempt` with its contact point and its loan's
    borrower (select_related), so the subject is taken from those rows instead of read again.
    The debtor's context (holds, opt-outs, contact points, history) is always read here."""

    from arrears.compliance.context import Action
    from arrears.compliance.lender import lender_profile
    from arrears.compliance.rules import decide
    from arrears.guard import subject_for, subject_from
    from arrears.guard._reading import read_context

    if attempt.contact_point_id is None:
        return NO_CONTACT_POINT
    if attempt.template in BORROWER_REQUESTED:
        return SendDecision(True)
    at = at or clock.now()
    channel = GUARD_CHANNEL.get(attempt.channel, attempt.channel)
    try:
        if just_read:
            borrower = attempt.loan.borrower
            point = attempt.contact_point
            subject = subject_from(
                loan_id=attempt.loan_id, debtor_id=borrower.pk, time_zone=borrower.time_zone,
                contact_point_id=attempt.contact_point_id,
                point=(point.owner, point.relation) if point.borrower_id == borrower.pk else None,
            )
        else:
            subject = subject_for(loan_id=attempt.loan_id, contact_point_id=attempt.contact_point_id)
    except ArrearsError as error:  # e.g. a contact point that is not the borrower's
        return SendDecision(False, ("outbox.invalid_subject",), (error.zh,), (error.en,))
    action = Action(
        action_id=f"send-{attempt.pk}",
        debtor_id=str(subject.debtor_id),
        loan_id=str(attempt.loan_id),
        debt_id=str(attempt.loan_id),
        party=subject.party,
        relation=subject.relation,
        channel=channel,
        contact_point_id=str(attempt.contact_point_id),
        template_kind=template_kind(attempt.template or ""),
        planned_utc=at,
        time_zone=subject.time_zone,
        agency_id=None,
        collectors=0,
        advance_notice=False,
        opt_out_notice=True,  # every approved electronic template carries its profile's opt-out line
    )
    from arrears.borrower.preferences import with_preferences

    decision = with_preferences(decide(action, read_context(subject.debtor_id, at), lender_profile(profile_name)),
                                debtor_id=subject.debtor_id, channel=channel, at=at, time_zone=subject.time_zone,
                                party=subject.party)
    if decision.allowed:
        return SendDecision(True)
    return SendDecision(
        False,
        decision.rule_ids,
        tuple(v.reason_zh for v in decision.violations),
        tuple(v.reason_en for v in decision.violations),
    )
