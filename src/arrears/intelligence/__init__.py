"""Collection intelligence: a propensity-to-pay model trained from what the product stores.

features.py   what the model knows of an account on a day (set-based, nothing dated after it)
training.py   snapshots, the label, a time split, the heads (one, or ability and willingness)
card.py       the model card: AUC with its interval, Brier score, calibration, features, drift
scoring.py    scores for a day, written through the scores feed
"""
