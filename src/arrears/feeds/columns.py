"""Column-wise helpers the feed rules are written with: masks are numpy booleans (no Django here).

Each helper takes an Arrow array of text (trimmed, empty for missing) and answers
for every row at once; nothing here loops over rows in Python.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

YUAN_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
"""Plain digits with at most two decimals: no sign, no thousands separator, no exponent."""
ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_TIME = (
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,9}))?)?"
)
ISO_INSTANT_PATTERN = _DATE_TIME + r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)$"
"""An ISO 8601 date and time with its offset from UTC: `2026-03-01T14:05:00+08:00`, `…T06:05Z`."""
ZONELESS_PATTERN = _DATE_TIME + "$"
"""The same without an offset: a wall-clock time that names no instant."""
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_EPOCH = dt.date(1970, 1, 1)


def text(table: pa.Table, name: str) -> pa.Array:
    """A column with surrounding blanks removed and nulls as empty text."""
    column = table.column(name).combine_chunks()
    return pc.fill_null(pc.utf8_trim_whitespace(column), "")


def to_numpy(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as numpy, null read as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def present(values: pa.Array) -> np.ndarray:
    return to_numpy(pc.not_equal(values, ""))


def matches(values: pa.Array, pattern: str) -> np.ndarray:
    return to_numpy(pc.match_substring_regex(values, pattern))


def longer_than(values: pa.Array, limit: int) -> np.ndarray:
    return to_numpy(pc.greater(pc.utf8_length(values), limit))


def one_of(values: pa.Array, allowed: list[str] | tuple[str, ...] | frozenset[str] | set[str]) -> np.ndarray:
    return to_numpy(pc.is_in(values, value_set=pa.array(sorted(allowed), pa.string())))


def yuan_to_fen(values: pa.Array, shaped: np.ndarray) -> np.ndarray:
    """Fen (int64) of the rows where `shaped` (they match YUAN_PATTERN); 0 elsewhere. Exact: via decimal."""
    safe = pc.if_else(pa.array(shaped), values, "0")
    amounts = pc.cast(safe, pa.decimal128(16, 2))
    return pc.cast(pc.multiply(amounts, pa.scalar(100, pa.int64())), pa.int64()).to_numpy()


def whole_numbers(values: pa.Array, shaped: np.ndarray) -> np.ndarray:
    """int64 of the rows where `shaped` (they are plain digits that fit); 0 elsewhere."""
    safe = pc.if_else(pa.array(shaped), values, "0")
    return pc.cast(safe, pa.int64()).to_numpy()


def calendar_dates(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(valid, days since 1970-01-01) for year/month/day triples; 29 February only in leap years."""
    month_ok = (months >= 1) & (months <= 12)
    safe_months = np.where(month_ok, months, 1)
    leap = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
    longest = _DAYS_IN_MONTH[safe_months - 1] + ((safe_months == 2) & leap)
    valid = month_ok & (days >= 1) & (days <= longest)
    safe_years = np.where(valid, years, 1970)
    safe_days = np.where(valid, days, 1)
    month_index = ((safe_years - 1970) * 12 + (safe_months - 1)).astype("datetime64[M]")
    epoch_days = (month_index.astype("datetime64[D]") + (safe_days - 1)).astype(np.int64)
    return valid, epoch_days


