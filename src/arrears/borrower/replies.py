"""A collector code sent back by SMS: the answer goes out through the outbox to the sender's own
contact point, saying whose code it is, or that it is not one of ours and how to report it."""

from __future__ import annotations

from arrears import clock
from arrears.visits import codes

CHECK_TEMPLATE = "portal.code_check"


def public_url() -> str:
    """Where links in messages start: the outbox configuration's public address, else the local one."""
    from arrears.errors import ArrearsError
    from arrears.outbox.config import OutboxConfig, load_config

    try:
        return load_config().public_url
    except ArrearsError:
        return OutboxConfig.__dataclass_fields__["public_url"].default


def answer_code(reply, point_ids: list[int]) -> bool:
    """Queue the answer when the reply's text is a code and the sender is known; whether it was."""
    from arrears.borrower.collector_codes import check_code, reply_text
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import ContactPoint, Loan

    if codes.normalised(reply.text) is None or not point_ids:
        return False
    point = ContactPoint.objects.filter(pk__in=point_ids, owner="borrower").order_by("id").first()
    loan = Loan.objects.filter(borrower_id=point.borrower_id).order_by("-start_date", "-id").first() if point else None
    if loan is None:
        return False
    found = check_code(reply.text)
    now = reply.at or clock.now()
    ContactAttempt.objects.get_or_create(
        idempotency_key=f"code-check:{point.pk}:{now:%Y%m%d%H%M%S%f}"[:120],
        defaults=dict(loan=loan, contact_point=point, channel=reply.channel if reply.channel in ("sms", "email") else "sms",
                      party="debtor", template=CHECK_TEMPLATE, state=ContactAttempt.State.PLANNED, planned_for=clock.now(),
                      rule="borrower/code_check", body=reply_text(found, f"{public_url()}/my/verify/")),
    )
    return True
