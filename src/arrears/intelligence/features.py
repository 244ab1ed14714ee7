"""What the propensity model knows of a delinquent account on a day: computed set-based, never per row.

    sources = load_sources(db, first=day - LOOKBACK_DAYS, last=day)     # Arrow tables, nothing after `last`
    table = compute(sources, [day])                                       # one row per account in arrears on `day`
    table = compute(sources, days, horizon=30, share_pct=50)              # with the label and what was done after

Everything is read from the tables a lender's database holds (the cycle's state history, payments,
contact attempts, promises, plans, holds, loans and products) and computed in DuckDB over Arrow.
Every source is filtered by the snapshot's day inside the SQL, so a feature never sees a row dated
after it: loading more (a longer history, a label window) changes no feature. Recovered money is
counted by `arrears.ledger.recoveries.recovered_condition`, the one definition: a reversal counts
against a payment only once it is value-dated by the day asked about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from arrears.contact.outcomes import REACHED
from arrears.ledger.recoveries import WAIVER_CHANNEL, recovered_condition

LOOKBACK_DAYS = 180
REMINDER_CHANNELS = ("sms", "email", "app_push", "letter")
MADE_STATES = ("sent", "done")  # an attempt that went out (or was worked); blocked ones are counted apart
ENDED_STATUSES = ("charged_off", "settled", "closed")


@dataclass(frozen=True)
class Feature:
    name: str
    zh: str
    en: str


FEATURES: tuple[Feature, ...] = (
    Feature("dpd", "逾期天数", "days past due"),
    Feature("bucket_rank", "逾期阶段（M1=1…）", "bucket (M1=1…)"),
    Feature("max_dpd_90", "近90天最大逾期天数", "highest DPD in 90 days"),
    Feature("days_in_arrears_90", "近90天逾期天数合计", "days in arrears in 90 days"),
    Feature("dpd_30_ago", "30天前逾期天数", "DPD 30 days before"),
    Feature("cures_180", "近180天结清逾期次数", "cures in 180 days"),
    Feature("buckets_seen_180", "近180天经历的逾期阶段数", "buckets seen in 180 days"),
    Feature("overdue_principal", "逾期本金", "overdue principal"),
    Feature("overdue_interest", "逾期利息", "overdue interest"),
    Feature("fee_outstanding", "未还费用", "fees outstanding"),
    Feature("penalty_outstanding", "未还罚息", "penalty outstanding"),
    Feature("principal_outstanding", "剩余本金", "principal outstanding"),
    Feature("balance", "欠款余额", "balance"),
    Feature("overdue_share_pct", "逾期金额占余额百分比", "overdue as % of balance"),
    Feature("paid_30", "近30天回收金额", "recovered in 30 days"),
    Feature("paid_180", "近180天回收金额", "recovered in 180 days"),
    Feature("payments_180", "近180天还款笔数", "payments in 180 days"),
    Feature("partial_payments_180", "近180天部分还款笔数", "partial payments in 180 days"),
    Feature("reversals_180", "近180天冲正笔数", "reversals in 180 days"),
    Feature("days_since_payment", "距上次还款天数", "days since a payment"),
    Feature("sms_30", "近30天短信", "SMS in 30 days"),
    Feature("calls_30", "近30天电话", "calls in 30 days"),
    Feature("visits_90", "近90天外访", "visits in 90 days"),
    Feature("other_contacts_30", "近30天其他渠道联系", "other channels in 30 days"),
    Feature("unanswered_calls_30", "近30天未接通电话", "unanswered calls in 30 days"),
    Feature("rpc_30", "近30天联系到本人次数", "right-party contacts in 30 days"),
    Feature("rpc_90", "近90天联系到本人次数", "right-party contacts in 90 days"),
    Feature("days_since_rpc", "距上次联系到本人天数", "days since a right-party contact"),
    Feature("guard_blocks_30", "近30天被合规拦截次数", "guard blocks in 30 days"),
    Feature("promises_180", "近180天承诺次数", "promises made in 180 days"),
    Feature("promises_broken_180", "近180天违约承诺", "promises broken in 180 days"),
    Feature("promises_kept_180", "近180天兑现承诺", "promises kept in 180 days"),
    Feature("promise_pending", "有待判定的承诺", "a promise pending"),
    Feature("plans_180", "近180天还款方案", "plans in 180 days"),
    Feature("plans_broken_180", "近180天违约方案", "plans broken in 180 days"),
    Feature("disputes_180", "近180天异议", "disputes in 180 days"),
    Feature("product", "产品", "product"),
    Feature("principal", "贷款本金", "principal lent"),
    Feature("term_months", "期数（月）", "term (months)"),
    Feature("annual_rate_bp", "年利率（基点）", "annual rate (bp)"),
    Feature("months_on_book", "账龄（月，放款批次）", "months on book (vintage)"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
CATEGORICAL: tuple[str, ...] = ("product",)
BY_NAME = {feature.name: feature for feature in FEATURES}


@dataclass(frozen=True)
class Sources:
    """The stored rows the features are computed from, none dated after `last`."""

    last: dt.date
    states: pa.Table
    loans: pa.Table
    payments: pa.Table
    attempts: pa.Table
    promises: pa.Table
    plans: pa.Table
    holds: pa.Table


def load_sources(db, *, first: dt.date, last: dt.date) -> Sources:
    """Read what the features need from `first` to `last` (the states from `first`; the events
    from LOOKBACK_DAYS before it), in bulk; nothing dated after `last` is read."""
    from arrears import clock

    since = first - dt.timedelta(days=LOOKBACK_DAYS + 30)
    end_instant = clock.at_local(last + dt.timedelta(days=1), dt.time(0))
    start_instant = clock.at_local(since, dt.time(0))
    day = lambda value: value.isoformat()  # noqa: E731 — dates are compared as ISO text on SQLite
    instant = _instant_literal(db.vendor)
    states = db.fetch(
        "SELECT loan_id, as_of, days_past_due, bucket, status, overdue_principal, overdue_interest, fee_outstanding, "
        "penalty_outstanding, principal_outstanding, balance FROM cycle_accountstatehistory "
        f"WHERE as_of >= '{day(since)}' AND as_of <= '{day(last)}'",
        dates=("as_of",),
    )
    loans = db.fetch(
        "SELECT l.id AS loan_id, l.external_id, p.code AS product, l.principal, l.term_months, p.annual_rate_bp, "
        f"l.start_date FROM ledger_loan l JOIN ledger_product p ON p.id = l.product_id WHERE l.start_date <= '{day(last)}'",
        dates=("start_date",),
    )
    payments = db.fetch(
        "SELECT id, loan_id, amount, value_date, channel, reverses_id FROM ledger_payment "
        f"WHERE value_date >= '{day(since)}' AND value_date <= '{day(last)}'",
        dates=("value_date",),
    )
    attempts = db.fetch(
        "SELECT loan_id, channel, state, outcome, as_of, attempted_at, created_at FROM contact_contactattempt "
        f"WHERE COALESCE(attempted_at, created_at) >= {instant(start_instant)} "
        f"AND COALESCE(attempted_at, created_at) < {instant(end_instant)}",
        dates=("as_of",),
    )
    promises = db.fetch(
        "SELECT loan_id, promised_on, due_date, state, judged_on FROM promises_promise "
        f"WHERE promised_on >= '{day(since)}' AND promised_on <= '{day(last)}'",
        dates=("promised_on", "due_date", "judged_on"),
    )
    plans = db.fetch(
        "SELECT loan_id, created_at, broken_on FROM plans_plan "
        f"WHERE created_at >= {instant(start_instant)} AND created_at < {instant(end_instant)}",
        dates=("broken_on",),
    )
    holds = db.fetch(
        f"SELECT loan_id, kind, since FROM cases_accounthold WHERE since >= {instant(start_instant)} "
        f"AND since < {instant(end_instant)}",
    )
    # what was judged (or broken) after `last` is not known on `last`
    promises = _blank_after(promises, "judged_on", last, also=("state",))
    plans = _blank_after(plans, "broken_on", last)
    return Sources(
        last=last,
        states=states,
        loans=loans,
        payments=payments,
        attempts=_with_local_day(attempts, "attempted_at", fallback="created_at", business="as_of"),
        promises=promises,
        plans=_with_local_day(plans, "created_at"),
        holds=_with_local_day(holds, "since"),
    )


def _instant_literal(vendor: str):
    """An instant as the database compares it: SQLite keeps Django's UTC datetimes as text."""
    if vendor == "sqlite":
        return lambda moment: "'" + moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") + "'"
    return lambda moment: f"TIMESTAMPTZ '{moment.astimezone(dt.UTC).isoformat()}'"


