"""The nightly digest's normalising: the same data gives the same text, whichever database read it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from arrears.nightly.digest import NULL, normalise, row_digest, table_digest


def test_an_instant_is_the_same_in_any_zone_and_a_naive_one_is_utc():
    utc = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)
    shanghai = utc.astimezone(ZoneInfo("Asia/Shanghai"))
    assert normalise(utc) == normalise(shanghai) == normalise(utc.replace(tzinfo=None)) == "2026-03-01T15:30:00+00:00"


def test_decimals_whole_numbers_and_booleans_are_text_of_their_value():
    assert normalise(Decimal("1.10")) == normalise(Decimal("1.1")) == "1.1"
    assert normalise(Decimal("0.00")) == "0" and normalise(Decimal("100")) == "100"
    assert normalise(12_345) == "12345"
    assert normalise(True) == "true" and normalise(1) == "1"


def test_json_keys_are_sorted_and_none_is_not_the_word_none():
    assert normalise({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == normalise({"a": [1, {"c": 3, "d": 2}], "b": 1})
    assert normalise(None) == NULL != normalise("None")
    assert normalise(dt.date(2026, 2, 28)) == "2026-02-28"


def test_a_tables_digest_does_not_depend_on_the_order_of_its_rows():
    rows = [row_digest(["a", "1"]), row_digest(["b", "2"]), row_digest(["c", NULL])]
    assert table_digest("t", rows) == table_digest("t", list(reversed(rows)))
    assert table_digest("t", rows).rows == 3
    assert table_digest("t", rows[:2]).sha256 != table_digest("t", rows).sha256


def test_fields_cannot_run_into_each_other():
    assert row_digest(["ab", "c"]) != row_digest(["a", "bc"])
