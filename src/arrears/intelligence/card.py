"""The measures a model card carries, and the card as text and as a calibration chart.

    auc, low, high = auc_interval(y, p)          # AUC with a 95% bootstrap interval
    table = calibration_table(y, p)              # predicted against observed, by tenth of the score
    reference = distribution(values)             # bin edges and shares, kept at training
    psi(reference, values)                       # population stability index since then

PSI reads: below 0.1 stable, 0.1–0.25 some drift, above 0.25 drift that calls for retraining.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

BOOTSTRAP_ROUNDS = 500
PSI_BINS = 10
PSI_SOME, PSI_MUCH = 0.1, 0.25


def rank_auc(y: np.ndarray, p: np.ndarray) -> float:
    """The AUC as the Mann–Whitney statistic (ties counted half): equal to `roc_auc_score`, without its
    checks on every call, which made the bootstrap the slowest part of training."""
    from scipy.stats import rankdata

    positive = y == 1
    n1 = int(positive.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((rankdata(p)[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_interval(y, p, *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 7) -> tuple[float, float, float]:
    """The AUC and its 95% interval from `rounds` bootstrap resamples of the rows."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    if len(np.unique(y)) < 2:
        return float("nan"), float("nan"), float("nan")
    point = float(roc_auc_score(y, p))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(rounds):
        rows = rng.integers(0, len(y), len(y))
        if y[rows].min() != y[rows].max():
            samples.append(rank_auc(y[rows], p[rows]))
    low, high = np.percentile(samples, [2.5, 97.5])
    return point, float(low), float(high)


def auc_difference(y, p_one, p_other, *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 7) -> tuple[float, float, float]:
    """AUC(p_other) − AUC(p_one) on the same rows, with a paired 95% bootstrap interval."""
    y = np.asarray(y, dtype=int)
    p_one, p_other = np.asarray(p_one, dtype=float), np.asarray(p_other, dtype=float)
    point = float(roc_auc_score(y, p_other) - roc_auc_score(y, p_one))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(rounds):
        rows = rng.integers(0, len(y), len(y))
        if y[rows].min() != y[rows].max():
            samples.append(rank_auc(y[rows], p_other[rows]) - rank_auc(y[rows], p_one[rows]))
    low, high = np.percentile(samples, [2.5, 97.5])
    return point, float(low), float(high)


def brier(y, p) -> float:
    return float(brier_score_loss(np.asarray(y, dtype=int), np.asarray(p, dtype=float)))


def calibration_table(y, p, *, bins: int = 10) -> list[dict]:
    """Rows by tenth of the predicted probability (equal counts): mean predicted, share observed."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, bins)):
        if len(chunk) == 0:
            continue
        rows.append({
            "bin": index + 1,
            "count": int(len(chunk)),
            "predicted": round(float(p[chunk].mean()), 4),
            "observed": round(float(y[chunk].mean()), 4),
        })
    return rows


def distribution(values, *, bins: int = PSI_BINS) -> dict:
    """Bin edges (quantiles of `values`) and the share of values in each bin: the reference for PSI."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return {"edges": [], "shares": [1.0]}
    edges = sorted(set(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]).round(6).tolist()))
    return {"edges": edges, "shares": _shares(values, edges)}


def _shares(values: np.ndarray, edges: list[float]) -> list[float]:
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
    return (counts / max(len(values), 1)).round(6).tolist()


