"""A small loan book for the page tests: six loans, their states on two days 30 days apart.

    bucket on 2026-03-31 → 2026-04-30        status on 2026-04-30
    L-1001  M1 → M2   (roll forward)         delinquent   balance ¥10,000.00  overdue principal ¥2,000.00
    L-1002  M0 → M0   (stay)                 current      balance  ¥5,000.00
    L-1003  M0 → M1   (roll forward)         delinquent   balance  ¥3,000.00  overdue principal   ¥500.00
    L-1004  M1 → M0   (cure)                 cured        balance  ¥2,500.00
    L-1005  M1 → M1   (stay)                 delinquent   balance  ¥4,000.00  overdue principal   ¥800.00
    L-1006  M1 → M2   (roll forward)         delinquent   balance  ¥6,000.00  overdue principal ¥1,500.00
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from arrears.cases.models import CaseEvent, CollectionCase
from arrears.cycle.models import AccountState, AccountStateHistory, CycleRun
from arrears.ledger.models import Borrower, ContactPoint, Instalment, Loan, Payment, Product

START = dt.date(2026, 3, 31)
END = dt.date(2026, 4, 30)
LOAN_START = dt.date(2026, 1, 10)
INSTALMENT_PRINCIPAL = 100_000
INSTALMENT_INTEREST = 18_000


@dataclass(frozen=True)
class Book:
    product: Product
    borrowers: dict[str, Borrower]
    loans: dict[str, Loan]
    payments: dict[str, Payment]


STATES = {
    # loan: (bucket then, bucket now, days past due now, status now, balance, overdue principal, borrower)
    "L-1001": ("M1", "M2", 45, "delinquent", 1_000_000, 200_000, "B-0001"),
    "L-1002": ("M0", "M0", 0, "current", 500_000, 0, "B-0002"),
    "L-1003": ("M0", "M1", 12, "delinquent", 300_000, 50_000, "B-0003"),
    "L-1004": ("M1", "M0", 0, "cured", 250_000, 0, "B-0001"),
    "L-1005": ("M1", "M1", 25, "delinquent", 400_000, 80_000, "B-0003"),
    "L-1006": ("M1", "M2", 50, "delinquent", 600_000, 150_000, "B-0002"),
}


def _state_fields(as_of: dt.date, bucket: str, dpd: int, status: str, balance: int, overdue: int) -> dict:
    return {
        "as_of": as_of,
        "days_past_due": dpd,
        "bucket": bucket,
        "status": status,
        "overdue_principal": overdue,
        "overdue_interest": overdue // 10,
        "fee_outstanding": 0,
        "penalty_outstanding": 0,
        "principal_outstanding": balance - overdue // 10,
        "balance": balance,
        "credit": 0,
        "penalty_charged": 0,
        "fee_charged": 0,
        "charges_withheld": 0,
        "paid_total": 118_000,
    }


def _due_date(seq: int) -> dt.date:
    month = LOAN_START.month + seq - 1
    return LOAN_START.replace(year=LOAN_START.year + (month - 1) // 12, month=(month - 1) % 12 + 1)


@pytest.fixture
def book(db) -> Book:
    product = Product.objects.create(
        code="CASH12",
        name_zh="现金贷12期",
        name_en="Cash loan 12 months",
        repayment_method="annuity",
        annual_rate_bp=1800,
        penalty_rate_bp=2400,
        late_fee=5_000,
        grace_days=3,
    )
    borrowers = {
        "B-0001": Borrower.objects.create(
            external_id="B-0001",
            name="张伟",
            national_id_cipher="cipher-1",
            national_id_digest="digest-1",
            national_id_masked="110105********123X",
        ),
        "B-0002": Borrower.objects.create(
            external_id="B-0002",
            name="李娜",
            national_id_cipher="cipher-2",
            national_id_digest="digest-2",
            national_id_masked="320102********5678",
            time_zone="Asia/Urumqi",
        ),
        "B-0003": Borrower.objects.create(
            external_id="B-0003",
            name="王芳",
            national_id_cipher="cipher-3",
            national_id_digest="digest-3",
            national_id_masked="440106********0021",
        ),
    }
    zhang = borrowers["B-0001"]
    ContactPoint.objects.create(borrower=zhang, kind="mobile", value="13812345678", verified=True)
    ContactPoint.objects.create(borrower=zhang, kind="email", value="zhangwei@example.com")
    ContactPoint.objects.create(
        borrower=zhang,
        kind="mobile",
        value="13987654321",
        owner="third_party",
        relation="parent",
        owner_name="张母",
        consent=False,
        do_not_contact=True,
    )
    loans = {}
    for external_id, (then, now, dpd, status, balance, overdue, borrower_id) in STATES.items():
        loan = Loan.objects.create(
            external_id=external_id,
            borrower=borrowers[borrower_id],
            product=product,
            principal=12 * INSTALMENT_PRINCIPAL,
            term_months=12,
            start_date=LOAN_START,
        )
        Instalment.objects.bulk_create(
            Instalment(
                loan=loan,
                seq=seq,
                due_date=_due_date(seq + 1),
                principal=INSTALMENT_PRINCIPAL,
                interest=INSTALMENT_INTEREST,
            )
            for seq in range(1, 13)
        )
        AccountState.objects.create(loan=loan, **_state_fields(END, now, dpd, status, balance, overdue))
        AccountStateHistory.objects.create(loan=loan, **_state_fields(END, now, dpd, status, balance, overdue))
        then_dpd, then_status = (0, "current") if then == "M0" else (15, "delinquent")
        AccountStateHistory.objects.create(loan=loan, **_state_fields(START, then, then_dpd, then_status, balance, 0))
        loans[external_id] = loan
    first_due = _due_date(2)
    payments = {
        "P-1001-1": Payment.objects.create(
            reference="P-1001-1", loan=loans["L-1001"], amount=118_000, value_date=first_due, channel="bank"
        ),
        "P-1001-2": Payment.objects.create(
            reference="P-1001-2", loan=loans["L-1001"], amount=118_000, value_date=_due_date(3), channel="alipay"
        ),
        "P-1002-1": Payment.objects.create(
            reference="P-1002-1", loan=loans["L-1002"], amount=118_000, value_date=first_due, channel="bank"
        ),
    }
    payments["P-1001-2R"] = Payment.objects.create(
        reference="P-1001-2R",
        loan=loans["L-1001"],
        amount=-118_000,
        value_date=_due_date(3) + dt.timedelta(days=2),
        channel="alipay",
        reverses=payments["P-1001-2"],
    )
    CollectionCase.objects.create(loan=loans["L-1001"], opened_on=dt.date(2026, 3, 17))
    CaseEvent.objects.create(
        loan=loans["L-1001"], on_date=dt.date(2026, 3, 17), kind="opened", days_past_due=1, bucket="M1"
    )
    now = timezone.now()
    CycleRun.objects.create(as_of=START, engine="duckdb", accounts=6, started_at=now, finished_at=now)
    CycleRun.objects.create(as_of=END, engine="duckdb", accounts=6, started_at=now, finished_at=now)
    return Book(product=product, borrowers=borrowers, loans=loans, payments=payments)


@pytest.fixture
def staff(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    return django_user_model.objects.create_user(username="collector1", password="a-long-test-password-1")


@pytest.fixture
def staff_client(client, staff):
    """A browser signed in as a member of staff, in the default language."""
    client.force_login(staff)
    return client


@pytest.fixture
def english_client(staff_client):
    """The same, after choosing English with the language switch."""
    response = staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return staff_client
