"""The visit's steps as use-cases: each checks who acts and the visit's state, owns its
transaction, and records an event with who and when.

    screen(dt.date(2026, 5, 1))                     # the plan's visit reviews become visits
    approve(visit_id, actor=team_lead)
    schedule(visit_id, actor=team_lead, booking=Booking(...))
    code = issue_code(visit_id, actor=collector)    # read out at the door
    check_in(visit_id, actor=collector)
    check_out(visit_id, actor=collector, report=Report(...))

A step refused by the guard raises StepRefused with the rule ids, after the refusal itself has
been stored as an event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from arrears import clock, secret
from arrears.access.roles import Role, has_role
from arrears.compliance.context import Attempt, Context, LoanFacts
from arrears.compliance.rules import Violation
from arrears.compliance.lender import lender_profile
from arrears.compliance.vocabulary import Channel, Outcome
from arrears.errors import InputError
from arrears.visits import attachments, codes
from arrears.visits.access import can_approve, is_collector_of, staff_of
from arrears.visits.guard import Collector, VisitFacts, judge
from arrears.visits.models import Purpose, SafetyIncident, State, Visit, VisitAttachment, VisitCollector, VisitEvent, VisitOutcome
from arrears.visits.times import local_of, utc_of_local
from arrears.visits.workflow import OPEN_STATES, Step, StepRefused, next_state

NOTICE_TEMPLATE = "visit_notice"
NOTICE_LEAD = dt.timedelta(hours=24)
"""Lender policy: the notice goes out at least a day before the visit, so the borrower can plan."""
CHECK_IN_EARLY = dt.timedelta(minutes=30)
CODE_EARLY = dt.timedelta(hours=1)
NOTICE_DONE_STATES = ("sent", "done")


# --- events -----------------------------------------------------------------------------------


def record(visit: Visit, kind: str, actor=None, *, at: dt.datetime | None = None, **details) -> VisitEvent:
    note = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str) if details else ""
    return VisitEvent.objects.create(visit=visit, kind=kind, at=at or clock.now(), actor=actor, note=note)


def _refused_by_guard(visit_id: int, kind: str, actor, violations: tuple[Violation, ...]) -> StepRefused:
    """Store the refusal (its own transaction, so it outlives the refused step) and return the error."""
    with transaction.atomic():
        record(
            Visit.objects.get(pk=visit_id),
            kind,
            actor,
            rule_ids=[v.rule_id for v in violations],
            reasons_zh=[v.reason_zh for v in violations],
            reasons_en=[v.reason_en for v in violations],
        )
    return StepRefused(
        "合规拦截：" + "；".join(f"{v.rule_id} {v.reason_zh}" for v in violations),
        "Blocked by the guard: " + "; ".join(f"{v.rule_id} {v.reason_en}" for v in violations),
        rule_ids=tuple(v.rule_id for v in violations),
    )


def _locked(visit_id: int) -> Visit:
    try:
        # one step at a time per visit: two collectors pressing check-in at once take turns
        return Visit.objects.select_for_update().select_related("loan__borrower").get(pk=visit_id)
    except Visit.DoesNotExist:
        raise InputError(f"没有编号为 {visit_id} 的上门", f"No visit {visit_id}") from None


def _require(allowed: bool, zh: str, en: str) -> None:
    if not allowed:
        raise StepRefused(zh, en)


def _require_approver(actor) -> None:
    _require(can_approve(actor), "只有组长或管理员可以审批、排期或取消上门", "Only a team lead or an administrator approves, schedules or cancels visits")


def _require_collector(actor, visit: Visit) -> None:
    _require(is_collector_of(actor, visit), "只有本次上门的催收员可以执行此步骤", "Only the collectors named for this visit take this step")


# --- 1. screening ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenOutcome:
    as_of: dt.date
    requested: int
    created: int

    def summary(self) -> str:
        return (
            f"{self.as_of}：上门审查 {self.requested} 个，新建待审批上门 {self.created} 个（已有未结上门的不重复建）\n"
            f"{self.as_of}: {self.requested} visit reviews planned, {self.created} visits created for approval "
            f"(none where a visit is already open)"
        )


_OPEN = ", ".join(f"'{state.value}'" for state in sorted(OPEN_STATES))
SCREEN_SQL = f"""
INSERT INTO visits_visit (loan_id, state, screened_on, segment, rule, days_past_due, overdue_amount, address_id,
                          purpose, code_digest, report, outcome, created_at, updated_at)