def psi(reference: dict, values) -> float:
    """Population stability index of `values` against a reference `distribution`."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float("nan")
    expected = np.maximum(np.asarray(reference["shares"], dtype=float), 1e-4)
    actual = np.maximum(np.asarray(_shares(values, reference["edges"]), dtype=float), 1e-4)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def psi_word(value: float) -> tuple[str, str]:
    if not np.isfinite(value):
        return "无数据", "no data"
    if value < PSI_SOME:
        return "稳定", "stable"
    if value < PSI_MUCH:
        return "轻度漂移", "some drift"
    return "显著漂移，应重新训练", "drift: retrain"


def _fmt_auc(block: dict) -> str:
    return f"{block['auc']:.3f} [{block['low']:.3f}, {block['high']:.3f}]"


def card_text(card: dict) -> str:
    """The card as bilingual text, for the terminal and the model's page."""
    from arrears.intelligence.features import BY_NAME

    lines = [
        f"模型卡 / model card — v{card['version']} ({card['state']})",
        f"训练截至 / trained as of: {card['as_of']}",
        f"标签 / label: {card['horizon_days']} 天内还款 ≥ 逾期金额的 {card['share_pct']}% / "
        f"paid ≥ {card['share_pct']}% of the overdue amount within {card['horizon_days']} days",
        f"训练窗口 / training window: {card['train']['first']} … {card['train']['last']} "
        f"({card['train']['rows']} 行 rows, {card['train']['positive_rate']:.1%} 正例 positive)",
        f"测试窗口（按时间）/ test window (out of time): {card['test']['first']} … {card['test']['last']} "
        f"({card['test']['rows']} 行 rows, {card['test']['positive_rate']:.1%} 正例 positive)",
        "",
        f"AUC（LightGBM，95% 区间）/ AUC (LightGBM, 95% interval): {_fmt_auc(card['metrics']['lightgbm'])}",
        f"AUC（逻辑回归基线）/ AUC (logistic regression baseline): {_fmt_auc(card['metrics']['logistic'])}",
    ]
    if card["metrics"].get("scorecard"):
        lines.append(f"AUC（评分卡 optbinning）/ AUC (scorecard, optbinning): {_fmt_auc(card['metrics']['scorecard'])}")
    lines.append(f"Brier 分数 / Brier score: {card['metrics']['brier']:.4f}")
    heads = card.get("heads", {})
    if heads:
        lines += ["", "两个模型头 / two heads (ability, willingness) against one:"]
        for name in ("ability", "willingness"):
            head = heads.get(name, {})
            if head.get("auc"):
                lines.append(f"  {name}: {head['train_rows']} 训练行 train rows, AUC {_fmt_auc(head['auc'])}")
            else:
                lines.append(f"  {name}: {head.get('note_zh', '未训练')} / {head.get('note_en', 'not trained')}")
        verdict = heads.get("verdict")
        if verdict:
            lines.append(f"  {verdict['zh']} / {verdict['en']}")
    lines += ["", "校准（按预测概率十等分）/ calibration (tenths of the predicted probability):",
              "  bin   count  predicted  observed"]
    for row in card["calibration"]:
        lines.append(f"  {row['bin']:>3} {row['count']:>7} {row['predicted']:>10.3f} {row['observed']:>9.3f}")
    lines += ["", "主要特征（增益占比）/ the features that carry it (share of gain):"]
    for item in card["top_features"]:
        feature = BY_NAME.get(item["feature"])
        label = f"{feature.zh} / {feature.en}" if feature else item["feature"]
        lines.append(f"  {item['share']:>6.1%}  {item['feature']} — {label}")
    drift = card.get("drift", [])
    lines += ["", "训练后的漂移（PSI）/ drift since training (PSI):"]
    if not drift:
        lines.append("  尚未评分 / not scored yet")
    for entry in drift[-5:]:
        zh, en = psi_word(entry["score_psi"])
        lines.append(f"  {entry['as_of']}: 评分 score PSI {entry['score_psi']:.3f} ({zh} / {en}); "
                     f"最大特征 largest feature PSI {entry['worst_feature']} {entry['worst_feature_psi']:.3f}")
    return "\n".join(lines)


def calibration_svg(card: dict) -> str:
    """The calibration plot: predicted and observed shares by tenth of the score."""
    from arrears.web.charts import Series, grouped_bar_chart, percent_tick

    rows = card["calibration"]
    categories = [str(row["bin"]) for row in rows]
    top = max([row["predicted"] for row in rows] + [row["observed"] for row in rows] + [0.01])
    return grouped_bar_chart(
        categories,
        [
            Series("预测 predicted", tuple(row["predicted"] for row in rows), "#2563eb"),
            Series("实际 observed", tuple(row["observed"] for row in rows), "#c2410c"),
        ],
        title=f"校准 calibration — v{card['version']}",
        y_max=min(1.0, top * 1.1),
        y_format=percent_tick,
    )
