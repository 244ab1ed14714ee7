"""Champion/challenger tests that measure: per arm, what was recovered, what it cost, how many cured,
complaints and guard blocks, with 95% intervals, and a winner only past a stated minimum sample.

    results = measure_experiments(first, last)      # one ArmTest per strategy segment with both arms
    print(results_text(results))

An account belongs to the arm its segment put it in on the first night it was planned in the period
(arms are stable by design, `strategy.arms`). Over the period, for each account:
- recovered: money recovered (`ledger.recoveries.recovered_condition`, the one definition), value-dated
  from its first planned night to the last day;
- cost: the contacts made (sent or done) in that time, at the cost of each channel (COST_FEN);
- cured: its days past due are 0 on the last day of the period;
- complaints: complaints about an agency's collection of it; guard blocks: its planned actions the
  guard refused.

MIN_ARM_SAMPLE: 330 accounts an arm detect a 10-point difference in cure rate around 30% with 95%
confidence and 80% power (n = 2 · (1.96 + 0.84)² · p(1 − p) / d²). Below it no winner is called.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

MIN_ARM_SAMPLE = 330
COST_FEN = {"sms": 5, "email": 1, "app_push": 0, "letter": 300, "call": 200, "visit": 5_000}
Z95 = 1.96


@dataclass(frozen=True)
class ArmOutcome:
    arm: str
    accounts: int
    recovered: int  # fen, in all
    cost: int  # fen, in all
    cured: int
    complaints: int
    guard_blocks: int
    net_mean: float  # fen an account
    net_low: float
    net_high: float
    cure_rate: float
    cure_low: float
    cure_high: float


@dataclass(frozen=True)
class ArmTest:
    strategy: str
    segment: str
    arms: tuple[ArmOutcome, ...]
    difference: float  # challenger − champion, net fen an account
    difference_low: float
    difference_high: float
    verdict_zh: str
    verdict_en: str


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    half = Z95 * float(values.std(ddof=1)) / math.sqrt(len(values)) if len(values) > 1 else float("inf")
    return mean, mean - half, mean + half


def wilson(successes: int, n: int) -> tuple[float, float, float]:
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def arm_outcome(arm: str, rows: dict[str, np.ndarray]) -> ArmOutcome:
    net = rows["recovered"] - rows["cost"]
    mean, low, high = mean_interval(net.astype(float))
    cured = int(rows["cured"].sum())
    rate, cure_low, cure_high = wilson(cured, len(net))
    return ArmOutcome(arm, int(len(net)), int(rows["recovered"].sum()), int(rows["cost"].sum()), cured,
                      int(rows["complaints"].sum()), int(rows["guard_blocks"].sum()),
                      mean, low, high, rate, cure_low, cure_high)


def compare(strategy: str, segment: str, by_arm: dict[str, dict[str, np.ndarray]]) -> ArmTest:
    """The arms of one segment, and the challenger's difference in net recovery with a Welch interval."""
    outcomes = tuple(arm_outcome(arm, by_arm[arm]) for arm in sorted(by_arm))
    champion, challenger = by_arm.get("champion"), by_arm.get("challenger")
    if champion is None or challenger is None:
        return ArmTest(strategy, segment, outcomes, float("nan"), float("nan"), float("nan"),
                       "只有一个组，无法比较", "one arm only: nothing to compare")
    a = (champion["recovered"] - champion["cost"]).astype(float)
    b = (challenger["recovered"] - challenger["cost"]).astype(float)
    difference = float(b.mean() - a.mean())
    spread = math.sqrt((a.var(ddof=1) / len(a) if len(a) > 1 else math.inf) + (b.var(ddof=1) / len(b) if len(b) > 1 else math.inf))
    low, high = difference - Z95 * spread, difference + Z95 * spread
    smaller = min(len(a), len(b))
    if smaller < MIN_ARM_SAMPLE:
        zh = f"样本不足：每组至少 {MIN_ARM_SAMPLE} 个账户才判定胜者（最少的一组 {smaller} 个）"
        en = f"too few accounts to call a winner: {MIN_ARM_SAMPLE} an arm are needed (the smaller arm has {smaller})"
    elif low > 0:
        zh, en = "挑战组胜出（净回收更高）", "the challenger wins (more net recovery)"
    elif high < 0:
        zh, en = "冠军组胜出（净回收更高）", "the champion wins (more net recovery)"
    else:
        zh, en = "无显著差别", "no significant difference"
    return ArmTest(strategy, segment, outcomes, difference, low, high, zh, en)


class DjangoReader:
    """`fetch` as the bulk connection has it, through Django's own connection: for a web request, which must
    not close Django's connection (on SQLite the bulk connection does) in the middle of its transaction."""

    def __enter__(self) -> DjangoReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def fetch(self, sql: str, *, dates: tuple[str, ...] = ()):
        import pyarrow as pa
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        columns = {}
        for index, name in enumerate(names):
            values = [row[index] for row in rows]
            if name in dates:
                values = [None if v is None else v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])
                          for v in values]
                columns[name] = pa.array(values, pa.date32())
            else:
                columns[name] = pa.array(values)
        return pa.table(columns) if names else pa.table({})


