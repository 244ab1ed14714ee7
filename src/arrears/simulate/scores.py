"""A synthetic lender's propensity-to-pay model: a score 0–1000 per loan that knows the borrower's
behaviour only roughly, as a real model would.

| behaviour | mean score |
|---|---:|
| always pays | 780 |
| self-cures | 640 |
| pays late | 560 |
| hardship | 380 |
| refuses | 220 |
| unreachable | 160 |

Each score is the mean plus normal noise (standard deviation 110), rounded and kept within 0–1000,
so the bands overlap: a score ranks accounts, it does not tell their behaviour.
"""

from __future__ import annotations

import numpy as np

from arrears.ledger.records import MAX_SCORE
from arrears.simulate.behaviour import Behaviour

MEAN_SCORE = {
    Behaviour.ALWAYS_PAYS: 780,
    Behaviour.SELF_CURES: 640,
    Behaviour.PAYS_LATE: 560,
    Behaviour.HARDSHIP: 380,
    Behaviour.REFUSES: 220,
    Behaviour.UNREACHABLE: 160,
}
NOISE = 110.0


def model_scores(rng: np.random.Generator, behaviour: np.ndarray) -> np.ndarray:
    """One score per loan (int64, 0–MAX_SCORE) for the Behaviour codes in `behaviour`."""
    means = np.zeros(len(Behaviour), dtype=np.float64)
    for kind, mean in MEAN_SCORE.items():
        means[kind] = mean
    noisy = means[behaviour] + rng.normal(0.0, NOISE, size=behaviour.size)
    return np.clip(np.rint(noisy), 0, MAX_SCORE).astype(np.int64)
