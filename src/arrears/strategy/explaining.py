"""The explanation of one account, gathered from the database (used by the CLI and the account page)."""

from __future__ import annotations

import datetime as dt

from arrears.bulk import BulkConnection
from arrears.cycle.models import AccountState
from arrears.strategy.explain import BlockedAction, Explanation, explain_account
from arrears.strategy.facts_source import read_facts
from arrears.strategy.models import PlannedAction
from arrears.strategy.versions import strategy_in_force


def explain_loan(loan_id: int, as_of: dt.date | None = None) -> Explanation | None:
    """None when the nightly cycle has not aged the account yet."""
    state = AccountState.objects.filter(loan_id=loan_id).first()
    if state is None:
        return None
    as_of = as_of or state.as_of
    strategy = strategy_in_force(as_of)
    blocked = [
        BlockedAction(
            channel=action.channel,
            template=action.template,
            rule_ids=tuple(filter(None, action.blocked_by.split(","))),
            reasons_zh=tuple(filter(None, action.reasons_zh.split("；"))),
            reasons_en=tuple(filter(None, action.reasons_en.split("; "))),
        )
        for action in PlannedAction.objects.filter(loan_id=loan_id, as_of=as_of, allowed=False)
    ]
    with BulkConnection.for_django() as db:
        facts = read_facts(db, loan_id=loan_id).to_pylist()
    if not facts:
        return None
    return explain_account(facts[0], strategy, state.as_of, blocked)
