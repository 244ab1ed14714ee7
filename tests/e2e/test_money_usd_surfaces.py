"""A loan in dollars shows dollars and cents wherever its money is shown: the agency statement (page,
CSV, PDF) and league, the visit disclosure, the workbench queue and the legal reviews — as the
reader's language writes them ($1,234.50 in English, US$1,234.50 in Chinese), beside the yuan of
the other loans, totalled per currency and never added across currencies."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from arrears.ledger.models import Loan
from arrears.money import format_money
from tests.e2e.test_agencies_statement_pdf import MONTH, pdf_text, statement_month  # noqa: F401
from tests.e2e.workbench_world import signed_in, world  # noqa: F401

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans"]
DOLLAR = {"en": "$", "zh-hans": "US$"}
YUAN = {"en": "CN¥", "zh-hans": "¥"}


def reading(client, language: str):
    assert client.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
    return client


def in_dollars(reference: str) -> None:
    Loan.objects.filter(external_id=reference).update(currency="USD")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agency_statement_shows_each_loan_in_its_currency_and_totals_per_currency(client, statement_month, language):  # noqa: F811
    # given one of the agency's two placed loans is in dollars (L-P1: 543.21 paid this month)
    firm, user = statement_month
    in_dollars("L-P1")
    reading(client, language)
    client.force_login(user)
    # when the agency reads its statement as a page, CSV and PDF
    page = client.get(f"/agencies/portal/statement/?month={MONTH}").content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(f"/agencies/portal/statement/?month={MONTH}&format=csv")
                                           .content.decode("utf-8-sig"))))
    pdf = pdf_text(client.get(f"/agencies/portal/statement/?month={MONTH}&format=pdf").content)
    dollars, yuan = format_money(54_321, "USD", language), format_money(123_456, "CNY", language)
    assert dollars == f"{DOLLAR[language]}543.21" and yuan == f"{YUAN[language]}1,234.56"
    # then the dollar loan is in dollars and cents, the other in yuan, on each
    for shown in (page, pdf):
        assert dollars in shown and yuan in shown, shown[:400]
    lines = {row["loan"]: row for row in rows if row["placement"] != "total"}
    assert (lines["L-P1"]["currency"], lines["L-P1"]["recovered_fen"], lines["L-P1"]["recovered_shown"]) == ("USD", "54321", dollars)
    assert (lines["L-P2"]["currency"], lines["L-P2"]["recovered_shown"]) == ("CNY", yuan)
    # and the totals are one per currency, never a sum of dollars and yuan
    totals = {row["currency"]: row for row in rows if row["placement"] == "total"}
    assert set(totals) == {"USD", "CNY"}
    assert (totals["USD"]["recovered_fen"], totals["CNY"]["recovered_fen"]) == ("54321", "123456")
    assert page.count('data-currency="USD"') == 1 and "177,777" not in page and "1,777.77" not in page
    assert "1,777.77" not in pdf


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agency_league_shows_the_dollars_recovered_beside_the_yuan(client, django_user_model, statement_month, language):  # noqa: F811
    from arrears.access.sync import sync_roles

    firm, _ = statement_month
    in_dollars("L-P1")
    sync_roles()
    manager = django_user_model.objects.create_user("strategist", password="a-long-password-1")
    manager.groups.add(Group.objects.get(name="strategy_manager"))
    reading(client, language)
    client.force_login(manager)
    page = client.get("/agencies/").content.decode()
    assert format_money(54_321, "USD", language) in page and format_money(123_456, "CNY", language) in page
    assert "1,777.77" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queue_and_the_legal_reviews_show_a_dollar_loan_in_dollars(client, world, language):  # noqa: F811
    from tests.e2e.test_legal_pages import a_review

    import datetime as dt

    in_dollars("L-1001")
    case = world.cases["L-1001"]
    case.refresh_from_db()
    # the team lead reads the work queue and the legal reviews
    legal = world.users["lead1"]
    a_review(world, "L-1001", dt.date(2026, 4, 28), 95, 212_345)
    a_review(world, "L-1005", dt.date(2026, 4, 27), 95, 150_000)
    signed_in(client, legal)
    reading(client, language)
    from tests.e2e.test_pages import tables

    response = client.get("/workbench/")
    rows = dict(tables(response)["queue-table"])
    case.refresh_from_db()
    expected = format_money(case.expected_value, "USD", language)
    assert expected.startswith(DOLLAR[language]) and expected in rows["L-1001"], rows
    reviews = client.get("/legal/").content.decode()
    assert format_money(212_345, "USD", language) in reviews  # $2,123.45
    assert format_money(150_000, "CNY", language) in reviews  # the other loan stays in yuan


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_visit_disclosure_shows_the_overdue_amount_in_the_loans_currency(language):
    from arrears.visits.disclosure import values_of
    from tests.integration.test_visits_workflow import screened_visit

    visit = screened_visit("L-USD-VISIT")
    in_dollars("L-USD-VISIT")
    visit.refresh_from_db()
    visit.loan.refresh_from_db()
    with translation.override(language):
        shown = values_of(visit)["overdue_amount"]
    assert shown == format_money(visit.overdue_amount, "USD", language) and shown.startswith(DOLLAR[language])
    assert shown.split(".")[-1].isdigit() and len(shown.split(".")[-1]) == 2  # cents
