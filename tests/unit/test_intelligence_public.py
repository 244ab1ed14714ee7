"""The model's learners on the German credit data shipped inside a package, against published AUCs."""

from __future__ import annotations

import warnings

from arrears.intelligence.public import PUBLISHED, german_credit, german_credit_report


def test_the_shipped_data_is_the_whole_german_credit_set():
    data = german_credit()
    assert data.coded.shape == (1000, 20)
    assert data.y.sum() == 700  # 700 good, 300 bad


def test_auc_reaches_the_published_range():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = german_credit_report()
    # measured: 5-fold CV AUC 0.790 (LightGBM), 0.776 (logistic regression), 0.792 (scorecard)
    assert report["cv_auc"]["lightgbm"] >= 0.78
    assert report["cv_auc"]["logistic"] >= 0.77
    assert report["cv_auc"]["scorecard"] >= 0.78
    assert report["cv_auc"]["lightgbm"] >= PUBLISHED["auc_low"]
    for block in report["held_out"].values():
        assert block["low"] <= block["auc"] <= block["high"]
