"""What every feed's rules share: the problems found, the rejects table, repeats within a file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.schemas import FeedSchema

REJECT_COLUMNS = ("row", "field", "reason_zh", "reason_en")

Found = list[tuple[np.ndarray, str, "str | pa.Array", "str | pa.Array"]]
"""Problems as found: (rows, field, reason_zh, reason_en); a reason is one text or one per row."""


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of a set of rules over a feed.

    rows: accepted rows, with `row` and the typed columns.
    rejects: one line per problem: row, field, reason_zh, reason_en.
    repeats: rows skipped because an identical row came earlier in the file or is already recorded.
    """

    rows: pa.Table
    rejects: pa.Table
    repeats: int = 0

    @property
    def rejected_rows(self) -> int:
        return len(pc.unique(self.rejects.column("row"))) if self.rejects.num_rows else 0


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """The IANA names this machine's time-zone database knows (tzdata ships with the package)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


class Problems:
    """Problems found so far, per row and field; a field keeps its first problem only."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.rejected = np.zeros(len(rows), dtype=bool)
        self._failed: dict[str, np.ndarray] = {}
        self.found: Found = []

    def refuse(self, mask: np.ndarray, field: str, zh: str, en: str) -> None:
        failed = self._failed.setdefault(field, np.zeros(len(self.rows), dtype=bool))
        new = mask & ~failed
        if new.any():
            failed |= new
            self.rejected |= new
            self.found.append((self.rows[new], field, zh, en))

    def require(self, values: pa.Array, field: str) -> np.ndarray:
        """Refuse empty values; answer which rows have one."""
        given = col.present(values)
        self.refuse(~given, field, "必填字段为空", "required field is empty")
        return given

    def limit(self, values: pa.Array, field: str, max_length: int | None) -> None:
        if max_length is not None:
            self.refuse(
                col.longer_than(values, max_length),
                field,
                f"不得超过 {max_length} 个字符",
                f"at most {max_length} characters",
            )

    def table(self) -> pa.Table:
        return rejects_table(self.found)


def rejects_table(found: Found) -> pa.Table:
    """Problems as a table sorted by row, in the order the rules found them within a row."""
    parts = [
        pa.table(
            {
                "row": pa.array(rows, pa.int64()),
                "field": pa.array([field] * len(rows), pa.string()),
                "reason_zh": _per_row(zh, len(rows)),
                "reason_en": _per_row(en, len(rows)),
            }
        )
        for rows, field, zh, en in found
    ]
    if not parts:
        empty = {name: pa.array([], pa.string()) for name in REJECT_COLUMNS[1:]}
        return pa.table({"row": pa.array([], pa.int64()), **empty})
    table = pa.concat_tables(parts)
    return table.take(pc.sort_indices(table, sort_keys=[("row", "ascending")]))  # a stable sort


def _per_row(reason: str | pa.Array, count: int) -> pa.Array:
    return pa.array([reason] * count, pa.string()) if isinstance(reason, str) else reason


def numbered(raw: pa.Table) -> np.ndarray:
    return np.arange(1, raw.num_rows + 1, dtype=np.int64)


def cleaned(raw: pa.Table, schema: FeedSchema) -> dict[str, pa.Array]:
    return {name: col.text(raw, name) for name in schema.names}


def check_lengths(values: dict[str, pa.Array], problems: Problems, schema: FeedSchema) -> None:
    for column in schema.columns:
        problems.limit(values[column.name], column.name, column.max_length)


def check_filled(values: dict[str, pa.Array], problems: Problems, schema: FeedSchema) -> None:
    """Every feed's first rules: required columns filled, no value longer than its column allows."""
    for name in schema.required:
        problems.require(values[name], name)
    check_lengths(values, problems, schema)


def check_date(values: pa.Array, name: str, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """A `YYYY-MM-DD` column: which rows hold a real date, and their epoch days (see columns.iso_dates)."""
    ok, days = col.iso_dates(values)
    problems.refuse(
        col.present(values) & ~ok,
        name,
        "应为 1900–2999 年间的有效日期，格式 YYYY-MM-DD",
        "must be a real date from 1900 to 2999 written YYYY-MM-DD",
    )
    return ok, days


def check_yuan(values: pa.Array, name: str, problems: Problems) -> np.ndarray:
    shaped = col.matches(values, col.YUAN_PATTERN)
    problems.refuse(
        col.present(values) & ~shaped,
        name,
        "应为元金额，最多两位小数（如 12000.00），不带符号或千分位",
        "must be yuan with at most two decimals (such as 12000.00), no sign or thousands separator",
    )
    fen = col.yuan_to_fen(values, shaped)
    problems.refuse(shaped & (fen <= 0), name, "金额必须大于 0", "the amount must be more than 0")
    return fen


def settle_repeats(
    typed: pa.Table, problems: Problems, values: dict[str, pa.Array], key: str, *, field: str | None = None
) -> tuple[pa.Table, int, Found]:
    """Among rows that passed, a key seen earlier: identical → skipped, different → rejected.

    `key` is a column of `typed`; `field`, the column the reason names (default: the key itself),
    for a key built from several columns."""
    field = field or key
    passed = ~problems.rejected
    accepted = typed.filter(pa.array(passed))
    firsts = col.first_positions(accepted.column(key).combine_chunks())
    later = firsts != np.arange(accepted.num_rows)
    if not later.any():
        return accepted, 0, []
    # Whole rows are compared only where a key repeats: building every row's fingerprint is costly.
    original = np.flatnonzero(passed)
    fingerprints = col.row_fingerprints([values[name].take(pa.array(original[later])) for name in values])
    earlier = col.row_fingerprints([values[name].take(pa.array(original[firsts[later]])) for name in values])
    same = np.zeros(accepted.num_rows, dtype=bool)
    same[later] = col.to_numpy(pc.equal(fingerprints, earlier))
    different = later & ~same
    found: Found = []
    if different.any():
        rows = accepted.column("row").to_numpy()
        earlier_rows = pc.cast(pa.array(rows[firsts[different]]), pa.string())
        found.append(
            (
                rows[different],
                field,
                pc.binary_join_element_wise(f"{field} 与第 ", earlier_rows, " 行相同，但内容不同", ""),
                pc.binary_join_element_wise(f"{field} repeats row ", earlier_rows, " with different values", ""),
            )
        )
    return accepted.filter(pa.array(~later)), int(same.sum()), found


def merge_rejects(earlier: pa.Table, later: pa.Table) -> pa.Table:
    """Two rejects tables as one, by row; within a row, the earlier table's problems first."""
    merged = pa.concat_tables([earlier, later])
    return merged.take(pc.sort_indices(merged, sort_keys=[("row", "ascending")]))  # a stable sort
