"""Signing a borrower in: the loan reference and the last 4 of the ID number, then a one-time code.

    pending = start(reference="L-1001", id_last4="002X", address="10.0.0.7")   # always the same answer
    borrower_id = finish(pending, code="123456", address="10.0.0.7")            # or raises SignInRefused

Whether the reference exists, whether the last 4 match, whether a verified mobile or email is on
file: the answer is the same ("if the details match, a code is on its way") and the work done is
the same (a try counted, a digest computed, one lookup); only a matching request writes a code.
The code is 6 digits, lives CODE_LIFETIME, is spent on its first right use, dies after
MAX_WRONG_TRIES, and is stored as an HMAC bound to the browser's pending sign-in, never in clear.
The message carrying it goes through the outbox; its text is blanked once the code is used or dead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction

from arrears import clock
from arrears.borrower import limits
from arrears.errors import InputError

CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_WRONG_TRIES = 5
CODE_TEMPLATE = "portal.sign_in_code"
SESSION_KEY = "borrower_portal"
SESSION_IDLE = dt.timedelta(minutes=30)
MAX_REFERENCE = 64


class SignInRefused(InputError):
    """A sign-in step refused; `reason` is one of rate_limited, wrong_code, expired."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.reason = reason


def _digest(pending: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"portal-code:{pending}:{code}".encode(), hashlib.sha256).hexdigest()


def _pending_digest(pending: str) -> str:
    return hashlib.sha256(pending.encode()).hexdigest()


def _rate_limited() -> SignInRefused:
    minutes = int(limits.WINDOW.total_seconds() // 60)
    return SignInRefused("rate_limited", f"尝试次数过多，请 {minutes} 分钟后再试",
                         f"Too many tries: please try again in {minutes} minutes")


def normalised_reference(text: str) -> str:
    return (text or "").strip().upper()[:MAX_REFERENCE]


def normalised_last4(text: str) -> str:
    return (text or "").strip().upper()[-4:] if len((text or "").strip()) == 4 else ""


def delivery_point(borrower):
    """The borrower's verified mobile, else verified email, that may be written to; None if neither."""
    from arrears.ledger.models import ContactPoint

    points = ContactPoint.objects.filter(
        borrower=borrower, owner=ContactPoint.Owner.BORROWER, verified=True, valid=True, do_not_contact=False,
        kind__in=(ContactPoint.Kind.MOBILE, ContactPoint.Kind.EMAIL),
    ).order_by("id")
    by_kind = {}
    for point in points:
        by_kind.setdefault(point.kind, point)
    return by_kind.get("mobile") or by_kind.get("email")


def code_text(code: str) -> str:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    return f"您的自助服务登录验证码为 {code}，{minutes} 分钟内有效，请勿告诉任何人。Your sign-in code is {code}; valid for {minutes} minutes. Do not share it."


def start(*, reference: str, id_last4: str, address: str, now: dt.datetime | None = None) -> str:
    """Begin a sign-in; returns the pending token the browser keeps. Raises SignInRefused only
    when rate-limited (counted the same whether or not the reference exists)."""
    from arrears.borrower.models import SignInCode
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import Loan

    now = now or clock.now()
    reference, last4 = normalised_reference(reference), normalised_last4(id_last4)
    loan_key, address_key = limits.key_of("loan", reference), limits.key_of("address", address)
    pending = secrets.token_urlsafe(32)
    with transaction.atomic():
        if limits.too_many("loan", loan_key, now) or limits.too_many("address", address_key, now):
            raise _rate_limited()
        limits.count("loan", loan_key, now)
        limits.count("address", address_key, now)
        loan = Loan.objects.select_related("borrower").filter(external_id=reference).first() if reference else None
        matches = loan is not None and bool(last4) and hmac.compare_digest(loan.borrower.national_id_masked[-4:].upper(), last4)
        point = delivery_point(loan.borrower) if matches else None
        if point is None:
            return pending
        code = f"{secrets.randbelow(1_000_000):06d}"
        row = SignInCode.objects.create(pending=_pending_digest(pending), loan=loan, contact_point=point,
                                      digest=_digest(pending, code), issued_at=now, expires_at=now + CODE_LIFETIME)
        row.attempt = ContactAttempt.objects.create(
            idempotency_key=f"portal:{row.pk}:code", loan=loan, contact_point=point,
            channel="sms" if point.kind == "mobile" else "email", party="debtor", template=CODE_TEMPLATE,
            state=ContactAttempt.State.PLANNED, planned_for=now, rule="borrower/sign_in",
            subject="" if point.kind == "mobile" else "登录验证码 / Your sign-in code", body=code_text(code),
        )
        row.save(update_fields=["attempt"])
    return pending


def blank_spent_codes(now: dt.datetime) -> int:
    """Blank the text of code messages whose code is used or dead: nothing readable outlives the code."""
    from django.db.models import Q

    from arrears.borrower.models import SignInCode
    from arrears.contact.models import ContactAttempt

    spent = SignInCode.objects.filter(Q(used_at__isnull=False) | Q(expires_at__lte=now) | Q(wrong_tries__gte=MAX_WRONG_TRIES))
    return ContactAttempt.objects.filter(pk__in=spent.values("attempt_id"), template=CODE_TEMPLATE).exclude(
        body="").exclude(state__in=("planned", "claimed", "sending")).update(body="")


def finish(pending: str, *, code: str, address: str, now: dt.datetime | None = None) -> int:
    """The borrower id the right code signs in; raises SignInRefused (wrong, expired, rate-limited)."""
    from arrears.borrower.models import SignInCode
    from arrears.contact.models import ContactAttempt

    now = now or clock.now()
    code = "".join(ch for ch in (code or "") if not ch.isspace())[:12]
    pending_key, address_key = limits.key_of("code", pending or "-"), limits.key_of("address", address)
    with transaction.atomic():
        if limits.too_many("code", pending_key, now) or limits.too_many("address", address_key, now):
            raise _rate_limited()
        limits.count("code", pending_key, now)
        limits.count("address", address_key, now)
        row = (SignInCode.objects.select_for_update().select_related("loan")
               .filter(pending=_pending_digest(pending or "-"), used_at__isnull=True).order_by("-issued_at").first())
        refusal = None
        if row is None or row.wrong_tries >= MAX_WRONG_TRIES or not (len(code) == 6 and code.isdigit()) \
                or not hmac.compare_digest(row.digest, _digest(pending, code)):
            if row is not None:
                row.wrong_tries += 1
                row.save(update_fields=["wrong_tries"])
            refusal = SignInRefused("wrong_code", "验证码不正确，请核对短信或邮件中的 6 位数字",
                                    "The code is not correct: check the 6 digits in the text or email")
        elif now >= row.expires_at:
            refusal = SignInRefused("expired", "验证码已过期，请重新获取", "The code has expired: ask for a new one")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            ContactAttempt.objects.filter(pk=row.attempt_id).exclude(state__in=("planned", "claimed", "sending")).update(body="")
    if refusal is not None:  # raised outside the transaction, so the counted try and the wrong try are kept
        raise refusal
    return row.loan.borrower_id
