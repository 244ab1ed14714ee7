"""Strategy expressions: parse and type-check once, then evaluate per account or compile to Ibis.

    >>> when = parse_expression("dpd between 31 and 90 and overdue_amount > 5000")
    >>> evaluate(when, {"dpd": 45, "overdue_amount": 600_000})
    True
    >>> str(when.tree.operands[1].right.value)   # 5000 yuan, in fen
    '500000'

One definition, two ways of running it: `evaluate` (one account, a Mapping of facts) and
`to_ibis` (every account at once, as an engine expression); the tests hold them equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.strategy.compilation import to_ibis
from arrears.strategy.errors import ExpressionError
from arrears.strategy.evaluation import evaluate
from arrears.strategy.facts import ACCOUNT_FACTS, Facts
from arrears.strategy.grammar import parse
from arrears.strategy.nodes import And, Between, Comparison, Field, Membership, Node, Not, NullTest, Or, to_text
from arrears.strategy.typecheck import check

__all__ = ["Expression", "ExpressionError", "evaluate", "parse_expression", "to_ibis"]


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed, type-checked condition: the text as written and its typed tree."""

    text: str
    tree: Node

    def __str__(self) -> str:
        return self.text

    @property
    def canonical(self) -> str:
        """The condition re-written with one space between words and grouping made explicit."""
        return to_text(self.tree)

    @property
    def fields(self) -> frozenset[str]:
        """The facts the condition reads."""
        return frozenset(_fields(self.tree))


def parse_expression(text: str, facts: Facts = ACCOUNT_FACTS) -> Expression:
    """Parse and type-check `text` against `facts`; raises ExpressionError pointing at the fault."""
    return Expression(text, check(parse(text), text, facts))


def _fields(node: Node):
    match node:
        case Field(name=name):
            yield name
        case Comparison(left=left, right=right):
            yield from _fields(left)
            yield from _fields(right)
        case Between(operand=operand, low=low, high=high):
            for part in (operand, low, high):
                yield from _fields(part)
        case Membership(operand=operand) | NullTest(operand=operand) | Not(operand=operand):
            yield from _fields(operand)
        case And(operands=operands) | Or(operands=operands):
            for part in operands:
                yield from _fields(part)
