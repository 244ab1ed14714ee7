"""A loan's currency: named by the loans feed (else the lender's), and every amount shown in it.

Through a real database (SQLite or PostgreSQL, whichever DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arrears import clock
from arrears.cycle.service import run_cycle
from arrears.feeds import import_loans
from arrears.ledger.models import Loan
from arrears.money import format_money
from arrears.web import queries
from tests.integration.test_feeds import LOAN_COLUMNS, loan_row, products, read_rejects, write_csv  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
COLUMNS = [*LOAN_COLUMNS, "currency"]


def test_the_feed_takes_the_loans_currency_and_refuses_a_bad_one_in_both_languages(products, tmp_path: Path):  # noqa: F811
    # given rows naming USD, usd, nothing, a code that is no currency and one not held in hundredths
    rows = [
        loan_row(1, currency="USD"),
        loan_row(2, currency="usd"),
        loan_row(3, currency=""),
        loan_row(4, currency="XYZ"),
        loan_row(5, currency="JPY"),
    ]
    # when the file is imported under the cn profile
    outcome = import_loans(write_csv(tmp_path / "loans.csv", rows, COLUMNS))
    # then the good rows land in their currency, the one naming none in the lender's (CNY)
    assert (outcome.landed, outcome.rejected) == (3, 2)
    assert dict(Loan.objects.values_list("external_id", "currency")) == {"L0001": "USD", "L0002": "USD", "L0003": "CNY"}
    # and the bad ones are refused with a reason in Chinese and in English
    rejects = {r["row"]: r for r in read_rejects(outcome.rejects_path)}
    assert rejects["4"]["field"] == "currency" and "ISO 4217" in rejects["4"]["reason_en"] and "货币代码" in rejects["4"]["reason_zh"]
    assert "hundredth" in rejects["5"]["reason_en"] and "百分之一" in rejects["5"]["reason_zh"]
    # and a file that changes a loan's currency is heard
    again = import_loans(write_csv(tmp_path / "again.csv", [loan_row(1, currency="CNY")], COLUMNS))
    assert again.updated == 1 and Loan.objects.get(external_id="L0001").currency == "CNY"


def test_a_loan_naming_no_currency_takes_the_us_lenders_dollars(products, tmp_path: Path, settings):  # noqa: F811
    # given the lender runs under us-regf, when a file naming no currency is imported
    from tests.integration.test_feeds_us import us_row, write

    settings.ARREARS_PROFILE = "us-regf"
    import_loans(write(tmp_path / "loans.csv", [us_row(1)]))
    # then the loan is in dollars
    assert Loan.objects.get().currency == "USD"


def test_a_book_in_two_currencies_is_never_summed_across_them(products, tmp_path: Path, client, django_user_model):  # noqa: F811
    # given a book with two loans in yuan and one in dollars, aged by the nightly cycle
    rows = [loan_row(1), loan_row(2), loan_row(3, currency="USD", principal="5000.00")]
    import_loans(write_csv(tmp_path / "loans.csv", rows, COLUMNS))
    run_cycle(clock.today())
    states = {loan.external_id: loan.state.balance for loan in Loan.objects.select_related("state")}
    # when the portfolio is summed, then each currency is summed alone
    yuan = queries.portfolio_summary()
    assert (yuan.currency, yuan.currencies, yuan.accounts) == ("CNY", ("CNY", "USD"), 2)
    assert yuan.balance == states["L0001"] + states["L0002"]
    dollars = queries.portfolio_summary(currency="USD")
    assert (dollars.currency, dollars.accounts, dollars.balance) == ("USD", 1, states["L0003"])
    # and the page shows dollars in dollars, in the reader's language, and offers the other currency
    user = django_user_model.objects.create_superuser("lead", password="pw-lead-1234")
    client.force_login(user)
    page = client.get("/?currency=USD", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert format_money(states["L0003"], "USD", "en") in page and 'href="?currency=CNY"' in page
    assert format_money(states["L0001"] + states["L0002"] + states["L0003"], "CNY", "en") not in page


def test_the_account_page_shows_the_loans_currency(products, tmp_path: Path, client, django_user_model):  # noqa: F811
    # given a loan in dollars, aged by the nightly cycle
    import_loans(write_csv(tmp_path / "loans.csv", [loan_row(1, currency="USD")], COLUMNS))
    run_cycle(clock.today() - dt.timedelta(days=0))
    loan = Loan.objects.select_related("state").get()
    user = django_user_model.objects.create_superuser("lead", password="pw-lead-1234")
    client.force_login(user)
    # when its account page is read in English and in Chinese
    for language, dollars in (("en", "$12,000.00"), ("zh-hans", "US$12,000.00")):
        page = client.get(f"/accounts/{loan.external_id}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        # then its amounts are dollars, never yuan
        assert dollars in page and "¥" not in page, language
    assert format_money(loan.principal, "USD", "en") == "$12,000.00"
