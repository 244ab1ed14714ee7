"""Compiling a typed expression to an Ibis boolean expression over a table of account facts.

Every comparison is wrapped in `coalesce(…, false)`, so a null never escapes into `and`, `or`
and `not`: the logic stays two-valued and agrees with `evaluation.py` row for row. Literals are
int64 (money in fen), strings or booleans, never floats.
"""

from __future__ import annotations

import functools
import operator

import ibis
import ibis.expr.types as ir

from arrears.errors import InputError
from arrears.strategy.evaluation import tree_of
from arrears.strategy.facts import FactType
from arrears.strategy.nodes import And, Between, Comparison, Field, Literal, Membership, Node, Not, NullTest, Operand, Or

COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
COLUMN_TYPES = {
    FactType.INTEGER: ("整数", "integers"),
    FactType.MONEY: ("整数（分）", "integers (fen, never floats)"),
    FactType.TEXT: ("文本", "text"),
    FactType.FLAG: ("布尔值或 0/1 整数", "booleans or 0/1 integers"),
}
LITERAL_TYPES = {FactType.INTEGER: "int64", FactType.MONEY: "int64", FactType.TEXT: "string", FactType.FLAG: "boolean"}


def to_ibis(expression: object, table: ir.Table) -> ir.BooleanValue:
    """The condition of `expression` (an Expression or typed tree) over the columns of `table`.

        >>> t = ibis.table({"dpd": "int64"}, name="accounts")
        >>> from arrears.strategy.expressions import parse_expression
        >>> t.filter(to_ibis(parse_expression("dpd > 30"), t))  # doctest: +SKIP
    """
    return _Compiler(table).condition(tree_of(expression))


def _no_nulls(value: ir.BooleanValue) -> ir.BooleanValue:
    return value.fill_null(False)


class _Compiler:
    def __init__(self, table: ir.Table) -> None:
        self.table = table

    def column(self, field: Field) -> ir.Value:
        if field.name not in self.table.columns:
            raise InputError(f"账户数据表缺少列 “{field.name}”", f"the table of account facts lacks column '{field.name}'")
        column = self.table[field.name]
        dtype = column.type()
        if field.type is FactType.FLAG:
            if dtype.is_boolean():
                return column
            if dtype.is_integer():
                return column.cast("boolean")
        elif field.type in (FactType.INTEGER, FactType.MONEY):
            if dtype.is_integer():
                return column
        elif field.type is FactType.TEXT and dtype.is_string():
            return column
        wanted_zh, wanted_en = COLUMN_TYPES[field.type]
        raise InputError(
            f"列 “{field.name}” 的类型是 {dtype}，应为{wanted_zh}",
            f"column '{field.name}' has type {dtype}; it must hold {wanted_en}",
        )

    def operand(self, operand: Operand) -> ir.Value:
        if operand.type is None:
            raise TypeError("compile a type-checked expression (see parse_expression)")
        if isinstance(operand, Field):
            return self.column(operand)
        return ibis.literal(operand.value, LITERAL_TYPES[operand.type])

    def condition(self, node: Node) -> ir.BooleanValue:
        match node:
            case And(operands=operands):
                return functools.reduce(operator.and_, (self.condition(o) for o in operands))
            case Or(operands=operands):
                return functools.reduce(operator.or_, (self.condition(o) for o in operands))
            case Not(operand=operand):
                return ~self.condition(operand)
            case Field():
                return _no_nulls(self.operand(node))
            case Literal():
                return self.operand(node)
            case Comparison(op=op, left=left, right=right):
                return _no_nulls(COMPARE[op](self.operand(left), self.operand(right)))
            case Between(operand=operand, low=low, high=high, negated=negated):
                inside = self.operand(operand).between(self.operand(low), self.operand(high))
                return _no_nulls(~inside if negated else inside)
            case Membership(operand=operand, items=items, negated=negated):
                value = self.operand(operand)
                values = [self.operand(item) for item in items]
                return _no_nulls(value.notin(values) if negated else value.isin(values))
            case NullTest(operand=operand, negated=negated):
                value = self.operand(operand)
                return value.notnull() if negated else value.isnull()
        raise TypeError(f"not an expression node: {node!r}")
