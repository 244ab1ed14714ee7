"""The rejects file written beside a feed: one line per problem, with the row's original values.

    loans.csv  →  loans.rejects.csv   (row, field, reason_zh, reason_en, then the file's columns)

It is UTF-8 with a byte-order mark, so spreadsheet programs show the Chinese reasons.
The national ID is the one value not copied as sent: it is masked like everywhere else
(first 6 and last 4 shown), so the rejects file never becomes another clear copy of it;
the row number leads the sender back to the original.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from arrears.spreadsheet import neutralise_column

BOM = "\ufeff".encode()
MASKED = frozenset({"national_id"})


def mask_identifier(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """First 6 and last 4 characters kept, the rest starred; shorter values starred whole."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    length = pc.utf8_length(values)
    kept = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(values, 0, 6),
        pc.binary_repeat("*", pc.max_element_wise(pc.subtract(length, 10), 0)),
        pc.utf8_slice_codeunits(values, -4, 2**31 - 1),
        "",
    )
    starred = pc.binary_repeat("*", length)
    return pc.if_else(pc.greater_equal(length, 10), kept, starred)


def rejects_path_for(source: Path) -> Path:
    return source.with_name(f"{source.stem}.rejects.csv")


def originals_of(raw: pa.Table, rejects: pa.Table) -> pa.Table:
    """The file's own values for each line of `rejects`, so the whole file need not be kept."""
    return raw.take(pc.subtract(rejects.column("row"), 1))


def write_rejects(source: Path, rejects: pa.Table, originals: pa.Table) -> Path | None:
    """Write the rejects file for `source` (`originals` line up with `rejects`); with no rejects,
    remove a stale one and return None."""
    target = rejects_path_for(source)
    if rejects.num_rows == 0:
        target.unlink(missing_ok=True)
        return None
    table = rejects
    for name in originals.column_names:
        values = pc.fill_null(originals.column(name), "")
        table = table.append_column(name, mask_identifier(values) if name in MASKED else neutralise_column(values))
    partial = target.with_name(f".{target.name}.partial")
    with partial.open("wb") as stream:
        stream.write(BOM)
        pacsv.write_csv(table, stream)
    os.replace(partial, target)
    return target
