"""Resident ID numbers and mobile numbers for whole columns of synthetic people.

Every ID number is well formed by GB 11643-1999: a county region code, the birth date, a
sequence number whose parity gives the sex (odd for men), and the MOD 11-2 check character.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from arrears.ledger.identity import CHECK_CHARACTERS, CHECK_WEIGHTS
from arrears.simulate.text import ascii_digits, fixed_width_text

MOBILE_PREFIXES: tuple[int, ...] = (
    *range(130, 140),
    145, 147, 149,
    150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 167,
    172, 173, 175, 176, 177, 178,
    *range(180, 190),
    191, 193, 195, 196, 197, 198, 199,
)  # fmt: skip
"""Mainland mobile number segments in use (China Mobile, Unicom, Telecom, Broadnet)."""

_ZERO = ord("0")
_WEIGHTS = np.array(CHECK_WEIGHTS, dtype=np.int64)
_CHECK_ASCII = np.frombuffer(CHECK_CHARACTERS.encode("ascii"), dtype=np.uint8)


def national_ids(region_codes: np.ndarray, birth_days: np.ndarray, male: np.ndarray, rng: np.random.Generator) -> pa.StringArray:
    """18-character resident ID numbers.

    region_codes: six-digit county codes; birth_days: days since 1970-01-01; male: bool.
    """
    birth = np.asarray(birth_days, dtype="datetime64[D]")
    month_start = birth.astype("datetime64[M]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    day = (birth - month_start).astype(np.int64) + 1
    birth_number = year * 10_000 + month * 100 + day
    # The sequence tells apart people of one county born on one day; its last digit is odd for men.
    sequence = rng.integers(0, 500, size=male.size) * 2 + male.astype(np.int64)
    first_17 = np.concatenate(
        [
            ascii_digits(np.asarray(region_codes, dtype=np.int64), 6),
            ascii_digits(birth_number, 8),
            ascii_digits(sequence, 3),
        ],
        axis=1,
    )
    check = _CHECK_ASCII[((first_17.astype(np.int64) - _ZERO) @ _WEIGHTS) % 11]
    return fixed_width_text(np.concatenate([first_17, check[:, None]], axis=1))


def mobile_numbers(rng: np.random.Generator, size: int) -> np.ndarray:
    """11-digit mobile numbers as int64 (format with `mobile_text`)."""
    prefixes = np.array(MOBILE_PREFIXES, dtype=np.int64)
    return prefixes[rng.integers(0, prefixes.size, size=size)] * 10**8 + rng.integers(0, 10**8, size=size)


def different_mobile_numbers(rng: np.random.Generator, others: np.ndarray) -> np.ndarray:
    """Mobile numbers none of which equals the number in the same place of `others`."""
    numbers = mobile_numbers(rng, others.size)
    same = numbers == others
    # Changing the last digit keeps the segment valid and makes the two differ.
    numbers[same] = numbers[same] - numbers[same] % 10 + (numbers[same] % 10 + 1) % 10
    return numbers


def mobile_text(numbers: np.ndarray) -> pa.StringArray:
    return fixed_width_text(ascii_digits(numbers, 11))
