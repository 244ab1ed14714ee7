"""What a simulation achieved, read back from the product's own tables: recovered, cost, cures,
roll rates, the guard's blocks, and the violations an audit finds (which must be none).

    report = simulation_report(first_day, last_day, params)
    print(report.text()); Path("sim.json").write_text(report.as_json())
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from arrears import clock
from arrears.money import DEFAULT_CURRENCY, format_money
from arrears.simulate.params import Params


@dataclass
class SimulationReport:
    first_day: str
    last_day: str
    days: int
    accounts: int
    recovered_fen: int
    cost_fen: dict[str, int]
    contacts: dict[str, int]
    cure_rate: float
    delinquent_at_start: int
    cured_by_end: int
    roll_rates: dict[str, dict[str, int]]
    blocked_by_rule: dict[str, int]
    violations: int
    violations_by_rule: dict[str, int]
    contacts_judged: int
    activity: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    currency: str = DEFAULT_CURRENCY
    """The book's: every *_fen amount is in its hundredths (the cost parameters are read in it too)."""
    validation_notices: dict[str, int] = field(default_factory=dict)
    """Under a US profile (Reg F 1006.34): debts first communicated about, notices sent within the
    days the rule allows and after them, and those still waiting (first contact fewer days ago)."""

    @property
    def total_cost_fen(self) -> int:
        return sum(self.cost_fen.values())

    def as_json(self) -> str:
        data = asdict(self)
        data["total_cost_fen"] = self.total_cost_fen
        data["net_recovery_fen"] = self.recovered_fen - self.total_cost_fen
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)

    def text(self) -> str:
        # the report's lines are in both languages: amounts as the currency's own readers write them
        language = "zh-hans" if self.currency == "CNY" else "en"
        format_yuan = lambda minor: format_money(minor, self.currency, language)  # noqa: E731
        blocks = ", ".join(f"{rule} {n}" for rule, n in sorted(self.blocked_by_rule.items(), key=lambda kv: -kv[1])[:8]) or "—"
        contacts = ", ".join(f"{k} {v}" for k, v in sorted(self.contacts.items())) or "—"
        lines = [
            f"模拟 {self.first_day} → {self.last_day}（{self.days} 天，{self.accounts} 个账户）/ "
            f"simulated {self.first_day} → {self.last_day} ({self.days} days, {self.accounts} accounts)",
            f"  回收 recovered: {format_yuan(self.recovered_fen)}",
            f"  成本 cost: {format_yuan(self.total_cost_fen)} ("
            + ", ".join(f"{k} {format_yuan(v)}" for k, v in sorted(self.cost_fen.items())) + ")",
            f"  净回收 net: {format_yuan(self.recovered_fen - self.total_cost_fen)}",
            f"  联系 contacts: {contacts}",
            f"  治愈率 cure rate: {self.cure_rate:.1%} ({self.cured_by_end}/{self.delinquent_at_start})",
            f"  拦截 guard blocks: {blocks}",
            f"  合规复核 audit: {self.contacts_judged} 次联系复核，违规 {self.violations} / "
            f"{self.contacts_judged} contacts judged again, {self.violations} violations",
        ]
        if self.validation_notices:
            n = self.validation_notices
            lines.append(
                f"  债务确认通知 validation notices: 首次沟通 {n['first_contacts']}，{n['within_days']} 日内寄出 {n['in_time']}，"
                f"逾期寄出 {n['late']}，待寄 {n['waiting']} / {n['first_contacts']} first contacts, {n['in_time']} sent within "
                f"{n['within_days']} days, {n['late']} late, {n['waiting']} waiting"
            )
        return "\n".join(lines)


def _rows(sql: str, params=()) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(p) if isinstance(p, dt.date) else p for p in params])
        return cursor.fetchall()


def _contacts(first_day: dt.date, last_day: dt.date) -> dict[str, int]:
    """Contacts made or sent in the window, by channel (a visit counted once, at its record)."""
    from arrears import clock

    start = clock.at_local(first_day, dt.time(0))
    end = clock.at_local(last_day + dt.timedelta(days=1), dt.time(0))
    rows = _rows(
        "SELECT channel, COUNT(*) FROM contact_contactattempt WHERE state IN ('sent', 'done') "
        "AND attempted_at >= %s AND attempted_at < %s GROUP BY channel",
        [start, end],
    )
    return {channel: int(n) for channel, n in rows}


def _roll_rates(first_day: dt.date, last_day: dt.date) -> dict[str, dict[str, int]]:
    """Accounts by bucket the night before the first day (rows) and on the last night (columns):
    the roll-rate page's own transitions, over the simulated days."""
    from arrears.web.queries import roll_transitions

    matrix: dict[str, dict[str, int]] = {}
    for transition in roll_transitions(first_day - dt.timedelta(days=1), last_day):
        matrix.setdefault(transition.from_bucket, {})[transition.to_bucket] = transition.accounts
    return matrix


