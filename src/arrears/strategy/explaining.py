"""The explanation of one account, gathered from the database (used by the CLI and the account page).

    explanation = explain_loan(loan.pk)                          # as of the last cycle
    explanation = explain_loan(loan.pk, dt.date(2026, 3, 1))     # as the account stood that day
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.db import connection
from django.db.models import Max, Min, Q

from arrears import clock
from arrears.cycle.models import AccountState, AccountStateHistory
from arrears.errors import InputError
from arrears.ledger.models import Loan
from arrears.money import DEFAULT_CURRENCY
from arrears.strategy.explain import BlockedAction, Explanation, HoldOnDay, explain_account
from arrears.strategy.facts_source import read_facts
from arrears.strategy.models import PlannedAction
from arrears.strategy.versions import strategy_in_force


def explain_loan(loan_id: int, as_of: dt.date | None = None) -> Explanation | None:
    """The account as of the last cycle, or as it stood on `as_of`: its state that day, the
    strategy then in force, the holds in force (as of the last cycle: that day or since), and the
    actions that day's plan blocked.

    None when the nightly cycle has not aged the account yet; an InputError when it has, but
    holds no state of the account for `as_of`.
    """
    current = AccountState.objects.filter(loan_id=loan_id).values_list("as_of", flat=True).first()
    if current is None:
        return None
    day = as_of or current
    from_history = day != current
    if from_history and not AccountStateHistory.objects.filter(loan_id=loan_id, as_of=day).exists():
        raise _no_state_on(loan_id, day)
    strategy = strategy_in_force(day)
    blocked = [
        BlockedAction(
            channel=action.channel,
            template=action.template,
            rule_ids=tuple(filter(None, action.blocked_by.split(","))),
            reasons_zh=tuple(filter(None, action.reasons_zh.split("；"))),
            reasons_en=tuple(filter(None, action.reasons_en.split("; "))),
        )
        for action in PlannedAction.objects.filter(loan_id=loan_id, as_of=day, allowed=False).order_by("channel", "id")
    ]
    facts = read_facts(_DjangoReader(), day, loan_id=loan_id, from_history=from_history).to_pylist()
    if not facts:
        return None
    to_now = as_of is None
    currency = Loan.objects.filter(pk=loan_id).values_list("currency", flat=True).first() or DEFAULT_CURRENCY
    explained = explain_account(
        facts[0], strategy, day, blocked, holds_on(loan_id, day, to_now=to_now), holds_to_now=to_now, currency=currency
    )
    return _with_debt_dates(explained, loan_id, day, to_now=to_now)


def _with_debt_dates(explained: Explanation, loan_id: int, day: dt.date, *, to_now: bool = False) -> Explanation:
    """The explanation with the debt's limitation date (arrears.legal.limitation) and, once the account was
    reported to the credit reference centre, when its negative record falls away (arrears.credit)."""
    import dataclasses

    from arrears.credit.reporting import retention_lines_for
    from arrears.legal.costs import costs_lines
    from arrears.legal.limitation import limitation_lines

    zh, en = limitation_lines(loan_id, day)
    costs_zh, costs_en = costs_lines(loan_id, None if to_now else day)
    credit_zh, credit_en = retention_lines_for(loan_id, day)
    zh, en = zh + costs_zh + credit_zh, en + costs_en + credit_en
    return dataclasses.replace(explained, lines_zh=explained.lines_zh + zh, lines_en=explained.lines_en + en)


def holds_on(loan_id: int, day: dt.date, *, to_now: bool = False) -> list[HoldOnDay]:
    """The loan's holds in force at some moment of `day` in the lender's zone (with `to_now`, of the
    time from that day until now, so a hold placed since the last cycle is told too), oldest first."""
    from arrears.cases.holds import kind_words
    from arrears.cases.models import AccountHold

    start = clock.at_local(day, dt.time(0))
    began = Q(since__lt=clock.at_local(day + dt.timedelta(days=1), dt.time(0)))
    if to_now:
        began |= Q(since__lte=clock.now())
    zone = clock.lender_zone()
    found = (
        AccountHold.objects.filter(began, loan_id=loan_id)
        .filter(Q(until__isnull=True) | Q(until__gt=start))
        .order_by("since", "pk")
    )
    return [
        HoldOnDay(
            kind=hold.kind, kind_zh=kind_words(hold.kind)[0], kind_en=kind_words(hold.kind)[1],
            since=hold.since.astimezone(zone), until=hold.until.astimezone(zone) if hold.until else None,
            reason=hold.reason,
        )
        for hold in found
    ]


def _no_state_on(loan_id: int, day: dt.date) -> InputError:
    from arrears.ledger.models import Loan

    name = Loan.objects.filter(pk=loan_id).values_list("external_id", flat=True).first() or loan_id
    stored = AccountStateHistory.objects.filter(loan_id=loan_id).aggregate(first=Min("as_of"), last=Max("as_of"))
    return InputError(
        f"贷款 {name} 没有 {day} 的账户状态（当日未运行夜间账龄计算）；已存的日期为 {stored['first']} 至 {stored['last']}",
        f"loan {name} has no stored state for {day} (the nightly cycle did not age it that day); "
        f"stored days run from {stored['first']} to {stored['last']}",
    )


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
