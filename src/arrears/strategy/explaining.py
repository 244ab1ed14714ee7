"""The explanation of one account, gathered from the database (used by the CLI and the account page)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.db import connection

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
    facts = read_facts(_DjangoReader(), loan_id=loan_id).to_pylist()
    if not facts:
        return None
    return explain_account(facts[0], strategy, state.as_of, blocked)


class _DjangoReader:
    """One account's facts through Django's own connection: a web request must not open the
    bulk connection (on SQLite it would close the request's connection under it)."""

    def fetch(self, sql: str) -> pa.Table:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})


def planned_actions(loan_id: int) -> list[PlannedAction]:
    """The actions of the latest plan that included the account."""
    latest = PlannedAction.objects.filter(loan_id=loan_id).order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is None:
        return []
    return list(PlannedAction.objects.filter(loan_id=loan_id, as_of=latest).order_by("channel", "id"))
