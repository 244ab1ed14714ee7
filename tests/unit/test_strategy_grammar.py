"""The expression grammar: every construct, precedence, and errors that point at the character."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arrears.strategy.errors import ExpressionError
from arrears.strategy.grammar import parse
from arrears.strategy.nodes import And, Between, Comparison, Field, Literal, Membership, Not, NullTest, Or, to_text


def f(name: str) -> Field:
    return Field(name)


def n(value: str) -> Literal:
    return Literal(Decimal(value))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("dpd == 3", Comparison("==", f("dpd"), n("3"))),
        ("dpd != 3", Comparison("!=", f("dpd"), n("3"))),
        ("dpd < 3", Comparison("<", f("dpd"), n("3"))),
        ("dpd <= 3", Comparison("<=", f("dpd"), n("3"))),
        ("dpd > 3", Comparison(">", f("dpd"), n("3"))),
        ("dpd >= 3", Comparison(">=", f("dpd"), n("3"))),
        ("dpd>=3", Comparison(">=", f("dpd"), n("3"))),
        ("3 < dpd", Comparison("<", n("3"), f("dpd"))),
        ("overdue_amount > balance", Comparison(">", f("overdue_amount"), f("balance"))),
        ("overdue_amount > 5000.50", Comparison(">", f("overdue_amount"), n("5000.50"))),
        ("overdue_amount > -12", Comparison(">", f("overdue_amount"), n("-12"))),
        ('product == "现金贷"', Comparison("==", f("product"), Literal("现金贷"))),
        ('product == "say \\"hi\\" \\\\"', Comparison("==", f("product"), Literal('say "hi" \\'))),
        ("hardship == true", Comparison("==", f("hardship"), Literal(True))),
        ("hardship == FALSE", Comparison("==", f("hardship"), Literal(False))),
        ("dpd between 1 and 3", Between(f("dpd"), n("1"), n("3"))),
        ("dpd not between 1 and 3", Between(f("dpd"), n("1"), n("3"), negated=True)),
        ('bucket in ("M1", "M2")', Membership(f("bucket"), (Literal("M1"), Literal("M2")))),
        ("dpd not in (1)", Membership(f("dpd"), (n("1"),), negated=True)),
        ("score is null", NullTest(f("score"))),
        ("score IS NOT NULL", NullTest(f("score"), negated=True)),
        ("hardship", f("hardship")),
        ("true", Literal(True)),
        ("not hardship", Not(f("hardship"))),
        ("not not hardship", Not(Not(f("hardship")))),
        ("(((hardship)))", f("hardship")),
        ("hardship and dispute", And((f("hardship"), f("dispute")))),
        ("hardship or dispute", Or((f("hardship"), f("dispute")))),
        ("a and b and c", And((f("a"), f("b"), f("c")))),
    ],
)
def test_every_construct_parses_to_its_tree(text, tree):
    assert parse(text) == tree


def test_and_binds_tighter_than_or():
    # given / when
    tree = parse("a or b and c")
    # then
    assert tree == Or((f("a"), And((f("b"), f("c")))))


def test_not_binds_tighter_than_and():
    assert parse("not a and b") == And((Not(f("a")), f("b")))


def test_not_applies_to_a_whole_comparison():
    assert parse("not dpd > 3") == Not(Comparison(">", f("dpd"), n("3")))


def test_parentheses_override_precedence():
    assert parse("(a or b) and c") == And((Or((f("a"), f("b"))), f("c")))


def test_between_takes_its_own_and():
    tree = parse("dpd between 1 and 3 and hardship")
    assert tree == And((Between(f("dpd"), n("1"), n("3")), f("hardship")))


def test_positions_cover_the_text_of_each_node():
    text = "hardship and dpd between 31 and 90"
    tree = parse(text)
    between = tree.operands[1]
    assert text[between.start : between.end] == "dpd between 31 and 90"
    assert text[between.low.start : between.low.end] == "31"


@pytest.mark.parametrize(
    "text",
    [
        "dpd > 3 and not hardship",
        '(bucket in ("M1", "M2") or score is null) and product != "pos"',
        "not (dpd not between 4 and 30) or overdue_amount >= 5000.5",
    ],
)
def test_text_round_trips(text):
    assert parse(to_text(parse(text))) == parse(text)


def error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "column", "zh", "en"),
    [
        ("dpd = 3", 5, "==", "use '=='"),
        ("dpd > 3 && hardship", 9, "and", "use 'and'"),
        ("dpd > 3 || hardship", 9, "or", "use 'or'"),
        ("!hardship", 1, "not", "use 'not'"),
        ("product == 'cash'", 12, "双引号", "double quotes"),
        ('product == "cash', 12, "双引号", "no closing double quote"),
        ("dpd > 3 and", 12, "表达式结尾", "the end of the expression"),
        ("(dpd > 3", 1, "括号没有闭合", "never closed"),
        ("dpd > 3)", 8, "右括号", "closing parenthesis"),
        ("dpd > 3 hardship", 9, "and", "missing 'and' or 'or'"),
        ("dpd betwen 1 and 3", 5, "between", "did you mean 'between'"),
        ("dpd between 1 or 3", 15, "and", "expected 'and'"),
        ("dpd in ()", 9, "列表", "may not be empty"),
        ("dpd in (1,)", 11, "列表", "may not be empty"),
        ("dpd in (score)", 9, "常量", "values, not fields"),
        ("dpd in 1, 2", 8, "(", "expected '('"),
        ("score == null", 10, "is null", "'is null'"),
        ("score is nul", 10, "null", "expected 'null'"),
        ("hardship not dispute", 14, "between", "'between' or 'in'"),
        ("dpd > @", 7, "@", "unexpected character '@'"),
        ("dpd > 3 and （hardship）", 13, "半角 (", "full-width （"),
        ("", 1, "为空", "empty"),
        ("   ", 1, "为空", "empty"),
    ],
)
def test_errors_point_at_the_column_in_both_languages(text, column, zh, en):
    # when
    caught = error(text)
    # then
    assert caught.column == column
    assert zh in caught.zh and en in caught.en
    assert f"第 {column} 列" in caught.zh and f"column {column}" in caught.en


def test_the_caret_line_sits_under_the_fault():
    caught = error("dpd > 3 and hardship dispute")
    lines = caught.en.splitlines()
    assert lines[1] == "  dpd > 3 and hardship dispute"
    assert lines[2] == "                       ^^^^^^^"
    assert caught.zh.splitlines()[1:] == lines[1:]


def test_the_caret_counts_chinese_characters_as_two_cells():
    caught = error('product == "现金贷" &&')
    assert caught.column == 18
    assert caught.en.splitlines()[2] == "  " + " " * 20 + "^^"


def test_multi_line_errors_give_line_and_column():
    caught = error("dpd > 3\nand = 4")
    assert (caught.line, caught.column) == (2, 5)
    assert "第 2 行第 5 列" in caught.zh and "line 2, column 5" in caught.en
    assert caught.en.splitlines()[1:] == ["  and = 4", "      ^"]
