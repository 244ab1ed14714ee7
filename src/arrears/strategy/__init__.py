"""The strategy language: conditions over account facts.

Pure: no Django. Conditions are parsed by a small grammar (`grammar.py`), never `eval`-ed,
and run either per account (`evaluate`) or set-based as Ibis expressions (`to_ibis`).
"""

from arrears.strategy.errors import ExpressionError
from arrears.strategy.expressions import Expression, evaluate, parse_expression, to_ibis
from arrears.strategy.facts import ACCOUNT_FACTS, Fact, Facts, FactType, account_facts, fact_schema

__all__ = [
    "ACCOUNT_FACTS",
    "Expression",
    "ExpressionError",
    "Fact",
    "FactType",
    "Facts",
    "account_facts",
    "evaluate",
    "fact_schema",
    "parse_expression",
    "to_ibis",
]
