"""The one rule that keeps a cell from running as a formula in a spreadsheet program."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest

from arrears.spreadsheet import SafeWriter, neutralise, neutralise_column

RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
HARMLESS = ["张三", "L-1001", "a=b", "", "-12.50", "+8613800000000", "42", "2026-03-01"]


@pytest.mark.parametrize("value", RISKY)
def test_a_cell_that_would_be_a_formula_becomes_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [*HARMLESS, 12, -5, None])
def test_text_numbers_and_other_values_stay_as_they_are(value):
    assert neutralise(value) == value


def test_the_safe_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    SafeWriter(out).writerows([RISKY, HARMLESS])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["'" + value for value in RISKY]
    assert rows[1] == HARMLESS


def test_the_column_version_follows_the_same_rule():
    column = pa.array([*RISKY, *HARMLESS, None])
    assert neutralise_column(column).to_pylist() == [neutralise(v) for v in [*RISKY, *HARMLESS]] + [None]
    numbers = pa.array([1, -2])
    assert neutralise_column(numbers) is numbers
