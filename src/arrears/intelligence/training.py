"""Training the propensity model as of a day: snapshots, a time split, the heads, the card.

    model = train(TrainOptions(as_of=dt.date(2026, 11, 30)))   # a new TrainedModel (a candidate)

Snapshots are taken every `step_days` days, the newest `horizon` days before the as-of, so that its
label window has closed by then. The newest snapshots (`test_share` of them) are the test set; the
training set is the snapshots whose label window closed before the first test snapshot: split by
time, never at random, with no label window reaching into the test period.

Three LightGBM heads are fitted (a logistic regression and an optbinning scorecard are measured beside
the single head, as baselines a risk officer can read):
- single: every training row;
- ability: the rows whose borrower was reached or offered a plan in the label window (the chance of
  paying if reached and offered a plan);
- willingness: the rows reminded (SMS, e-mail, app notice, letter) but neither reached nor offered a
  plan (the chance of paying when reminded).
Two heads are judged against one on the test rows that fall to either head, each row scored by its
head: the difference in AUC with a paired bootstrap interval says whether two heads beat one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from arrears.errors import InputError
from arrears.intelligence import card as measures
from arrears.intelligence.features import CATEGORICAL, FEATURE_NAMES, LOOKBACK_DAYS, compute, load_sources

MIN_HEAD_ROWS = 200
TOP_FEATURES = 12
LGB_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
}
ROUNDS = 200


@dataclass(frozen=True)
class TrainOptions:
    as_of: dt.date
    horizon: int = 30
    share_pct: int = 50
    step_days: int = 7
    test_share: float = 0.3
    seed: int = 7


def snapshot_days(first_state: dt.date, options: TrainOptions) -> list[dt.date]:
    """The snapshot days, oldest first: every `step_days` back from as-of − horizon, not before the
    first stored state."""
    days = []
    day = options.as_of - dt.timedelta(days=options.horizon)
    while day >= first_state:
        days.append(day)
        day -= dt.timedelta(days=options.step_days)
    return sorted(days)


def split_days(days: list[dt.date], options: TrainOptions) -> tuple[list[dt.date], list[dt.date]]:
    """(train days, test days): the newest share is the test; training labels close before it."""
    if len(days) < 2:
        raise InputError(
            f"历史太短：截至 {options.as_of} 只有 {len(days)} 个快照日，至少需要 2 个（标签窗口 {options.horizon} 天）",
            f"too little history: {len(days)} snapshot days up to {options.as_of}, at least 2 are needed "
            f"(the label window is {options.horizon} days)",
        )
    tested = max(1, math.ceil(len(days) * options.test_share))
    test = days[-tested:]
    train = [day for day in days if day + dt.timedelta(days=options.horizon) < test[0]]
    if not train:
        train = days[:-tested]
        train = [day for day in train if day < test[0]]
    if not train:
        raise InputError(
            "历史太短：没有在测试期之前结束标签窗口的训练快照",
            "too little history: no training snapshot's label window closes before the test period",
        )
    return train, test


def dataset(options: TrainOptions) -> tuple[pa.Table, list[dt.date], list[dt.date]]:
    """The labelled rows of every snapshot, read in bulk from the product's database."""
    from arrears.bulk import BulkConnection

    with BulkConnection.for_django() as db:
        first = db.fetch("SELECT MIN(as_of) AS first FROM cycle_accountstatehistory", dates=("first",))
        first_state = first.column("first")[0].as_py()
        if first_state is None:
            raise InputError("没有账户状态历史：请先运行每日批处理", "no account state history: run the nightly cycle first")
        days = snapshot_days(first_state, options)
        train_days, test_days = split_days(days, options)
        sources = load_sources(db, first=days[0] - dt.timedelta(days=1), last=options.as_of)
    table = compute(sources, days, horizon=options.horizon, share_pct=options.share_pct)
    return table, train_days, test_days


class Encoder:
    """Features to a float matrix: a categorical column becomes its index among the training
    categories (unknown: missing)."""

    def __init__(self, categories: dict[str, list[str]]):
        self.categories = categories

    @classmethod
    def fit(cls, table: pa.Table) -> Encoder:
        return cls({name: sorted({str(v) for v in table.column(name).to_pylist() if v is not None}) for name in CATEGORICAL})

    def matrix(self, table: pa.Table) -> np.ndarray:
        columns = []
        for name in FEATURE_NAMES:
            values = table.column(name).to_pylist()
            if name in self.categories:
                index = {category: i for i, category in enumerate(self.categories[name])}
                columns.append(np.array([index.get(str(v), np.nan) for v in values], dtype=float))
            else:
                columns.append(np.array([np.nan if v is None else float(v) for v in values], dtype=float))
        return np.column_stack(columns) if columns else np.empty((table.num_rows, 0))


