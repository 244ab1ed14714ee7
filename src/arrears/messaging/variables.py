"""The variables a template may use, taken from one account, for one kind of reader.

A debtor's message may state the debt; a third party's may not, so a third party's variables
hold no amount, no day count, no lender name and no loan reference at all: a template that
tries to use one fails to render, and so cannot be approved. The national ID is never a variable.
"""

from __future__ import annotations

from dataclasses import dataclass


from arrears.compliance.lint import MessageFacts
from arrears.ledger.models import ContactPoint, Loan
from arrears.messaging.masking import mask_mobile, mask_name, mask_reference
from arrears.messaging.message import DEFAULT_LANGUAGE, LANGUAGES
from arrears.money import format_money
from arrears.notices.lender import lender_for

THIRD_PARTY_VARIABLES = ("borrower_name_masked", "callback_number")
AMOUNT_VARIABLES = (
    "overdue_amount",
    "balance",
    "overdue_principal",
    "overdue_interest",
    "penalty",
    "fees",
    "days_past_due",
    "as_of",
)


@dataclass(frozen=True)
class AccountVariables:
    """What a template sees (`values`), what it may not (`unavailable`, name -> why, zh / en) and
    what the content lint needs to check the stated amounts and payment channels (`facts`)."""

    values: dict[str, str]
    unavailable: dict[str, str]
    facts: MessageFacts


def current_profile() -> str:
    """The lender's compliance profile: ARREARS_PROFILE in settings or the environment, else cn."""
    from arrears.compliance.lender import lender_profile_name

    return lender_profile_name()


def preferred_language(loan: Loan) -> str:
    """The borrower's preferred language where the ledger records one, else the lender's: English
    under a US profile, zh-Hans otherwise."""
    borrower = loan.borrower
    for field in ("language", "preferred_language"):
        value = str(getattr(borrower, field, "") or "").lower().replace("_", "-")
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh-hans"
    return "en" if current_profile().lower().startswith("us") else DEFAULT_LANGUAGE


def account_variables(loan: Loan, *, language: str, audience: str = "debtor", profile: str | None = None) -> AccountVariables:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    lender = lender_for(profile or current_profile())
    borrower = loan.borrower
    if audience != "debtor":
        values = {"borrower_name_masked": mask_name(borrower.name), "callback_number": lender.hotline}
        hidden = "第三方不得获知债务 / a third party is never told of the debt"
        debtor_only = set(_debtor_values(loan, lender, language)) | set(AMOUNT_VARIABLES)
        unavailable = {name: hidden for name in debtor_only - set(values)}
        return AccountVariables(values, unavailable, MessageFacts(official_channels=lender.official_channels))
    values = _debtor_values(loan, lender, language)
    state = getattr(loan, "state", None) if _has_state(loan) else None
    unavailable: dict[str, str] = {}
    facts = MessageFacts(official_channels=lender.official_channels)
    if state is None:
        reason = "该账户尚无夜间批处理状态 / the account has no state from the nightly cycle yet"
        unavailable = {name: reason for name in AMOUNT_VARIABLES}
    else:
        overdue = state.overdue_principal + state.overdue_interest + state.penalty_outstanding + state.fee_outstanding
        money = lambda minor: format_money(minor, loan.currency, language)  # noqa: E731
        values |= {
            "overdue_amount": money(overdue),
            "balance": money(state.balance),
            "overdue_principal": money(state.overdue_principal),
            "overdue_interest": money(state.overdue_interest),
            "penalty": money(state.penalty_outstanding),
            "fees": money(state.fee_outstanding),
            "days_past_due": str(state.days_past_due),
            "as_of": state.as_of.isoformat(),
        }
        components = (state.overdue_principal, state.overdue_interest, state.penalty_outstanding, state.fee_outstanding)
        facts = MessageFacts(
            overdue_amount=overdue,
            balance=state.balance,
            other_amounts=tuple(amount for amount in components if amount >= 0),
            official_channels=lender.official_channels,
        )
    return AccountVariables(values, unavailable, facts)


def _has_state(loan: Loan) -> bool:
    from arrears.cycle.models import AccountState

    try:
        loan.state
    except AccountState.DoesNotExist:
        return False
    return True


def _debtor_values(loan: Loan, lender, language: str) -> dict[str, str]:
    borrower = loan.borrower
    mobile = (
        ContactPoint.objects.filter(borrower=borrower, kind=ContactPoint.Kind.MOBILE, owner=ContactPoint.Owner.BORROWER)
        .order_by("id")
        .values_list("value", flat=True)
        .first()
    )
    return {
        "borrower_name": borrower.name,
        "borrower_name_masked": mask_name(borrower.name),
        "mobile_masked": mask_mobile(mobile) if mobile else "",
        "loan_ref": mask_reference(loan.external_id),
        "lender_name": lender.text("name", language),
        "hotline": lender.hotline,
        "callback_number": lender.hotline,
        "website": lender.website,
        "verify_url": lender.verify_url,
        "app_name": lender.text("app_name", language),
        "bank_account": lender.bank_account,
    }


def sample_variables(*, language: str, audience: str = "debtor", profile: str | None = None) -> AccountVariables:
    """A made-up account's variables, for linting the shipped templates before any loan exists."""
    lender = lender_for(profile or current_profile())
    money = lambda minor: format_money(minor, lender.currency, language)  # noqa: E731
    if audience != "debtor":
        values = {"borrower_name_masked": mask_name("张三丰" if language == "zh-hans" else "Jane Smith"), "callback_number": lender.hotline}
        return AccountVariables(values, {}, MessageFacts(official_channels=lender.official_channels))
    principal, interest, penalty, fee, balance = 98_765, 12_345, 1_234, 5_000, 1_015_678
    overdue = principal + interest + penalty + fee
    values = {
        "borrower_name": "张三丰" if language == "zh-hans" else "Jane Smith",
        "borrower_name_masked": "张**" if language == "zh-hans" else "J*** S****",
        "mobile_masked": "138****5678",
        "loan_ref": "0042",
        "lender_name": lender.text("name", language),
        "hotline": lender.hotline,
        "callback_number": lender.hotline,
        "website": lender.website,
        "verify_url": lender.verify_url,
        "app_name": lender.text("app_name", language),
        "bank_account": lender.bank_account,
        "overdue_amount": money(overdue),
        "balance": money(balance),
        "overdue_principal": money(principal),
        "overdue_interest": money(interest),
        "penalty": money(penalty),
        "fees": money(fee),
        "days_past_due": "35",
        "as_of": "2026-03-01",
    }
    facts = MessageFacts(
        overdue_amount=overdue, balance=balance, other_amounts=(principal, interest, penalty, fee),
        official_channels=lender.official_channels,
    )
    return AccountVariables(values, {}, facts)
