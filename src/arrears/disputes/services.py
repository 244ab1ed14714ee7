"""Raising and deciding disputes and complaints.

    dispute = raise_dispute(loan, reason="not_my_debt", details="…", source="portal", files=[("a.pdf", b"%PDF…")])
    decide_dispute(dispute.pk, outcome="rejected", reasons="…", by=officer)
    complaint = raise_complaint(loan=loan, category="night_contact", details="…", source="portal")
    extend_complaint(complaint.pk, reason="…", by=officer)
    close_complaint(complaint.pk, upheld=True, responsible="agency", outcome="…", by=officer)
    overdue_complaints(today)

A dispute places the dispute hold in the same transaction that stores it, so from that instant the
guard stops the plan, the outbox, the agency portal and visits on the debt; its outcome releases it.
Under us-regf a repeat of a decided dispute with no new facts gets the short answer the rule allows
(12 CFR 1006.34(c)(3)(iv)... a duplicative dispute) and no new hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from arrears import clock
from arrears.cases.holds import place_hold, release_hold
from arrears.compliance.lender import lender_profile_name
from arrears.disputes import deadlines
from arrears.disputes.correction import check_correction, post_correction
from arrears.disputes.evidence import MAX_FILES, check_upload
from arrears.disputes.models import (
    BorrowerComplaint, ComplaintCategory, ComplaintState, Dispute, DisputeReason, DisputeState, Evidence, Responsible,
    Source,
)
from arrears.disputes.notify import tell_borrower
from arrears.errors import InputError
from arrears.money import format_money

MAX_TEXT = 4000
CHANNELS = ("call", "sms", "email", "letter", "visit", "app_push")


def _text(value: str, *, required: bool, zh: str, en: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError(f"请填写{zh}", f"Give the {en}")
    if len(value) > MAX_TEXT:
        raise InputError(f"{zh}不能超过 {MAX_TEXT} 字", f"The {en} may be at most {MAX_TEXT} characters")
    return value


def _choice(value: str, choices, zh: str, en: str) -> str:
    if value not in choices.values:
        raise InputError(f"请选择有效的{zh}", f"Choose a valid {en}")
    return value


def _today() -> dt.date:
    return clock.today()


# --- disputes -----------------------------------------------------------------------------------


def _duplicate_of(loan, reason: str, details: str, files) -> Dispute | None:
    if lender_profile_name() != "us-regf" or files:
        return None
    earlier = Dispute.objects.filter(loan=loan, reason=reason).exclude(state=DisputeState.OPEN).order_by("-decided_at").first()
    if earlier is None or (details and details != earlier.details):
        return None
    return earlier


def raise_dispute(loan, *, reason: str, details: str, source: str, files=(), by=None) -> Dispute:
    """Store the dispute with its evidence and place the dispute hold at once. Nothing is stored if
    any part is refused."""
    reason = _choice(reason, DisputeReason, "争议原因", "dispute reason")
    source = _choice(source, Source, "来源", "source")
    details = _text(details, required=reason == DisputeReason.OTHER, zh="争议说明", en="details of the dispute")
    files = list(files)
    if len(files) > MAX_FILES:
        raise InputError(f"最多上传 {MAX_FILES} 个文件", f"Upload at most {MAX_FILES} files")
    checked = [(name[:200], data, check_upload(name, data)) for name, data in files]
    now = clock.now()
    profile = lender_profile_name()
    with transaction.atomic():
        duplicate = _duplicate_of(loan, reason, details, files)
        dispute = Dispute.objects.create(
            loan=loan, reason=reason, details=details, source=source, received_at=now, entered_by=by,
            due_on=deadlines.due_on("dispute", received=clock.today(), profile=profile), duplicate_of=duplicate,
        )
        for name, data, kind in checked:
            Evidence.objects.create(dispute=dispute, file_name=name, content_type=kind, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_at=now)
        if duplicate is not None:
            _answer_duplicate(dispute, duplicate, now)
            return dispute
        dispute.hold = place_hold(loan_id=loan.pk, kind="dispute_open", source="dispute",
                                  reason=f"争议 #{dispute.pk}：{dispute.get_reason_display()} / dispute #{dispute.pk}: {reason}",
                                  by=by, since=now)
        dispute.save(update_fields=["hold"])
    return dispute


def _answer_duplicate(dispute: Dispute, earlier: Dispute, now) -> None:
    dispute.state = earlier.state
    dispute.decided_at = now
    dispute.outcome_text = (f"与争议 #{earlier.pk} 相同且无新的事实，已于 {earlier.decided_at:%Y-%m-%d} 答复 / "
                            f"Duplicates dispute #{earlier.pk} with no new information; answered on {earlier.decided_at:%Y-%m-%d}")
    dispute.outcome_letter = tell_borrower(
        dispute.loan, key=f"dispute:{dispute.pk}:outcome", template="notice.dispute_outcome",
        subject="争议答复 / Answer to your dispute", body=dispute.outcome_text)
    dispute.save()


OUTCOME_WORDS = {
    DisputeState.UPHELD: ("您的争议成立", "Your dispute is upheld"),
    DisputeState.CORRECTED: ("账目已更正", "The account has been corrected"),
    DisputeState.REJECTED: ("经核实，债务无误", "We checked: the debt stands"),
}


def decide_dispute(dispute_id: int, *, outcome: str, reasons: str, by=None, correction: int = 0) -> Dispute:
    """Write the outcome with its reasons, tell the borrower through the outbox, and release the hold.
    An upheld "not my debt" or "identity theft" keeps collection stopped with a cease-contact hold; an
    upheld or corrected "amount wrong" with a `correction` (fen) posts it to the ledger (correction.py)."""
    if outcome not in OUTCOME_WORDS:
        raise InputError("请选择处理结果：成立、更正或驳回", "Choose the outcome: upheld, corrected or rejected")
    reasons = _text(reasons, required=True, zh="理由", en="reasons")
    now = clock.now()
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("loan__borrower").filter(pk=dispute_id).first()
        if dispute is None:
            raise InputError(f"找不到争议 {dispute_id}", f"No dispute {dispute_id}")
        if dispute.state != DisputeState.OPEN:
            raise InputError("此争议已有处理结果", "This dispute has already been decided")
        check_correction(dispute, outcome, correction)
        zh, en = OUTCOME_WORDS[outcome]
        if correction:
            dispute.correction_amount = correction
            dispute.correction = post_correction(dispute, amount=correction, by=by)
            currency = dispute.loan.currency
            zh = f"{zh}，应还金额已减少 {format_money(correction, currency, 'zh-hans')}"
            en = f"{en}; what you owe is reduced by {format_money(correction, currency, 'en')}"
        dispute.state, dispute.outcome_text, dispute.decided_at = outcome, reasons, now
        dispute.decided_by = by if getattr(by, "pk", None) else None
        dispute.outcome_letter = tell_borrower(
            dispute.loan, key=f"dispute:{dispute.pk}:outcome", template="notice.dispute_outcome",
            subject="争议处理结果 / Outcome of your dispute",
            body=f"关于贷款 {dispute.loan.external_id} 的争议 #{dispute.pk}：{zh}。{reasons}\n"
                 f"Dispute #{dispute.pk} on loan {dispute.loan.external_id}: {en}. {reasons}")
        dispute.save()
        if dispute.hold_id is not None and dispute.hold.released_at is None:
            release_hold(dispute.hold_id, reason=f"争议 #{dispute.pk} 已处理（{outcome}）/ dispute decided ({outcome})", by=by, at=now)
        if outcome == DisputeState.UPHELD and dispute.reason in (DisputeReason.NOT_MY_DEBT, DisputeReason.IDENTITY_THEFT):
            place_hold(loan_id=dispute.loan_id, kind="cease_contact", source="dispute", by=by, since=now,
                       reason=f"争议 #{dispute.pk} 成立：非本人债务 / dispute upheld: not the borrower's debt")
    return dispute


def compliance_queue():
    return Dispute.objects.filter(state=DisputeState.OPEN).select_related("loan__borrower").order_by("due_on", "id")


# --- complaints ---------------------------------------------------------------------------------


def _open_placement(loan, agency_id=None):
    from arrears.agencies.models import OPEN_STATES, Placement

    rows = Placement.objects.filter(loan=loan, state__in=OPEN_STATES)
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    return rows.select_related("agency").order_by("-placed_on", "-id").first()


def raise_complaint(*, loan=None, category: str, details: str, source: str, complex: bool = False, agency=None,
                    collector=None, channel: str = "", contact_details: str = "", by=None) -> BorrowerComplaint:
    """Store the complaint with its deadline; while it is open a complaint-review hold stands on what it
    is about (`hold_scope`). About an agency (named, or the one holding the loan), it is also the
    agency's complaint."""
    from arrears.agencies.models import Complaint

    category = _choice(category, ComplaintCategory, "投诉类别", "complaint category")
    source = _choice(source, Source, "来源", "source")
    details = _text(details, required=True, zh="投诉内容", en="details of the complaint")
    contact_details = _text(contact_details, required=False, zh="联系方式", en="contact details")[:200]
    if channel and channel not in CHANNELS:
        raise InputError("请选择有效的联系渠道", "Choose a valid channel")
    now = clock.now()
    profile = lender_profile_name()
    with transaction.atomic():
        placement = _open_placement(loan, getattr(agency, "pk", None)) if loan is not None else None
        scope = hold_scope(agency=agency, collector=collector, channel=channel)
        if agency is None and placement is not None and category != ComplaintCategory.IMPOSTOR:
            agency = placement.agency
        complaint = BorrowerComplaint.objects.create(
            loan=loan, category=category, details=details, source=source, complex=complex, received_at=now,
            due_on=deadlines.due_on("complaint", received=clock.today(), profile=profile, complex=complex),
            about_agency=agency, about_collector=collector, about_channel=channel, contact_details=contact_details,
            entered_by=by if getattr(by, "pk", None) else None,
        )
        if agency is not None:
            complaint.agency_complaint = Complaint.objects.create(
                agency=agency, placement=placement if placement and placement.agency_id == agency.pk else None,
                received_on=clock.today(), summary=f"[{category}] {details}"[:4000])
        if loan is not None:
            complaint.hold = place_hold(loan_id=loan.pk, kind="complaint_review", source="complaint", since=now,
                                        reason=f"投诉 #{complaint.pk} 处理中 / complaint #{complaint.pk} under review", **scope)
        complaint.save()
    return complaint


