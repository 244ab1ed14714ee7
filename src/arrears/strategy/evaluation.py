"""Evaluating a typed expression for one account, in plain Python.

Null semantics, the same as the engine's (`compilation.py`): a comparison, `between` or `in`
with a null on either side is false, whichever operator; a bare flag that is null is false;
`is null` is the only way to see a null. `not` then simply flips true and false.

    >>> from arrears.strategy.expressions import parse_expression
    >>> evaluate(parse_expression("score < 500"), {"score": None})
    False
    >>> evaluate(parse_expression("not (score >= 500)"), {"score": None})
    True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping

from arrears.errors import InputError
from arrears.strategy.facts import FactType
from arrears.strategy.nodes import And, Between, Comparison, Field, Literal, Membership, Node, Not, NullTest, Operand, Or

COMPARE: Mapping[str, Callable[[object, object], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def tree_of(expression: object) -> Node:
    """The typed tree of an Expression (or a typed tree itself)."""
    return getattr(expression, "tree", expression)  # type: ignore[return-value]


def evaluate(expression: object, facts: Mapping[str, object]) -> bool:
    """Whether the account whose facts are `facts` matches `expression` (an Expression or typed tree).

    Money facts are fen (int); a missing fact is an error, a None fact is null.
    """
    return _truth(tree_of(expression), facts)


def _value(operand: Operand, facts: Mapping[str, object]) -> object:
    if operand.type is None:
        raise TypeError("evaluate a type-checked expression (see parse_expression)")
    if isinstance(operand, Literal):
        return operand.value
    try:
        value = facts[operand.name]
    except KeyError:
        raise InputError(
            f"账户数据缺少字段 “{operand.name}”", f"the account facts lack '{operand.name}'"
        ) from None
    if value is None:
        return None
    if operand.type is FactType.FLAG:
        return bool(value)
    if operand.type in (FactType.MONEY, FactType.INTEGER) and isinstance(value, float):
        raise InputError(
            f"字段 “{operand.name}” 是浮点数；金额以分（整数）表示",
            f"'{operand.name}' is a float; money and counts are integers (money in fen)",
        )
    return value


def _truth(node: Node, facts: Mapping[str, object]) -> bool:
    match node:
        case And(operands=operands):
            return all(_truth(o, facts) for o in operands)
        case Or(operands=operands):
            return any(_truth(o, facts) for o in operands)
        case Not(operand=operand):
            return not _truth(operand, facts)
        case Field() | Literal():
            return _value(node, facts) is True
        case Comparison(op=op, left=left, right=right):
            a, b = _value(left, facts), _value(right, facts)
            return a is not None and b is not None and COMPARE[op](a, b)
        case Between(operand=operand, low=low, high=high, negated=negated):
            values = (_value(operand, facts), _value(low, facts), _value(high, facts))
            if None in values:
                return False
            value, lowest, highest = values
            return (lowest <= value <= highest) != negated
        case Membership(operand=operand, items=items, negated=negated):
            value = _value(operand, facts)
            return value is not None and (value in {item.value for item in items}) != negated
        case NullTest(operand=operand, negated=negated):
            return (_value(operand, facts) is None) != negated
    raise TypeError(f"not an expression node: {node!r}")
