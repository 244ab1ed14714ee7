"""A paper copy of the written notice: logged with the day it is due by, and fulfilled by a letter
in the outbox (the notice template, so the letter is the same PDF the borrower can download)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from arrears import clock
from arrears.errors import InputError

DUE_WITHIN = dt.timedelta(days=5)


def request_paper_copy(loan):
    from arrears.borrower.models import PaperCopyRequest
    from arrears.contact.models import ContactAttempt
    from arrears.ledger.models import ContactPoint

    address = ContactPoint.objects.filter(borrower=loan.borrower, owner="borrower", kind="address", valid=True).order_by(
        "-verified", "id").first()
    if address is None:
        raise InputError("我们没有您的邮寄地址，请致电客服", "We hold no postal address for you: please call us")
    now, today = clock.now(), clock.today()
    with transaction.atomic():
        request = PaperCopyRequest.objects.create(loan=loan, requested_at=now, due_on=today + DUE_WITHIN)
        request.letter = ContactAttempt.objects.create(
            idempotency_key=f"portal:paper:{request.pk}", loan=loan, contact_point=address, channel="letter",
            party="debtor", template="written_collection_notice", state=ContactAttempt.State.PLANNED, planned_for=now,
            as_of=today, rule="borrower/paper_copy", subject="催收通知书（纸质副本）/ Written notice (paper copy)",
        )
        request.save(update_fields=["letter"])
    return request
