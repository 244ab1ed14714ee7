"""The dashboards' figures, set-based: one grouped query per chart, scoped to what the reader may see.

    figures = collection_figures(last_day, within=figures_scope(user))   # recovery curves, roll-rate trend, cost
    agency_figures(last_day)                                             # the agencies' league, charted
    experiment_figures(first, last)                                      # arms with their intervals
    model_figures(trained_model)                                         # calibration, AUC, drift

Every chart is a plain dict the page hands to ECharts through `json_script` (never inline script):
{"kind": "lines" | "bars" | "interval" | "calibration", "x": [...], "series": [{"name", "values"}], ...}.

What counts as recovered is the ledger's one definition (`ledger.recoveries.recovered_condition`);
roll rates are `web.queries.roll_transitions`, the roll-rate page's own query; the cost of a contact
is `experiments.COST_FEN`; the agencies' figures are `agencies.performance.league`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from arrears.intelligence.experiments import COST_FEN
from arrears.ledger.recoveries import recovered_condition

CURVE_DAYS = 60
TREND_POINTS = 8
TREND_STEP_DAYS = 7
ROLL_WINDOW_DAYS = 30


def _date(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def _scoped(sql: str, params: list, column: str, within: QuerySet | None) -> tuple[str, list]:
    if within is None:
        return sql, params
    scope_sql, scope_params = within.order_by().query.sql_with_params()
    return sql + f" AND {column} IN ({scope_sql})", [*params, *scope_params]


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def cycle_days() -> list[dt.date]:
    """Every day the nightly cycle stored states for, oldest first."""
    rows = _rows("SELECT DISTINCT as_of FROM cycle_accountstatehistory ORDER BY as_of", [])
    return [_as_date(row[0]) for row in rows]


# --- recovery curves -----------------------------------------------------------------------------

def recovery_curve(start: dt.date, last: dt.date, *, by: str, within: QuerySet | None = None) -> dict:
    """Of what was overdue on `start` (accounts in arrears that day), the share recovered by each day
    after it, per bucket on `start` (by="bucket") or per vintage, the month the loan started (by="vintage")."""
    key = "s.bucket" if by == "bucket" else "l.start_date"
    overdue = "s.overdue_principal + s.overdue_interest + s.fee_outstanding + s.penalty_outstanding"
    base_sql, base_params = _scoped(
        f"SELECT {key}, SUM({overdue}) FROM cycle_accountstatehistory s JOIN ledger_loan l ON l.id = s.loan_id "
        "WHERE s.as_of = %s AND s.days_past_due > 0", [_date(start)], "s.loan_id", within)
    paid_sql, paid_params = _scoped(
        f"SELECT {key}, pay.value_date, SUM(pay.amount) FROM cycle_accountstatehistory s "
        "JOIN ledger_loan l ON l.id = s.loan_id "
        "JOIN ledger_payment pay ON pay.loan_id = s.loan_id AND pay.value_date > %s AND pay.value_date <= %s "
        f"WHERE s.as_of = %s AND s.days_past_due > 0 AND {recovered_condition('pay', '%s')}",
        [_date(start), _date(last), _date(start), _date(last)], "s.loan_id", within)
    label = (lambda value: str(value)) if by == "bucket" else (lambda value: _as_date(value).strftime("%Y-%m"))
    owed: dict[str, int] = defaultdict(int)
    for group, amount in _rows(base_sql + f" GROUP BY {key}", base_params):
        owed[label(group)] += int(amount or 0)
    paid: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for group, day, amount in _rows(paid_sql + f" GROUP BY {key}, pay.value_date", paid_params):
        paid[label(group)][(_as_date(day) - start).days] += int(amount or 0)
    days = list(range(1, (last - start).days + 1))
    series = []
    for group in _ordered(owed, by):
        if owed[group] <= 0:
            continue
        running, values = 0, []
        for day in days:
            running += paid[group].get(day, 0)
            values.append(round(100 * running / owed[group], 2))
        series.append({"name": group, "values": values})
    return {"kind": "lines", "x": days, "series": series, "percent": True,
            "x_label": _("days after %(day)s") % {"day": start.isoformat()}, "y_label": _("% of overdue recovered")}


def _ordered(groups, by: str) -> list[str]:
    if by == "bucket":
        from arrears.web.buckets import bucket_rank

        return sorted(groups, key=bucket_rank)
    return sorted(groups)


# --- roll rates, with the trend ------------------------------------------------------------------

def roll_trend(days: list[dt.date], within: QuerySet | None = None) -> dict:
    """Per bucket, the share of its accounts that rolled to a worse bucket over the 30 days ending on
    each of the last weekly ends (the roll-rate page's query, `web.queries.roll_transitions`)."""
    from arrears.web.buckets import bucket_rank
    from arrears.web.queries import roll_transitions

    stored = set(days)
    ends = [day for day in sorted(stored, reverse=True)[::TREND_STEP_DAYS]
            if day - dt.timedelta(days=ROLL_WINDOW_DAYS) in stored][:TREND_POINTS]
    ends.reverse()
    rates: dict[str, dict[dt.date, float]] = defaultdict(dict)
    for end in ends:
        totals: dict[str, int] = defaultdict(int)
        worse: dict[str, int] = defaultdict(int)
        for t in roll_transitions(end - dt.timedelta(days=ROLL_WINDOW_DAYS), end, within):
            totals[t.from_bucket] += t.accounts
            if bucket_rank(t.to_bucket) > bucket_rank(t.from_bucket):
                worse[t.from_bucket] += t.accounts
        for bucket, total in totals.items():
            rates[bucket][end] = round(100 * worse[bucket] / total, 2) if total else 0.0
    series = [{"name": bucket, "values": [rates[bucket].get(end) for end in ends]}
              for bucket in sorted(rates, key=bucket_rank)]
    return {"kind": "lines", "x": [end.isoformat() for end in ends], "series": series, "percent": True,
            "x_label": _("30 days ending"), "y_label": _("% rolled to a worse bucket")}


# --- cost of collection --------------------------------------------------------------------------

def cost_of_collection(first: dt.date, last: dt.date, within: QuerySet | None = None) -> dict:
    """Each week: the contacts' cost (channel × cost) and the money recovered, and the cost per yuan."""
    costs = " ".join(f"WHEN '{channel}' THEN {fen}" for channel, fen in COST_FEN.items())
    cost_sql, cost_params = _scoped(
        f"SELECT a.as_of, SUM(CASE a.channel {costs} ELSE 0 END) FROM contact_contactattempt a "
        "WHERE a.state IN ('sent', 'done') AND a.as_of >= %s AND a.as_of <= %s", [_date(first), _date(last)],
        "a.loan_id", within)
    paid_sql, paid_params = _scoped(
        "SELECT pay.value_date, SUM(pay.amount) FROM ledger_payment pay "
        f"WHERE pay.value_date >= %s AND pay.value_date <= %s AND {recovered_condition('pay', '%s')}",
        [_date(first), _date(last), _date(last)], "pay.loan_id", within)
    week = lambda day: (_as_date(day) - first).days // 7  # noqa: E731
    cost: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    for day, fen in _rows(cost_sql + " GROUP BY a.as_of", cost_params):
        cost[week(day)] += int(fen or 0)
    for day, fen in _rows(paid_sql + " GROUP BY pay.value_date", paid_params):
        paid[week(day)] += int(fen or 0)
    weeks = list(range((last - first).days // 7 + 1))
    return {
        "kind": "bars", "x": [(first + dt.timedelta(days=7 * w)).isoformat() for w in weeks],
        "series": [
            {"name": _("cost of contacts (yuan)"), "values": [round(cost[w] / 100, 2) for w in weeks]},
            {"name": _("recovered (yuan)"), "values": [round(paid[w] / 100, 2) for w in weeks]},
        ],
        "line": {"name": _("cost per 100 yuan recovered"),
                 "values": [round(100 * cost[w] / paid[w], 2) if paid[w] else None for w in weeks]},
        "x_label": _("week from"), "y_label": _("yuan"),
        "totals": {"cost": sum(cost.values()), "recovered": sum(paid.values())},
    }


def collection_figures(last: dt.date, within: QuerySet | None = None) -> dict:
    days = cycle_days()
    start = max([day for day in days if day <= last - dt.timedelta(days=CURVE_DAYS)] or days[:1] or [last])
    return {
        "recovery_by_bucket": recovery_curve(start, last, by="bucket", within=within),
        "recovery_by_vintage": recovery_curve(start, last, by="vintage", within=within),
        "roll_trend": roll_trend(days, within),
        "cost": cost_of_collection(start, last, within),
        "first": start,
        "last": last,
    }


# --- agencies ------------------------------------------------------------------------------------

def agency_figures(as_of: dt.date, in_house_cost_fen: int, in_house_recovered_fen: int) -> dict:
    """Per agency: recovery rate and cost per 100 yuan recovered (`agencies.performance.league`), beside
    the in-house contacts' cost per 100 yuan of what was not recovered through an agency."""
    from arrears.agencies.models import Agency
    from arrears.agencies.performance import league

    agencies = list(Agency.objects.order_by("pk"))
    rows = league(as_of, [agency.pk for agency in agencies])
    names = {agency.pk: agency.name for agency in agencies}
    agency_recovered = sum(row.recovered for row in rows)
    own = in_house_recovered_fen - agency_recovered
    return {
        "kind": "bars",
        "x": [_("in-house")] + [names[row.agency_id] for row in rows],
        "series": [
            {"name": _("cost per 100 yuan recovered"),
             "values": [round(100 * in_house_cost_fen / own, 2) if own > 0 else None]
             + [round(100 * row.commission / row.recovered, 2) if row.recovered > 0 else None for row in rows]},
            {"name": _("recovery rate (%)"),
             "values": [None] + [round(row.recovery_bp / 100, 2) if row.recovery_bp is not None else None for row in rows]},
        ],
        "x_label": "", "y_label": "",
    }


# --- experiments ---------------------------------------------------------------------------------

def experiment_figures(first: dt.date, last: dt.date) -> tuple[list, dict]:
    """(the arm tests, a chart of each arm's net recovery an account with its 95% interval)."""
    from arrears.intelligence.experiments import measure_experiments

    tests = measure_experiments(first, last, bulk=False)
    labels, means, lows, highs = [], [], [], []
    for test in tests:
        for arm in test.arms:
            if not math.isfinite(arm.net_mean):
                continue
            labels.append(f"{test.segment} · {arm.arm}")
            means.append(round(arm.net_mean / 100, 2))
            lows.append(round(arm.net_low / 100, 2) if math.isfinite(arm.net_low) else None)
            highs.append(round(arm.net_high / 100, 2) if math.isfinite(arm.net_high) else None)
    chart = {"kind": "interval", "x": labels, "series": [{"name": _("net recovered an account (yuan)"), "values": means}],
             "low": lows, "high": highs, "x_label": "", "y_label": _("yuan an account")}
    return tests, chart


# --- the model's card ----------------------------------------------------------------------------

LEARNERS = ("lightgbm", "logistic", "scorecard")


def model_figures(model) -> dict:
    card = model.card
    calibration = card.get("calibration", [])
    metrics = card.get("metrics", {})
    learners = [name for name in LEARNERS if isinstance(metrics.get(name), dict)]
    drift = card.get("drift", [])
    return {
        "calibration": {
            "kind": "calibration", "x": [round(float(row.get("predicted", 0)), 4) for row in calibration],
            "series": [{"name": _("observed rate"), "values": [round(float(row.get("observed", 0)), 4) for row in calibration]}],
            "counts": [int(row.get("count", 0)) for row in calibration],
            "x_label": _("predicted chance of paying"), "y_label": _("observed rate"),
        },
        "auc": {
            "kind": "interval", "x": learners,
            "series": [{"name": "AUC", "values": [metrics[name]["auc"] for name in learners]}],
            "low": [metrics[name]["low"] for name in learners], "high": [metrics[name]["high"] for name in learners],
            "x_label": "", "y_label": _("AUC on the test period (95% interval)"),
        },
        "drift": {
            "kind": "lines", "x": [entry["as_of"] for entry in drift],
            "series": [{"name": _("score PSI"), "values": [entry.get("score_psi") for entry in drift]},
                       {"name": _("worst feature PSI"), "values": [entry.get("worst_feature_psi") for entry in drift]}],
            "x_label": _("scored on"), "y_label": "PSI",
        },
    }