def hold_scope(*, agency=None, collector=None, channel: str = "") -> dict:
    """What a complaint's hold covers: the agency it names, else the collector, else the channel; a
    complaint that names none of them is about the debt itself, and its hold covers the whole loan.
    (The agency holding the loan is recorded on an unnamed complaint for its scorecard, but does not
    narrow the hold.)"""
    if agency is not None:
        return {"agency_id": agency.pk}
    if collector is not None:
        return {"collector_id": collector.pk}
    if channel:
        return {"channel": channel}
    return {}


def extend_complaint(complaint_id: int, *, reason: str, by=None) -> BorrowerComplaint:
    """The one extension the profile allows, with its reason and a notice to the complainant."""
    reason = _text(reason, required=True, zh="延期理由", en="reason for the extension")
    with transaction.atomic():
        complaint = BorrowerComplaint.objects.select_for_update().filter(pk=complaint_id).first()
        if complaint is None or complaint.state != ComplaintState.OPEN:
            raise InputError("找不到处理中的投诉", "No open complaint with that number")
        if complaint.extended_at is not None:
            raise InputError("投诉处理时限只能延长一次", "A complaint's deadline may be extended only once")
        complaint.due_on = deadlines.extended(complaint.due_on, profile=lender_profile_name())
        complaint.extension_reason, complaint.extended_at = reason, clock.now()
        complaint.save()
        if complaint.loan is not None:
            tell_borrower(complaint.loan, key=f"complaint:{complaint.pk}:extension", template="notice.complaint_extension",
                          subject="投诉处理延期通知 / Your complaint: more time needed",
                          body=f"您的投诉 #{complaint.pk} 需要更多时间处理，将于 {complaint.due_on} 前答复。原因：{reason}\n"
                               f"We need more time for complaint #{complaint.pk}; we will answer by {complaint.due_on}. Reason: {reason}")
    return complaint


