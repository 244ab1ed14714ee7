"""The agencies' league table: recovery rate, contact rate, promise-kept rate, complaints per 1,000
cases and cost per yuan recovered — each from grouped queries over all placements at once.

    recovery rate        recovered / overdue at placement, over placements active by `as_of`
    contact rate         placements with a right-party contact by the end of `as_of` / placements
    promise-kept rate    promises taken by the agency and judged by `as_of`: kept / judged (kept, partly kept, broken)
    complaints per 1,000 complaints received by `as_of` / placements × 1,000
    cost per yuan        commission earned / recovered (fen per yuan, i.e. per 100 fen)

Recovered follows the statement's rule (agencies/statements.py) from activation to `as_of`. The
commission is what the monthly statements give, summed: each month's lines with the tier reached by
that month's end, the month of `as_of` counted to `as_of`. So cost per yuan agrees with the statements.

Amounts are in each placed loan's currency and never added across currencies: a row's `amounts` holds
placed, recovered and commission per currency (the lender's first), and its `placed`, `recovered` and
`commission` (and so the recovery rate and cost) are those of the lender's currency.

    >>> league(as_of, agency_ids)                 # one row per agency
    >>> league(as_of, agency_ids, by_arm=True)    # one row per agency and arm (champion, challenger)

By arm, a complaint counts for the arm of the placement it is about; one about no placement counts
only in the agency's overall row. `arm_totals` adds the arms up over all agencies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from arrears.agencies.commission import recovery_bp
from arrears.agencies.terms import BASIS_POINTS
from arrears.ledger.recoveries import recovered_condition

RIGHT_PARTY = ("right_party_contact", "promise", "refusal", "dispute", "hardship_claim", "callback_requested", "stop_channel")
JUDGED = ("kept", "partly_kept", "broken")

def during_placement(placement: str, payment: str) -> str:
    """SQL: the payment falls in the placement's time with the agency: from the day it became active up
    to (not including) the day it ended or expires. What counts as recovered money is the ledger's
    one definition (arrears.ledger.recoveries), which leaves out waivers and reversed payments."""
    return (f"{payment}.value_date >= {placement}.activated_on "
            f"AND {payment}.value_date < COALESCE({placement}.ended_on, {placement}.expires_on)")


COUNTED = "p.activated_on IS NOT NULL AND p.activated_on <= %(as_of)s"  # the placements the league measures

PER_PLACEMENT_SQL = f"""
SELECT p.agency_id, p.arm, l.currency, COUNT(*), COALESCE(SUM(p.overdue_at_placement), 0), COALESCE(SUM(rec.amount), 0)
FROM agencies_placement p
JOIN ledger_loan l ON l.id = p.loan_id
LEFT JOIN (
  SELECT p2.id AS placement_id, SUM(pay.amount) AS amount
  FROM agencies_placement p2
  JOIN ledger_payment pay
    ON pay.loan_id = p2.loan_id AND {during_placement("p2", "pay")}
   AND pay.value_date <= %(as_of)s
   AND {recovered_condition("pay", "%(as_of)s")}
  WHERE p2.activated_on IS NOT NULL
  GROUP BY p2.id
) rec ON rec.placement_id = p.id
WHERE {COUNTED}
GROUP BY p.agency_id, p.arm, l.currency
"""
# attempted_at is UTC; `as_of` ends at midnight after it in the lender's zone
CONTACTED_SQL = f"""
SELECT p.agency_id, p.arm, COUNT(DISTINCT p.id) FROM agencies_placement p
JOIN agencies_agencycontact ac ON ac.placement_id = p.id
JOIN contact_contactattempt a ON a.id = ac.attempt_id
WHERE {COUNTED} AND a.outcome IN ({", ".join(f"'{o}'" for o in RIGHT_PARTY)})
  AND a.attempted_at < %(as_of_ends)s
