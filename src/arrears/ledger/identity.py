"""Personal identifiers: PRC resident ID numbers and mobile numbers (no Django here).

A resident ID number (居民身份证号码, GB 11643-1999) is 18 characters: a 6-digit
region code, the birth date as YYYYMMDD, a 3-digit sequence and a check
character computed over the first 17 digits with ISO 7064 MOD 11-2.

    >>> national_id_error("11010519491231002X")
    >>> mask_national_id("11010519491231002X")
    '110105********002X'
    >>> mask_mobile("13812345678")
    '138****5678'

The number itself is never stored in clear: `IdentityVault` encrypts it (Fernet)
for the rare lawful need to read it back, and keys an HMAC digest for exact search.

    vault = IdentityVault(current_secret, fallbacks=[old_secret])   # arrears.secret.vault()
    cipher, digest = vault.encrypt(number), vault.digest(number)

Rotation: a vault made with fallbacks decrypts tokens made under any of its secrets, and
`rotated` says what a stored (cipher, digest) pair becomes under the current one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence
from enum import StrEnum

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NationalId = str
"""An 18-character resident ID number, check character upper-case."""

Mobile = str
"""A mainland China mobile number, 11 digits."""

NATIONAL_ID_LENGTH = 18
CHECK_WEIGHTS: tuple[int, ...] = tuple(2 ** (17 - position) % 11 for position in range(17))
CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)
EARLIEST_BIRTH_YEAR = 1900
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d also matches full-width ones
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


class IdentityError(StrEnum):
    """Why a value is not a usable identifier; each code has a bilingual message in MESSAGES."""

    ID_LENGTH = "id_length"
    ID_CHARACTERS = "id_characters"
    ID_BIRTH_DATE = "id_birth_date"
    ID_CHECK_DIGIT = "id_check_digit"
    MOBILE_FORMAT = "mobile_format"


MESSAGES: dict[IdentityError, tuple[str, str]] = {
    IdentityError.ID_LENGTH: ("身份证号码应为 18 位", "a resident ID number has 18 characters"),
    IdentityError.ID_CHARACTERS: (
        "身份证号码前 17 位应为数字，末位为数字或 X",
        "a resident ID number is 17 digits followed by a digit or X",
    ),
    IdentityError.ID_BIRTH_DATE: (
        "身份证号码中的出生日期无效",
        "the birth date inside the resident ID number is not a valid date",
    ),
    IdentityError.ID_CHECK_DIGIT: (
        "身份证号码校验位不符（GB 11643）",
        "the resident ID number's check character is wrong (GB 11643)",
    ),
    IdentityError.MOBILE_FORMAT: (
        "手机号码应为 11 位，以 13–19 开头",
        "a mobile number has 11 digits and starts with 13 to 19",
    ),
}


def normalise_national_id(value: str) -> NationalId:
    """Surrounding blanks removed and a lower-case check character `x` raised to `X`."""
    return value.strip().upper()


def check_character(first_17_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def birth_date(number: NationalId) -> dt.date | None:
    """The birth date written in a well-shaped ID number, or None when it is not a calendar date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def national_id_error(value: str, *, today: dt.date | None = None) -> IdentityError | None:
    """None when `value` is a valid resident ID number, else why not.

    The birth date must be a calendar date from 1900 up to `today` (default: the
    machine's date).
    """
    number = normalise_national_id(value)
    if len(number) != NATIONAL_ID_LENGTH:
        return IdentityError.ID_LENGTH
    if not _ID_SHAPE.fullmatch(number):
        return IdentityError.ID_CHARACTERS
    born = birth_date(number)
    latest = today or dt.date.today()
    if born is None or born.year < EARLIEST_BIRTH_YEAR or born > latest:
        return IdentityError.ID_BIRTH_DATE
    if check_character(number[:17]) != number[17]:
        return IdentityError.ID_CHECK_DIGIT
    return None


def mask_national_id(number: NationalId) -> str:
    """The first 6 and last 4 characters shown, the 8 between starred: 110105********002X."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mobile_error(value: str) -> IdentityError | None:
    """None when `value` is a mainland mobile number (1[3-9] and 9 more digits), else why not."""
    return None if MOBILE_PATTERN.fullmatch(value.strip()) else IdentityError.MOBILE_FORMAT


def mask_mobile(number: Mobile) -> str:
    """The first 3 and last 4 digits shown: 138****5678."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


class IdentityVault:
    """Encrypts identifiers and digests them for exact search, with keys derived from one secret.

    The encryption key and the digest key are derived separately (HKDF-SHA256 with
    distinct labels), so the digest reveals nothing about the encryption key. The
    digest is deterministic for a given secret: changing the secret means
    re-digesting every stored number (`rotated`, run by `arrears secrets rotate`).

    `fallbacks` are earlier secrets: tokens made under them still decrypt, and nothing new
    is made under them.
    """

    def __init__(self, secret: str | bytes, *, fallbacks: Sequence[str | bytes] = ()) -> None:
        keys = [_material(key) for key in (secret, *fallbacks)]
        if not all(keys):
            raise ValueError("IdentityVault needs non-empty secrets")
        self._keys = tuple(keys)
        self._current = _fernet(keys[0])
        self._any = MultiFernet([self._current, *(_fernet(key) for key in keys[1:])])
        self._digest_key = _derive(keys[0], b"arrears identity digest")

    def __repr__(self) -> str:
        return "IdentityVault(<secret hidden>)"

    def __reduce__(self):
        """Made again from its secrets in a worker process (Fernet objects themselves do not pickle)."""
        return _vault_from, (self._keys,)

    def encrypt(self, value: str) -> str:
        """A Fernet token (text); a fresh one on every call, as Fernet uses a random IV."""
        return self._current.encrypt(value.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The value of a token made under the current secret or any fallback."""
        return self._any.decrypt(token.encode("ascii")).decode()

    def digest(self, value: str) -> str:
        """HMAC-SHA256 as 64 hex characters, the same for the same value: for exact search."""
        return hmac.digest(self._digest_key, value.encode(), hashlib.sha256).hex()

    def is_current(self, token: str) -> bool:
        """Whether the token was made under the current secret (nothing to rotate)."""
        try:
            self._current.decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def rotated(self, token: str, digest: str) -> tuple[str, str] | None:
        """The (token, digest) pair under the current secret, or None when both already are:
        running it twice changes nothing the second time."""
        value = self.decrypt(token)
        new_digest = self.digest(value)
        if self.is_current(token):
            return None if new_digest == digest else (token, new_digest)
        return self.encrypt(value), new_digest


def _vault_from(keys: tuple[bytes, ...]) -> IdentityVault:
    return IdentityVault(keys[0], fallbacks=keys[1:])


def _material(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def _fernet(material: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(material, b"arrears identity encryption")))


def _derive(material: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(material)