def close_complaint(complaint_id: int, *, upheld: bool, responsible: str, outcome: str, by=None) -> BorrowerComplaint:
    """Decide it: who was responsible feeds the agency's scorecard (its complaint upheld) and the
    collector's record; the hold ends and the complainant is told."""
    responsible = _choice(responsible, Responsible, "责任方", "responsible party")
    outcome = _text(outcome, required=True, zh="处理结果", en="outcome")
    now = clock.now()
    with transaction.atomic():
        complaint = BorrowerComplaint.objects.select_for_update().filter(pk=complaint_id).first()
        if complaint is None or complaint.state != ComplaintState.OPEN:
            raise InputError("找不到处理中的投诉", "No open complaint with that number")
        if responsible == Responsible.AGENCY and complaint.about_agency_id is None:
            raise InputError("此投诉未涉及委外机构", "This complaint is not about an agency")
        if responsible == Responsible.COLLECTOR and complaint.about_collector_id is None:
            raise InputError("此投诉未指明催收员", "This complaint names no collector")
        complaint.state = ComplaintState.UPHELD if upheld else ComplaintState.NOT_UPHELD
        complaint.responsible, complaint.outcome_text, complaint.closed_at = responsible, outcome, now
        complaint.closed_by = by if getattr(by, "pk", None) else None
        complaint.save()
        if complaint.agency_complaint_id is not None:
            from arrears.agencies.models import Complaint

            Complaint.objects.filter(pk=complaint.agency_complaint_id).update(
                upheld=bool(upheld and responsible == Responsible.AGENCY))
        if complaint.hold_id is not None and complaint.hold.released_at is None:
            release_hold(complaint.hold_id, reason=f"投诉 #{complaint.pk} 已处理 / complaint closed", by=by, at=now)
        if complaint.loan is not None:
            verdict = ("投诉成立", "upheld") if upheld else ("投诉不成立", "not upheld")
            tell_borrower(complaint.loan, key=f"complaint:{complaint.pk}:outcome", template="notice.complaint_outcome",
                          subject="投诉处理结果 / Outcome of your complaint",
                          body=f"您的投诉 #{complaint.pk}：{verdict[0]}。{outcome}\nYour complaint #{complaint.pk}: {verdict[1]}. {outcome}")
    return complaint


