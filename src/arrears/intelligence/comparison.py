"""The ladder against the optimised arm, on the same synthetic book, through `arrears simulate`.

    outcome = simulate_arm(options, "optimised", switch_day=first + 44)   # in an empty database
    rows = account_outcomes(first, last)                                  # per account, read back
    compared = compare_arms({"champion": rows_a, "optimised": rows_b})

Both runs live through the same days on the same book (same seed) with the same people and capacities,
under the same strategy: the shipped default with the in-house challengers taken out, so every
in-house account walks the champion cadence. In the optimised run, after the night of `switch_day`
the lender trains the propensity model on its own tables (`intelligence.training.train`: what the
database holds, never the simulator's hidden behaviour), the strategy manager promotes it, and a new
strategy version hands the in-house segments to the optimiser (`ranking: optimised`, share 100). From
the next night the in-house queue is ordered by the marginal value of a call (`intelligence.arm`).

Each account's outcome over the measured days: recovered (`ledger.recoveries.recovered_condition`),
the cost of its contacts (`experiments.COST_FEN`), its contacts, whether it paid anything. The arms are
compared account by account (same book): the mean difference with a 95% interval, and contacts per
paying account with a bootstrap interval.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from arrears.intelligence.experiments import COST_FEN, Z95

IN_HOUSE_SEGMENTS = ("internal_collection", "inhouse_late_mild")
TRAIN_HORIZON_DAYS = 14  # the simulated history is short: a 14-day label window, snapshots every 5 days
TRAIN_STEP_DAYS = 5
BOOTSTRAP_ROUNDS = 1000
ARMS = ("champion", "optimised")


def arm_strategies() -> tuple[str, str]:
    """(the ladder, the optimised) strategy documents as YAML: the default, in-house challengers out;
    then the same with the in-house segments handed to the optimiser."""
    import yaml
    from importlib import resources

    document = yaml.safe_load(resources.files("arrears.strategy").joinpath("default.yaml").read_text(encoding="utf-8"))
    ladder = copy.deepcopy(document)
    ladder["version"] = int(document["version"]) + 1
    for segment in ladder["segments"]:
        if segment["id"] in IN_HOUSE_SEGMENTS:
            segment.pop("challenger", None)
    optimised = copy.deepcopy(ladder)
    optimised["version"] = ladder["version"] + 1
    for segment in optimised["segments"]:
        if segment["id"] in IN_HOUSE_SEGMENTS:
            segment["challenger"] = {"name": "optimised", "share": 100, "ranking": "optimised",
                                     "cadence": copy.deepcopy(segment["cadence"])}
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    return dump(ladder), dump(optimised)


def simulate_arm(options, arm: str, *, switch_day: dt.date, password: str, say=print):
    """Simulate the book under `arm` ("champion" or "optimised") in the current (empty) database."""
    from django.contrib.auth import get_user_model

    from arrears.intelligence.scoring import promote
    from arrears.intelligence.training import TrainOptions, train
    from arrears.simulate.run import simulate
    from arrears.strategy.versions import store_version

    if arm not in ARMS:
        raise ValueError(f"unknown arm {arm}")
    ladder, optimised = arm_strategies()
    store_version(ladder, options.first_day - dt.timedelta(days=1))
    trained: dict = {}

    def after_night(day: dt.date) -> None:
        if arm != "optimised" or day != switch_day:
            return
        model = train(TrainOptions(as_of=day, horizon=TRAIN_HORIZON_DAYS, step_days=TRAIN_STEP_DAYS))
        manager = get_user_model().objects.filter(groups__name="strategy_manager", is_active=True).order_by("pk").first()
        promote(model.version, manager)
        store_version(optimised, day + dt.timedelta(days=1))
        trained.update(version=model.version, heads=sorted(model.boosters), card_metrics=model.card["metrics"],
                       heads_verdict=model.card["heads"].get("verdict", {}).get("en", ""))
        say(f"{day}: model v{model.version} trained and promoted; the optimised arm from {day + dt.timedelta(days=1)}")

    outcome = simulate(options, password=password, say=say, after_night=after_night)
    return outcome, trained


def account_outcomes(first: dt.date, last: dt.date) -> dict[str, np.ndarray]:
    """Per loan (by its external id, the same in both runs): recovered, cost and contacts from `first` to `last`."""
    from django.db import connection

    from arrears.ledger.recoveries import recovered_condition

    costs = " ".join(f"WHEN '{channel}' THEN {fen}" for channel, fen in COST_FEN.items())
    params = [connection.ops.adapt_datefield_value(day) for day in (first, last)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT l.external_id,
                  COALESCE((SELECT SUM(pay.amount) FROM ledger_payment pay WHERE pay.loan_id = l.id
                            AND pay.value_date >= %s AND pay.value_date <= %s AND {recovered_condition('pay', '%s')}), 0),
                  COALESCE((SELECT SUM(CASE a.channel {costs} ELSE 0 END) FROM contact_contactattempt a
                            WHERE a.loan_id = l.id AND a.state IN ('sent', 'done') AND a.as_of >= %s AND a.as_of <= %s), 0),
                  (SELECT COUNT(*) FROM contact_contactattempt a WHERE a.loan_id = l.id AND a.state IN ('sent', 'done')
                   AND a.as_of >= %s AND a.as_of <= %s)
                FROM ledger_loan l ORDER BY l.external_id""",
            [*params, params[1], *params, *params],
        )
        rows = cursor.fetchall()
    return {
        "loan": np.array([row[0] for row in rows]),
        "recovered": np.array([int(row[1]) for row in rows], dtype=np.int64),
        "cost": np.array([int(row[2]) for row in rows], dtype=np.int64),
        "contacts": np.array([int(row[3]) for row in rows], dtype=np.int64),
    }