SELECT p.loan_id, 'screened', p.as_of, p.segment, p.rule, s.days_past_due,
       s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding,
       (SELECT MIN(c.id) FROM ledger_contactpoint c JOIN ledger_loan l ON l.borrower_id = c.borrower_id
         WHERE l.id = p.loan_id AND c.kind = 'address' AND c.owner = 'borrower' AND c.verified AND c.valid),
       '', '', '', '', %s, %s
FROM strategy_plannedaction p
JOIN cycle_accountstate s ON s.loan_id = p.loan_id
WHERE p.as_of = %s AND p.channel = 'visit_request' AND p.allowed
  AND p.id = (SELECT MIN(q.id) FROM strategy_plannedaction q
              WHERE q.as_of = p.as_of AND q.loan_id = p.loan_id AND q.channel = 'visit_request' AND q.allowed)
  AND NOT EXISTS (SELECT 1 FROM visits_visit v WHERE v.loan_id = p.loan_id
                  AND (v.state IN ({_OPEN}) OR v.screened_on = p.as_of))
"""
SCREEN_EVENTS_SQL = """
INSERT INTO visits_visitevent (visit_id, kind, at, note)
SELECT v.id, 'screened', %s, v.rule FROM visits_visit v
WHERE v.screened_on = %s AND NOT EXISTS (SELECT 1 FROM visits_visitevent e WHERE e.visit_id = v.id AND e.kind = 'screened')
"""


def screen(as_of: dt.date) -> ScreenOutcome:
    """The day's planned visit reviews become visits awaiting approval, in two set-based
    statements; running it again adds nothing."""
    now = connection.ops.adapt_datetimefield_value(clock.now())
    day = connection.ops.adapt_datefield_value(as_of)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT loan_id) FROM strategy_plannedaction WHERE as_of = %s AND channel = 'visit_request' AND allowed",
            [day],
        )
        requested = cursor.fetchone()[0]
        cursor.execute(SCREEN_SQL, [now, now, day])
        created = cursor.rowcount
        cursor.execute(SCREEN_EVENTS_SQL, [now, day])
    return ScreenOutcome(as_of=as_of, requested=requested, created=max(created, 0))


# --- 2. approval -------------------------------------------------------------------------------


def approve(visit_id: int, *, actor, note: str = "") -> Visit:
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_approver(actor)
        visit.state = next_state(visit.state, Step.APPROVE)
        visit.save(update_fields=["state", "updated_at"])
        record(visit, "approved", actor, note=note)
    return visit


def reject(visit_id: int, *, actor, note: str = "") -> Visit:
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_approver(actor)
        visit.state = next_state(visit.state, Step.REJECT)
        visit.save(update_fields=["state", "updated_at"])
        record(visit, "rejected", actor, note=note)
    return visit


def cancel(visit_id: int, *, actor, note: str = "") -> Visit:
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_approver(actor)
        visit.state = next_state(visit.state, Step.CANCEL)
        visit.code_digest = ""
        visit.save(update_fields=["state", "code_digest", "updated_at"])
        record(visit, "cancelled", actor, note=note)
    return visit


# --- 3 and 4. scheduling, with advance notice ----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Booking:
    """A visit's date and window in the borrower's own zone, who goes, why, and how notice goes.

    staff_ids: agency staff (AgencyStaff ids); user_ids: the lender's own field collectors.
    notice_channel: sms or letter.
    """

    day: dt.date
    starts: dt.time
    ends: dt.time
    staff_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()
    purpose: str = Purpose.REPAYMENT_TALK
    notice_channel: str = "sms"


def _named_collectors(booking: Booking, day: dt.date) -> list[tuple[VisitCollector, Collector]]:
    from django.contrib.auth import get_user_model

    from arrears.agencies.models import AgencyStaff, StaffRole

    named: list[tuple[VisitCollector, Collector]] = []
    found_staff = {s.pk: s for s in AgencyStaff.objects.select_related("agency", "user").filter(pk__in=booking.staff_ids)}
    for staff_id in dict.fromkeys(booking.staff_ids):
        staff = found_staff.get(staff_id)
        if staff is None:
            raise InputError(f"没有编号为 {staff_id} 的机构人员", f"No agency staff member {staff_id}")
        authorised = staff.is_authorised_on(day) and staff.role == StaffRole.FIELD_COLLECTOR
        named.append(
            (VisitCollector(staff=staff, name=staff.full_name), Collector(name=staff.full_name, authorised=authorised, agency_id=str(staff.agency_id)))
        )
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=booking.user_ids)}
    for user_id in dict.fromkeys(booking.user_ids):
        user = users.get(user_id)
        if user is None:
            raise InputError(f"没有编号为 {user_id} 的用户", f"No user {user_id}")
        name = user.get_full_name() or user.get_username()
        # the lender's own field collector: holds the role and is no agency's staff
        authorised = user.is_active and has_role(user, Role.FIELD_COLLECTOR) and staff_of(user) is None
        named.append((VisitCollector(user=user, name=name), Collector(name=name, authorised=authorised, agency_id=None)))
    return named


def placement_for(visit: Visit, agency_id: str | int):
    """The loan's open placement with this agency, if it has one."""
    from arrears.agencies.models import OPEN_STATES as OPEN_PLACEMENTS
    from arrears.agencies.models import Placement

    return (
        Placement.objects.filter(loan_id=visit.loan_id, agency_id=int(agency_id), state__in=OPEN_PLACEMENTS)
        .select_related("notice", "contract", "agency").order_by("-placed_on").first()
    )


