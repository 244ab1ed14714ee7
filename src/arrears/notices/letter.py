"""A letter from an approved template, laid out on the lender's letterhead."""

from __future__ import annotations

import datetime as dt

from arrears.ledger.models import ContactPoint, Loan
from arrears.messaging.message import RenderedMessage
from arrears.notices.document import Document, Section
from arrears.notices.lender import Lender


def letter_document(message: RenderedMessage, loan: Loan, lender: Lender, as_of: dt.date) -> Document:
    language = message.language
    borrower = loan.borrower
    address = (
        ContactPoint.objects.filter(borrower=borrower, kind=ContactPoint.Kind.ADDRESS, owner=ContactPoint.Owner.BORROWER)
        .order_by("-verified", "id")
        .values_list("value", flat=True)
        .first()
        or ""
    )
    zh = language == "zh-hans"
    header = f"{lender.text('name', language)}    {lender.text('address', language)}    {lender.hotline}"
    recipient = (f"{borrower.name} 收" if zh else borrower.name, address)
    paragraphs = tuple(part.strip() for part in message.body.split("\n") if part.strip())
    return Document(
        title=message.subject or lender.text("name", language),
        subtitle=f"日期：{as_of.isoformat()}" if zh else f"Date: {as_of.isoformat()}",
        sections=(Section(header, tuple(line for line in recipient if line)), Section("", paragraphs)),
        footer=lender.text("name", language),
        language=language,
    )