def iso_dates(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(valid, days since 1970-01-01) of YYYY-MM-DD text between EARLIEST_DATE and LATEST_DATE."""
    shaped = matches(values, ISO_DATE_PATTERN)
    safe = pc.if_else(pa.array(shaped), values, "1970-01-01")
    years = _digits(safe, 0, 4)
    months = _digits(safe, 5, 7)
    days = _digits(safe, 8, 10)
    valid, epoch_days = calendar_dates(years, months, days)
    valid &= shaped & (epoch_days >= epoch_day(EARLIEST_DATE)) & (epoch_days <= epoch_day(LATEST_DATE))
    return valid, epoch_days


def iso_instants(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(valid, microseconds since 1970-01-01T00:00Z) of ISO_INSTANT_PATTERN text; the date as in
    `iso_dates`, the time a real one (no leap second), the offset at most 14 hours. Digits beyond
    the microsecond are dropped."""
    shaped = matches(values, ISO_INSTANT_PATTERN)
    safe = pc.if_else(pa.array(shaped), values, "1970-01-01T00:00Z")
    parts = pc.extract_regex(safe, ISO_INSTANT_PATTERN)
    day_ok, days = iso_dates(parts.field("date"))
    hour, minute = _whole(parts.field("hour")), _whole(parts.field("minute"))
    second = _whole(parts.field("second"))
    micros = _whole(pc.utf8_slice_codeunits(pc.utf8_rpad(parts.field("fraction"), 6, "0"), 0, 6))
    zone = pc.replace_substring(pc.if_else(pc.equal(parts.field("zone"), "Z"), "+00:00", parts.field("zone")), ":", "")
    sign = np.where(to_numpy(pc.starts_with(zone, "-")), -1, 1)
    offset_hours = _digits(zone, 1, 3)
    offset_minutes = _whole(pc.utf8_slice_codeunits(zone, 3, 5))
    valid = shaped & day_ok & (hour <= 23) & (minute <= 59) & (second <= 59) & (offset_hours <= 14)
    valid &= offset_minutes <= 59
    seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - sign * (offset_hours * 3_600 + offset_minutes * 60)
    return valid, np.where(valid, seconds * 1_000_000 + micros, 0)


def as_instants(epoch_micros: np.ndarray) -> pa.Array:
    return pa.array(epoch_micros.astype(np.int64), pa.timestamp("us", tz="UTC"))


def local_days(instants: pa.Array, zone: str) -> np.ndarray:
    """Days since 1970-01-01 of each instant's date on the wall clock of the IANA `zone`."""
    local = pc.local_timestamp(instants.cast(pa.timestamp("us", tz=zone)))
    return pc.cast(local, pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)


def instants_as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """UTC instants as 'YYYY-MM-DD HH:MM:SS', with '.ffffff' only when there is a fraction: the
    text Django keeps an aware datetime as in SQLite, so the two compare equal as text."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    micros = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
    seconds, fraction = np.divmod(micros, 1_000_000)
    whole = pc.strftime(pa.array(seconds, pa.timestamp("s", tz="UTC")), format="%Y-%m-%d %H:%M:%S")
    digits = pc.utf8_lpad(pc.cast(pa.array(fraction), pa.string()), 6, "0")
    with_fraction = pc.binary_join_element_wise(whole, ".", digits, "")
    text = pc.if_else(pa.array(fraction != 0), with_fraction, whole)
    return pc.if_else(pc.is_valid(values), text, pa.scalar(None, pa.string()))


def compact_dates(values: pa.Array, start: int) -> tuple[np.ndarray, np.ndarray]:
    """(valid, days since 1970-01-01) of the YYYYMMDD written at `start` in text of ASCII digits."""
    valid, epoch_days = calendar_dates(
        _digits(values, start, start + 4), _digits(values, start + 4, start + 6), _digits(values, start + 6, start + 8)
    )
    return valid, epoch_days


def epoch_day(day: dt.date) -> int:
    return (day - _EPOCH).days


def as_dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(epoch_days.astype(np.int32), pa.int32()).cast(pa.date32())


def first_positions(keys: pa.Array) -> np.ndarray:
    """For each row, the position of the first row with the same key (nulls: -1).

    Dictionary encoding numbers the keys in order of first appearance, so a row is the
    first of its key exactly when its number exceeds every number before it.
    """
    codes = pc.fill_null(pc.dictionary_encode(keys).indices, -1).to_numpy().astype(np.int64)
    if len(codes) == 0:
        return codes
    highest_before = np.concatenate([[-1], np.maximum.accumulate(codes)[:-1]])
    first_of_code = np.flatnonzero(codes > highest_before)
    if len(first_of_code) == 0:  # every key is null
        return np.full(len(codes), -1, dtype=np.int64)
    return np.where(codes >= 0, first_of_code[np.maximum(codes, 0)], -1)


def fixed_width_bytes(values: pa.Array, width: int) -> np.ndarray:
    """The bytes of text values that are all exactly `width` bytes long, as an (n, width) uint8 matrix."""
    values = pc.cast(values, pa.string())
    if len(values) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    offsets = np.frombuffer(values.buffers()[1], np.int32)[values.offset : values.offset + len(values) + 1]
    data = np.frombuffer(values.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(len(values), width)


def row_fingerprints(columns: list[pa.Array]) -> pa.Array:
    """The row's values joined with a separator no feed value contains, to compare whole rows."""
    return pc.binary_join_element_wise(*columns, "\x1f")


def dates_as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Dates as 'YYYY-MM-DD'. A feed has few distinct dates among many rows, so each distinct
    date is formatted once and looked up: an order of magnitude faster than formatting every row."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    distinct = pc.unique(values)
    return pc.strftime(distinct, format="%Y-%m-%d").take(pc.index_in(values, value_set=distinct))


def text_as_dates(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """'YYYY-MM-DD' text as date32, parsing each distinct text once."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    distinct = pc.unique(values)
    parsed = pc.cast(pc.strptime(distinct, format="%Y-%m-%d", unit="s"), pa.date32())
    return parsed.take(pc.index_in(values, value_set=distinct))


def _digits(values: pa.Array, start: int, stop: int) -> np.ndarray:
    return pc.cast(pc.utf8_slice_codeunits(values, start, stop), pa.int64()).to_numpy()


def _whole(values: pa.Array) -> np.ndarray:
    """Digits as int64, empty text as 0."""
    return pc.cast(pc.if_else(pc.equal(values, ""), "0", values), pa.int64()).to_numpy()
