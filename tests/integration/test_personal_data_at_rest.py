"""Names, mobiles, emails and addresses are sealed at rest: the database, read around the product,
holds none of them in clear after an import, and the lookups the product needs still find them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from arrears.channels._base import Reply
from arrears.contact.optouts import is_opted_out
from arrears.feeds import import_loans
from arrears.ledger.catalogue import read_catalogue, save_catalogue
from arrears.ledger.models import Borrower, ContactPoint
from arrears.outbox.inbound import apply_reply
from tests.integration.test_feeds import LOAN_COLUMNS, loan_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [loan_row(1), loan_row(2, mobile="13912345678", email="Wang.Li@Example.cn")]
CLEAR = [
    "借款人1", "借款人2", "13800000001", "13912345678", "b1@example.cn", "Wang.Li@Example.cn", "wang.li@example.cn",
    "上海市徐汇区某路1号", "上海市徐汇区某路2号", "联系人1", "联系人2", "13900000001", "13900000002",
]


def _raw_text() -> str:
    """Every row of the two tables as the database holds them (no model field in the way); on
    SQLite, the database file's bytes too."""
    parts = []
    with connection.cursor() as cursor:
        for table in ("ledger_borrower", "ledger_contactpoint"):
            cursor.execute(f"SELECT * FROM {table}")
            parts.extend(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] not in ("", ":memory:"):
        name = str(connection.settings_dict["NAME"])
        if Path(name).exists():
            parts.append(Path(name).read_bytes().decode("utf-8", errors="ignore"))
    return "\n".join(parts)


@pytest.fixture
def imported(tmp_path: Path) -> None:
    save_catalogue(read_catalogue())
    outcome = import_loans(write_csv(tmp_path / "loans.csv", ROWS, LOAN_COLUMNS))
    assert outcome.landed == 2


def test_an_import_leaves_no_name_mobile_email_or_address_in_clear(imported):
    raw = _raw_text()
    assert "gAAAAA" in raw  # the values are there, as tokens
    assert [value for value in CLEAR if value in raw] == []
    # while the product reads them back in clear
    borrower = Borrower.objects.get(external_id="B0002")
    assert borrower.name == "借款人2"
    assert sorted(borrower.contact_points.values_list("kind", "value")) == [
        ("address", "上海市徐汇区某路2号"), ("email", "Wang.Li@Example.cn"), ("mobile", "13900000002"),
        ("mobile", "13912345678"),
    ]
    assert borrower.contact_points.get(owner="third_party").owner_name == "联系人2"


def test_the_same_file_again_finds_every_point_it_holds(imported, tmp_path: Path):
    before = list(ContactPoint.objects.order_by("pk").values_list("pk", "value_digest"))
    again = import_loans(write_csv(tmp_path / "again.csv", ROWS, LOAN_COLUMNS))
    assert (again.landed, again.updated) == (0, 0)
    assert list(ContactPoint.objects.order_by("pk").values_list("pk", "value_digest")) == before


def test_a_stop_reply_finds_the_mobile_it_came_from_and_an_email_whatever_its_case(imported):
    mobile = ContactPoint.objects.get(kind="mobile", value="13912345678")
    assert apply_reply(Reply(provider="smpp", channel="sms", sender="+86 139 1234 5678", text="TD")) == [mobile.pk]
    assert is_opted_out(mobile.pk, "sms")
    email = ContactPoint.objects.get(kind="email", value="wang.li@example.cn")
    assert apply_reply(Reply(provider="smtp", channel="email", sender="WANG.LI@example.cn", text="STOP")) == [email.pk]


def test_a_name_is_found_whole_and_a_sealed_field_refuses_a_partial_search(imported):
    from django.core.exceptions import FieldError

    assert Borrower.objects.get(name="借款人1").external_id == "B0001"
    with pytest.raises(FieldError):
        list(Borrower.objects.filter(name__contains="借款"))
