"""Paying online: a payment-provider interface and its one adapter, a signed redirect and a signed
webhook callback. A confirmed payment lands through the payments feed (a one-row file through
`import_payments`), so the ledger has one way in. No fee is added: the borrower pays the amount
they chose.

    provider = configured_provider()                     # None when no provider is configured
    order = start_payment(loan, amount_fen=50_000)
    url = provider.checkout_url(order, return_url=…, callback_url=…)
    confirm(provider, body=request.body, signature=request.headers["X-Signature"])

The callback is refused when its signature is wrong (forged), when its amount is not the order's
(nothing lands), and answered without effect when it repeats an event already applied (replay). A
callback after the order expired still lands (the money was taken) and is marked late.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction

from arrears import clock
from arrears.errors import InputError
from arrears.feeds.schemas import ONLINE_CHANNEL

ORDER_LIFETIME = dt.timedelta(minutes=30)
CHANNEL = ONLINE_CHANNEL  # the payments feed's channel for a payment made through the portal
MIN_AMOUNT = 100  # ¥1.00


class CallbackRefused(InputError):
    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.reason = reason


@dataclass(frozen=True)
class Callback:
    event_id: str
    order: str
    amount: int
    status: str
    paid_at: dt.datetime


class PaymentProvider(Protocol):
    def checkout_url(self, order, *, return_url: str, callback_url: str) -> str: ...
    def read_callback(self, body: bytes, signature: str) -> Callback: ...


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRedirectProvider:
    """The adapter: the redirect's query string and the callback's body are each signed with HMAC-SHA256
    under the merchant's secret."""

    base_url: str
    merchant: str
    secret: str

    def checkout_url(self, order, *, return_url: str, callback_url: str) -> str:
        fields = {"merchant": self.merchant, "order": order.reference, "amount": str(order.amount),
                  "return": return_url, "callback": callback_url}
        query = urlencode(sorted(fields.items()))
        return f"{self.base_url.rstrip('/')}/pay?{query}&sig={sign(self.secret, query.encode())}"

    def read_callback(self, body: bytes, signature: str) -> Callback:
        if not hmac.compare_digest(sign(self.secret, body), (signature or "").strip().lower()):
            raise CallbackRefused("forged", "回调签名无效", "The callback's signature is not valid")
        try:
            data = json.loads(body)
            return Callback(str(data["event_id"])[:80], str(data["order"])[:64], int(data["amount"]), str(data["status"]),
                            dt.datetime.fromisoformat(str(data["paid_at"])))
        except (ValueError, KeyError, TypeError) as error:
            raise CallbackRefused("malformed", "回调内容无法读取", f"The callback cannot be read: {error}") from None


def configured_provider() -> SignedRedirectProvider | None:
    url = getattr(settings, "ARREARS_PAY_URL", None)
    secret = getattr(settings, "ARREARS_PAY_SECRET", None)
    if not url or not secret:
        return None
    return SignedRedirectProvider(url, getattr(settings, "ARREARS_PAY_MERCHANT", "arrears"), secret)


def start_payment(loan, *, amount_fen: int):
    from arrears.borrower.models import PaymentOrder

    if amount_fen < MIN_AMOUNT or amount_fen > 100_000_000:
        raise InputError("请输入 1 元至 100 万元之间的金额", "Enter an amount between ¥1.00 and ¥1,000,000.00")
    now = clock.now()
    return PaymentOrder.objects.create(reference=f"WEB-{loan.pk}-{secrets.token_hex(6)}", loan=loan, amount=amount_fen,
                                       created_at=now, expires_at=now + ORDER_LIFETIME)


def _land(order, paid_at: dt.datetime) -> None:
    """The one way into the ledger: a one-row payments file through the feed's import."""
    from arrears.feeds.payments import import_payments

    directory = settings.VAR_DIR / "payments-online"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{order.reference}.csv"
    day = paid_at.astimezone(clock.lender_zone()).date()
    path.write_text("reference,loan_id,amount,value_date,channel\n"
                    f"{order.reference},{order.loan.external_id},{order.amount // 100}.{order.amount % 100:02d},{day},{CHANNEL}\n",
                    encoding="utf-8")
    outcome = import_payments(path)
    if outcome.landed != 1 and not _landed(order.reference):
        raise CallbackRefused("not_landed", "付款未能入账，已转人工核对", "The payment could not be booked; it is sent for reconciliation")


def _landed(reference: str) -> bool:
    from arrears.ledger.models import Payment

    return Payment.objects.filter(reference=reference).exists()


def confirm(provider, *, body: bytes, signature: str) -> str:
    """Apply a provider's callback; returns "paid" or "already" (a replay); raises CallbackRefused."""
    from arrears.borrower.models import PaymentOrder

    callback = provider.read_callback(body, signature)
    if callback.status != "paid":
        raise CallbackRefused("not_paid", "付款未成功", "The payment did not go through")
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().select_related("loan").filter(reference=callback.order).first()
        if order is None:
            raise CallbackRefused("unknown", "没有此付款单", "No such payment order")
        if order.state == PaymentOrder.State.PAID:
            return "already"
        if callback.amount != order.amount:
            raise CallbackRefused("wrong_amount", "回调金额与付款单不符，未入账", "The callback's amount is not the order's: nothing was booked")
        order.state, order.event_id, order.paid_at = PaymentOrder.State.PAID, callback.event_id, callback.paid_at
        order.late = clock.now() > order.expires_at
        order.save()
    _land(order, callback.paid_at)
    return "paid"