GROUP BY p.agency_id, p.arm
"""
PROMISES_SQL = f"""
SELECT p.agency_id, p.arm, SUM(CASE WHEN pr.state = 'kept' THEN 1 ELSE 0 END), COUNT(*)
FROM promises_promise pr
JOIN agencies_agencycontact ac ON ac.attempt_id = pr.attempt_id
JOIN agencies_placement p ON p.id = ac.placement_id
WHERE pr.state IN ({", ".join(f"'{s}'" for s in JUDGED)}) AND pr.judged_on <= %(as_of)s
GROUP BY p.agency_id, p.arm
"""
COMPLAINTS_SQL = """
SELECT c.agency_id, p.arm, COUNT(*) FROM agencies_complaint c
LEFT JOIN agencies_placement p ON p.id = c.placement_id
WHERE c.received_on <= %(as_of)s
GROUP BY c.agency_id, p.arm
"""


@dataclass(frozen=True)
class CurrencyAmounts:
    """A league row's money in one currency (hundredths of it)."""

    currency: str
    placed: int = 0
    recovered: int = 0
    commission: int = 0

    @property
    def cost_per_unit(self) -> int | None:
        """Commission per whole unit recovered (fen per yuan, cents per dollar)."""
        return self.commission * 100 // self.recovered if self.recovered > 0 else None


@dataclass(frozen=True)
class AgencyPerformance:
    """A row of the league: one agency (`arm` None: both arms), one agency's arm, or one arm over
    every agency (`agency_id` None). Counts and amounts are integers, amounts in fen."""

    agency_id: int | None
    placements: int
    placed: int
    recovered: int
    commission: int
    contacted: int
    promises_kept: int
    promises_judged: int
    complaints: int
    arm: str | None = None
    amounts: tuple[CurrencyAmounts, ...] = ()
    """Placed, recovered and commission per currency, the lender's first (the scalar fields are the lender's currency's)."""

    @property
    def recovery_bp(self) -> int | None:
        return recovery_bp(self.recovered, self.placed) if self.placed else None

    @property
    def contact_rate_bp(self) -> int | None:
        return self.contacted * BASIS_POINTS // self.placements if self.placements else None

    @property
    def promise_kept_bp(self) -> int | None:
        return self.promises_kept * BASIS_POINTS // self.promises_judged if self.promises_judged else None

    @property
    def complaints_per_1000(self) -> int | None:
        return self.complaints * 1000 // self.placements if self.placements else None

    @property
    def cost_fen_per_yuan(self) -> int | None:
        return self.commission * 100 // self.recovered if self.recovered > 0 else None


COUNTS = ("placements", "placed", "recovered", "commission", "contacted", "promises_kept", "promises_judged", "complaints")


def end_of_day_utc(day: dt.date) -> dt.datetime:
    """The instant a business date ends (midnight after it in the lender's zone), in UTC; exclusive."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(dt.UTC)


def end_of_day_param(day: dt.date):
    """`end_of_day_utc` as a raw query parameter, in the form the database stores timestamps (SQLite
    compares them as text)."""
    return connection.ops.adapt_datetimefield_value(end_of_day_utc(day))


def _rows(sql: str, as_of: dt.date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of, "as_of_ends": end_of_day_param(as_of)})
        return cursor.fetchall()


def _first_activation() -> dt.date | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(activated_on) FROM agencies_placement WHERE activated_on IS NOT NULL")
        (first,) = cursor.fetchone()
    return None if first is None else first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first)[:10])


def statement_commission(as_of: dt.date, agency_ids) -> dict[tuple[int, str, str], int]:
    """Commission by agency, arm and currency: the monthly statements' lines up to `as_of`, summed."""
    from arrears.agencies.statements import month_bounds, month_starts, period_lines

    first = _first_activation()
    if first is None or first > as_of:
        return {}
    day_after = as_of + dt.timedelta(days=1)
    periods = [(start, min(month_bounds(start)[1], day_after)) for start in month_starts(first, as_of)]
    totals: dict[tuple[int, str, str], int] = {}
    for row in period_lines(periods, agency_ids):
        key = (row.agency_id, row.arm, row.line.currency)
        totals[key] = totals.get(key, 0) + row.line.commission
    return totals


