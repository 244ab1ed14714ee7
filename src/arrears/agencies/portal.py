"""The agency portal's use-cases: who the agency user is, which cases they see, what they record.

Every function takes the agency staff member (never a bare user) so that the scope is always the
staff member's own agency, and every read of borrower data is written to the access log.
Payments are never taken here: borrowers pay the lender, and recoveries come from the payment feed.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from arrears import clock
from arrears.access.roles import AGENCY_ROLES, has_role
from arrears.agencies.masking import shown_fields
from arrears.agencies.models import (
    AccessAction,
    AgencyContact,
    AgencyStaff,
    AgencyStatus,
    DataAccess,
    Placement,
    PlanProposal,
)
from arrears.contact.effects import OutcomeDetails, apply_outcome, check_outcome
from arrears.contact.outcomes import RECORDABLE, is_conversation
from arrears.errors import InputError
from arrears.money import format_money

MAX_PLAN_INSTALMENTS = 36
CHANNEL_CONTACT_KIND = {"call": "mobile", "sms": "mobile", "email": "email", "letter": "address", "visit": "address"}
AGENCY_OUTCOMES = RECORDABLE + ("delivered", "undelivered")  # an agency also reports its own messages


def staff_of(user) -> AgencyStaff | None:
    """The agency staff member behind `user`, if they hold an agency role, are linked to an active
    staff row of a whitelisted agency, and are authorised today; otherwise None (no portal at all)."""
    if user is None or not user.is_authenticated or not has_role(user, *AGENCY_ROLES):
        return None
    staff = (
        AgencyStaff.objects.select_related("agency")
        .filter(user=user, active=True, agency__status=AgencyStatus.WHITELISTED)
        .first()
    )
    if staff is None or not staff.is_authorised_on(clock.today()):
        return None
    return staff


def log_access(staff: AgencyStaff, action: str, *, placement: Placement | None = None, fields=(), via: str = "web", rows: int = 0) -> None:
    from arrears.audit.events import agency_accessed

    with transaction.atomic():
        access = DataAccess.objects.create(
            at=clock.now(), user_id=staff.user_id, agency_id=staff.agency_id, placement=placement, action=action,
            fields=",".join(fields)[:300], via=via, rows=rows,
        )
        agency_accessed([access])


def log_reads(staff: AgencyStaff, action: str, shown: list[tuple[int, tuple[str, ...]]], *, via: str = "web") -> None:
    """One access row per placement whose data was shown, with the fields shown of it, in one insert.
    A list that showed nothing is kept too, as one row without a placement."""
    at = clock.now()
    if not shown:
        log_access(staff, action, via=via)
        return
    from arrears.audit.events import agency_accessed

    with transaction.atomic():
        accesses = DataAccess.objects.bulk_create(
            [
                DataAccess(at=at, user_id=staff.user_id, agency_id=staff.agency_id, placement_id=placement_id,
                           action=action, fields=",".join(fields)[:300], via=via, rows=1)
                for placement_id, fields in shown
            ],
            batch_size=500,
        )
        agency_accessed(accesses)


def active_placements(staff: AgencyStaff, *, day: dt.date | None = None):
    """The agency's own placements it may read today (see PlacementQuerySet.readable_on): the only
    cases its users may see. A period run out, a contract ended or an agency suspended stops access
    at once, whether or not the expiry job has run."""
    return Placement.objects.readable_on(day or clock.today()).filter(agency_id=staff.agency_id)


def placement_for(staff: AgencyStaff, placement_id: int, *, via: str = "web") -> Placement | None:
    """One of the agency's active placements, or None (another agency's, recalled, expired or unknown
    look the same: not found); a refusal is logged."""
    placement = active_placements(staff).select_related("contract", "loan__borrower", "notice").filter(pk=placement_id).first()
    if placement is None:
        log_access(staff, AccessAction.DENIED, fields=(f"placement:{placement_id}",), via=via)
    return placement


def _raw_values(placement: Placement, contacts: dict[str, str]) -> dict[str, object]:
    state = getattr(placement.loan, "state", None)
    overdue = None
    if state is not None:
        overdue = state.overdue_principal + state.overdue_interest + state.fee_outstanding + state.penalty_outstanding
    borrower = placement.loan.borrower
    return {
        "borrower_name": borrower.name,
        "loan_reference": placement.loan.external_id,
        "days_past_due": None if state is None else state.days_past_due,
        "bucket": None if state is None else state.bucket,
        "overdue_amount": None if overdue is None else _money(overdue, placement.loan.currency),
        "balance": None if state is None else _money(state.balance, placement.loan.currency),
        "mobile": contacts.get("mobile", ""),
        "email": contacts.get("email", ""),
        "address": contacts.get("address", ""),
        "national_id": borrower.national_id_masked,
    }


def _money(minor: int, currency: str) -> str:
    """In the loan's currency, as the page's (or the export's) reader writes it."""
    from django.utils.translation import get_language

    return format_money(minor, currency, get_language() or "zh-hans")


def _borrower_contacts(borrower_ids) -> dict[int, dict[str, str]]:
    from arrears.ledger.models import ContactPoint

    found: dict[int, dict[str, str]] = {}
    for borrower_id, kind, value in (
        ContactPoint.objects.filter(borrower_id__in=borrower_ids, owner="borrower", valid=True)
        .order_by("borrower_id", "kind", "id").values_list("borrower_id", "kind", "value")
    ):
        found.setdefault(borrower_id, {}).setdefault(kind, value)
    return found


def case_rows(staff: AgencyStaff, placements, *, action: str = AccessAction.LIST, via: str = "web") -> list[dict]:
    """The cases as the agency may see them: its contract's fields only, masked; logged."""
    placements = list(placements.select_related("contract", "loan__borrower", "loan__state"))
    contacts = _borrower_contacts({p.loan.borrower_id for p in placements})
    rows = []
    for placement in placements:
        shared = tuple(placement.contract.shared_fields)
        rows.append(
            {
                "placement_id": placement.pk,
                "placed_on": placement.placed_on,
                "expires_on": placement.expires_on,
                "fields": shown_fields(_raw_values(placement, contacts.get(placement.loan.borrower_id, {})), shared),
            }
        )
    log_reads(staff, action, [(row["placement_id"], tuple(row["fields"])) for row in rows], via=via)
    return rows


def case_detail(staff: AgencyStaff, placement: Placement, *, via: str = "web") -> dict:
    return case_rows(staff, Placement.objects.filter(pk=placement.pk), action=AccessAction.VIEW, via=via)[0]


def reveal_mobile(staff: AgencyStaff, placement: Placement, *, via: str = "web") -> str:
    """The full mobile number for one call, when the contract shares the mobile and authorises calls; audited."""
    contract = placement.contract
    if "mobile" not in contract.shared_fields or "call" not in contract.channels:
        log_access(staff, AccessAction.DENIED, placement=placement, fields=("mobile",), via=via)
        raise InputError("合同未授权查看完整手机号", "The contract does not allow the full mobile number to be shown")
    number = _borrower_contacts([placement.loan.borrower_id]).get(placement.loan.borrower_id, {}).get("mobile")
    if not number:
        raise InputError("该借款人没有有效手机号", "The borrower has no valid mobile number")
    log_access(staff, AccessAction.REVEAL, placement=placement, fields=("mobile",), via=via)
    return number


def _contact_point_id(placement: Placement, channel: str) -> int | None:
    from arrears.ledger.models import ContactPoint

    kind = CHANNEL_CONTACT_KIND.get(channel)
    point = (
        ContactPoint.objects.filter(borrower_id=placement.loan.borrower_id, owner="borrower", kind=kind, valid=True)
        .order_by("id").values_list("id", flat=True).first()
    )
    return point


def check_contact(placement: Placement, *, channel: str, outcome: str, attempted_at: dt.datetime,
                  promise_amount: int | None, promise_due: dt.date | None) -> None:
    """The row-level checks of a recorded contact; raises InputError (zh/en)."""
    contract = placement.contract
    if channel not in contract.channels:
        raise InputError(f"合同未授权渠道 {channel}", f"The contract does not authorise the channel {channel!r}")
    if outcome not in AGENCY_OUTCOMES:
        raise InputError(f"未知的联系结果 {outcome}", f"Unknown outcome {outcome!r}")
    if attempted_at > clock.now() + dt.timedelta(minutes=5):
        raise InputError("联系时间不能在未来", "The contact cannot be in the future")
    if placement.activated_on and timezone.localdate(attempted_at) < placement.activated_on:
        raise InputError("联系时间早于委案生效日", "The contact is dated before the case was placed with the agency")
    check_outcome(outcome, channel=channel, contact_point_id=_contact_point_id(placement, channel),
                  details=OutcomeDetails(promise_amount=promise_amount, promise_due=promise_due),
                  day=timezone.localdate(attempted_at))


@transaction.atomic
def record_contact(staff: AgencyStaff, placement: Placement, *, channel: str, outcome: str, attempted_at: dt.datetime,
                   note: str = "", promise_amount: int | None = None, promise_due: dt.date | None = None,
                   via: str = "web", key: str | None = None):
    """Record a contact the agency made, with the effects its outcome has wherever it is recorded
    (arrears.contact.effects: a dispute holds the account, a stop request opts the number out, …).
    The guard judges it as it would have before the contact; a contact it would have blocked is kept
    with its rules as a compliance finding against the agency. The note is kept with the content
    lint's findings, as a lender collector's note is."""
    from arrears.agencies.authority import judge_agency_contact
    from arrears.contact.models import ContactAttempt

    check_contact(placement, channel=channel, outcome=outcome, attempted_at=attempted_at,
                  promise_amount=promise_amount, promise_due=promise_due)
    key = key or f"agency:{placement.pk}:{uuid.uuid4().hex}"
    if ContactAttempt.objects.filter(idempotency_key=key).exists():
        raise InputError("此联系记录已上传过", "This contact has already been recorded")
    point_id = _contact_point_id(placement, channel)
    decision = judge_agency_contact(placement, channel=channel, contact_point_id=point_id, at=attempted_at)
    violations = tuple(decision.violations)
    attempt = ContactAttempt.objects.create(
        idempotency_key=key[:120], loan_id=placement.loan_id, contact_point_id=point_id, channel=channel,
        state="done", attempted_at=attempted_at, outcome=outcome, conversation=is_conversation(channel, outcome),
        segment="agency", rule=f"agency/{placement.agency_id}",
        blocked_by=",".join(v.rule_id for v in violations)[:300],
        reasons_zh="；".join(v.reason_zh for v in violations), reasons_en="; ".join(v.reason_en for v in violations),
    )
    from arrears.workbench.recording import findings_as_data, lint_note

    note = note.strip()
    AgencyContact.objects.create(placement=placement, attempt=attempt, staff=staff, note=note, source=via,
                                 note_findings=findings_as_data(lint_note(note, loan_id=placement.loan_id)) if note else [])
    apply_outcome(attempt, source="agency", by=staff.user,
                  details=OutcomeDetails(promise_amount=promise_amount, promise_due=promise_due, note=note))
    log_access(staff, AccessAction.RECORD, placement=placement, fields=("contact",), via=via)
    return attempt


def propose_plan(staff: AgencyStaff, placement: Placement, *, instalments: int, instalment_amount: int,
                 first_due_on: dt.date, note: str = "", via: str = "web") -> PlanProposal:
    """An agency proposes; the lender approves or rejects (decide_proposal)."""
    if not 1 <= instalments <= MAX_PLAN_INSTALMENTS:
        raise InputError(f"期数须在 1 到 {MAX_PLAN_INSTALMENTS} 之间", f"Instalments must be 1 to {MAX_PLAN_INSTALMENTS}")
    if instalment_amount <= 0:
        raise InputError("每期金额须大于零", "Each instalment must be above zero")
    if first_due_on < clock.today():
        raise InputError("首期还款日不能早于今天", "The first instalment cannot fall before today")
    proposal = PlanProposal.objects.create(
        placement=placement, proposed_by_id=staff.user_id, proposed_at=clock.now(), instalments=instalments,
        instalment_amount=instalment_amount, first_due_on=first_due_on, note=note.strip(),
    )
    log_access(staff, AccessAction.RECORD, placement=placement, fields=("plan_proposal",), via=via)
    return proposal


@transaction.atomic
def decide_proposal(proposal: PlanProposal, *, approve: bool, by) -> PlanProposal:
    """The lender's decision on an agency's proposal. Approving proposes the plan in arrears.plans as
    the lender's user: within their limit it is in force at once, beyond it waits for a senior role;
    a plan the plans rules refuse leaves the proposal pending, with the refusal raised (zh/en)."""
    from arrears.plans.services import propose

    proposal = PlanProposal.objects.select_for_update().select_related("placement__loan").get(pk=proposal.pk)
    if proposal.state != "pending":
        raise InputError("该方案已处理", "This proposal has already been decided")
    if approve:
        reason = f"委外机构方案 #{proposal.pk} / agency proposal #{proposal.pk}: {proposal.note}".strip()
        proposal.plan = propose(by, proposal.placement.loan, "instalments", proposal.first_due_on,
                                instalments=proposal.instalments, reason=reason)
    proposal.state = "approved" if approve else "rejected"
    proposal.decided_by = by
    proposal.decided_at = clock.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at", "plan"])
    return proposal
