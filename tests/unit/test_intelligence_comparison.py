"""The comparison of the ladder and the optimised arm: paired by account, with intervals that can say no."""

from __future__ import annotations

import numpy as np
import pytest

from arrears.intelligence.comparison import arm_strategies, compare_arms
from arrears.strategy import load_strategy


def book(recovered, cost, contacts, loans=None):
    n = len(recovered)
    return {"loan": np.array(loans or [f"L{i:05d}" for i in range(n)]), "recovered": np.array(recovered, dtype=np.int64),
            "cost": np.array(cost, dtype=np.int64), "contacts": np.array(contacts, dtype=np.int64)}


def differences(compared):
    return {d.measure: d for d in compared.differences}


def test_a_real_gain_is_found_and_its_interval_excludes_zero():
    rng = np.random.default_rng(1)
    base = rng.integers(0, 50_000, 3_000)
    gain = rng.integers(1_000, 3_000, 3_000)
    compared = compare_arms({"champion": book(base, [200] * 3_000, [1] * 3_000),
                             "optimised": book(base + gain, [200] * 3_000, [1] * 3_000)})
    net = differences(compared)["net"]
    assert net.total == pytest.approx(gain.sum()) and net.low > 0
    assert net.relative == pytest.approx(gain.sum() / (base.sum() - 600_000))


def test_no_difference_gives_an_interval_around_zero():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 50_000, 2_000), rng.integers(0, 50_000, 2_000)
    compared = compare_arms({"champion": book(a, [200] * 2_000, [2] * 2_000), "optimised": book(b, [200] * 2_000, [2] * 2_000)})
    net = differences(compared)["net"]
    assert net.low < 0 < net.high  # the arms are alike: no winner


def test_accounts_are_paired_by_loan_and_contacts_per_recovery_is_counted():
    champion = book([100, 0, 300], [10, 10, 10], [2, 4, 2], ["A", "B", "C"])
    optimised = book([0, 100, 300, 999], [10, 10, 10, 10], [1, 1, 1, 9], ["B", "A", "C", "D"])  # D is in one run only
    compared = compare_arms({"champion": champion, "optimised": optimised})
    assert compared.paired_accounts == 3
    one, other = compared.arms
    assert (one.recovered, other.recovered) == (400, 400)
    assert one.contacts_per_recovery == pytest.approx(8 / 2) and other.contacts_per_recovery == pytest.approx(3 / 2)
    assert differences(compared)["contacts_per_recovery"].total == pytest.approx(1.5 - 4)


def test_the_arms_share_every_segment_but_the_in_house_ranking():
    ladder, optimised = (load_strategy(text) for text in arm_strategies())
    assert [s.id for s in ladder.segments] == [s.id for s in optimised.segments]
    assert optimised.version == ladder.version + 1
    for plain, handed in zip(ladder.segments, optimised.segments, strict=True):
        assert plain.cadence == handed.cadence and plain.when == handed.when
        if plain.id in ("internal_collection", "inhouse_late_mild"):
            assert plain.challenger is None
            assert handed.challenger.optimised and handed.challenger.share == 100
            assert handed.challenger.cadence == plain.cadence
        else:
            assert handed.challenger == plain.challenger
