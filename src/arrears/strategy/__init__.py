"""The strategy language: conditions over account facts, segments, cadences, champion/challenger.

    >>> from arrears.strategy import default_strategy, segment_for
    >>> strategy = default_strategy()
    >>> strategy.segment("early_reminder").owner
    <Owner.AUTOMATED: 'automated'>

Pure: no Django. Conditions are parsed by a small grammar (`grammar.py`), never `eval`-ed,
and run either per account (`evaluate`) or set-based as Ibis expressions (`to_ibis`,
`assign_segments`).
"""

from arrears.strategy.arms import arm_bucket, arm_bucket_expression, arm_for
from arrears.strategy.assign import ASSIGNMENT_COLUMNS, Assignment, assign_segments, segment_for
from arrears.strategy.document import default_strategy, load_strategy, load_strategy_file
from arrears.strategy.errors import ExpressionError, Problem, StrategyDocumentError
from arrears.strategy.expressions import Expression, evaluate, parse_expression, to_ibis
from arrears.strategy.facts import ACCOUNT_FACTS, Fact, Facts, FactType, account_facts, fact_schema
from arrears.strategy.model import Action, Arm, Challenger, Channel, Owner, Segment, Strategy

__all__ = [
    "ACCOUNT_FACTS",
    "ASSIGNMENT_COLUMNS",
    "Action",
    "Arm",
    "Assignment",
    "Challenger",
    "Channel",
    "Expression",
    "ExpressionError",
    "Fact",
    "FactType",
    "Facts",
    "Owner",
    "Problem",
    "Segment",
    "Strategy",
    "StrategyDocumentError",
    "account_facts",
    "arm_bucket",
    "arm_bucket_expression",
    "arm_for",
    "assign_segments",
    "default_strategy",
    "evaluate",
    "fact_schema",
    "load_strategy",
    "load_strategy_file",
    "parse_expression",
    "segment_for",
    "to_ibis",
]
