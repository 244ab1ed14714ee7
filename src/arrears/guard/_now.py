from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


from arrears import clock
from arrears.compliance.context import Action
from arrears.compliance.lender import lender_profile
from arrears.compliance.rules import Decision, decide
from arrears.errors import InputError
from arrears.guard._reading import read_context, read_subject


@dataclass(frozen=True, kw_only=True, slots=True)
class GuardSubject:
    """Who would be contacted, and how, as the guard sees it.

    contact_point_id: None for a step that reaches no one (a legal filing).
    relation: the person's relation to the debtor in the guard's words (`self` for the debtor).
    """

    loan_id: int
    debtor_id: int
    time_zone: str
    contact_point_id: int | None
    party: str
    relation: str


def subject_for(*, loan_id: int, contact_point_id: int | None) -> GuardSubject:
    """The subject of a contact at `contact_point_id` about `loan_id`; refuses a contact point
    that belongs to another borrower."""
    found = read_subject(loan_id, contact_point_id)
    if found is None:
        raise InputError(f"没有编号为 {loan_id} 的贷款", f"No loan with id {loan_id}")
    debtor_id, time_zone, point = found
    return subject_from(loan_id=loan_id, debtor_id=debtor_id, time_zone=time_zone, contact_point_id=contact_point_id,
                        point=point)


def subject_from(*, loan_id: int, debtor_id: int, time_zone: str, contact_point_id: int | None,
                 point: tuple[str, str] | None) -> GuardSubject:
    """The subject from rows the caller has just read: the loan's borrower and zone, and the
    contact point's (owner, relation) when it belongs to that borrower, else None."""
    if contact_point_id is not None and point is None:
        raise InputError(
            f"联系方式 {contact_point_id} 不属于贷款 {loan_id} 的借款人",
            f"Contact point {contact_point_id} does not belong to the borrower of loan {loan_id}",
        )
    owner, relation = point if point is not None else ("borrower", "self")
    third_party = owner != "borrower"
    return GuardSubject(
        loan_id=loan_id,
        debtor_id=debtor_id,
        time_zone=time_zone,
        contact_point_id=contact_point_id,
        party="third_party" if third_party else "debtor",
        relation=_GUARD_RELATION.get(relation, "unrelated") if third_party else "self",
    )


_GUARD_RELATION = {
    "spouse": "spouse",
    "parent": "family",
    "sibling": "family",
    "friend": "friend",
    "colleague": "colleague",
    "emergency_contact": "emergency_contact",
}


def check_now(
    *,
    loan_id: int,
    channel: str,
    contact_point_id: int | None,
    at: dt.datetime | None = None,
    template_kind: str = "collection",
    agency_id: int | None = None,
    collectors: int = 0,
    advance_notice: bool = False,
    opt_out_notice: bool = True,
    profile_name: str | None = None,
    context_at: dt.datetime | None = None,
    collector_id: int | None = None,
) -> Decision:
    """May this contact happen at `at` (default: now)? Allowed, or blocked with every rule that
    forbids it. `opt_out_notice`: the message tells the reader how to opt out (every approved
    electronic template does). `context_at`: read what had happened by this instant instead (an audit
    judges a past contact at its own moment, on what was known just before it). `collector_id`: the
    in-house collector who would make the contact (a hold on that collector then binds it too)."""
    at = at or clock.now()
    subject = subject_for(loan_id=loan_id, contact_point_id=contact_point_id)
    action = Action(
        action_id=f"now-{loan_id}-{channel}-{contact_point_id}",
        debtor_id=str(subject.debtor_id),
        loan_id=str(loan_id),
        debt_id=str(loan_id),
        party=subject.party,
        relation=subject.relation,
        channel=channel,
        contact_point_id=None if contact_point_id is None else str(contact_point_id),
        template_kind=template_kind,
        planned_utc=at,
        time_zone=subject.time_zone,
        agency_id=None if agency_id is None else str(agency_id),
        collectors=collectors,
        advance_notice=advance_notice,
        opt_out_notice=opt_out_notice,
    )
    profile = lender_profile(profile_name)
    context = read_context(subject.debtor_id, context_at or at, profile.profile_id,
                           collector_ids=() if collector_id is None else (collector_id,))
    from arrears.borrower.preferences import with_preferences

    return with_preferences(decide(action, context, profile), debtor_id=subject.debtor_id,
                            channel=channel, at=at, time_zone=subject.time_zone, party=subject.party)
