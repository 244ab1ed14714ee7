"""The dashboards in a real Chromium with the Content-Security-Policy on: ECharts, served from the
product's own static files, draws the charts from the JSON the page carries, with no inline script
and no violation reported, in Chinese and in English."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.browser.conftest import log_in, make_user

pytestmark = pytest.mark.usefixtures("fast_passwords")

FIRST = dt.date(2026, 3, 1)
DAYS = 70
LOANS = 12


@pytest.fixture
def csp_on(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.CSP_DIRECTIVES}


def small_book() -> None:
    """Twelve accounts in arrears for 70 days; every other one pays 3,000 fen every ten days."""
    from arrears.cycle.models import AccountStateHistory
    from arrears.intelligence.models import TrainedModel
    from arrears.ledger.models import Borrower, Loan, Payment, Product

    product = Product.objects.create(code="CASH", name_zh="现金贷", name_en="Cash", repayment_method="annuity",
                                     annual_rate_bp=1800)
    states, payments = [], []
    for i in range(LOANS):
        borrower = Borrower.objects.create(external_id=f"B{i}", name="张三", national_id_cipher="x",
                                           national_id_digest=f"d{i}", national_id_masked="110105********1234")
        loan = Loan.objects.create(external_id=f"L{i}", borrower=borrower, product=product, principal=100_000,
                                   term_months=12, start_date=dt.date(2025, 9 + i % 3, 1))
        for n in range(DAYS):
            dpd = 10 + n
            states.append(AccountStateHistory(
                loan=loan, as_of=FIRST + dt.timedelta(days=n), days_past_due=dpd, bucket=f"M{min(1 + dpd // 30, 6)}",
                status="delinquent", overdue_principal=10_000, overdue_interest=0, fee_outstanding=0,
                penalty_outstanding=0, principal_outstanding=90_000, balance=100_000, credit=0, penalty_charged=0,
                fee_charged=0, charges_withheld=0, paid_total=0))
            if i % 2 == 0 and n % 10 == 5:
                payments.append(Payment(reference=f"P{i}-{n}", loan=loan, amount=3_000,
                                        value_date=FIRST + dt.timedelta(days=n), channel="bank"))
    AccountStateHistory.objects.bulk_create(states)
    Payment.objects.bulk_create(payments)
    TrainedModel.objects.create(version=1, as_of=FIRST, horizon_days=30, share_pct=50, state="promoted", card={
        "calibration": [{"bin": b, "count": 10, "predicted": b / 10 - 0.05, "observed": b / 10 - 0.08} for b in range(1, 11)],
        "metrics": {"lightgbm": {"auc": 0.74, "low": 0.71, "high": 0.77}, "logistic": {"auc": 0.7, "low": 0.66, "high": 0.73}},
        "heads": {}, "drift": [{"as_of": "2026-05-01", "score_psi": 0.02, "worst_feature_psi": 0.08}]})


def drawn(page, chart: str) -> int:
    node = page.locator(f"#chart-{chart}")
    node.locator("canvas").first.wait_for()
    page.wait_for_function(f"document.getElementById('chart-{chart}').hasAttribute('data-drawn')")
    return int(node.get_attribute("data-drawn"))


def test_the_charts_render_with_data_under_the_policy(page, new_page, csp_on):
    small_book()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    make_user("boss", "strategy_manager")
    log_in(page, "boss")
    response = page.goto("/intelligence/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("h1").inner_text() == "看板"
    # the recovery curves: one point a day for each bucket the accounts were in on the first day
    assert drawn(page, "recovery-bucket") >= 60
    assert drawn(page, "recovery-vintage") >= 60
    assert drawn(page, "roll-trend") >= 1
    assert drawn(page, "cost") >= 2

    page.goto("/intelligence/model/")
    assert drawn(page, "calibration") == 10
    assert drawn(page, "auc") == 2
    assert violations == []

    english = new_page(locale="en-US")
    log_in(english, "boss")
    english.goto("/intelligence/model/")
    assert english.locator("h1").inner_text() == "Model card"
    assert drawn(english, "drift") == 2