def collector_record(user) -> dict:
    """A collector's complaints: received, upheld against them, open."""
    rows = BorrowerComplaint.objects.filter(about_collector=user)
    return {"received": rows.count(), "upheld": rows.filter(state=ComplaintState.UPHELD, responsible=Responsible.COLLECTOR).count(),
            "open": rows.filter(state=ComplaintState.OPEN).count()}


def overdue_complaints(today: dt.date | None = None):
    today = today or clock.today()
    return BorrowerComplaint.objects.filter(state=ComplaintState.OPEN, due_on__lt=today).order_by("due_on", "id")


def overdue_disputes(today: dt.date | None = None):
    today = today or clock.today()
    return Dispute.objects.filter(state=DisputeState.OPEN, due_on__lt=today).order_by("due_on", "id")


def raise_overdue_alert(today: dt.date | None = None) -> list[str]:
    """The daily step: every overdue complaint and dispute not yet alerted today is logged as an alert
    (logger `arrears.alerts`) and marked; returns the alert lines."""
    import logging

    today = today or clock.today()
    log = logging.getLogger("arrears.alerts")
    lines = []
    for complaint in overdue_complaints(today):
        line = (f"投诉 #{complaint.pk} 已逾期（应于 {complaint.due_on} 前处理）/ "
                f"complaint #{complaint.pk} is overdue (due by {complaint.due_on})")
        lines.append(line)
        if complaint.overdue_alerted_on != today:
            log.error(line)
            BorrowerComplaint.objects.filter(pk=complaint.pk).update(overdue_alerted_on=today)
    for dispute in overdue_disputes(today):
        line = f"争议 #{dispute.pk} 已逾期（应于 {dispute.due_on} 前答复）/ dispute #{dispute.pk} is overdue (due by {dispute.due_on})"
        lines.append(line)
        log.error(line)
    return lines