def _blank_after(table: pa.Table, column: str, last: dt.date, also: tuple[str, ...] = ()) -> pa.Table:
    later = pc.fill_null(pc.greater(table.column(column), pa.scalar(last, pa.date32())), False)
    for name in (column, *also):
        index = table.schema.get_field_index(name)
        field = table.schema.field(index)
        table = table.set_column(index, field, pc.if_else(later, pa.scalar(None, field.type), table.column(name)))
    return table


def _with_local_day(table: pa.Table, column: str, *, fallback: str | None = None, business: str | None = None) -> pa.Table:
    """Add `day`: the instant's date in the lender's zone (or the business date when one is stored)."""
    from arrears import clock

    zone = str(clock.lender_zone())
    values = _as_utc(table.column(column))
    if fallback is not None:
        values = pc.coalesce(values, _as_utc(table.column(fallback)))
    local = pc.local_timestamp(values.cast(pa.timestamp("us", tz=zone)))
    day = pc.cast(local, pa.date32())
    if business is not None:
        day = pc.coalesce(table.column(business), day)
    return table.append_column("day", day)


def _as_utc(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_timestamp(column.type):
        return column.cast(pa.timestamp("us", tz="UTC"))
    text = pc.utf8_slice_codeunits(pc.cast(column, pa.string()), 0, 19)
    text = pc.replace_substring(text, "T", " ")
    return pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="us").cast(pa.timestamp("us", tz="UTC"))


