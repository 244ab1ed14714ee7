"""The commission statement as PDF, for the agency on its portal and for the lender: the same agency,
month, lines and total as the CSV, read back from the PDF's text."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from pypdf import PdfReader

from arrears.ledger.models import Payment
from tests.e2e.test_agencies_portal import TODAY, agency, agency_user, placed_loan

pytestmark = pytest.mark.django_db
MONTH = TODAY.strftime("%Y-%m")


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def csv_amounts(body: bytes) -> tuple[list[tuple[str, str, str]], tuple[str, str]]:
    """Each line's (loan, recovered, commission) in yuan, and the total's (recovered, commission)."""
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    lines = [(row["loan"], row["recovered_yuan"], row["commission_yuan"]) for row in rows if row["placement"] != "total"]
    total = next(row for row in rows if row["placement"] == "total")
    return lines, (total["recovered_yuan"], total["commission_yuan"])


@pytest.fixture
def statement_month(django_user_model):
    """Agency 甲催收 with two placed loans, each paid to the lender this month within its period."""
    firm = agency("甲催收", "91310000MA1FL000A1", ["loan_reference"])
    user = agency_user(django_user_model, firm, "a-collector")
    for reference, amount in (("L-P1", 54_321), ("L-P2", 123_456)):
        placement = placed_loan(reference, firm)
        paid_on = max(placement.activated_on, TODAY.replace(day=1))
        Payment.objects.create(reference=f"P-{reference}", loan=placement.loan, amount=amount, value_date=paid_on, channel="app")
    return firm, user


def assert_pdf_matches_csv(pdf: bytes, csv_body: bytes) -> None:
    text = pdf_text(pdf)
    lines, (recovered, commission) = csv_amounts(csv_body)
    assert "甲催收" in text and "91310000MA1FL000A1" in text and MONTH in text
    assert len(lines) == 2
    for loan, line_recovered, line_commission in lines:
        # the line's loan, its recovered amount and its commission, in that order on the same line
        assert re.search(rf"{loan}.*?¥{re.escape(line_recovered)}.*?¥{re.escape(line_commission)}", text), loan
    assert f"回收合计/Recovered¥{recovered}" in text and f"佣金合计/Commission¥{commission}" in text


def test_the_agency_downloads_its_statement_as_pdf_matching_the_csv(client, statement_month):
    # given the agency's collector signed in
    _, user = statement_month
    client.force_login(user)
    # when they download the month's statement as CSV and as PDF
    csv_body = client.get(f"/agencies/portal/statement/?month={MONTH}&format=csv").content
    response = client.get(f"/agencies/portal/statement/?month={MONTH}&format=pdf")
    # then the PDF is a download naming the agency and month, and says what the CSV says
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="commission-91310000MA1FL000A1-{MONTH}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert_pdf_matches_csv(response.content, csv_body)
    assert csv_amounts(csv_body)[1] == ("1,777.77", "213.34")  # 12 % of each line, each rounded half up to the fen
    # and the page offers the PDF beside the CSV
    page = client.get(f"/agencies/portal/statement/?month={MONTH}").content.decode()
    assert 'id="statement-pdf"' in page and "下载 PDF" in page


def test_the_lender_downloads_an_agencys_statement_as_pdf_matching_the_csv(client, django_user_model, statement_month):
    # given the lender's strategy manager signed in
    firm, _ = statement_month
    lead = django_user_model.objects.create_user("lead", password="a-long-password-1")
    from arrears.access.sync import sync_roles

    sync_roles()
    lead.groups.add(Group.objects.get(name="strategy_manager"))
    client.force_login(lead)
    # when they download the agency's statement for the month as CSV and as PDF
    csv_body = client.get(f"/agencies/statements/{firm.pk}/?month={MONTH}&format=csv").content
    response = client.get(f"/agencies/statements/{firm.pk}/?month={MONTH}&format=pdf")
    # then the PDF says what the CSV says
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_pdf_matches_csv(response.content, csv_body)
