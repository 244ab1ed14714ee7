"""The model in the demo: trained on the demo book's own tables, promoted, and the book scored with it.

The demo's history is a few weeks of nights, so the label window is a week (a payment of half the
overdue amount within 7 days) and snapshots are taken every 3 days; a lender trains with 30 days.
"""

from __future__ import annotations

import datetime as dt
import time

DEMO_HORIZON_DAYS = 7
DEMO_STEP_DAYS = 3


def model_lines(day: dt.date) -> list[str]:
    """Train, promote (as the demo's strategy manager) and score as of `day`; the lines that say how it went."""
    from django.contrib.auth import get_user_model

    from arrears.errors import ArrearsError
    from arrears.intelligence.scoring import promote, score_book
    from arrears.intelligence.training import TrainOptions, train

    began = time.perf_counter()
    try:
        model = train(TrainOptions(as_of=day, horizon=DEMO_HORIZON_DAYS, step_days=DEMO_STEP_DAYS))
        manager = get_user_model().objects.filter(groups__name="strategy_manager", is_active=True).order_by("pk").first()
        promote(model.version, manager)
        scored = score_book(day)
    except ArrearsError as refused:
        return [f"模型未训练 / no model trained: {refused.zh} / {refused.en}"]
    block = model.card["metrics"]["lightgbm"]
    verdict = model.card["heads"].get("verdict", {})
    lines = [
        f"倾向模型 / propensity model v{model.version}: AUC {block['auc']:.3f} [{block['low']:.3f}, {block['high']:.3f}], "
        f"已启用并为 {scored.rows} 个账户评分 / promoted and {scored.rows} accounts scored "
        f"({time.perf_counter() - began:.1f} s)",
    ]
    if verdict:
        lines.append(f"  {verdict['zh']} / {verdict['en']}")
    return lines
