"""Whole columns of numbers turned into text at once, for ids, references and yuan amounts.

A million loans make millions of strings; formatting them one by one in Python would dominate
the run, so the digits are laid out in a NumPy character matrix and handed to Arrow as one buffer.

    >>> yuan_text(np.array([1_200_000, 5, 123])).to_pylist()
    ['12000.00', '0.05', '1.23']
    >>> numbered_text("LN", np.array([7]), digits=6).to_pylist()
    ['LN000007']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_ZERO = ord("0")
_DIGIT_PAIRS = np.frombuffer("".join(f"{n:02d}" for n in range(100)).encode(), dtype=np.uint16)


def yuan_text(fen: np.ndarray) -> pa.StringArray:
    """Amounts in fen as yuan with exactly two decimals: 1200000 -> "12000.00"."""
    return _decimal_text(fen, prefix="", min_digits=3, decimal_places=2)


def numbered_text(prefix: str, numbers: np.ndarray, *, digits: int) -> pa.StringArray:
    """`prefix` followed by each number zero-padded to at least `digits` digits."""
    return _decimal_text(numbers, prefix=prefix, min_digits=digits, decimal_places=0)


def plain_number_text(numbers: np.ndarray) -> pa.StringArray:
    """Numbers as text without padding: 7 -> "7"."""
    return _decimal_text(numbers, prefix="", min_digits=1, decimal_places=0)


def digit_text(digits: np.ndarray) -> pa.StringArray:
    """Rows of a (n, width) matrix of single digits (0–9) as strings of `width` characters."""
    return fixed_width_text(digits.astype(np.uint8) + _ZERO)


def fixed_width_text(characters: np.ndarray) -> pa.StringArray:
    """Rows of a (n, width) matrix of ASCII codes as strings of `width` characters."""
    rows, width = characters.shape
    data = np.ascontiguousarray(characters, dtype=np.uint8)
    binary = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), rows, [None, pa.py_buffer(data)])
    return binary.cast(pa.string())


def _decimal_text(values: np.ndarray, *, prefix: str, min_digits: int, decimal_places: int) -> pa.StringArray:
    values = np.asarray(values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise ValueError("only non-negative numbers are formatted here")
    rows = values.size
    width = max(min_digits, len(str(int(values.max()))) if rows else 1)
    digits = ascii_digits(values, width)
    significant = _digit_count(values)
    shown = np.maximum(significant, min_digits)
    keep_digit = np.arange(width)[None, :] >= (width - shown)[:, None]

    prefix_bytes = np.frombuffer(prefix.encode(), dtype=np.uint8)
    parts = [np.broadcast_to(prefix_bytes, (rows, prefix_bytes.size))]
    keeps = [np.ones((rows, prefix_bytes.size), dtype=bool)]
    if decimal_places:
        split = width - decimal_places
        dot = np.full((rows, 1), ord("."), dtype=np.uint8)
        parts += [digits[:, :split], dot, digits[:, split:]]
        keeps += [keep_digit[:, :split], np.ones((rows, 1), dtype=bool), keep_digit[:, split:]]
    else:
        parts.append(digits)
        keeps.append(keep_digit)
    characters = np.concatenate(parts, axis=1)
    keep = np.concatenate(keeps, axis=1)

    data = characters[keep]
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(keep.sum(axis=1), out=offsets[1:])
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def ascii_digits(values: np.ndarray, width: int) -> np.ndarray:
    """A (n, width) matrix of the ASCII digits of each value, zero-padded on the left."""
    # Two digits per pass through a 100-entry table, on unsigned ints: NumPy divides those
    # several times faster than signed ones, and this loop is the hot spot of the whole book.
    pairs = -(-width // 2)
    out = np.empty((values.size, pairs), dtype=np.uint16)
    remaining = values.astype(np.uint64)
    for column in range(pairs - 1, -1, -1):
        remaining, pair = np.divmod(remaining, np.uint64(100))
        out[:, column] = _DIGIT_PAIRS[pair]
    return out.view(np.uint8)[:, 2 * pairs - width :]


def _digit_count(values: np.ndarray) -> np.ndarray:
    """How many decimal digits each non-negative value has (0 has one)."""
    powers = 10 ** np.arange(1, 19, dtype=np.int64)
    return np.searchsorted(powers, values, side="right") + 1
