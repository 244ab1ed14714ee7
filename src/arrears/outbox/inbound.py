"""What comes back acts: delivery receipts are written on their attempts, stop requests opt the
sender's contact point out of the channel."""

from __future__ import annotations

import re


from arrears import clock
from arrears.channels import Receipt, Reply, is_stop_request
from arrears.contact.models import ContactAttempt, Outcome


def apply_receipt(receipt: Receipt) -> int:
    """Write the outcome on the attempt the provider's message id names, and log it; how many matched."""
    from django.db import transaction

    from arrears.audit.events import attempt_changed

    matching = ContactAttempt.objects.filter(provider=receipt.provider, provider_message_id=receipt.provider_message_id)
    with transaction.atomic():
        ids = list(matching.values_list("id", flat=True))
        updated = ContactAttempt.objects.filter(pk__in=ids).update(
            outcome=Outcome.DELIVERED if receipt.delivered else Outcome.UNDELIVERED,
            receipt_at=receipt.at or clock.now(),
        )
        for attempt_id in ids:
            attempt_changed(attempt_id, "contact.receipt")
    return updated


def apply_receipts(receipts: list[Receipt]) -> int:
    """`apply_receipt` for many at once: the attempts found in one read per provider, each written
    with its own receipt (a later receipt for the same message wins, as one at a time), logged in
    one append; how many attempts were written."""
    from django.db import transaction

    from arrears.audit.events import attempts_changed
    from arrears.outbox.rows import update_each

    written: dict[int, tuple[str, object]] = {}
    with transaction.atomic():
        by_provider: dict[str, list[Receipt]] = {}
        for receipt in receipts:
            by_provider.setdefault(receipt.provider, []).append(receipt)
        for provider, theirs in by_provider.items():
            ids: dict[str, list[int]] = {}
            found = ContactAttempt.objects.filter(
                provider=provider, provider_message_id__in=sorted({r.provider_message_id for r in theirs})
            ).values_list("provider_message_id", "id")
            for message_id, attempt_id in found:
                ids.setdefault(message_id, []).append(attempt_id)
            for receipt in theirs:
                outcome = Outcome.DELIVERED if receipt.delivered else Outcome.UNDELIVERED
                for attempt_id in ids.get(receipt.provider_message_id, ()):
                    written[attempt_id] = (outcome, receipt.at or clock.now())
        update_each(ContactAttempt, ("outcome", "receipt_at"),
                    [(attempt_id, (outcome, at)) for attempt_id, (outcome, at) in written.items()])
        attempts_changed({attempt_id: "contact.receipt" for attempt_id in written})
    return len(written)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def contact_points_for(sender: str, kind: str) -> list[int]:
    """The contact points whose value is the sender's address, found by the value's digest
    (numbers compared by their last 11 digits, so +86 and 0086 prefixes do not matter;
    addresses whatever their case)."""
    from arrears.ledger.models import ContactPoint

    if kind != "email" and len(_digits(sender)) < 5:
        return []
    return list(ContactPoint.objects.filter(kind=kind, value=sender.strip()).order_by("id").values_list("id", flat=True))


def apply_reply(reply: Reply) -> list[int]:
    """Opt the sender out of the channel when the reply asks to stop; the contact points stopped."""
    from arrears.contact.optouts import opt_out

    if not is_stop_request(reply.text):
        from arrears.borrower.replies import answer_code

        answer_code(reply, contact_points_for(reply.sender, "email" if reply.channel == "email" else "mobile"))
        return []
    kind = "email" if reply.channel == "email" else "mobile"
    points = contact_points_for(reply.sender, kind)
    for point in points:
        opt_out(contact_point_id=point, channel=reply.channel, source=f"{reply.channel}_reply", detail=reply.text[:500],
                at=reply.at)
    return points


def apply(event: Receipt | Reply):
    return apply_receipt(event) if isinstance(event, Receipt) else apply_reply(event)