MONEY = ("placed", "recovered", "commission")


def _with_amounts(agency_id, arm, values: dict[str, int], money: dict[str, dict[str, int]]) -> AgencyPerformance:
    """A league row: its counts, and its money per currency (the lender's first, and in the scalar fields)."""
    from arrears.notices.lender import default_currency

    lender = default_currency()
    amounts = tuple(CurrencyAmounts(code, **money[code]) for code in sorted(money, key=lambda code: (code != lender, code)))
    own = money.get(lender, dict.fromkeys(MONEY, 0))
    counts = {name: value for name, value in values.items() if name not in MONEY}
    return AgencyPerformance(agency_id=agency_id, arm=arm, **counts, **own, amounts=amounts)


def league(as_of: dt.date, agency_ids, *, by_arm: bool = False) -> list[AgencyPerformance]:
    """One row per agency in `agency_ids` (in that order); with `by_arm`, one per agency and arm that has
    placements, complaints about no placement left out."""
    order = {agency_id: n for n, agency_id in enumerate(agency_ids)}
    counts: dict[tuple[int, str | None], dict[str, int]] = {}
    money: dict[tuple[int, str | None], dict[str, dict[str, int]]] = {}
    if not by_arm:
        counts = {(agency_id, None): dict.fromkeys(COUNTS, 0) for agency_id in order}

    def add(agency_id: int, arm: str | None, currency: str | None = None, **values) -> None:
        if agency_id not in order or (by_arm and arm is None):
            return
        key = (agency_id, arm if by_arm else None)
        row = counts.setdefault(key, dict.fromkeys(COUNTS, 0))
        for name, value in values.items():
            if name in MONEY:
                in_currency = money.setdefault(key, {}).setdefault(currency, dict.fromkeys(MONEY, 0))
                in_currency[name] += int(value or 0)
            else:
                row[name] += int(value or 0)

    for agency_id, arm, currency, n, placed, recovered in _rows(PER_PLACEMENT_SQL, as_of):
        add(agency_id, arm, currency, placements=n, placed=placed, recovered=recovered)
    for (agency_id, arm, currency), commission in statement_commission(as_of, list(order)).items():
        add(agency_id, arm, currency, commission=commission)
    for agency_id, arm, n in _rows(CONTACTED_SQL, as_of):
        add(agency_id, arm, contacted=n)
    for agency_id, arm, kept, judged in _rows(PROMISES_SQL, as_of):
        add(agency_id, arm, promises_kept=kept, promises_judged=judged)
    for agency_id, arm, n in _rows(COMPLAINTS_SQL, as_of):
        add(agency_id, arm, complaints=n)
    rows = [_with_amounts(agency_id, arm, values, money.get((agency_id, arm), {})) for (agency_id, arm), values in counts.items()]
    return sorted(rows, key=lambda r: (order[r.agency_id], r.arm or ""))


def arm_totals(rows: list[AgencyPerformance]) -> list[AgencyPerformance]:
    """The rows of `league(..., by_arm=True)` added up over the agencies, one per arm (agency_id None):
    the champion/challenger comparison itself."""
    totals: dict[str, dict[str, int]] = {}
    money: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        if row.arm is not None:
            total = totals.setdefault(row.arm, dict.fromkeys(COUNTS, 0))
            for name in COUNTS:
                if name not in MONEY:
                    total[name] += getattr(row, name)
            for amounts in row.amounts:
                in_currency = money.setdefault(row.arm, {}).setdefault(amounts.currency, dict.fromkeys(MONEY, 0))
                for name in MONEY:
                    in_currency[name] += getattr(amounts, name)
    return [_with_amounts(None, arm, totals[arm], money.get(arm, {})) for arm in sorted(totals)]
