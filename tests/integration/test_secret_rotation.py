"""Key rotation: what was encrypted or signed under an old secret stays usable under the new one
while the old one is a fallback, and `arrears secrets rotate` moves stored values to the new one."""

from __future__ import annotations

import pytest
from django.test import override_settings

from arrears.cli import main
from arrears.contact.models import ChannelOptOut
from arrears.ledger.identity import IdentityVault
from arrears.ledger.models import Borrower, ContactPoint
from arrears.outbox.content import unsubscribe_token
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)
OLD = "the-old-secret-of-this-site-0f9e8d7c6b5a4938271605"
NEW = "the-new-secret-of-this-site-a1b2c3d4e5f60718293a4b"
NUMBERS = ("11010519491231002X", "110105194912310036")


def test_rotate_re_encrypts_under_the_new_secret_once_and_for_all(capsys):
    # given borrowers whose national IDs were stored under the old secret
    old = IdentityVault(OLD)
    for index, number in enumerate(NUMBERS):
        with override_settings(SECRET_KEY=OLD):
            loan = make_loan(f"L-ROT{index}")
        Borrower.objects.filter(pk=loan.borrower_id).update(
            national_id_cipher=old.encrypt(number), national_id_digest=old.digest(number)
        )
    # when the secret changes, the old one kept as a fallback, and the values are rotated
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert main(["secrets", "rotate"]) == 0
        assert f"{len(NUMBERS)} moved" in capsys.readouterr().out
        # then a second run finds nothing left to move
        assert main(["secrets", "rotate"]) == 0
        assert "0 moved" in capsys.readouterr().out
    # and the new secret alone reads every number and finds it by its digest
    new = IdentityVault(NEW)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        for number in NUMBERS:
            borrower = Borrower.objects.get(national_id_digest=new.digest(number))
            assert new.decrypt(borrower.national_id_cipher) == number


def test_rotate_moves_names_and_contact_values_and_they_are_found_by_the_new_digest(capsys):
    # given a borrower, a mobile and an emergency contact sealed under the old secret
    with override_settings(SECRET_KEY=OLD):
        loan = make_loan("L-ROT-PII")
        Borrower.objects.filter(pk=loan.borrower_id).update(name="王小明", national_id_cipher="")
        ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13812345678")
        ContactPoint.objects.create(borrower=loan.borrower, kind="mobile", value="13987654321", owner="third_party",
                                    relation="spouse", owner_name="李丽")
    # when the secret changes and the stored values are rotated
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert main(["secrets", "rotate"]) == 0
        out = capsys.readouterr().out
        assert "borrower names" in out and "contact values" in out and "contact owners' names" in out
        assert main(["secrets", "rotate"]) == 0
        second = capsys.readouterr().out
        assert "moved" in second and all(line.endswith(" 0 moved to the current secret")
                                         for line in second.splitlines() if "examined" in line)
    # then the new secret alone opens them and finds them by value (through their new digests)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        borrower = Borrower.objects.get(name="王小明")
        assert borrower.pk == loan.borrower_id
        assert ContactPoint.objects.get(kind="mobile", value="+86 138 1234 5678").borrower_id == borrower.pk
        spouse = ContactPoint.objects.get(kind="mobile", value="13987654321")
        assert spouse.owner_name == "李丽"
        assert ContactPoint.objects.filter(owner_name="李丽").count() == 1


def test_rotate_without_the_old_secret_says_which_one_is_missing(capsys):
    with override_settings(SECRET_KEY=OLD):
        loan = make_loan("L-ROTX")
    Borrower.objects.filter(pk=loan.borrower_id).update(national_id_cipher=IdentityVault(OLD).encrypt(NUMBERS[0]))
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        assert main(["secrets", "rotate"]) == 1
    error = capsys.readouterr().err
    assert "ARREARS_SECRET_FALLBACKS" in error and "旧密钥" in error and "Traceback" not in error


def test_an_unsubscribe_link_signed_under_the_old_secret_works_while_it_is_a_fallback(client):
    with override_settings(SECRET_KEY=OLD):
        loan = make_loan("L-UNSUB-ROT")
        email = ContactPoint.objects.create(borrower=loan.borrower, kind="email", value="r@example.org")
        path = f"/outbox/unsubscribe/{unsubscribe_token(email.pk, 'email')}/"
    # without the fallback the old link is refused
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 400
    # with it, it still opts the address out
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ChannelOptOut.objects.filter(contact_point=email, channel="email").exists()


def test_a_visit_code_digested_under_the_old_secret_still_matches_under_the_fallback():
    from arrears.visits import codes, services

    with override_settings(SECRET_KEY=OLD):
        stored = codes.code_digest("ABCD-EFGH", key=services._code_key())
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert stored in services._code_digests("ABCDEFGH")
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        assert stored not in services._code_digests("ABCDEFGH")


def test_an_import_waits_until_names_and_contact_values_are_rotated(tmp_path, capsys):
    from arrears.errors import ConfigurationError
    from arrears.feeds import import_loans
    from arrears.ledger.catalogue import read_catalogue, save_catalogue
    from tests.integration.test_feeds import LOAN_COLUMNS, loan_row, write_csv

    save_catalogue(read_catalogue())
    loans = write_csv(tmp_path / "loans.csv", [loan_row(1)], LOAN_COLUMNS)
    with override_settings(SECRET_KEY=OLD):
        assert import_loans(loans).landed == 1
    points = ContactPoint.objects.count
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        # the points' digests are still the old secret's: the file's points would all look new
        with pytest.raises(ConfigurationError) as refused:
            import_loans(loans)
        assert "arrears secrets rotate" in refused.value.en and "arrears secrets rotate" in refused.value.zh
        held = points()
        assert main(["secrets", "rotate"]) == 0
        again = import_loans(loans)
        assert (again.landed, again.updated, points()) == (0, 0, held)