def fit_booster(x: np.ndarray, y: np.ndarray, seed: int, names=FEATURE_NAMES, categories=CATEGORICAL):
    import lightgbm as lgb

    categorical = [list(names).index(name) for name in categories]
    data = lgb.Dataset(x, label=y, feature_name=list(names), categorical_feature=categorical, free_raw_data=False)
    return lgb.train({**LGB_PARAMS, "seed": seed}, data, num_boost_round=ROUNDS)


def fit_logistic(x: np.ndarray, y: np.ndarray):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=2000))
    return model.fit(np.nan_to_num(x, nan=-1.0), y)


def fit_scorecard(x: np.ndarray, y: np.ndarray, names=FEATURE_NAMES, categories=CATEGORICAL):
    """A points scorecard (optbinning): binned features and a logistic regression a person can read."""
    import pandas as pd
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    frame = pd.DataFrame(x, columns=list(names))
    process = BinningProcess(list(names), categorical_variables=list(categories))
    scorecard = Scorecard(binning_process=process, estimator=LogisticRegression(max_iter=2000),
                          scaling_method="min_max", scaling_method_params={"min": 0, "max": 1000})
    scorecard.fit(frame, y)
    return scorecard


def _rate(y: np.ndarray) -> float:
    return float(y.mean()) if len(y) else 0.0


def _auc_block(y, p, seed) -> dict:
    auc, low, high = measures.auc_interval(y, p, seed=seed)
    return {"auc": round(auc, 4), "low": round(low, 4), "high": round(high, 4)}


def _mask(table: pa.Table, name: str) -> np.ndarray:
    return np.array(table.column(name).to_pylist(), dtype=bool)


def head_masks(table: pa.Table) -> dict[str, np.ndarray]:
    reached, plan, reminded = _mask(table, "reached_next"), _mask(table, "plan_next"), _mask(table, "reminded_next")
    ability = reached | plan
    return {"ability": ability, "willingness": reminded & ~ability}


def fit_all(table: pa.Table, train_days: list[dt.date], test_days: list[dt.date], options: TrainOptions) -> tuple[dict, dict]:
    """(boosters as text, card) from the labelled snapshots."""
    days = np.array(table.column("as_of").to_pylist())
    train_rows = np.isin(days, train_days)
    test_rows = np.isin(days, test_days)
    train, test = table.filter(pa.array(train_rows)), table.filter(pa.array(test_rows))
    y_train = np.array(train.column("label").to_pylist(), dtype=int)
    y_test = np.array(test.column("label").to_pylist(), dtype=int)
    if len(np.unique(y_train)) < 2 or len(np.unique(y_test)) < 2:
        raise InputError(
            "训练集或测试集只有一种结果，无法训练：请用更长的历史",
            "the training or test set holds only one outcome: train on a longer history",
        )
    encoder = Encoder.fit(train)
    x_train, x_test = encoder.matrix(train), encoder.matrix(test)

    single = fit_booster(x_train, y_train, options.seed)
    p_single = single.predict(x_test)
    logistic = fit_logistic(x_train, y_train)
    p_logistic = logistic.predict_proba(np.nan_to_num(x_test, nan=-1.0))[:, 1]
    metrics = {
        "lightgbm": _auc_block(y_test, p_single, options.seed),
        "logistic": _auc_block(y_test, p_logistic, options.seed),
        "brier": round(measures.brier(y_test, p_single), 5),
        "brier_logistic": round(measures.brier(y_test, p_logistic), 5),
    }
    scorecard_table = []
    try:
        scorecard = fit_scorecard(x_train, y_train)
        import pandas as pd

        p_card = scorecard.predict_proba(pd.DataFrame(x_test, columns=list(FEATURE_NAMES)))[:, 1]
        metrics["scorecard"] = _auc_block(y_test, p_card, options.seed)
        detail = scorecard.table(style="summary")
        scorecard_table = [
            {"feature": str(row["Variable"]), "bin": str(row["Bin"]), "points": round(float(row["Points"]), 1)}
            for _, row in detail.iterrows()
        ]
    except (ValueError, RuntimeError) as error:  # a scorecard that cannot be binned is reported, not fatal
        metrics["scorecard_error"] = str(error)[:300]

    boosters = {"single": single.model_to_string()}
    heads = _two_heads(train, test, x_train, x_test, y_train, y_test, p_single, options, boosters)

    gains = single.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    ranked = sorted(zip(FEATURE_NAMES, gains, strict=True), key=lambda item: -item[1])[:TOP_FEATURES]
    p_train = single.predict(x_train)
    reference = {"score": measures.distribution(p_train)}
    for index, name in enumerate(FEATURE_NAMES):
        if name not in CATEGORICAL:
            reference[name] = measures.distribution(x_train[:, index])

    card = {
        "as_of": options.as_of.isoformat(),
        "horizon_days": options.horizon,
        "share_pct": options.share_pct,
        "features": list(FEATURE_NAMES),
        "categories": encoder.categories,
        "train": _window(train_days, y_train),
        "test": _window(test_days, y_test),
        "step_days": options.step_days,
        "lookback_days": LOOKBACK_DAYS,
        "metrics": metrics,
        "heads": heads,
        "calibration": measures.calibration_table(y_test, p_single),
        "top_features": [{"feature": name, "share": round(float(gain) / total, 4)} for name, gain in ranked],
        "scorecard": scorecard_table[:80],
        "reference": reference,
        "drift": [],
        "libraries": _versions(),
    }
    return boosters, card


