"""Simulated borrowers on the portal, and the compliance officer answering them.

    borrowers_use_the_portal(day, world)   # midday: borrowers sign in (code read from their SMS): a dispute, a complaint, a plan
    compliance_answers(day, world)         # morning: disputes and complaints old enough are decided, a few extended

Which borrowers and what they do follow from the day and the loan, not from the simulation's random
stream, so adding the portal changes nothing else the simulation does. Some complaints are left
unanswered on purpose, so the demo shows overdue ones on the compliance page.
"""

from __future__ import annotations

import datetime as dt
import re

from arrears import clock
from arrears.errors import ArrearsError

PER_DAY = 3  # the third of the day sets up a plan
DISPUTE_REVIEW_DAYS = 4
COMPLAINT_REVIEW_DAYS = 6
REASONS = ("already_paid", "amount_wrong", "not_my_debt", "other")
CATEGORIES = ("rude_language", "night_contact", "third_party_told", "other")


def _candidates():
    from arrears.cases.models import CollectionCase
    from arrears.disputes.models import BorrowerComplaint, Dispute

    busy = set(Dispute.objects.filter(state="open").values_list("loan_id", flat=True))
    busy |= set(BorrowerComplaint.objects.filter(state="open").values_list("loan_id", flat=True))
    loans = (CollectionCase.objects.filter(closed_on__isnull=True, loan__borrower__contact_points__kind="mobile",
                                           loan__borrower__contact_points__verified=True)
             .values_list("loan_id", flat=True).distinct().order_by("loan_id"))
    return [pk for pk in loans if pk not in busy]


def sign_in(loan) -> int:
    """As the borrower would: the reference, the ID's last 4, then the code the SMS carries."""
    from arrears.borrower import signin
    from arrears.contact.models import ContactAttempt

    pending = signin.start(reference=loan.external_id, id_last4=loan.borrower.national_id_masked[-4:], address="simulated")
    body = ContactAttempt.objects.filter(loan=loan, template=signin.CODE_TEMPLATE).latest("id").body
    return signin.finish(pending, code=re.search(r"\d{6}", body).group(0), address="simulated")


def borrowers_use_the_portal(day: dt.date, world) -> None:
    from arrears.disputes.services import raise_complaint, raise_dispute
    from arrears.ledger.models import Loan

    candidates = _candidates()
    if not candidates:
        return
    start = day.toordinal() % len(candidates)
    for n in range(min(PER_DAY, len(candidates))):
        loan = Loan.objects.select_related("borrower").get(pk=candidates[(start + n * 37) % len(candidates)])
        with clock.set_to(clock.at_local(day, dt.time(12, 30 + n * 10))):
            try:
                sign_in(loan)
                if n == 2:
                    from arrears.borrower.plans import propose_for_borrower

                    count = 4 if (loan.pk + day.toordinal()) % 3 else 9  # inside the policy, or beyond it
                    plan = propose_for_borrower(loan, "instalments", day, instalments=count, reason="收入减少 / lower income")
                    world.tally[f"portal_plans_{plan.status}"] += 1
                elif (loan.pk + day.toordinal()) % 2 == 0:
                    raise_dispute(loan, reason=REASONS[loan.pk % len(REASONS)], source="portal",
                                  details="我对这笔欠款有异议，请核实 / please check this debt")
                    world.tally["portal_disputes"] += 1
                else:
                    about = _complained_of(loan)
                    raise_complaint(loan=loan, category=CATEGORIES[loan.pk % len(CATEGORIES)], source="portal",
                                    details="催收方式不当，请调查 / the way I was contacted was not right", **about)
                    world.tally[f"portal_complaints_about_{next(iter(about), 'the_debt')}"] += 1
            except ArrearsError:
                world.tally["portal_refused"] += 1


def _complained_of(loan) -> dict:
    """What a simulated complaint names, by the loan: the agency collecting now (two in three of the
    loans an agency holds), text messages, or nothing (the debt itself, so the whole loan is held)."""
    from arrears.borrower.account import collector_now

    which = loan.pk % 3
    agency = collector_now(loan) if which != 2 else None
    if agency is not None:
        return {"agency": agency}
    return {"channel": "sms"} if which == 1 else {}


def correction_for(dispute) -> int:
    """The fen an upheld or corrected "amount wrong" dispute takes off: a tenth of the balance last
    aged, at most ¥200 (0 for any other dispute, or no balance)."""
    from arrears.cycle.models import AccountState
    from arrears.disputes.correction import CORRECTABLE_REASONS, CORRECTING_OUTCOMES

    if dispute.reason not in CORRECTABLE_REASONS or ("rejected", "upheld", "corrected")[dispute.pk % 3] not in CORRECTING_OUTCOMES:
        return 0
    balance = AccountState.objects.filter(loan_id=dispute.loan_id).values_list("balance", flat=True).first() or 0
    return min(balance // 10, 20_000)


def compliance_answers(day: dt.date, world) -> None:
    from arrears.disputes.models import BorrowerComplaint, Dispute
    from arrears.disputes.services import close_complaint, decide_dispute, extend_complaint

    officer = world.organisation.compliance
    with clock.set_to(clock.at_local(day, dt.time(9, 20))):
        ready = clock.at_local(day - dt.timedelta(days=DISPUTE_REVIEW_DAYS), dt.time(23, 59))
        for dispute in Dispute.objects.filter(state="open", received_at__lte=ready).order_by("pk"):
            outcome = ("rejected", "upheld", "corrected")[dispute.pk % 3]
            try:
                correction = correction_for(dispute)
                decide_dispute(dispute.pk, outcome=outcome, by=officer, correction=correction,
                               reasons="已核对合同与还款流水 / checked against the contract and the payment record")
                world.tally[f"disputes_{outcome}"] += 1
                if correction:
                    world.tally["disputes_corrections_fen"] += correction
            except ArrearsError:
                pass
        ready = clock.at_local(day - dt.timedelta(days=COMPLAINT_REVIEW_DAYS), dt.time(23, 59))
        for complaint in BorrowerComplaint.objects.filter(state="open", received_at__lte=ready).order_by("pk"):
            step = complaint.pk % 4
            try:
                if step == 0 and complaint.extended_at is None:
                    extend_complaint(complaint.pk, by=officer, reason="需调取通话录音 / the call recordings are needed")
                    world.tally["complaints_extended"] += 1
                elif step in (1, 2):
                    close_complaint(complaint.pk, upheld=step == 1, by=officer,
                                    responsible=("agency" if complaint.about_agency_id else "lender") if step == 1 else "nobody",
                                    outcome="已调查并答复 / investigated and answered")
                    world.tally["complaints_closed"] += 1
                # step 3: left waiting, so the compliance page shows an overdue complaint in time
            except ArrearsError:
                pass