def _cures(first_day: dt.date, last_day: dt.date) -> tuple[int, int]:
    """(delinquent the night before the first day, of those current or settled on the last night)."""
    rows = _rows(
        "SELECT COUNT(*), SUM(CASE WHEN b.days_past_due = 0 THEN 1 ELSE 0 END) FROM cycle_accountstatehistory a "
        "JOIN cycle_accountstatehistory b ON b.loan_id = a.loan_id AND b.as_of = %s "
        "WHERE a.as_of = %s AND a.days_past_due > 0",
        [last_day, first_day - dt.timedelta(days=1)],
    )
    delinquent, cured = rows[0]
    return int(delinquent or 0), int(cured or 0)


def _blocks(first_day: dt.date, last_day: dt.date, activity: dict[str, int]) -> dict[str, int]:
    """The guard's blocks: planned actions, messages stopped at sending, and calls it refused."""
    from arrears import clock

    counts: dict[str, int] = {}
    for blocked_by, n in _rows(
        "SELECT blocked_by, COUNT(*) FROM strategy_plannedaction WHERE NOT allowed AND as_of >= %s AND as_of <= %s "
        "GROUP BY blocked_by", [first_day - dt.timedelta(days=1), last_day - dt.timedelta(days=1)],
    ):
        for rule in filter(None, blocked_by.split(",")):
            counts[rule] = counts.get(rule, 0) + int(n)
    start = clock.at_local(first_day, dt.time(0))
    end = clock.at_local(last_day + dt.timedelta(days=1), dt.time(0))
    for blocked_by, n in _rows(
        "SELECT blocked_by, COUNT(*) FROM contact_contactattempt WHERE state = 'blocked' AND planned_for >= %s "
        "AND planned_for < %s GROUP BY blocked_by", [start, end],
    ):
        for rule in filter(None, blocked_by.split(",")):
            counts[rule] = counts.get(rule, 0) + int(n)
    for key, n in activity.items():
        if key.startswith(("call_refused:", "agency_call_refused:")):
            rule = key.split(":", 1)[1]
            counts[rule] = counts.get(rule, 0) + n
    return counts


def simulation_report(first_day: dt.date, last_day: dt.date, params: Params, *, activity: dict[str, int] | None = None,
                      seconds: float = 0.0) -> SimulationReport:
    from arrears.agencies.statements import period_lines
    from arrears.guard.audit import audit
    from arrears.ledger.models import Loan
    from arrears.ledger.recoveries import recovered_between

    activity = dict(activity or {})
    contacts = _contacts(first_day, last_day)
    cost = {channel: contacts.get(channel, 0) * fen for channel, fen in params.cost_fen.items()}
    cost["agency_commission"] = sum(line.line.commission for line in period_lines([(first_day, last_day)]))
    delinquent, cured = _cures(first_day, last_day)
    found = audit(first_day, last_day)
    return SimulationReport(
        first_day=first_day.isoformat(), last_day=last_day.isoformat(), days=(last_day - first_day).days + 1,
        accounts=Loan.objects.filter(start_date__lte=last_day).count(),
        recovered_fen=recovered_between(first_day, last_day), cost_fen=cost, contacts=contacts,
        cure_rate=(cured / delinquent) if delinquent else 0.0, delinquent_at_start=delinquent, cured_by_end=cured,
        roll_rates=_roll_rates(first_day, last_day), blocked_by_rule=_blocks(first_day, last_day, activity),
        violations=len(found.findings), violations_by_rule=found.by_rule(), contacts_judged=found.judged,
        activity=activity, seconds=round(seconds, 1), currency=_book_currency(),
        validation_notices=_validation_notices(last_day),
    )


def _validation_notices(last_day: dt.date) -> dict[str, int]:
    """How soon each debt's validation notice went after the first contact, under a US profile (else empty)."""
    from arrears.compliance.lender import lender_profile_name
    from arrears.compliance.profiles import load_profile
    from arrears.guard.debts import debt_facts, needs_debt_facts

    profile = lender_profile_name()
    if not needs_debt_facts(profile):
        return {}
    days = next(rule.within_days for rule in load_profile(profile).rules if rule.kind == "validation_notice")
    allowed = dt.timedelta(days=days)
    end = clock.at_local(last_day + dt.timedelta(days=1), dt.time(0))
    counts = {"within_days": days, "first_contacts": 0, "in_time": 0, "late": 0, "waiting": 0}
    for fact in debt_facts(last_day):
        first, notice = fact.initial_communication_utc, fact.validation_notice_utc
        if first is None:
            continue
        counts["first_contacts"] += 1
        if notice is not None:
            counts["in_time" if notice - first <= allowed else "late"] += 1
        else:
            counts["waiting" if end - first <= allowed else "late"] += 1
    return counts


def _book_currency() -> str:
    """The simulated book's currency: the one its loans are in (a simulated book has one)."""
    from arrears.ledger.models import Loan
    from arrears.notices.lender import default_currency

    return Loan.objects.values_list("currency", flat=True).first() or default_currency()