def placement_violations(visit: Visit, agency_id: str | None, day: dt.date) -> list[Violation]:
    """An agency visits only a case placed with it and readable on the visit's day: active, the
    period not over, the contract in force, the agency whitelisted."""
    if agency_id is None:
        return []
    placement = placement_for(visit, agency_id)
    if placement is not None and placement.is_readable_on(day):
        return []
    return [
        Violation(
            rule_id="visits.placed_with_agency",
            reason_zh="该案件在上门当日未委派给此机构（或委派未生效、已到期）",
            reason_en="The case is not placed with this agency, active, on the day of the visit",
        )
    ]


def _context(visit: Visit, *, agency_id: str | None, at: dt.datetime) -> Context:
    """What the guard knows about the borrower at `at` — the same reading as every other contact
    (contact points, holds, opt-outs, the last 30 days' contacts, visits recorded among them) —
    plus what only visits add: other visits of the account booked but not yet made and, for an
    agency's visit, its contracts' authority and the placement's outsourcing notice."""
    from dataclasses import replace

    from arrears.guard._reading import read_context

    loan = visit.loan
    own = visit.collectors.filter(user__isnull=False).values_list("user_id", flat=True) if visit.pk else ()
    context = read_context(loan.borrower_id, at, collector_ids=tuple(own))  # a hold on one of them binds the visit
    booked = []
    for other in Visit.objects.filter(loan=loan, state__in=[State.SCHEDULED, State.IN_PROGRESS], record__isnull=True).exclude(pk=visit.pk):
        booked.append(
            Attempt(attempt_id=f"visit-{other.pk}", at_utc=other.checked_in_at or other.starts_at, channel=Channel.VISIT,
                    contact_point_id=None, outcome=Outcome.MET, loan_id=str(loan.pk), debt_ids=(str(loan.pk),))
        )
    agencies, notice = (), None
    if agency_id is not None:
        from arrears.agencies.authority import authorities_of, notice_instant

        agencies = authorities_of(int(agency_id))  # the contracts' channels: visits only where allowed
        placement = placement_for(visit, agency_id)
        notice = None if placement is None else notice_instant(placement)
    return replace(
        context,
        history=context.history + tuple(booked),
        loans=(LoanFacts(loan_id=str(loan.pk), outsourcing_notice_utc=notice),),
        agencies=agencies,
    )


def _facts(visit: Visit, collectors: list[Collector], *, advance_notice: bool, starts, ends) -> VisitFacts:
    return VisitFacts(
        visit_id=str(visit.pk),
        debtor_id=str(visit.loan.borrower_id),
        loan_id=str(visit.loan_id),
        time_zone=visit.loan.borrower.time_zone,
        address_id=None if visit.address_id is None else str(visit.address_id),
        starts_utc=starts,
        ends_utc=ends,
        collectors=tuple(collectors),
        advance_notice=advance_notice,
    )


def _notice_point(visit: Visit, channel: str):
    from arrears.ledger.models import ContactPoint as PointRow

    if channel == "letter":
        return visit.address
    if channel == "sms":
        return (
            PointRow.objects.filter(borrower_id=visit.loan.borrower_id, owner="borrower", kind="mobile", valid=True, do_not_contact=False)
            .order_by("-verified", "id").first()
        )
    raise InputError(f"上门通知只能通过短信或信函发送（收到 {channel!r}）", f"A visit notice goes by sms or letter (got {channel!r})")


