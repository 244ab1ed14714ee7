"""The loans feed of a US lender (profile us-regf), through a real database (SQLite or PostgreSQL):
SSN instead of a resident ID, E.164 phones, addresses with state and ZIP, the zone derived from them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from arrears.feeds import import_loans
from arrears.ledger.identity import IdentityVault
from arrears.ledger.models import Borrower, ContactPoint, Loan
from tests.integration.test_feeds import products, read_rejects  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
COLUMNS = (
    "loan_id borrower_id borrower_name ssn time_zone mobile email address state zip emergency_contact_name "
    "emergency_contact_relation emergency_contact_mobile product principal currency term_months start_date"
).split()


def us_row(number: int, **changes: str) -> dict[str, str]:
    row = {
        "loan_id": f"US{number:04d}",
        "borrower_id": f"UB{number:04d}",
        "borrower_name": f"Jordan Smith {number}",
        "ssn": f"212-45-{number:04d}",
        "time_zone": "",
        "mobile": f"+1212555{number:04d}",
        "email": f"jordan{number}@example.com",
        "address": f"{number} Main Street",
        "state": "NY",
        "zip": "10001",
        "emergency_contact_name": "",
        "emergency_contact_relation": "",
        "emergency_contact_mobile": "",
        "product": "CASH",
        "principal": "5000.00",
        "currency": "",
        "term_months": "12",
        "start_date": "2026-01-31",
    }
    row.update(changes)
    return row


def write(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def us_lender(settings):
    settings.ARREARS_PROFILE = "us-regf"


def test_us_borrowers_land_with_their_ssn_encrypted_phones_in_e164_and_zones_from_their_zip(products, us_lender, tmp_path):  # noqa: F811
    # given US borrowers in three zones, one naming its own zone, one giving only the SSN's last 4
    rows = [
        us_row(1),
        us_row(2, address="500 Lake Shore Dr", state="il", zip="60611-1234", mobile="+1 312 555 0102"),
        us_row(3, address="9 Ocean Ave", state="CA", zip="90401", ssn="0003", mobile="+13105550103"),
        us_row(4, state="TX", zip="79901", address="1 Mesa St", time_zone="America/Chicago"),
    ]
    # when the file is imported under us-regf
    outcome = import_loans(write(tmp_path / "loans.csv", rows))
    # then every row lands, in dollars, with no resident ID column at all
    assert (outcome.landed, outcome.rejected) == (4, 0)
    assert set(Loan.objects.values_list("currency", flat=True)) == {"USD"}
    borrowers = {b.external_id: b for b in Borrower.objects.all()}
    # the zone is the ZIP's where the row names none (El Paso's own is kept as sent), the state recorded
    assert {k: (b.time_zone, b.region) for k, b in borrowers.items()} == {
        "UB0001": ("America/New_York", "NY"),
        "UB0002": ("America/Chicago", "IL"),
        "UB0003": ("America/Los_Angeles", "CA"),
        "UB0004": ("America/Chicago", "TX"),
    }
    # the SSN is encrypted and masked as the resident ID is: the vault reads it back, the mask shows the last 4
    vault = IdentityVault(django_settings.SECRET_KEY)
    assert vault.decrypt(borrowers["UB0001"].national_id_cipher) == "212450001"
    assert borrowers["UB0001"].national_id_digest == vault.digest("212450001")
    assert borrowers["UB0001"].national_id_masked == "***-**-0001"
    assert borrowers["UB0003"].national_id_masked == "***-**-0003"
    # phones are kept in E.164 and addresses as written on an envelope
    points = dict(ContactPoint.objects.filter(borrower__external_id="UB0002").values_list("kind", "value"))
    assert points["mobile"] == "+13125550102"
    assert points["address"] == "500 Lake Shore Dr, IL 60611-1234"


@pytest.mark.parametrize(
    ("changes", "field", "english", "chinese"),
    [
        ({"ssn": ""}, "ssn", "required", "必填"),
        ({"ssn": "123-45"}, "ssn", "9-digit Social Security number", "社会安全号码"),
        ({"ssn": "666-12-3456"}, "ssn", "could have issued", "社会安全号码"),
        ({"mobile": "2125550101"}, "mobile", "E.164", "E.164"),
        ({"mobile": "+1212555"}, "mobile", "not a valid phone number", "电话号码"),
        ({"state": ""}, "state", "needs its state", "州"),
        ({"state": "ZZ"}, "state", "USPS code", "USPS"),
        ({"zip": "1001"}, "zip", "5 digits", "邮编"),
        ({"zip": "90401"}, "zip", "not in the state", "不在所填的州"),
        ({"address": "", "state": "", "zip": ""}, "time_zone", "no time zone", "时区"),
        ({"currency": "XYZ"}, "currency", "ISO 4217", "货币"),
    ],
)
def test_a_bad_us_row_is_refused_with_a_reason_in_both_languages(products, us_lender, tmp_path, changes, field, english, chinese):  # noqa: F811
    # given a file with one good row and one breaking a US rule
    outcome = import_loans(write(tmp_path / "loans.csv", [us_row(1), us_row(2, **changes)]))
    # then the good row lands and the bad one is refused, naming the field, in zh and en
    assert (outcome.landed, outcome.rejected) == (1, 1)
    rejects = [r for r in read_rejects(outcome.rejects_path) if r["row"] == "2"]
    assert rejects[0]["field"] == field, rejects
    assert english in rejects[0]["reason_en"] and chinese in rejects[0]["reason_zh"], rejects
    # and the rejects file never copies the SSN as sent
    assert all(r["ssn"] == "" or r["ssn"].startswith("*") for r in rejects)


def test_a_cn_file_is_still_refused_under_us_regf_for_its_mainland_mobiles(products, us_lender, tmp_path):  # noqa: F811
    # a mainland mobile without + is not E.164: a cn-shaped row cannot slip into a US book
    outcome = import_loans(write(tmp_path / "loans.csv", [us_row(1, mobile="13800001111")]))
    assert outcome.rejected == 1


def test_a_us_lenders_contacts_feed_matches_its_e164_mobiles(products, us_lender, tmp_path):  # noqa: F811
    from arrears import clock
    from arrears.contact.models import ContactAttempt
    from arrears.feeds import import_contacts
    from arrears.feeds.schemas import CONTACTS

    # given a US borrower from the loans feed (mobile +12125550001) and a dialer's file writing it loosely
    import_loans(write(tmp_path / "loans.csv", [us_row(1, start_date="2026-01-31")]))
    rows = [
        {"record_id": "d-1", "source": "dialer-us", "loan_id": "US0001", "channel": "call",
         "contact": "+1 (212) 555-0001", "attempted_at": "2026-03-02T10:00:00-05:00", "outcome": "no_answer"},
        {"record_id": "d-2", "source": "dialer-us", "loan_id": "US0001", "channel": "call",
         "contact": "2125550001", "attempted_at": "2026-03-02T11:00:00-05:00", "outcome": "no_answer"},
    ]
    with clock.set_to(dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC)):
        outcome = import_contacts(write(tmp_path / "contacts.csv", rows, list(CONTACTS.names)))
    # then the E.164 one lands on the borrower's mobile, and the one without + is refused in both languages
    assert (outcome.landed, outcome.rejected) == (1, 1)
    assert ContactAttempt.objects.get().contact_point.value == "+12125550001"
    reject = read_rejects(outcome.rejects_path)[0]
    assert reject["field"] == "contact" and "E.164" in reject["reason_en"] and "E.164" in reject["reason_zh"]