def compute(sources: Sources, days: list[dt.date], *, horizon: int | None = None, share_pct: int = 50) -> pa.Table:
    """One row per account in arrears on each of `days` (loan_id, as_of, the features); with a
    `horizon`, also the label (recovered within `horizon` days ≥ `share_pct`% of the overdue amount)
    and what was done in that window (reached, plan, reminded), for the two heads."""
    if horizon is not None and max(days) + dt.timedelta(days=horizon) > sources.last:
        raise ValueError("the label window runs past the loaded sources")
    for day in days:
        if day > sources.last:
            raise ValueError("a snapshot day after the loaded sources")
    con = duckdb.connect()
    try:
        for name in ("states", "loans", "payments", "attempts", "promises", "plans", "holds"):
            con.register(f"src_{name}", getattr(sources, name))
        con.execute("CREATE TABLE ledger_payment AS SELECT * FROM src_payments")
        con.register("snap_src", pa.table({"as_of": pa.array(sorted(set(days)), pa.date32())}))
        con.execute("CREATE TABLE snap AS SELECT * FROM snap_src")
        sql = _feature_sql(horizon=horizon, share_pct=share_pct)
        return con.execute(sql).to_arrow_table()
    finally:
        con.close()


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _feature_sql(*, horizon: int | None, share_pct: int) -> str:
    reached, made, reminders, ended = _in(REACHED), _in(MADE_STATES), _in(REMINDER_CHANNELS), _in(ENDED_STATUSES)
    window = f"INTERVAL {LOOKBACK_DAYS} DAY"
    label_columns = ""
    if horizon is not None:
        label_columns = f""",
  COALESCE(nx.paid_next, 0)::BIGINT AS paid_next,
  (COALESCE(nx.paid_next, 0) * 100 >= {int(share_pct)} * b.overdue) AS label,
  COALESCE(tr.reached_next, FALSE) AS reached_next,
  COALESCE(tp.plan_next, FALSE) AS plan_next,
  COALESCE(tr.reminded_next, FALSE) AS reminded_next"""
    return f"""
WITH hist AS (
    SELECT h.*, LAG(h.days_past_due) OVER (PARTITION BY h.loan_id ORDER BY h.as_of) AS prev_dpd
    FROM src_states h
),
base AS (
    SELECT h.loan_id, s.as_of, h.days_past_due AS dpd,
      CASE WHEN h.bucket LIKE 'M%' THEN TRY_CAST(SUBSTR(h.bucket, 2) AS INTEGER) ELSE 0 END AS bucket_rank,
      h.overdue_principal, h.overdue_interest, h.fee_outstanding, h.penalty_outstanding, h.principal_outstanding, h.balance,
      h.overdue_principal + h.overdue_interest + h.fee_outstanding + h.penalty_outstanding AS overdue
    FROM snap s JOIN src_states h ON h.as_of = s.as_of
    WHERE h.days_past_due > 0 AND h.status NOT IN ({ended})
),
path AS (
    SELECT b.loan_id, b.as_of,
      MAX(h.days_past_due) FILTER (WHERE h.as_of > b.as_of - INTERVAL 90 DAY) AS max_dpd_90,
      COUNT(*) FILTER (WHERE h.days_past_due > 0 AND h.as_of > b.as_of - INTERVAL 90 DAY) AS days_in_arrears_90,
      MAX(h.days_past_due) FILTER (WHERE h.as_of = b.as_of - INTERVAL 30 DAY) AS dpd_30_ago,
      COUNT(*) FILTER (WHERE h.days_past_due = 0 AND h.prev_dpd > 0) AS cures_180,
      COUNT(DISTINCT h.bucket) FILTER (WHERE h.days_past_due > 0) AS buckets_seen_180
    FROM base b JOIN hist h ON h.loan_id = b.loan_id AND h.as_of <= b.as_of AND h.as_of > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
paid AS (
    SELECT b.loan_id, b.as_of,
      SUM(pay.amount) FILTER (WHERE pay.value_date > b.as_of - INTERVAL 30 DAY) AS paid_30,
      SUM(pay.amount) AS paid_180,
      COUNT(*) AS payments_180,
      COUNT(*) FILTER (WHERE ph.days_past_due > 0) AS partial_payments_180,
      MAX(pay.value_date) AS last_paid
    FROM base b JOIN ledger_payment pay ON pay.loan_id = b.loan_id
      AND pay.value_date <= b.as_of AND pay.value_date > b.as_of - {window}
    LEFT JOIN src_states ph ON ph.loan_id = pay.loan_id AND ph.as_of = pay.value_date
    WHERE {recovered_condition('pay', 'b.as_of')}
    GROUP BY b.loan_id, b.as_of
),
reversed AS (
    SELECT b.loan_id, b.as_of, COUNT(*) AS reversals_180
    FROM base b JOIN ledger_payment r ON r.loan_id = b.loan_id AND r.reverses_id IS NOT NULL
      AND r.channel <> '{WAIVER_CHANNEL}' AND r.value_date <= b.as_of AND r.value_date > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
contacts AS (
    SELECT b.loan_id, b.as_of,
      COUNT(*) FILTER (WHERE a.state IN ({made}) AND a.channel = 'sms' AND a.day > b.as_of - INTERVAL 30 DAY) AS sms_30,
      COUNT(*) FILTER (WHERE a.state IN ({made}) AND a.channel = 'call' AND a.day > b.as_of - INTERVAL 30 DAY) AS calls_30,
      COUNT(*) FILTER (WHERE a.state IN ({made}) AND a.channel = 'visit' AND a.day > b.as_of - INTERVAL 90 DAY) AS visits_90,
      COUNT(*) FILTER (WHERE a.state IN ({made}) AND a.channel IN ('email', 'app_push', 'letter')
                       AND a.day > b.as_of - INTERVAL 30 DAY) AS other_contacts_30,
      COUNT(*) FILTER (WHERE a.channel = 'call' AND a.outcome = 'no_answer' AND a.day > b.as_of - INTERVAL 30 DAY)
        AS unanswered_calls_30,
      COUNT(*) FILTER (WHERE a.outcome IN ({reached}) AND a.day > b.as_of - INTERVAL 30 DAY) AS rpc_30,
      COUNT(*) FILTER (WHERE a.outcome IN ({reached}) AND a.day > b.as_of - INTERVAL 90 DAY) AS rpc_90,
      MAX(a.day) FILTER (WHERE a.outcome IN ({reached})) AS last_rpc,
      COUNT(*) FILTER (WHERE a.state = 'blocked' AND a.day > b.as_of - INTERVAL 30 DAY) AS guard_blocks_30,
      COUNT(*) FILTER (WHERE a.outcome = 'dispute') AS disputed_contacts
    FROM base b JOIN src_attempts a ON a.loan_id = b.loan_id AND a.day <= b.as_of AND a.day > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
promised AS (
    SELECT b.loan_id, b.as_of,
      COUNT(*) AS promises_180,
      COUNT(*) FILTER (WHERE p.state = 'broken' AND p.judged_on <= b.as_of) AS promises_broken_180,
      COUNT(*) FILTER (WHERE p.state IN ('kept', 'partly_kept') AND p.judged_on <= b.as_of) AS promises_kept_180,
      COUNT(*) FILTER (WHERE p.judged_on IS NULL OR p.judged_on > b.as_of) AS promises_pending
    FROM base b JOIN src_promises p ON p.loan_id = b.loan_id AND p.promised_on <= b.as_of
      AND p.promised_on > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
planned AS (
    SELECT b.loan_id, b.as_of,
      COUNT(*) FILTER (WHERE p.day <= b.as_of) AS plans_180,
      COUNT(*) FILTER (WHERE p.broken_on <= b.as_of) AS plans_broken_180
    FROM base b JOIN src_plans p ON p.loan_id = b.loan_id AND p.day <= b.as_of AND p.day > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
held AS (
    SELECT b.loan_id, b.as_of, COUNT(*) AS dispute_holds
    FROM base b JOIN src_holds h ON h.loan_id = b.loan_id AND h.kind = 'dispute_open'
      AND h.day <= b.as_of AND h.day > b.as_of - {window}
    GROUP BY b.loan_id, b.as_of
),
tr0_view AS (
    SELECT b.loan_id, b.as_of,
      BOOL_OR(a.outcome IN ({reached})) AS reached_next,
      BOOL_OR(a.state IN ({made}) AND a.channel IN ({reminders})) AS reminded_next
    FROM base b JOIN src_attempts a ON a.loan_id = b.loan_id
      AND a.day > b.as_of AND a.day <= b.as_of + INTERVAL {int(horizon or 0)} DAY
    GROUP BY b.loan_id, b.as_of
),
tp_view AS (
    SELECT DISTINCT b.loan_id, b.as_of, TRUE AS plan_next
    FROM base b JOIN src_plans p ON p.loan_id = b.loan_id
      AND p.day > b.as_of AND p.day <= b.as_of + INTERVAL {int(horizon or 0)} DAY
)
SELECT b.loan_id, ln.external_id, b.as_of,
  b.dpd, b.bucket_rank,
  COALESCE(pa.max_dpd_90, b.dpd) AS max_dpd_90,
  COALESCE(pa.days_in_arrears_90, 0) AS days_in_arrears_90,
  COALESCE(pa.dpd_30_ago, 0) AS dpd_30_ago,
  COALESCE(pa.cures_180, 0) AS cures_180,
  COALESCE(pa.buckets_seen_180, 0) AS buckets_seen_180,
  b.overdue_principal, b.overdue_interest, b.fee_outstanding, b.penalty_outstanding, b.principal_outstanding, b.balance,
  CASE WHEN b.balance > 0 THEN (b.overdue * 100) // b.balance ELSE 0 END AS overdue_share_pct,
  COALESCE(pd.paid_30, 0)::BIGINT AS paid_30,
  COALESCE(pd.paid_180, 0)::BIGINT AS paid_180,
  COALESCE(pd.payments_180, 0) AS payments_180,
  COALESCE(pd.partial_payments_180, 0) AS partial_payments_180,
  COALESCE(rv.reversals_180, 0) AS reversals_180,
  COALESCE(DATEDIFF('day', pd.last_paid, b.as_of), {LOOKBACK_DAYS + 1}) AS days_since_payment,
  COALESCE(ct.sms_30, 0) AS sms_30,
  COALESCE(ct.calls_30, 0) AS calls_30,
  COALESCE(ct.visits_90, 0) AS visits_90,
  COALESCE(ct.other_contacts_30, 0) AS other_contacts_30,
  COALESCE(ct.unanswered_calls_30, 0) AS unanswered_calls_30,
  COALESCE(ct.rpc_30, 0) AS rpc_30,
  COALESCE(ct.rpc_90, 0) AS rpc_90,
  COALESCE(DATEDIFF('day', ct.last_rpc, b.as_of), {LOOKBACK_DAYS + 1}) AS days_since_rpc,
  COALESCE(ct.guard_blocks_30, 0) AS guard_blocks_30,
  COALESCE(pr.promises_180, 0) AS promises_180,
  COALESCE(pr.promises_broken_180, 0) AS promises_broken_180,
  COALESCE(pr.promises_kept_180, 0) AS promises_kept_180,
  (COALESCE(pr.promises_pending, 0) > 0)::INTEGER AS promise_pending,
  COALESCE(pl.plans_180, 0) AS plans_180,
  COALESCE(pl.plans_broken_180, 0) AS plans_broken_180,
  COALESCE(ct.disputed_contacts, 0) + COALESCE(hd.dispute_holds, 0) AS disputes_180,
  ln.product, ln.principal, ln.term_months, ln.annual_rate_bp,
  DATEDIFF('month', ln.start_date, b.as_of) AS months_on_book,
  b.overdue{label_columns}
FROM base b
JOIN src_loans ln ON ln.loan_id = b.loan_id
LEFT JOIN path pa ON pa.loan_id = b.loan_id AND pa.as_of = b.as_of
LEFT JOIN paid pd ON pd.loan_id = b.loan_id AND pd.as_of = b.as_of
LEFT JOIN reversed rv ON rv.loan_id = b.loan_id AND rv.as_of = b.as_of
LEFT JOIN contacts ct ON ct.loan_id = b.loan_id AND ct.as_of = b.as_of
LEFT JOIN promised pr ON pr.loan_id = b.loan_id AND pr.as_of = b.as_of
LEFT JOIN planned pl ON pl.loan_id = b.loan_id AND pl.as_of = b.as_of
LEFT JOIN held hd ON hd.loan_id = b.loan_id AND hd.as_of = b.as_of{_label_joins(horizon)}
ORDER BY b.as_of, b.loan_id
"""


def _label_joins(horizon: int | None) -> str:
    if horizon is None:
        return ""
    return f"""
LEFT JOIN (
    SELECT b.loan_id, b.as_of, SUM(pay.amount) AS paid_next
    FROM base b JOIN ledger_payment pay ON pay.loan_id = b.loan_id
      AND pay.value_date > b.as_of AND pay.value_date <= b.as_of + INTERVAL {int(horizon)} DAY
    WHERE {recovered_condition('pay', f'(b.as_of + INTERVAL {int(horizon)} DAY)')}
    GROUP BY b.loan_id, b.as_of
) nx ON nx.loan_id = b.loan_id AND nx.as_of = b.as_of
LEFT JOIN tr0_view tr ON tr.loan_id = b.loan_id AND tr.as_of = b.as_of
LEFT JOIN tp_view tp ON tp.loan_id = b.loan_id AND tp.as_of = b.as_of"""
