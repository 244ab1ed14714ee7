"""Resident ID numbers and mobile numbers: validation, masking, encryption, digests."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import InvalidToken
from hypothesis import given
from hypothesis import strategies as st

from arrears.ledger.identity import (
    MESSAGES,
    IdentityError,
    IdentityVault,
    check_character,
    mask_mobile,
    mask_national_id,
    mobile_error,
    national_id_error,
)

TODAY = dt.date(2026, 3, 1)
GB_11643_EXAMPLE = "11010519491231002X"  # the worked example of the standard


def with_check(first_17: str) -> str:
    return first_17 + check_character(first_17)


def test_the_standards_example_is_valid() -> None:
    assert national_id_error(GB_11643_EXAMPLE, today=TODAY) is None


def test_a_lower_case_check_character_is_accepted() -> None:
    assert national_id_error(GB_11643_EXAMPLE.lower(), today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("11010519491231002", IdentityError.ID_LENGTH),
        ("11010519491231002X1", IdentityError.ID_LENGTH),
        ("", IdentityError.ID_LENGTH),
        ("1101051949123100XX", IdentityError.ID_CHARACTERS),
        ("11010519491231002Y", IdentityError.ID_CHARACTERS),
        ("11010519491231002０", IdentityError.ID_CHARACTERS),  # a full-width zero
        ("110105194912310021", IdentityError.ID_CHECK_DIGIT),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(value: str, error: IdentityError) -> None:
    assert national_id_error(value, today=TODAY) == error


@pytest.mark.parametrize(
    "birth",
    ["19491331", "19490230", "20250229", "18991231", "20260302"],
    ids=["month 13", "30 February", "29 February of a common year", "before 1900", "after today"],
)
def test_a_birth_date_that_cannot_be_is_refused(birth: str) -> None:
    assert national_id_error(with_check("110105" + birth + "002"), today=TODAY) == IdentityError.ID_BIRTH_DATE


def test_29_february_of_a_leap_year_is_a_birth_date() -> None:
    assert national_id_error(with_check("110105" + "20000229" + "123"), today=TODAY) is None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_character_fits_any_17_digits(first_17: str) -> None:
    fitting = [c for c in "0123456789X" if check_character(first_17) == c]
    assert len(fitting) == 1


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_every_number_built_by_the_rule_is_valid_and_one_changed_digit_is_not(born: dt.date, sequence: int) -> None:
    first_17 = f"330106{born:%Y%m%d}{sequence:03d}"
    number = with_check(first_17)
    assert national_id_error(number, today=TODAY) is None
    changed = first_17[:16] + str((int(first_17[16]) + 1) % 10)
    assert national_id_error(changed + number[17], today=TODAY) == IdentityError.ID_CHECK_DIGIT


def test_masking_shows_the_first_six_and_last_four() -> None:
    assert mask_national_id(GB_11643_EXAMPLE) == "110105********002X"


@pytest.mark.parametrize("value", ["13812345678", "19912345678", " 15012345678 "])
def test_mainland_mobiles_are_valid(value: str) -> None:
    assert mobile_error(value) is None


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "+8613812345678", "1381234567a", "1381234567８"]
)
def test_other_mobiles_are_refused(value: str) -> None:
    assert mobile_error(value) == IdentityError.MOBILE_FORMAT


def test_mobile_masking_shows_the_first_three_and_last_four() -> None:
    assert mask_mobile("13812345678") == "138****5678"


def test_every_error_has_a_chinese_and_an_english_message() -> None:
    for error in IdentityError:
        zh, en = MESSAGES[error]
        assert any("\u4e00" <= character <= "\u9fff" for character in zh)
        assert en.isascii() and en


def test_encryption_round_trips_and_never_shows_the_number() -> None:
    vault = IdentityVault("a secret")
    token = vault.encrypt(GB_11643_EXAMPLE)
    assert GB_11643_EXAMPLE not in token
    assert vault.decrypt(token) == GB_11643_EXAMPLE
    assert vault.encrypt(GB_11643_EXAMPLE) != token  # a fresh IV each time


def test_another_secret_cannot_decrypt() -> None:
    token = IdentityVault("a secret").encrypt(GB_11643_EXAMPLE)
    with pytest.raises(InvalidToken):
        IdentityVault("another secret").decrypt(token)


def test_the_digest_is_stable_per_secret_and_keyed() -> None:
    vault = IdentityVault("a secret")
    digest = vault.digest(GB_11643_EXAMPLE)
    assert digest == IdentityVault("a secret").digest(GB_11643_EXAMPLE)
    assert len(digest) == 64 and GB_11643_EXAMPLE not in digest
    assert digest != IdentityVault("another secret").digest(GB_11643_EXAMPLE)
    assert digest != vault.digest("110105194912310036")


def test_the_vault_hides_its_secret_and_refuses_an_empty_one() -> None:
    assert "secret" not in repr(IdentityVault("a secret")).replace("<secret hidden>", "")
    with pytest.raises(ValueError):
        IdentityVault("")


def test_a_vault_with_the_old_secret_as_fallback_reads_old_tokens_and_rotates_them_once() -> None:
    # given a number encrypted and digested under the old secret
    old = IdentityVault("the old secret")
    token, digest = old.encrypt(GB_11643_EXAMPLE), old.digest(GB_11643_EXAMPLE)
    # when the secret changes and the old one is kept as a fallback
    vault = IdentityVault("the new secret", fallbacks=["the old secret"])
    assert vault.decrypt(token) == GB_11643_EXAMPLE and not vault.is_current(token)
    # then rotating gives a token the new secret alone reads, and the new digest
    new_token, new_digest = vault.rotated(token, digest)
    assert IdentityVault("the new secret").decrypt(new_token) == GB_11643_EXAMPLE
    assert new_digest == IdentityVault("the new secret").digest(GB_11643_EXAMPLE) != digest
    # and a second rotation changes nothing
    assert vault.rotated(new_token, new_digest) is None
    # while without the fallback the old token is unreadable
    with pytest.raises(InvalidToken):
        IdentityVault("the new secret").decrypt(token)
