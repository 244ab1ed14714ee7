"""The pure parts of written notices: the validation period, the content, the layout."""

from __future__ import annotations

import datetime as dt

import holidays
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from arrears.notices.content import Amounts, Itemization, NoticeFacts, validation_end_date, written_notice
from arrears.notices.lender import lender_for
from arrears.notices.pdf import render


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_the_validation_period_ends_30_days_after_receipt_five_business_days_after_sending(sent):
    end = validation_end_date(sent)
    received = end - dt.timedelta(days=30)
    federal = holidays.country_holidays("US", years=range(sent.year, sent.year + 2))
    business = lambda day: day.weekday() < 5 and day not in federal  # noqa: E731  (Saturdays, Sundays, federal holidays)
    assert business(received)
    business_days = sum(1 for n in range(1, (received - sent).days + 1) if business(sent + dt.timedelta(days=n)))
    assert business_days == 5


def facts(profile: str, language: str) -> NoticeFacts:
    amounts = Amounts(principal=200_000, interest=18_000, penalty=1_234, fee=5_000, balance=1_000_000,
                      principal_outstanding=960_000, days_past_due=45)
    itemization = Itemization(dt.date(2026, 3, 27), 950_000, 43_766, 6_234, 0, 1_000_000)
    return NoticeFacts(
        profile=profile, language=language, notice_date=dt.date(2026, 5, 10), state_date=dt.date(2026, 5, 10),
        lender=lender_for(profile), borrower_name="张三丰", borrower_address="北京市朝阳区", loan_reference="L-1",
        product_name="现金贷", loan_start=dt.date(2026, 1, 31), original_principal=1_200_000, amounts=amounts,
        itemization=itemization if profile == "us-regf" else None,
    )


@pytest.mark.parametrize("profile", ["cn", "us-regf"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pdf_carries_every_line_of_the_document(profile, language):
    document = written_notice(facts(profile, language))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render(document))).pages)
    squeezed = "".join(text.split())
    for line in document.text().splitlines():
        assert "".join(line.split()) in squeezed, line


def test_a_us_notice_needs_its_itemization_and_facts_refuse_unknown_words():
    with pytest.raises(ValueError):
        written_notice(NoticeFacts(**{**facts("us-regf", "en").__dict__, "itemization": None}))
    with pytest.raises(ValueError):
        NoticeFacts(**{**facts("cn", "en").__dict__, "language": "fr"})