def schedule(visit_id: int, *, actor, booking: Booking, now: dt.datetime | None = None) -> Visit:
    """Fix the window and the collectors, judge the visit, and queue the borrower's notice in the outbox."""
    from arrears.contact.models import ContactAttempt

    now = now or clock.now()
    if booking.purpose not in Purpose.values:
        raise InputError(f"未知的上门目的 {booking.purpose!r}", f"Unknown visit purpose {booking.purpose!r}")
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_approver(actor)
        state = next_state(visit.state, Step.SCHEDULE)
        zone_name = visit.loan.borrower.time_zone
        starts = utc_of_local(booking.day, booking.starts, zone_name)
        ends = utc_of_local(booking.day, booking.ends, zone_name)
        if starts < now + NOTICE_LEAD:
            hours = int(NOTICE_LEAD.total_seconds() // 3600)
            raise StepRefused(
                f"上门须至少提前 {hours} 小时通知借款人，请选择更晚的时间",
                f"The borrower is told at least {hours} hours before a visit: choose a later time",
                rule_ids=("visits.notice_lead",),
            )
        point = _notice_point(visit, booking.notice_channel)
        named = _named_collectors(booking, booking.day)
        collectors = [c for _, c in named]
        agency_ids = {c.agency_id for c in collectors}
        agency_id = next(iter(agency_ids)) if len(agency_ids) == 1 else None
        facts = _facts(visit, collectors, advance_notice=point is not None, starts=starts, ends=ends)
        violations = judge(facts, _context(visit, agency_id=agency_id, at=starts), lender_profile())
        violations += tuple(placement_violations(visit, agency_id, booking.day))
        if not violations:
            moved = visit.state == State.SCHEDULED
            if moved:
                _withdraw_notice(visit, actor, now)
                visit.collectors.all().delete()
                visit.code_digest, visit.code_expires_at = "", None
            for row, _ in named:
                row.visit = visit
            VisitCollector.objects.bulk_create([row for row, _ in named])
            sequence = ContactAttempt.objects.filter(idempotency_key__startswith=f"visit:{visit.pk}:notice:").count() + 1
            notice = ContactAttempt.objects.create(
                idempotency_key=f"visit:{visit.pk}:notice:{sequence}",
                loan=visit.loan,
                contact_point=point,
                channel=booking.notice_channel,
                party="debtor",
                template=NOTICE_TEMPLATE,
                state=ContactAttempt.State.PLANNED,
                planned_for=now,
                segment=visit.segment,
                rule="visits/advance_notice",
                subject=NOTICE_SUBJECT if booking.notice_channel == "letter" else "",
                body=notice_text(starts, ends, zone_name, booking.purpose),
            )
            visit.state = state
            visit.starts_at, visit.ends_at = starts, ends
            visit.purpose = booking.purpose
            visit.agency_id = None if agency_id is None else int(agency_id)
            visit.notice = notice
            visit.save()
            record(visit, "rescheduled" if moved else "scheduled", actor, at=now, starts_at=starts.isoformat(), ends_at=ends.isoformat(),
                   collectors=[c.name for c in collectors], purpose=booking.purpose)
            record(visit, "notice_queued", actor, at=now, contact_attempt=notice.pk, channel=booking.notice_channel)
            return visit
    raise _refused_by_guard(visit_id, "schedule_blocked", actor, violations)


def _withdraw_notice(visit: Visit, actor, now: dt.datetime) -> None:
    """A moved visit's old notice must not go out: withdrawn if the outbox has not taken it yet
    (a notice already sent stays sent; the new one corrects it)."""
    from arrears.contact.models import ContactAttempt

    if visit.notice_id is None:
        return
    withdrawn = ContactAttempt.objects.filter(pk=visit.notice_id, state=ContactAttempt.State.PLANNED).update(
        state=ContactAttempt.State.BLOCKED, blocked_by="visits.rescheduled",
        reasons_zh="上门已改期，此通知作废", reasons_en="The visit was moved; this notice is void",
    )
    if withdrawn:
        from arrears.audit.events import attempt_changed

        attempt_changed(visit.notice_id, "contact.blocked")
    record(visit, "notice_withdrawn" if withdrawn else "notice_superseded", actor, at=now, contact_attempt=visit.notice_id)


def notice_given(visit: Visit, at: dt.datetime) -> bool:
    """The borrower's notice has gone out through the outbox by `at`."""
    notice = visit.notice
    if notice is None or notice.state not in NOTICE_DONE_STATES:
        return False
    went_out = notice.sent_at or notice.attempted_at
    return went_out is not None and went_out <= at


NOTICE_SUBJECT = "上门拜访通知 / Notice of a visit"
NOTICE_ZH = (
    "【{lender_zh}】尊敬的客户：我们的工作人员将于 {date} {window} 上门拜访，目的：{purpose_zh}。来访人员会出示工作证件，"
    "并告诉您一个 8 位核验码；请在 {url} 输入核验码，核对来访人员的姓名、照片和所属机构。如需改期，请致电我们的客服热线。"
)
NOTICE_EN = (
    "{lender_en}: Dear customer, our staff will visit you on {date}, {window}, to {purpose_en}. The visitors will show their "
    "identification and give you an 8-character verification code: enter it at {url} to check their names, "
    "photos and organisation. To change the time, please call our customer service line."
)


def _public_url() -> str:
    from arrears.errors import ArrearsError
    from arrears.outbox.config import load_config

    try:
        return load_config().public_url
    except ArrearsError:
        return "http://127.0.0.1:8000"


def notice_fields(starts: dt.datetime, ends: dt.datetime, zone_name: str, purpose: str) -> dict[str, str]:
    """What the `visit_notice` template fills in: the lender (a notice says who sends it), local date
    and window, purpose in zh and en, the page where the code is checked. Never an amount: others
    may read a notice."""
    from django.utils import translation

    from arrears.messaging.variables import current_profile
    from arrears.notices.lender import lender_for

    lender = lender_for(current_profile())
    local_starts, local_ends = local_of(starts, zone_name), local_of(ends, zone_name)
    label = Purpose(purpose).label
    with translation.override("zh-hans"):
        purpose_zh = str(label)
    with translation.override("en"):
        purpose_en = str(label)
    return {
        "lender_zh": lender.text("name", "zh-hans"),
        "lender_en": lender.text("name", "en"),
        "date": f"{local_starts:%Y-%m-%d}",
        "window": f"{local_starts:%H:%M}–{local_ends:%H:%M}",
        "purpose_zh": purpose_zh,
        "purpose_en": purpose_en,
        "url": f"{_public_url()}/visits/verify/",
    }


def notice_text(starts: dt.datetime, ends: dt.datetime, zone_name: str, purpose: str) -> str:
    fields = notice_fields(starts, ends, zone_name, purpose)
    return NOTICE_ZH.format(**fields) + "\n" + NOTICE_EN.format(**fields)


def notice_context(contact_attempt) -> dict[str, str]:
    """The fields of a visit's notice, found from its contact attempt (for a template renderer)."""
    visit = Visit.objects.select_related("loan__borrower").get(notice=contact_attempt)
    return notice_fields(visit.starts_at, visit.ends_at, visit.loan.borrower.time_zone, visit.purpose)


# --- 5. the verification code --------------------------------------------------------------------


def _code_key(secret_key: str | None = None) -> bytes:
    return ("arrears.visits.code:" + (secret_key or settings.SECRET_KEY)).encode()


def _code_digests(cleaned: str) -> list[str]:
    """The code's digest under the current secret and each fallback: a code issued just before a
    rotation still verifies (it lives two hours at most, so no stored digest needs rewriting)."""
    return [codes.code_digest(cleaned, key=_code_key(key)) for key in secret.all_secrets()]


def authority_refusal(visit: Visit, at: dt.datetime) -> StepRefused | None:
    """Why the people named on the visit may not be at the door at `at`, or None. Each agency among
    them must still hold the case (its placement readable on the lender's date, as for every agency
    read), and each of them must be authorised on the day in the borrower's zone."""
    from arrears.agencies.models import Placement

    agency_ids = set(visit.collectors.filter(staff__isnull=False).values_list("staff__agency_id", flat=True))
    if visit.agency_id is not None:
        agency_ids.add(visit.agency_id)
    holding = set(
        Placement.objects.readable_on(timezone.localdate(at))
        .filter(loan_id=visit.loan_id, agency_id__in=agency_ids).values_list("agency_id", flat=True)
    )
    if agency_ids - holding:
        return StepRefused(
            "该案件已不在此机构的有效委案中（已收回、到期、合同终止或机构暂停）",
            "The case is no longer actively placed with the agency (recalled, expired, contract ended or agency suspended)",
            rule_ids=("visits.placed_with_agency",),
        )
    day = local_of(at, visit.loan.borrower.time_zone).date()
    unauthorised = [c.name for c in _present_collectors(visit, day) if not c.authorised]
    if unauthorised:
        return StepRefused(
            f"以下上门人员今日未获授权：{'、'.join(unauthorised)}",
            f"Not authorised today: {', '.join(unauthorised)}",
            rule_ids=("visits.collector_authorised",),
        )
    return None


def issue_code(visit_id: int, *, actor, now: dt.datetime | None = None) -> str:
    """A fresh code for the visit (any earlier one stops working), shown once to the collector;
    only while the case is placed with the visitors' agency and every visitor is authorised."""
    now = now or clock.now()
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_collector(actor, visit)
        next_state(visit.state, Step.ISSUE_CODE)
        _require(
            visit.starts_at - CODE_EARLY <= now < visit.ends_at,
            "核验码只能在上门时段内（开始前一小时起）生成",
            "A verification code is issued only during the visit's window (from an hour before it)",
        )
        refusal = authority_refusal(visit, now)
        if refusal is not None:
            raise refusal
        for _ in range(5):
            code = codes.new_code()
            digest = codes.code_digest(code, key=_code_key())
            if not Visit.objects.filter(code_digest=digest).exists():
                break
        visit.code_digest = digest
        visit.code_expires_at = codes.expiry(now, visit.ends_at)
        visit.save(update_fields=["code_digest", "code_expires_at", "updated_at"])
        record(visit, "code_issued", actor, at=now, expires_at=visit.code_expires_at.isoformat())
    return code


RATE_LIMIT = 10
RATE_WINDOW = dt.timedelta(minutes=15)


class VerificationRefused(InputError):
    """The code is wrong or expired, the visit is no longer authorised, or the client tried too often;
    `reason` says which (unknown, expired, not_authorised, rate_limited)."""

    def __init__(self, reason: str, zh: str, en: str, *, retry_after: int | None = None) -> None:
        super().__init__(zh, en)
        self.reason = reason
        self.retry_after = retry_after  # seconds until the client may try again, when rate-limited


@dataclass(frozen=True)
class Visitor:
    name: str
    photo_data_uri: str  # empty when there is no photo


@dataclass(frozen=True)
class Verified:
    """What the borrower may see: who comes, from where, when — never the debt."""

    visitors: tuple[Visitor, ...]
    agency_name: str  # empty: the lender's own staff
    starts_local: dt.datetime
    ends_local: dt.datetime


def client_digest(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:client:{address}".encode()).hexdigest()


def _photo_uri(staff) -> str:
    import base64

    if staff is None or not staff.photo:
        return ""
    try:
        with staff.photo.open("rb") as handle:
            data = handle.read(attachments.MAX_BYTES + 1)
    except OSError:
        return ""
    for signature, kind in ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png")):
        if data.startswith(signature) and len(data) <= attachments.MAX_BYTES:
            return f"data:{kind};base64,{base64.b64encode(data).decode()}"
    return ""


def verify(code_text: str, *, client: str, now: dt.datetime | None = None) -> Verified:
    """Check a code typed on the public page. Every try is counted against the client, kept
    whether the code is right or not."""
    from arrears.visits.models import VerificationAttempt

    now = now or clock.now()
    with transaction.atomic():
        recent = VerificationAttempt.objects.filter(client=client, at__gt=now - RATE_WINDOW)
        if recent.count() >= RATE_LIMIT:
            minutes = int(RATE_WINDOW.total_seconds() // 60)
            # the window frees a try when the oldest try in it leaves it
            counted = list(recent.order_by("-at").values_list("at", flat=True)[:RATE_LIMIT])
            retry_after = max(1, math.ceil((counted[-1] + RATE_WINDOW - now).total_seconds()))
            raise VerificationRefused(
                "rate_limited", f"尝试次数过多，请 {minutes} 分钟后再试", f"Too many tries: please try again in {minutes} minutes",
                retry_after=retry_after,
            )
        attempt = VerificationAttempt.objects.create(client=client, at=now)
    cleaned = codes.normalised(code_text)
    visit = None
    if cleaned is not None:
        visit = Visit.objects.filter(code_digest__in=_code_digests(cleaned)).select_related("agency", "loan__borrower").first()
    if visit is None:
        raise VerificationRefused(
            "unknown",
            "核验码不正确。请核对上门人员给您的 8 位核验码；如仍不符，请勿开门，并致电我们的客服热线。",
            "The code is not correct. Check the 8-character code the visitors give you; if it still does not match, "
            "do not let them in and call our customer service line.",
        )
    if visit.state not in (State.SCHEDULED, State.IN_PROGRESS) or visit.code_expires_at is None or now >= visit.code_expires_at:
        raise VerificationRefused(
            "expired",
            "核验码已过期或本次上门已结束。请上门人员重新生成核验码；如有疑问，请致电我们的客服热线。",
            "This code has expired or the visit is over. Ask the visitors for a new code; if in doubt, call our customer service line.",
        )
    refusal = authority_refusal(visit, now)
    if refusal is not None:
        # the code was right, but the people behind it no longer act for us: the borrower is told not to open
        record(visit, "code_refused", None, at=now, rule_ids=list(refusal.rule_ids))
        raise VerificationRefused(
            "not_authorised",
            "这次上门已不再获得授权。请勿开门，并致电我们的客服热线。",
            "This visit is no longer authorised. Do not let the visitors in, and call our customer service line.",
        )
    with transaction.atomic():
        VerificationAttempt.objects.filter(pk=attempt.pk).update(succeeded=True, visit=visit)
        record(visit, "code_verified", None, at=now)
    zone_name = visit.loan.borrower.time_zone
    visitors = tuple(
        Visitor(name=c.name, photo_data_uri=_photo_uri(c.staff))
        for c in visit.collectors.select_related("staff").order_by("id")
    )
    return Verified(
        visitors=visitors,
        agency_name="" if visit.agency is None else visit.agency.name,
        # naive wall-clock times: a template would otherwise move them into the lender's zone
        starts_local=local_of(visit.starts_at, zone_name).replace(tzinfo=None),
        ends_local=local_of(visit.ends_at, zone_name).replace(tzinfo=None),
    )


# --- 6. check-in ----------------------------------------------------------------------------------


def _present_collectors(visit: Visit, day: dt.date) -> list[Collector]:
    booking = Booking(
        day=day, starts=dt.time(0), ends=dt.time(0),
        staff_ids=tuple(visit.collectors.filter(staff__isnull=False).values_list("staff_id", flat=True)),
        user_ids=tuple(visit.collectors.filter(user__isnull=False).values_list("user_id", flat=True)),
    )
    return [c for _, c in _named_collectors(booking, day)]


def check_in(visit_id: int, *, actor, now: dt.datetime | None = None) -> Visit:
    """The collectors arrive: the guard judges the visit again at this moment (hours, collectors
    authorised today, the notice actually sent, the month's cap)."""
    now = now or clock.now()
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_collector(actor, visit)
        state = next_state(visit.state, Step.CHECK_IN)
        _require(
            visit.starts_at - CHECK_IN_EARLY <= now < visit.ends_at,
            "只能在预约时段内签到（最多提前 30 分钟）",
            "Check in only within the booked window (at most 30 minutes early)",
        )
        day = local_of(now, visit.loan.borrower.time_zone).date()
        collectors = _present_collectors(visit, day)
        facts = _facts(visit, collectors, advance_notice=notice_given(visit, now), starts=visit.starts_at, ends=visit.ends_at)
        agency_id = None if visit.agency_id is None else str(visit.agency_id)
        violations = judge(facts, _context(visit, agency_id=agency_id, at=now), lender_profile(), at_utc=now)
        violations += tuple(placement_violations(visit, agency_id, day))
        if not violations:
            visit.state = state
            visit.checked_in_at = now
            visit.save(update_fields=["state", "checked_in_at", "updated_at"])
            record(visit, "checked_in", actor, at=now)
            return visit
    raise _refused_by_guard(visit_id, "check_in_blocked", actor, violations)


# --- 7 and 8. checklist, outcome, check-out -----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Report:
    identification_shown: bool
    purpose_stated: bool
    no_disclosure: bool
    outcome: str
    notes: str = ""
    promise_amount: int | None = None  # fen; with the outcome "promise" (an agreement signed at the visit)
    promise_due: dt.date | None = None


def check_out(visit_id: int, *, actor, report: Report, now: dt.datetime | None = None) -> Visit:
    """The collectors leave: the checklist and outcome are recorded, the visit joins the account's
    contact history as a contact attempt of channel visit, and the outcome has the effects it has
    wherever it is recorded (arrears.contact.effects): meeting the borrower verifies the address, a
    dispute holds the account, a promise is judged by the nightly run."""
    from arrears.contact.effects import OutcomeDetails, apply_outcome, check_outcome
    from arrears.contact.models import ContactAttempt

    now = now or clock.now()
    if report.outcome not in VisitOutcome.values:
        raise InputError(f"未知的上门结果 {report.outcome!r}", f"Unknown visit outcome {report.outcome!r}")
    details = OutcomeDetails(promise_amount=report.promise_amount, promise_due=report.promise_due, note=report.notes)
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_collector(actor, visit)
        visit.state = next_state(visit.state, Step.CHECK_OUT)
        visit.checked_out_at = max(now, visit.checked_in_at)
        check_outcome(report.outcome, channel="visit", contact_point_id=visit.address_id, details=details,
                      day=timezone.localdate(visit.checked_in_at))
        visit.identification_shown = report.identification_shown
        visit.purpose_stated = report.purpose_stated
        visit.no_disclosure = report.no_disclosure
        visit.outcome = report.outcome
        visit.report = report.notes
        visit.record = ContactAttempt.objects.create(
            idempotency_key=f"visit:{visit.pk}:record",
            loan=visit.loan,
            contact_point=visit.address,
            channel="visit",
            party="debtor",
            template="",
            state=ContactAttempt.State.DONE,
            planned_for=visit.starts_at,
            attempted_at=visit.checked_in_at,
            outcome=report.outcome,
            segment=visit.segment,
            rule="visits/visit",
        )
        visit.save()
        apply_outcome(visit.record, source="visit", by=actor, details=details)
        record(visit, "checked_out", actor, at=now, outcome=report.outcome)
        missed = [name for name, done in (
            ("identification_shown", report.identification_shown),
            ("purpose_stated", report.purpose_stated),
            ("no_disclosure", report.no_disclosure),
        ) if not done]
        if missed:
            # a checklist item not done is a compliance finding, kept for the compliance officer
            record(visit, "checklist_finding", actor, at=now, missed=missed)
    return visit


# --- 9. attachments -------------------------------------------------------------------------------


def attach(visit_id: int, *, actor, upload, description: str = "", now: dt.datetime | None = None) -> VisitAttachment:
    """Keep a file (a signed agreement as PDF or a photo) after checking its type and size."""
    from django.core.files.base import ContentFile

    now = now or clock.now()
    size = upload.size or 0
    if size > attachments.MAX_BYTES:
        attachments.kind_of(upload.name, size, b"")  # raises the size error before reading it
    data = upload.read(attachments.MAX_BYTES + 1)
    kind = attachments.kind_of(upload.name, len(data), data[: attachments.HEAD_BYTES])
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_collector(actor, visit)
        next_state(visit.state, Step.ATTACH)
        digest = hashlib.sha256(data).hexdigest()
        extension = attachments.EXTENSIONS[kind][0]
        row = VisitAttachment(
            visit=visit, original_name=upload.name[-200:], content_type=kind.value, extension=extension,
            size=len(data), sha256=digest, description=description[:200], uploaded_by=actor, uploaded_at=now,
        )
        row.file.save(f"{digest[:16]}{extension}", ContentFile(data), save=False)
        row.save()
        record(visit, "attachment_added", actor, at=now, attachment=row.pk, sha256=digest, type=kind.value)
    return row


# --- 10. safety incidents -----------------------------------------------------------------------


def report_incident(visit_id: int, *, actor, kind: str, description: str, occurred_at: dt.datetime | None = None,
                    injured: bool = False, police_called: bool = False, now: dt.datetime | None = None) -> SafetyIncident:
    from arrears.visits.models import IncidentKind

    now = now or clock.now()
    if kind not in IncidentKind.values:
        raise InputError(f"未知的事件类型 {kind!r}", f"Unknown incident kind {kind!r}")
    if not (description or "").strip():
        raise InputError("请描述发生了什么", "Describe what happened")
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise InputError("事件时间不能晚于现在", "An incident cannot be in the future")
    with transaction.atomic():
        visit = _locked(visit_id)
        _require_collector(actor, visit)
        next_state(visit.state, Step.REPORT_INCIDENT)
        incident = SafetyIncident.objects.create(
            visit=visit, kind=kind, occurred_at=occurred_at, description=description.strip(), injured=injured,
            police_called=police_called, reported_by=actor, reported_at=now,
        )
        record(visit, "incident_reported", actor, at=now, incident=incident.pk, incident_kind=kind, injured=injured)
    return incident
