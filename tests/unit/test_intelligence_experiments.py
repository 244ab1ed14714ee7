"""Arm outcomes: intervals, and no winner called below the stated minimum sample."""

from __future__ import annotations

import numpy as np

from arrears.intelligence.experiments import MIN_ARM_SAMPLE, compare, wilson


def arm(n: int, recovered: int, seed: int, cure_share: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "recovered": rng.integers(0, 2 * recovered + 1, n),
        "cost": np.full(n, 200),
        "cured": (rng.random(n) < cure_share).astype(np.int64),
        "complaints": np.zeros(n, np.int64),
        "guard_blocks": rng.integers(0, 3, n),
    }


def test_a_clear_difference_with_enough_accounts_calls_the_challenger():
    test = compare("s", "seg", {"champion": arm(MIN_ARM_SAMPLE, 10_000, 1, 0.3),
                                "challenger": arm(MIN_ARM_SAMPLE, 14_000, 2, 0.4)})
    assert test.difference_low > 0 and "challenger wins" in test.verdict_en
    champion = next(a for a in test.arms if a.arm == "champion")
    assert champion.net_low < champion.net_mean < champion.net_high
    assert champion.cure_low < champion.cure_rate < champion.cure_high


def test_no_winner_below_the_minimum_sample_however_large_the_difference():
    test = compare("s", "seg", {"champion": arm(MIN_ARM_SAMPLE - 1, 10_000, 1, 0.3),
                                "challenger": arm(MIN_ARM_SAMPLE, 90_000, 2, 0.9)})
    assert test.difference_low > 0
    assert "too few accounts" in test.verdict_en


def test_the_same_arms_are_no_different():
    test = compare("s", "seg", {"champion": arm(2_000, 10_000, 1, 0.3), "challenger": arm(2_000, 10_000, 2, 0.3)})
    assert test.difference_low < 0 < test.difference_high and "no significant" in test.verdict_en


def test_wilson_stays_within_zero_and_one():
    assert wilson(0, 10)[1] == 0.0 and wilson(10, 10)[2] == 1.0
