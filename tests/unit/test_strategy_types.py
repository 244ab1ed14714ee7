"""Type-checking expressions against the account facts; money in yuan compiles to fen."""

from __future__ import annotations

import pytest

from arrears.cycle.buckets import BucketScheme
from arrears.strategy.errors import ExpressionError
from arrears.strategy.expressions import parse_expression
from arrears.strategy.facts import ACCOUNT_FACTS, FactType, account_facts, fact_schema


def test_money_literals_are_yuan_compiled_to_integer_fen():
    # when
    expression = parse_expression("overdue_amount > 5000 and balance between 0.01 and 12345.6")
    comparison, between = expression.tree.operands
    # then
    assert comparison.right.value == 500_000 and type(comparison.right.value) is int
    assert (between.low.value, between.high.value) == (1, 1_234_560)
    assert comparison.right.type is FactType.MONEY


def test_money_literal_on_the_left_is_converted_too():
    expression = parse_expression("5000 < principal_outstanding")
    assert expression.tree.left.value == 500_000


def test_money_in_lists_is_converted():
    expression = parse_expression("overdue_amount in (100, 200.5)")
    assert [item.value for item in expression.tree.items] == [10_000, 20_050]


def test_integer_literals_become_int():
    expression = parse_expression("dpd in (1, 2, 3.0)")
    assert [item.value for item in expression.tree.items] == [1, 2, 3]
    assert all(type(item.value) is int for item in expression.tree.items)


def test_canonical_text_writes_money_back_in_yuan():
    assert parse_expression("overdue_amount >= 10000.5").canonical == "overdue_amount >= 10000.50"


def test_fields_lists_what_the_condition_reads():
    assert parse_expression("dpd > 3 and (score is null or hardship)").fields == {"dpd", "score", "hardship"}


def type_error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "column", "en"),
    [
        ('overdue_amount > "5000"', 18, "is money (yuan) and cannot be compared with the text \"5000\""),
        ("overdue_amount > true", 18, "cannot be compared with the flag true"),
        ('dpd == "3"', 8, "is a whole number and cannot be compared with the text"),
        ("product == 3", 12, "is text and cannot be compared with the number 3"),
        ("hardship == 1", 13, "is a flag (true/false)"),
        ("overdue_amount > dpd", 1, "cannot compare money (yuan) with a whole number"),
        ("dpd > 3.5", 7, "whole number; no decimals"),
        ("overdue_amount > 1.005", 18, "at most two decimals"),
        ("score > 1001", 9, "lies between 0 and 1000"),
        ("dpd >= -1", 8, "is never below 0"),
        ('bucket == "M9"', 11, "is never \"M9\""),
        ('status == "delinqunt"', 11, "did you mean 'delinquent'"),
        ('product > "a"', 1, "text is compared with ==, != or in only"),
        ("hardship < true", 1, "a flag (true/false) is compared with ==, != or in only"),
        ('product between "a" and "b"', 1, "'between' does not apply to text"),
        ("dpd between 30 and 3", 1, "lower bound is above the upper bound"),
        ("dpd between 1 and overdue_amount", 19, "the bound is money (yuan) but 'dpd' is a whole number"),
        ("3 between 1 and 5", 1, "'between' needs a field on its left"),
        ("3 in (1, 2)", 1, "'in' needs a field on its left"),
        ("3 is null", 1, "'is null' needs a field on its left"),
        ("3 < 4", 1, "both sides are constants"),
        ("dpd", 1, "'dpd' is a whole number, not a condition"),
        ("dpd > 3 and overdue_amount", 13, "'overdue_amount' is money (yuan), not a condition"),
        ("5", 1, "the number 5 alone is not a condition"),
        ('"yes"', 1, "the text \"yes\" alone is not a condition"),
        ("dpdd > 3", 1, "unknown field 'dpdd'; did you mean 'dpd'?"),
        ("hardshp", 1, "unknown field 'hardshp'; did you mean 'hardship'"),
        ("overdue > 3", 1, "unknown field 'overdue'; did you mean 'overdue_amount'"),
        ("colour == 3", 1, "unknown field 'colour'"),
    ],
)
def test_type_errors_point_at_the_offending_text(text, column, en):
    # when
    caught = type_error(text)
    # then
    assert caught.column == column
    assert en in caught.en
    assert caught.zh.startswith(f"表达式第 {column} 列")


def test_type_errors_read_in_chinese():
    caught = type_error('overdue_amount > "5000"')
    assert "“overdue_amount” 是金额（元），不能与文本 “5000”" in caught.zh
    assert type_error("dpdd > 3").zh.startswith("表达式第 1 列：未知字段 “dpdd”；是否指 “dpd”？")


def test_bucket_names_follow_the_configured_scheme():
    # given a lender with buckets of 60 days
    facts = account_facts(BucketScheme(upper_bounds=(0, 60, 120), prefix="B"))
    # then its bucket names type-check, the default ones do not
    parse_expression('bucket == "B3+"', facts)
    with pytest.raises(ExpressionError):
        parse_expression('bucket == "M1"', facts)


def test_the_facts_schema_types_money_as_integers():
    schema = fact_schema()
    assert schema["overdue_amount"].is_integer() and schema["hardship"].is_boolean()
    assert set(schema) == {"loan_id", *ACCOUNT_FACTS}
    assert ACCOUNT_FACTS["score"].nullable
