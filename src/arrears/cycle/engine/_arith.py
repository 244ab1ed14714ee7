"""Exact integer arithmetic in engine expressions (money stays integral)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def floor_div(numerator: ir.IntegerValue, denominator: int) -> ir.IntegerValue:
    """floor(numerator / denominator) for a non-negative numerator, exact in every engine.

    Engines disagree on integer division, and Ibis compiles `//` through a double; taking the
    remainder off first makes the quotient an exact integer before any division happens.
    """
    exact_multiple = numerator - numerator % denominator
    return (exact_multiple // denominator).cast("int64")


def round_half_up(numerator: ir.IntegerValue, denominator: int) -> ir.IntegerValue:
    return floor_div(2 * numerator + denominator, 2 * denominator)


def clip(value: ir.IntegerValue, low: ir.IntegerValue | int, high: ir.IntegerValue) -> ir.IntegerValue:
    return ibis.least(ibis.greatest(value, low), high)
