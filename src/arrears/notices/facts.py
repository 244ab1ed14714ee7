"""Reading what a written notice states from the ledger and the states the nightly cycle stored."""

from __future__ import annotations

import datetime as dt

from arrears.borrower.replies import public_url
from arrears.cycle.models import AccountState, AccountStateHistory
from arrears.errors import InputError
from arrears.ledger.models import ContactPoint, Loan
from arrears.notices.content import Amounts, Itemization, NoticeFacts
from arrears.notices.lender import lender_for


def notice_facts(loan: Loan, as_of: dt.date, *, profile: str, language: str) -> NoticeFacts:
    state = stored_state(loan, as_of)
    borrower = loan.borrower
    address = (
        ContactPoint.objects.filter(borrower=borrower, kind=ContactPoint.Kind.ADDRESS, owner=ContactPoint.Owner.BORROWER)
        .order_by("-verified", "id")
        .values_list("value", flat=True)
        .first()
    )
    product = loan.product
    return NoticeFacts(
        profile=profile,
        language=language,
        notice_date=as_of,
        state_date=state.as_of,
        lender=lender_for(profile),
        borrower_name=borrower.name,
        borrower_address=address or "",
        loan_reference=loan.external_id,
        product_name=product.name_zh if language == "zh-hans" else product.name_en,
        loan_start=loan.start_date,
        original_principal=loan.principal,
        amounts=_amounts(state),
        itemization=itemization(loan, state) if profile == "us-regf" else None,
        currency=loan.currency,
        public_url=public_url(),
    )


def stored_state(loan: Loan, as_of: dt.date):
    """The state the nightly cycle stored for `as_of`, or the latest one before it."""
    current = AccountState.objects.filter(loan=loan, as_of=as_of).first()
    if current is not None:
        return current
    state = AccountStateHistory.objects.filter(loan=loan, as_of__lte=as_of).order_by("-as_of").first()
    if state is None:
        raise InputError(
            f"贷款 {loan.external_id} 在 {as_of.isoformat()} 及之前没有夜间批处理状态，请先运行 arrears cycle",
            f"Loan {loan.external_id} has no state from the nightly cycle on or before {as_of.isoformat()}; run `arrears cycle` first",
        )
    return state


def _amounts(state) -> Amounts:
    return Amounts(
        principal=state.overdue_principal,
        interest=state.overdue_interest,
        penalty=state.penalty_outstanding,
        fee=state.fee_outstanding,
        balance=state.balance,
        principal_outstanding=state.principal_outstanding,
        days_past_due=state.days_past_due,
    )


def itemization(loan: Loan, state) -> Itemization:
    """Itemized from the first stored state of the current delinquency (12 CFR 1006.34(b)(3)(i),
    the last statement before it), or from the state itself when nothing earlier is stored.

    What changed since is read from the cumulative columns: fees are the penalty and fees
    charged since, payments the amount paid since, and interest the rest of the change in the
    balance, so the lines always add up to the amount now.
    """
    start = state.as_of - dt.timedelta(days=max(state.days_past_due, 0))
    then = (
        AccountStateHistory.objects.filter(loan=loan, as_of__gte=start, as_of__lte=state.as_of).order_by("as_of").first()
        or state
    )
    fees = (state.penalty_charged + state.fee_charged) - (then.penalty_charged + then.fee_charged)
    paid = state.paid_total - then.paid_total
    interest = state.balance - then.balance - fees + paid
    return Itemization(
        itemization_date=then.as_of,
        amount_then=then.balance,
        interest_since=interest,
        fees_since=fees,
        paid_since=paid,
        amount_now=state.balance,
    )