def _two_heads(train, test, x_train, x_test, y_train, y_test, p_single, options, boosters) -> dict:
    train_masks, test_masks = head_masks(train), head_masks(test)
    heads: dict = {}
    routed = np.full(len(y_test), np.nan)
    for name in ("ability", "willingness"):
        rows = train_masks[name]
        if rows.sum() < MIN_HEAD_ROWS or len(np.unique(y_train[rows])) < 2:
            heads[name] = {
                "train_rows": int(rows.sum()),
                "note_zh": f"训练行不足 {MIN_HEAD_ROWS}（或只有一种结果），未训练",
                "note_en": f"fewer than {MIN_HEAD_ROWS} training rows (or one outcome only): not trained",
            }
            continue
        booster = fit_booster(x_train[rows], y_train[rows], options.seed)
        boosters[name] = booster.model_to_string()
        tested = test_masks[name]
        routed[tested] = booster.predict(x_test[tested])
        block = {"train_rows": int(rows.sum()), "test_rows": int(tested.sum()),
                 "train_positive_rate": round(_rate(y_train[rows]), 4)}
        if tested.sum() and len(np.unique(y_test[tested])) == 2:
            block["auc"] = _auc_block(y_test[tested], routed[tested], options.seed)
            block["auc_single_head"] = _auc_block(y_test[tested], p_single[tested], options.seed)
        heads[name] = block
    covered = ~np.isnan(routed)
    if covered.sum() and len(np.unique(y_test[covered])) == 2 and {"ability", "willingness"} <= boosters.keys():
        diff, low, high = measures.auc_difference(y_test[covered], p_single[covered], routed[covered], seed=options.seed)
        if low > 0:
            zh, en = "两个头优于一个", "two heads beat one"
        elif high < 0:
            zh, en = "一个头优于两个", "one head beats two"
        else:
            zh, en = "两个头与一个头无显著差别", "two heads are no better than one (the interval spans zero)"
        heads["comparison"] = {
            "rows": int(covered.sum()),
            "auc_two_heads": round(float(measures.auc_interval(y_test[covered], routed[covered])[0]), 4),
            "auc_one_head": round(float(measures.auc_interval(y_test[covered], p_single[covered])[0]), 4),
            "difference": round(diff, 4), "low": round(low, 4), "high": round(high, 4),
        }
        heads["verdict"] = {
            "zh": f"{zh}：AUC 差 {diff:+.3f}（95% 区间 {low:+.3f} … {high:+.3f}，{int(covered.sum())} 行）",
            "en": f"{en}: AUC difference {diff:+.3f} (95% interval {low:+.3f} … {high:+.3f}, {int(covered.sum())} rows)",
        }
    return heads


def _window(days: list[dt.date], y: np.ndarray) -> dict:
    return {"first": min(days).isoformat(), "last": max(days).isoformat(), "snapshots": len(days),
            "rows": int(len(y)), "positive_rate": round(_rate(y), 4)}


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("lightgbm", "scikit-learn", "optbinning", "duckdb"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def train(options: TrainOptions):
    """Train on the product's database and keep the result as the next version (a candidate)."""
    from django.db import transaction

    from arrears.intelligence.models import TrainedModel

    table, train_days, test_days = dataset(options)
    boosters, card = fit_all(table, train_days, test_days, options)
    with transaction.atomic():
        last = TrainedModel.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        card["version"] = version
        card["state"] = TrainedModel.State.CANDIDATE
        return TrainedModel.objects.create(
            version=version, as_of=options.as_of, horizon_days=options.horizon, share_pct=options.share_pct,
            card=card, boosters=boosters,
        )