def measure_experiments(first: dt.date, last: dt.date, *, bulk: bool = True) -> list[ArmTest]:
    """Every strategy segment with accounts planned in the period, its arms measured from the database
    (read in bulk; `bulk=False` reads through Django's connection, as a page must)."""
    import duckdb

    from arrears.bulk import BulkConnection
    from arrears.ledger.recoveries import recovered_condition

    if first > last:
        from arrears.errors import InputError

        raise InputError("开始日期晚于结束日期", "the first day is after the last")
    day = lambda value: value.isoformat()  # noqa: E731
    with BulkConnection.for_django() if bulk else DjangoReader() as db:
        planned = db.fetch(
            "SELECT loan_id, strategy, segment, arm, as_of, allowed FROM strategy_plannedaction "
            f"WHERE as_of >= '{day(first)}' AND as_of <= '{day(last)}'", dates=("as_of",))
        payments = db.fetch(
            f"SELECT id, loan_id, amount, value_date, channel, reverses_id FROM ledger_payment WHERE value_date >= '{day(first)}' "
            f"AND value_date <= '{day(last)}'", dates=("value_date",))
        attempts = db.fetch(
            "SELECT loan_id, channel, as_of FROM contact_contactattempt WHERE state IN ('sent', 'done') "
            f"AND as_of >= '{day(first)}' AND as_of <= '{day(last)}'", dates=("as_of",))
        states = db.fetch(f"SELECT loan_id, days_past_due FROM cycle_accountstatehistory WHERE as_of = '{day(last)}'")
        complaints = db.fetch(
            "SELECT p.loan_id, COUNT(*) AS complaints FROM agencies_complaint c "
            "JOIN agencies_placement p ON p.id = c.placement_id GROUP BY p.loan_id") if _has_table(db, "agencies_complaint") \
            else None
    con = duckdb.connect()
    try:
        con.register("planned", planned)
        con.register("payments_in", payments)
        con.execute("CREATE TABLE ledger_payment AS SELECT * FROM payments_in")
        con.register("attempts", attempts)
        con.register("states", states)
        costs = ", ".join(f"('{channel}', {fen})" for channel, fen in COST_FEN.items())
        complaint_join = "LEFT JOIN complaints c ON c.loan_id = m.loan_id" if complaints is not None else ""
        complaint_col = "COALESCE(c.complaints, 0)" if complaints is not None else "0"
        if complaints is not None:
            con.register("complaints", complaints)
        rows = con.execute(f"""
WITH members AS (
    SELECT loan_id, strategy, segment, arg_min(arm, as_of) AS arm, MIN(as_of) AS since,
      COUNT(*) FILTER (WHERE NOT allowed) AS guard_blocks
    FROM planned GROUP BY loan_id, strategy, segment
),
cost AS (SELECT * FROM (VALUES {costs}) AS t(channel, fen))
SELECT m.strategy, m.segment, m.arm,
  COALESCE((SELECT SUM(pay.amount) FROM ledger_payment pay WHERE pay.loan_id = m.loan_id AND pay.value_date >= m.since
            AND {recovered_condition('pay', f"DATE '{day(last)}'")}), 0)::BIGINT AS recovered,
  COALESCE((SELECT SUM(k.fen) FROM attempts a JOIN cost k ON k.channel = a.channel
            WHERE a.loan_id = m.loan_id AND a.as_of >= m.since), 0)::BIGINT AS cost,
  COALESCE((SELECT MAX(CASE WHEN s.days_past_due = 0 THEN 1 ELSE 0 END) FROM states s WHERE s.loan_id = m.loan_id), 0) AS cured,
  {complaint_col} AS complaints, m.guard_blocks
FROM members m {complaint_join}
ORDER BY m.strategy, m.segment, m.arm
""").to_arrow_table()
    finally:
        con.close()
    grouped: dict[tuple[str, str], dict[str, dict[str, list]]] = {}
    for row in rows.to_pylist():
        arm = grouped.setdefault((row["strategy"], row["segment"]), {}).setdefault(row["arm"], {
            "recovered": [], "cost": [], "cured": [], "complaints": [], "guard_blocks": []})
        for key in arm:
            arm[key].append(row[key])
    return [
        compare(strategy, segment, {arm: {k: np.array(v, dtype=np.int64) for k, v in values.items()}
                                    for arm, values in arms.items()})
        for (strategy, segment), arms in sorted(grouped.items())
    ]


def _has_table(db, name: str) -> bool:
    try:
        db.fetch(f"SELECT 1 FROM {name} WHERE 1 = 0")
        return True
    except Exception:  # noqa: BLE001 — an app that is not installed has no table
        return False


def results_text(results: list[ArmTest]) -> str:
    lines = [f"最小样本 / minimum sample: {MIN_ARM_SAMPLE} 个账户每组 accounts an arm"]
    for test in results:
        lines.append(f"\n{test.strategy} / {test.segment}")
        for arm in test.arms:
            lines.append(
                f"  {arm.arm:<10} n={arm.accounts:<6} 回收 recovered ¥{arm.recovered / 100:,.2f}  成本 cost ¥{arm.cost / 100:,.2f}  "
                f"净 net/acct ¥{arm.net_mean / 100:,.2f} [{arm.net_low / 100:,.2f}, {arm.net_high / 100:,.2f}]  "
                f"治愈 cure {arm.cure_rate:.1%} [{arm.cure_low:.1%}, {arm.cure_high:.1%}]  "
                f"投诉 complaints {arm.complaints}  拦截 guard blocks {arm.guard_blocks}")
        if math.isfinite(test.difference):
            lines.append(f"  挑战组−冠军组 challenger − champion: ¥{test.difference / 100:,.2f} "
                         f"[{test.difference_low / 100:,.2f}, {test.difference_high / 100:,.2f}] 每账户 an account")
        lines.append(f"  {test.verdict_zh} / {test.verdict_en}")
    return "\n".join(lines)
