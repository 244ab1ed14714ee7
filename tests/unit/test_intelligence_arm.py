"""The optimised arm's pure parts: the marginal value of a call, the day's choice of calls, the document key."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.intelligence.arm import call_values, choose_calls, reach_chance
from arrears.strategy import StrategyDocumentError, load_strategy

DOCUMENT = """
name: t
version: 1
segments:
  - id: inhouse
    label_zh: 内催
    label_en: In-house
    when: dpd >= 1
    owner: internal_queue
    priority: 10
    cadence:
      - {channel: call, template: c, every: 1, from_dpd: 1}
    challenger:
      name: optimised
      share: SHARE
      RANKING
      cadence:
        - {channel: call, template: c, every: 1, from_dpd: 1}
"""


def document(share: int, ranking: str | None) -> str:
    return DOCUMENT.replace("SHARE", str(share)).replace("RANKING", f"ranking: {ranking}" if ranking else "")


def test_a_call_is_worth_what_it_adds_not_the_risk():
    # A pays anyway (high willingness): a call adds little. B pays only when reached: a call adds much.
    values = call_values(ability=np.array([0.9, 0.6]), willingness=np.array([0.85, 0.1]), reach=np.array([0.5, 0.5]),
                         overdue_fen=np.array([1_000_000, 400_000]), share_pct=50, call_cost_fen=200)
    assert values[0] == pytest.approx(0.5 * 0.05 * 500_000 - 200)
    assert values[1] == pytest.approx(0.5 * 0.5 * 200_000 - 200)
    assert values[1] > values[0]  # the champion's overdue × propensity ranks A first; the model ranks B first


def test_a_call_that_adds_nothing_is_worth_less_than_nothing():
    values = call_values(np.array([0.3]), np.array([0.3]), np.array([1.0]), np.array([10**7]), 50, call_cost_fen=200)
    assert values[0] == -200
    assert not choose_calls(values, np.array([True]), capacity=None)[0]


def test_reach_starts_at_one_half_and_follows_the_accounts_own_contacts():
    assert reach_chance(np.array([0, 8, np.nan]), np.array([0, 0, np.nan])).tolist() == [0.5, 0.1, 0.5]


def test_the_guard_rules_a_blocked_call_is_never_chosen():
    values = np.array([900.0, 800.0, 700.0, 600.0])
    callable_ = np.array([False, True, True, True])
    chosen = choose_calls(values, callable_, capacity=2)
    assert chosen.tolist() == [False, True, True, False]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-500, 5_000), st.booleans()), min_size=1, max_size=7), st.integers(0, 7))
def test_the_choice_is_the_best_within_capacity_by_brute_force(accounts, capacity):
    values = np.array([float(v) for v, _ in accounts])
    callable_ = np.array([c for _, c in accounts])
    chosen = choose_calls(values, callable_, capacity)
    assert chosen.sum() <= capacity and not (chosen & ~callable_).any()
    best = 0.0
    for picks in itertools.product([False, True], repeat=len(accounts)):
        picks = np.array(picks)
        if picks.sum() <= capacity and not (picks & ~callable_).any():
            best = max(best, float(values[picks].sum()))
    assert float(values[chosen].sum()) == pytest.approx(best)


def test_a_challenger_is_handed_to_the_optimiser_by_its_ranking():
    strategy = load_strategy(document(50, "optimised"))
    challenger = strategy.segment("inhouse").challenger
    assert challenger.optimised and challenger.share == 50
    assert not load_strategy(document(50, None)).segment("inhouse").challenger.optimised


def test_only_an_optimised_challenger_may_take_the_whole_segment():
    assert load_strategy(document(100, "optimised")).segment("inhouse").challenger.share == 100
    with pytest.raises(StrategyDocumentError, match="between 1 and 99"):
        load_strategy(document(100, "queue"))
    with pytest.raises(StrategyDocumentError, match="is not one of queue, optimised"):
        load_strategy(document(50, "optimized"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 6)), min_size=2, max_size=40))
def test_the_bootstrap_auc_equals_scikit_learns(rows):
    from sklearn.metrics import roc_auc_score

    from arrears.intelligence.card import rank_auc

    y = np.array([int(label) for label, _ in rows])
    p = np.array([score / 6 for _, score in rows])  # few distinct scores: ties
    if y.min() == y.max():
        assert np.isnan(rank_auc(y, p))
    else:
        assert rank_auc(y, p) == pytest.approx(roc_auc_score(y, p))


def test_without_a_willingness_head_the_rate_of_the_rows_not_reached_stands_in():
    from arrears.intelligence.arm import unreached_rate

    card = {"train": {"rows": 1_000, "positive_rate": 0.3},
            "heads": {"ability": {"train_rows": 400, "train_positive_rate": 0.6}, "willingness": {"train_rows": 31}}}
    assert unreached_rate(card) == pytest.approx((300 - 240) / 600)
    assert unreached_rate({"train": {"rows": 10, "positive_rate": 0.3}, "heads": {}}) is None
