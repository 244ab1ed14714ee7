"""Cells a spreadsheet program would run as formulas, made inert: the one home of that rule for every
CSV the product writes (feed rejects, agency exports and upload rejects, commission statements, the
letter manifest). No Django here.

A text cell that begins with = + - @, a tab or a carriage return is taken by Excel, LibreOffice and
others as a formula ("CSV injection"): `=HYPERLINK(...)` in a borrower's name would run on the desk
of whoever opens the export. Such a cell gets a leading apostrophe, which the programs show as text.
A plain number ("-12.50", "+8613800000000") is left alone: it cannot run, and stays a number.

    >>> neutralise("=1+2"), neutralise("@SUM(A1)"), neutralise("-12.50"), neutralise("张三")
    ("'=1+2", "'@SUM(A1)", '-12.50', '张三')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"
_FORMULA = re.compile(FORMULA_START)
_NUMBER = re.compile(PLAIN_NUMBER)
QUOTE = "'"


def neutralise(value: Any) -> Any:
    """`value` as a cell that cannot be a formula; anything but text is returned as it is."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return QUOTE + value
    return value


def neutralised_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


class SafeWriter:
    """csv.writer whose every cell passes through `neutralise`."""

    def __init__(self, stream, **options) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(neutralised_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def neutralise_column(values):
    """The same rule over a pyarrow string array (the feeds' rejects files are written by pyarrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values
    risky = pc.and_(pc.match_substring_regex(values, FORMULA_START),
                    pc.invert(pc.match_substring_regex(values, PLAIN_NUMBER)))
    quoted = pc.binary_join_element_wise(pa.scalar(QUOTE, values.type), values, "")
    return pc.if_else(pc.fill_null(risky, False), quoted, values)
