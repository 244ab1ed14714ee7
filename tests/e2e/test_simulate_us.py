"""A US book: `arrears simulate --profile us-regf` makes US borrowers in dollars, feeds them through
the real loans feed, and a few simulated days and nights under Regulation F break no rule.

Runs on SQLite and PostgreSQL (DATABASE_URL), like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from arrears.cli import main
from arrears.compliance.profiles import load_profile
from arrears.contact.models import ContactAttempt
from arrears.guard.debts import debt_facts
from arrears.ledger.models import Borrower, ContactPoint, FeedImport, Loan, Product
from arrears.simulate import BookOptions, generate_book
from arrears.simulate.us_people import PLACES

pytestmark = pytest.mark.django_db(transaction=True)

LOANS = 120
DAYS = 3
LAST_DAY = dt.date(2026, 11, 27)


def test_a_us_book_has_us_borrowers_across_time_zones_in_dollars():
    book = generate_book(BookOptions(loans=400, seed=5, profile="us-regf")).loans
    assert set(book.column("currency").to_pylist()) == {"USD"}
    assert all(number.startswith("+1") and len(number) == 12 for number in book.column("mobile").to_pylist())
    assert set(book.column("state").to_pylist()) <= {place.state for place in PLACES}
    assert len(set(book.column("zip").to_pylist())) > 10
    assert book.column("national_id").null_count == book.num_rows
    with pytest.raises(Exception) as refused:
        BookOptions(loans=1, seed=1, profile="eu")
    assert "profile" in refused.value.en and refused.value.zh


@pytest.fixture
def simulated(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    settings.ARREARS_PROFILE = "cn"  # the command's --profile puts the lender under us-regf
    path = tmp_path / "report.json"
    code = main([
        "simulate", "--profile", "us-regf", "--days", str(DAYS), "--loans", str(LOANS), "--seed", "13",
        "--last-day", LAST_DAY.isoformat(), "--json", str(path),
    ])
    printed = capsys.readouterr().out
    return code, json.loads(path.read_text(encoding="utf-8")), printed


def test_a_short_us_simulation_goes_through_the_feeds_and_breaks_no_rule(simulated):
    code, report, printed = simulated
    # the book came in through the real loans feed, every row accepted
    loans_runs = FeedImport.objects.filter(kind="loans")
    assert loans_runs.exists() and sum(run.rows_rejected for run in loans_runs) == 0
    assert set(Loan.objects.values_list("currency", flat=True)) == {"USD"}
    # its products are the US catalogue's, in cents with the lender's late fees
    assert dict(Product.objects.values_list("code", "late_fee")) == {"CASH": 1500, "POS": 1000, "BULLET": 0}
    zones = set(Borrower.objects.values_list("time_zone", flat=True))
    assert {"America/New_York", "America/Chicago", "America/Los_Angeles"} <= zones and len(zones) >= 5
    assert not Borrower.objects.exclude(national_id_masked__startswith="***-**-").exists()
    assert all(value.startswith("+1") for value in ContactPoint.objects.filter(kind="mobile").values_list("value", flat=True))
    # and the days and nights ran under Regulation F with no violation
    assert code == 0, printed
    assert report["violations"] == 0 and report["violations_by_rule"] == {}
    assert set(report["blocked_by_rule"]) <= set(load_profile("us-regf").rule_ids)
    assert sum(report["contacts"].values()) > 0
    assert "Traceback" not in printed
    # and the nightly plan sent each debt's validation notice within 5 days of the first contact
    notices = report["validation_notices"]
    assert notices["first_contacts"] > 0 and notices["in_time"] > 0 and notices["late"] == 0, notices
    assert notices["in_time"] + notices["waiting"] == notices["first_contacts"]
    assert "validation notices" in printed
    facts = debt_facts(LAST_DAY)
    sent = [f for f in facts if f.validation_notice_utc is not None]
    assert sent and all(f.validation_notice_utc - f.initial_communication_utc <= dt.timedelta(days=5) for f in sent)
    letters = ContactAttempt.objects.filter(template="written_collection_notice", state__in=("sent", "done"))
    assert letters.count() == len(sent)  # one notice per debt, never planned again once it went


def test_the_us_demo_is_served_in_english_and_dollars(tmp_path, settings, client, capsys):
    # given the demo prepared for a US lender
    settings.VAR_DIR = tmp_path
    settings.ARREARS_PROFILE = "cn"
    assert main(["demo", "--profile", "us-regf", "--loans", "40", "--days", "1", "--no-serve", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Traceback" not in printed
    # when the lead opens the portfolio with no language asked for
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    page = client.get("/").content.decode()
    # then it is in English and in dollars
    assert "Portfolio" in page and "$" in page and "¥" not in page
