"""The expression tree: immutable nodes, each knowing where it came from in the text.

The parser builds the tree with untyped fields and literals (`type` None; numbers as Decimal);
the type checker returns the same shape with every field and literal typed, money literals
turned into fen and integer literals into int. Positions (`start`, `end`: character offsets)
are left out of equality, so two trees compare equal when they mean the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from arrears.strategy.facts import FactType

Value = int | Decimal | str | bool


@dataclass(frozen=True, slots=True)
class Field:
    """A fact read from the account, e.g. `dpd`."""

    name: str
    type: FactType | None = None
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: a number (Decimal when parsed; int, in fen for money, once typed), text or a flag."""

    value: Value
    type: FactType | None = None
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


Operand = Field | Literal


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left op right`, op one of == != < <= > >=."""

    op: str
    left: Operand
    right: Operand
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Between:
    """`operand [not] between low and high`, bounds included."""

    operand: Operand
    low: Operand
    high: Operand
    negated: bool = False
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Membership:
    """`operand [not] in (item, …)`."""

    operand: Operand
    items: tuple[Literal, ...]
    negated: bool = False
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NullTest:
    """`operand is [not] null`."""

    operand: Operand
    negated: bool = False
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    """All of `operands` (two or more, flattened)."""

    operands: tuple[Node, ...]
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Or:
    """Any of `operands` (two or more, flattened)."""

    operands: tuple[Node, ...]
    start: int = field(default=0, compare=False, repr=False)
    end: int = field(default=0, compare=False, repr=False)


Node = Field | Literal | Comparison | Between | Membership | NullTest | Not | And | Or
"""A condition (or, as Field/Literal, a bare flag or true/false)."""


def to_text(node: Node) -> str:
    """The expression as text that parses back to the same tree (money literals in yuan).

        >>> to_text(Comparison(">", Field("dpd"), Literal(3)))
        'dpd > 3'
    """
    match node:
        case Field(name=name):
            return name
        case Literal():
            return _literal_text(node)
        case Comparison(op=op, left=left, right=right):
            return f"{to_text(left)} {op} {to_text(right)}"
        case Between(operand=operand, low=low, high=high, negated=negated):
            word = "not between" if negated else "between"
            return f"{to_text(operand)} {word} {to_text(low)} and {to_text(high)}"
        case Membership(operand=operand, items=items, negated=negated):
            word = "not in" if negated else "in"
            return f"{to_text(operand)} {word} ({', '.join(_literal_text(i) for i in items)})"
        case NullTest(operand=operand, negated=negated):
            return f"{to_text(operand)} is {'not ' if negated else ''}null"
        case Not(operand=operand):
            return f"not {_grouped(operand)}"
        case And(operands=operands):
            return " and ".join(_grouped(o) for o in operands)
        case Or(operands=operands):
            return " or ".join(_grouped(o) for o in operands)
    raise TypeError(f"not an expression node: {node!r}")


def _grouped(node: Node) -> str:
    text = to_text(node)
    return f"({text})" if isinstance(node, And | Or) else text


def _literal_text(literal: Literal) -> str:
    value = literal.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if literal.type is FactType.MONEY and isinstance(value, int):
        sign = "-" if value < 0 else ""
        yuan, fen = divmod(abs(value), 100)
        return f"{sign}{yuan}.{fen:02d}" if fen else f"{sign}{yuan}"
    return str(value)
