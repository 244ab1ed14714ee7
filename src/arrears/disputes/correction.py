"""The correction an upheld "amount wrong" dispute posts to the ledger.

    post_correction(dispute, amount=12_345, by=officer)   # fen taken off what the borrower owes

It goes in the way a waiver does (arrears.ledger.recoveries: a payment row of the channel `waiver`,
which is no money received), value-dated the day it is decided, so the night that follows ages the
loan with it and the balance the borrower sees is lower by exactly that amount. It is kept on the
dispute, written to the audit log, and posted once: a dispute is decided once, and the payment's
reference is the dispute's.
"""

from __future__ import annotations

from arrears import clock
from arrears.errors import InputError
from arrears.money import format_money

CORRECTABLE_REASONS = ("amount_wrong",)
CORRECTING_OUTCOMES = ("upheld", "corrected")


def correction_reference(dispute_id: int) -> str:
    return f"DISPUTE-{dispute_id}-CORRECTION"


def check_correction(dispute, outcome: str, amount: int) -> None:
    """Refuse a correction the dispute cannot carry: only an upheld or corrected "amount wrong"
    dispute, a whole number of fen above zero, and no more than the balance last aged."""
    from arrears.cycle.models import AccountState

    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InputError("更正金额须为整数分", "The correction must be a whole number of fen")
    if amount == 0:
        return
    if amount < 0:
        raise InputError("更正金额须大于 0", "The correction must be more than 0")
    if dispute.reason not in CORRECTABLE_REASONS or outcome not in CORRECTING_OUTCOMES:
        raise InputError("只有成立或已更正的“金额有误”争议才能调整账目",
                         "Only an upheld or corrected 'amount wrong' dispute adjusts the ledger")
    balance = AccountState.objects.filter(loan_id=dispute.loan_id).values_list("balance", flat=True).first()
    if balance is not None and amount > balance:
        currency = dispute.loan.currency
        raise InputError(f"更正金额不能超过当前余额 {format_money(balance, currency, 'zh-hans')}",
                         f"The correction cannot exceed the balance of {format_money(balance, currency, 'en')}")


def post_correction(dispute, *, amount: int, by=None):
    """The waiver-channel payment that takes `amount` fen off the loan, value-dated today."""
    from arrears.audit.events import ledger_corrected
    from arrears.ledger.models import Payment
    from arrears.ledger.recoveries import WAIVER_CHANNEL

    payment, _ = Payment.objects.get_or_create(
        reference=correction_reference(dispute.pk),
        defaults={"loan_id": dispute.loan_id, "amount": amount, "value_date": clock.today(), "channel": WAIVER_CHANNEL},
    )
    ledger_corrected(payment, dispute_id=dispute.pk, by=by)
    return payment