@dataclass(frozen=True)
class ArmTotals:
    arm: str
    accounts: int
    recovered: int
    cost: int
    contacts: int
    paying: int
    contacts_per_recovery: float
    contacts_per_recovery_low: float
    contacts_per_recovery_high: float


@dataclass(frozen=True)
class Difference:
    measure: str
    total: float  # optimised − champion, over the book (fen, or contacts)
    low: float
    high: float
    relative: float  # the difference over the champion's total


@dataclass(frozen=True)
class ArmComparison:
    arms: tuple[ArmTotals, ...]
    differences: tuple[Difference, ...]
    paired_accounts: int


def _paired(by_arm: dict[str, dict[str, np.ndarray]]) -> tuple[dict, dict]:
    a, b = by_arm["champion"], by_arm["optimised"]
    common = np.intersect1d(a["loan"], b["loan"])


    def pick(rows: dict) -> dict:
        order = np.argsort(rows["loan"], kind="stable")
        at = order[np.searchsorted(rows["loan"], common, sorter=order)]
        return {key: values[at] for key, values in rows.items()}

    return pick(a), pick(b)


def _ratio_interval(contacts: np.ndarray, paying: np.ndarray, rng) -> tuple[float, float, float]:
    if paying.sum() == 0:
        return math.inf, math.inf, math.inf
    ratio = contacts.sum() / paying.sum()
    n = len(contacts)
    draws = rng.integers(0, n, (BOOTSTRAP_ROUNDS, n)) if n else np.zeros((0, 0), int)
    sampled = contacts[draws].sum(axis=1) / np.maximum(paying[draws].sum(axis=1), 1)
    low, high = np.percentile(sampled, [2.5, 97.5])
    return float(ratio), float(low), float(high)


def compare_arms(by_arm: dict[str, dict[str, np.ndarray]], *, seed: int = 7) -> ArmComparison:
    """Each arm's totals, and optimised − champion per measure with a 95% interval over the paired accounts."""
    a, b = _paired(by_arm)
    rng = np.random.default_rng(seed)
    totals = []
    for arm, rows in (("champion", a), ("optimised", b)):
        paying = (rows["recovered"] > 0).astype(np.int64)
        ratio, low, high = _ratio_interval(rows["contacts"], paying, rng)
        totals.append(ArmTotals(arm, len(rows["loan"]), int(rows["recovered"].sum()), int(rows["cost"].sum()),
                                int(rows["contacts"].sum()), int(paying.sum()), ratio, low, high))
    n = len(a["loan"])
    differences = []
    for measure, left, right in (
        ("recovered", a["recovered"], b["recovered"]),
        ("cost", a["cost"], b["cost"]),
        ("net", a["recovered"] - a["cost"], b["recovered"] - b["cost"]),
        ("contacts", a["contacts"], b["contacts"]),
    ):
        delta = (right - left).astype(float)
        spread = float(delta.std(ddof=1)) * math.sqrt(n) if n > 1 else math.inf  # the total's standard error
        total = float(delta.sum())
        base = float(left.sum())
        differences.append(Difference(measure, total, total - Z95 * spread, total + Z95 * spread,
                                      total / base if base else math.nan))
    pa_, pb = (rows["contacts"] for rows in (a, b))
    ya, yb = ((rows["recovered"] > 0).astype(np.int64) for rows in (a, b))
    if ya.sum() and yb.sum():
        draws = rng.integers(0, n, (BOOTSTRAP_ROUNDS, n))
        sampled = (pb[draws].sum(1) / np.maximum(yb[draws].sum(1), 1)) - (pa_[draws].sum(1) / np.maximum(ya[draws].sum(1), 1))
        point = pb.sum() / yb.sum() - pa_.sum() / ya.sum()
        low, high = np.percentile(sampled, [2.5, 97.5])
        differences.append(Difference("contacts_per_recovery", float(point), float(low), float(high),
                                      float(point / (pa_.sum() / ya.sum()))))
    return ArmComparison(tuple(totals), tuple(differences), n)


def comparison_text(compared: ArmComparison) -> str:
    yuan = lambda fen: f"¥{fen / 100:,.2f}"  # noqa: E731
    lines = [f"同一账簿逐户配对 / the same book, paired by account: {compared.paired_accounts}"]
    for arm in compared.arms:
        lines.append(f"  {arm.arm:<10} 回收 recovered {yuan(arm.recovered)}  成本 cost {yuan(arm.cost)}  "
                     f"净 net {yuan(arm.recovered - arm.cost)}  联系 contacts {arm.contacts}  还款账户 paying {arm.paying}  "
                     f"每次回收联系 contacts per recovery {arm.contacts_per_recovery:.2f} "
                     f"[{arm.contacts_per_recovery_low:.2f}, {arm.contacts_per_recovery_high:.2f}]")
    for d in compared.differences:
        money = d.measure in ("recovered", "cost", "net")
        show = yuan if money else (lambda v: f"{v:,.2f}")
        lines.append(f"  优化组−冠军组 optimised − champion, {d.measure}: {show(d.total)} "
                     f"[{show(d.low)}, {show(d.high)}] ({d.relative:+.1%})")
    return "\n".join(lines)
