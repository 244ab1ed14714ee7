"""Scoring the book with the promoted model, through the scores feed; promoting a model.

    outcome = score_book(as_of)             # writes <var>/scores/model-v3-2026-11-30.csv and imports it
    promote(version=3, user=manager)        # only a user with intelligence.promote_trainedmodel

The scores land exactly as a lender's own scores file would (`arrears.feeds.scores.import_scores`):
the same checks, the same table, the same import record. A score is the single head's probability
of paying within the label window, times 1000. Each scoring also measures the drift since training
(PSI of the score and of every feature) and adds it to the model's card.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arrears import clock
from arrears.errors import ArrearsError, InputError
from arrears.intelligence import card as measures
from arrears.intelligence.features import CATEGORICAL, FEATURE_NAMES, compute, load_sources


class NotAllowed(ArrearsError):
    """The person may not do this."""


@dataclass(frozen=True)
class Scored:
    version: int
    path: Path
    rows: int
    outcome: object
    drift: dict


def promoted_model():
    from arrears.intelligence.models import TrainedModel

    model = TrainedModel.objects.filter(state=TrainedModel.State.PROMOTED).first()
    if model is None:
        raise InputError("没有已启用的模型：请先训练并由有权限的人启用",
                         "no promoted model: train one and have a person with the right promote it")
    return model


def probabilities(model, table) -> np.ndarray:
    """The single head's probabilities for the rows of a feature table."""
    import lightgbm as lgb

    from arrears.intelligence.training import Encoder

    if table.num_rows == 0:
        return np.empty(0)
    booster = lgb.Booster(model_str=model.boosters["single"])
    return booster.predict(Encoder(model.card["categories"]).matrix(table))


def drift_entry(model, table, p: np.ndarray, as_of: dt.date) -> dict:
    from arrears.intelligence.training import Encoder

    reference = model.card.get("reference", {})
    x = Encoder(model.card["categories"]).matrix(table)
    features = {}
    for index, name in enumerate(FEATURE_NAMES):
        if name in CATEGORICAL or name not in reference:
            continue
        features[name] = round(measures.psi(reference[name], x[:, index]), 4)
    worst = max(features.items(), key=lambda item: item[1] if np.isfinite(item[1]) else -1, default=("—", 0.0))
    return {
        "as_of": as_of.isoformat(),
        "rows": int(len(p)),
        "score_psi": round(measures.psi(reference.get("score", {"edges": [], "shares": [1.0]}), p), 4),
        "features": features,
        "worst_feature": worst[0],
        "worst_feature_psi": worst[1],
    }


def score_book(as_of: dt.date, *, directory: Path | None = None) -> Scored:
    """Score every account in arrears on `as_of` with the promoted model, through the scores feed."""
    from django.conf import settings

    from arrears.bulk import BulkConnection
    from arrears.feeds.scores import import_scores

    if as_of > clock.today():
        raise InputError(f"评分日不能晚于今天（{clock.today()}）", f"the day scored cannot be after today ({clock.today()})")
    model = promoted_model()
    with BulkConnection.for_django() as db:
        sources = load_sources(db, first=as_of, last=as_of)
    table = compute(sources, [as_of])
    p = probabilities(model, table)
    directory = directory or Path(settings.VAR_DIR) / "scores"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"model-v{model.version}-{as_of.isoformat()}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["loan_id", "score", "scored_on"])
        for external_id, probability in zip(table.column("external_id").to_pylist(), p, strict=True):
            writer.writerow([external_id, int(round(float(probability) * 1000)), as_of.isoformat()])
    outcome = import_scores(path)
    drift = drift_entry(model, table, p, as_of)
    model.refresh_from_db()
    card = dict(model.card)
    card["drift"] = [entry for entry in card.get("drift", []) if entry["as_of"] != drift["as_of"]] + [drift]
    model.card = card
    model.save(update_fields=["card"])
    return Scored(version=model.version, path=path, rows=table.num_rows, outcome=outcome, drift=drift)


def promote(version: int, user):
    """Make `version` the model that scores the book (the one promoted before is retired)."""
    from django.db import transaction

    from arrears.intelligence.models import TrainedModel

    if user is None or not user.is_active or not user.has_perm("intelligence.promote_trainedmodel"):
        raise NotAllowed("无权启用模型：需要“启用模型”权限（策略经理）",
                         "not allowed to promote a model: it takes the right to promote (the strategy manager's)")
    with transaction.atomic():
        model = TrainedModel.objects.select_for_update().filter(version=version).first()
        if model is None:
            raise InputError(f"没有版本 {version} 的模型", f"no model version {version}")
        if model.state == TrainedModel.State.RETIRED:
            raise InputError(f"模型 v{version} 已停用，不能再启用", f"model v{version} is retired and cannot be promoted again")
        TrainedModel.objects.filter(state=TrainedModel.State.PROMOTED).exclude(pk=model.pk).update(
            state=TrainedModel.State.RETIRED)
        model.state = TrainedModel.State.PROMOTED
        model.promoted_at = clock.now()
        model.promoted_by = user
        model.card = {**model.card, "state": TrainedModel.State.PROMOTED.value}
        model.save(update_fields=["state", "promoted_at", "promoted_by", "card"])
    return model
