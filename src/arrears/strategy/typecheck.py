"""Type-checking an expression tree against the account facts.

The checker returns the tree with every field and literal typed: money literals written in
yuan become fen (`5000.5` → 500050), integer literals become int. Everything it refuses is an
ExpressionError pointing at the offending text.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from arrears.money import MoneyError, to_fen
from arrears.strategy.errors import ExpressionError, did_you_mean
from arrears.strategy.facts import Fact, Facts, FactType
from arrears.strategy.nodes import And, Between, Comparison, Field, Literal, Membership, Node, Not, NullTest, Operand, Or

ORDERING = frozenset({"<", "<=", ">", ">="})
ORDERED_TYPES = frozenset({FactType.INTEGER, FactType.MONEY})

TYPE_WORDS = {
    FactType.INTEGER: ("整数", "a whole number"),
    FactType.MONEY: ("金额（元）", "money (yuan)"),
    FactType.TEXT: ("文本", "text"),
    FactType.FLAG: ("是/否标志", "a flag (true/false)"),
}


def _literal_words(literal: Literal) -> tuple[str, str]:
    value = literal.value
    if isinstance(value, bool):
        return f"标志 {str(value).lower()}", f"the flag {str(value).lower()}"
    if isinstance(value, str):
        return f"文本 “{value}”", f'the text "{value}"'
    return f"数字 {value}", f"the number {value}"


class _Checker:
    def __init__(self, text: str, facts: Facts) -> None:
        self.text = text
        self.facts = facts

    def fail(self, node: Node, zh: str, en: str) -> ExpressionError:
        return ExpressionError(self.text, node.start, node.end, zh, en)

    def condition(self, node: Node) -> Node:
        match node:
            case And(operands=operands):
                return replace(node, operands=tuple(self.condition(o) for o in operands))
            case Or(operands=operands):
                return replace(node, operands=tuple(self.condition(o) for o in operands))
            case Not(operand=operand):
                return replace(node, operand=self.condition(operand))
            case Field():
                typed = self.field(node)
                if typed.type is not FactType.FLAG:
                    zh, en = TYPE_WORDS[typed.type]
                    raise self.fail(
                        node,
                        f"“{node.name}” 是{zh}，不是条件；请与一个值比较，例如 {node.name} > 0",
                        f"'{node.name}' is {en}, not a condition; compare it with a value, e.g. {node.name} > 0",
                    )
                return typed
            case Literal(value=value):
                if not isinstance(value, bool):
                    zh, en = _literal_words(node)
                    raise self.fail(node, f"{zh}本身不是条件", f"{en} alone is not a condition")
                return replace(node, type=FactType.FLAG)
            case Comparison():
                return self.comparison(node)
            case Between():
                return self.between(node)
            case Membership():
                operand = self.subject(node.operand, "in")
                items = tuple(self.coerce(item, self.facts[operand.name]) for item in node.items)
                return replace(node, operand=operand, items=items)
            case NullTest():
                return replace(node, operand=self.subject(node.operand, "is null"))
        raise TypeError(f"not an expression node: {node!r}")

    def field(self, node: Field) -> Field:
        fact = self.facts.get(node.name)
        if fact is None:
            hint_zh, hint_en = did_you_mean(node.name, self.facts)
            raise self.fail(node, f"未知字段 “{node.name}”{hint_zh}", f"unknown field '{node.name}'{hint_en}")
        return replace(node, type=fact.type)

    def subject(self, operand: Operand, construct: str) -> Field:
        if not isinstance(operand, Field):
            raise self.fail(operand, f"“{construct}” 前面应为字段名", f"'{construct}' needs a field on its left")
        return self.field(operand)

    def comparison(self, node: Comparison) -> Comparison:
        left, right = node.left, node.right
        if isinstance(left, Literal) and isinstance(right, Literal):
            raise self.fail(node, "比较的两边都是常量，至少一边应为字段", "both sides are constants; compare a field")
        if isinstance(left, Field):
            left = self.field(left)
        if isinstance(right, Field):
            right = self.field(right)
        if isinstance(left, Literal):
            left = self.coerce(left, self.facts[right.name])
        if isinstance(right, Literal):
            right = self.coerce(right, self.facts[left.name])
        if left.type is not right.type:
            left_zh, left_en = TYPE_WORDS[left.type]
            right_zh, right_en = TYPE_WORDS[right.type]
            raise self.fail(node, f"不能比较{left_zh}与{right_zh}", f"cannot compare {left_en} with {right_en}")
        if node.op in ORDERING and left.type not in ORDERED_TYPES:
            zh, en = TYPE_WORDS[left.type]
            raise self.fail(
                node,
                f"{zh}只能用 ==、!= 或 in 比较，不能用 “{node.op}”",
                f"{en} is compared with ==, != or in only, not '{node.op}'",
            )
        return replace(node, left=left, right=right)

    def between(self, node: Between) -> Between:
        operand = self.subject(node.operand, "between")
        fact = self.facts[operand.name]
        if fact.type not in ORDERED_TYPES:
            zh, en = TYPE_WORDS[fact.type]
            raise self.fail(node, f"{zh}不能用 “between”", f"'between' does not apply to {en}")
        low, high = (self.bound(b, fact) for b in (node.low, node.high))
        if isinstance(low, Literal) and isinstance(high, Literal) and low.value > high.value:
            raise self.fail(
                node,
                "下限大于上限，条件永远不成立",
                "the lower bound is above the upper bound, so this never matches",
            )
        return replace(node, operand=operand, low=low, high=high)

    def bound(self, bound: Operand, fact: Fact) -> Operand:
        if isinstance(bound, Literal):
            return self.coerce(bound, fact)
        typed = self.field(bound)
        if typed.type is not fact.type:
            zh, en = TYPE_WORDS[typed.type]
            fact_zh, fact_en = TYPE_WORDS[fact.type]
            raise self.fail(bound, f"边界是{zh}，而 “{fact.name}” 是{fact_zh}", f"the bound is {en} but '{fact.name}' is {fact_en}")
        return typed

    def coerce(self, literal: Literal, fact: Fact) -> Literal:
        """`literal` as a value of `fact`'s type, or an error saying why it cannot be."""
        value = literal.value
        type_zh, type_en = TYPE_WORDS[fact.type]
        literal_zh, literal_en = _literal_words(literal)
        mismatch = self.fail(
            literal,
            f"“{fact.name}” 是{type_zh}，不能与{literal_zh}比较",
            f"'{fact.name}' is {type_en} and cannot be compared with {literal_en}",
        )
        if fact.type is FactType.FLAG:
            if not isinstance(value, bool):
                raise mismatch
            return replace(literal, type=FactType.FLAG)
        if fact.type is FactType.TEXT:
            if not isinstance(value, str):
                raise mismatch
            if fact.choices is not None and value not in fact.choices:
                hint_zh, hint_en = did_you_mean(value, fact.choices)
                listed = ", ".join(fact.choices)
                raise self.fail(
                    literal,
                    f"“{fact.name}” 没有取值 “{value}”（可选：{listed}）{hint_zh}",
                    f"'{fact.name}' is never \"{value}\" (it is one of {listed}){hint_en}",
                )
            return replace(literal, type=FactType.TEXT)
        if not isinstance(value, Decimal):
            raise mismatch
        if fact.type is FactType.MONEY:
            try:
                return replace(literal, value=to_fen(value), type=FactType.MONEY)
            except MoneyError:
                raise self.fail(
                    literal, "金额最多两位小数（元、角、分）", "money has at most two decimals (yuan and fen)"
                ) from None
        if value != value.to_integral_value():
            raise self.fail(literal, f"“{fact.name}” 是整数，不能有小数", f"'{fact.name}' is a whole number; no decimals")
        number = int(value)
        if (fact.minimum is not None and number < fact.minimum) or (fact.maximum is not None and number > fact.maximum):
            if fact.maximum is None:
                range_zh, range_en = f"不小于 {fact.minimum}", f"is never below {fact.minimum}"
            elif fact.minimum is None:
                range_zh, range_en = f"不大于 {fact.maximum}", f"is never above {fact.maximum}"
            else:
                range_zh = f"取值在 {fact.minimum} 到 {fact.maximum} 之间"
                range_en = f"lies between {fact.minimum} and {fact.maximum}"
            raise self.fail(
                literal,
                f"“{fact.name}” {range_zh}，{number} 超出范围",
                f"'{fact.name}' {range_en}; {number} is outside",
            )
        return replace(literal, value=number, type=FactType.INTEGER)


def check(tree: Node, text: str, facts: Facts) -> Node:
    """`tree` typed against `facts`; `text` is the expression it came from, for error messages."""
    return _Checker(text, facts).condition(tree)
