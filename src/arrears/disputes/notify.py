"""Writing to the borrower about their dispute or complaint: one message through the outbox, to the
verified mobile or email, else a letter to the address; kept as the attempt it made."""

from __future__ import annotations

from arrears import clock


def _point(loan):
    from arrears.borrower.signin import delivery_point
    from arrears.ledger.models import ContactPoint

    point = delivery_point(loan.borrower)
    if point is not None:
        return point, "sms" if point.kind == "mobile" else "email"
    address = ContactPoint.objects.filter(borrower=loan.borrower, owner="borrower", kind="address", valid=True).order_by(
        "-verified", "id").first()
    return address, "letter"


def tell_borrower(loan, *, key: str, template: str, subject: str, body: str):
    """Queue the message (idempotent by `key`); the attempt, or None when no contact point is on file."""
    from arrears.contact.models import ContactAttempt

    point, channel = _point(loan)
    if point is None:
        return None
    attempt, _ = ContactAttempt.objects.get_or_create(
        idempotency_key=key[:120],
        defaults=dict(loan=loan, contact_point=point, channel=channel, party="debtor", template=template,
                      state=ContactAttempt.State.PLANNED, planned_for=clock.now(), rule="borrower/notice",
                      subject=subject if channel != "sms" else "", body=body),
    )
    return attempt
