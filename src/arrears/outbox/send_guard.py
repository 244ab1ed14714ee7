"""The compliance guard again, at the moment of sending, for one attempt (`check`) or a batch
(`check_many`, the same rules over contexts read together).

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
    return _judge([attempt], at=at or clock.now(), profile_name=profile_name, just_read=just_read)[0]


def check_many(attempts, *, at: dt.datetime | None = None, profile_name: str | None = None) -> list[SendDecision]:
    """`check` for a whole batch at once, in order: the debtors' contexts are read together (a few
    queries for the batch, not for each message) and each attempt is judged by the same rules
    (`compliance.rules.decide`, the borrower's preferred hours). The attempts are read with their
    contact point and loan's borrower (select_related)."""
    return _judge(list(attempts), at=at or clock.now(), profile_name=profile_name, just_read=True)


def _judge(attempts, *, at: dt.datetime, profile_name: str | None, just_read: bool) -> list[SendDecision]:
    from arrears.compliance.lender import lender_profile
    from arrears.guard._reading import read_contexts

    decisions: list[SendDecision | None] = []
    actions = []
    for attempt in attempts:
        found = _action(attempt, at=at, just_read=just_read)
        decisions.append(found if isinstance(found, SendDecision) else None)
        actions.append(None if isinstance(found, SendDecision) else found)
    judged = [(index, action) for index, action in enumerate(actions) if action is not None]
    if not judged:
        return decisions
    profile = lender_profile(profile_name)
    debtor_ids = {subject.debtor_id for _index, (_action, subject) in judged}
    contexts = read_contexts(debtor_ids, at, profile.profile_id)
    with_hours = _with_preferred_hours(debtor_ids)
    for index, (action, subject) in judged:
        decisions[index] = _decided(action, subject, contexts[subject.debtor_id], profile, at,
                                    preferences=subject.debtor_id in with_hours)
    return decisions


def _with_preferred_hours(debtor_ids: set[int]) -> set[int]:
    """The debtors who set preferred hours (the others' decisions the hours cannot change)."""
    from arrears.borrower.models import ContactPreference

    return set(ContactPreference.objects.filter(borrower_id__in=debtor_ids).values_list("borrower_id", flat=True))


def _action(attempt, *, at: dt.datetime, just_read: bool):
    """(the guard's Action, its subject) for `attempt`, or the decision when none is needed."""
    from arrears.compliance.context import Action
    from arrears.guard import subject_for, subject_from

    if attempt.contact_point_id is None:
        return NO_CONTACT_POINT
    if attempt.template in BORROWER_REQUESTED:
        return SendDecision(True)
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
    return action, subject


def _decided(action, subject, context, profile, at: dt.datetime, *, preferences: bool) -> SendDecision:
    from arrears.borrower.preferences import with_preferences
    from arrears.compliance.rules import decide

    decision = decide(action, context, profile)
    if preferences:
        decision = with_preferences(decision, debtor_id=subject.debtor_id, channel=action.channel, at=at,
                                    time_zone=subject.time_zone, party=subject.party)
    if decision.allowed:
        return SendDecision(True)
    return SendDecision(
        False,
        decision.rule_ids,
        tuple(v.reason_zh for v in decision.violations),
        tuple(v.reason_en for v in decision.violations),
    )
