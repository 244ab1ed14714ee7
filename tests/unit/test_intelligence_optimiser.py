"""The day's allocation respects every capacity and the guard, and matches a brute-force optimum."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.intelligence.optimiser import Capacity, allocate, total_value


def brute_force(values, allowed, capacities) -> float:
    n, m = values.shape
    best = 0.0
    for choice in itertools.product(range(m), repeat=n):
        if any(not allowed[i, a] and a != 0 for i, a in enumerate(choice)):
            continue
        if any(sum(1 for a in choice if a in c.actions) > c.limit for c in capacities):
            continue
        best = max(best, sum(values[i, a] for i, a in enumerate(choice)))
    return best


@st.composite
def problems(draw):
    n, m = draw(st.integers(1, 5)), draw(st.integers(2, 4))
    values = np.array([[0] + [draw(st.integers(-50, 100)) for _ in range(m - 1)] for _ in range(n)], dtype=float)
    allowed = np.array([[True] + [draw(st.booleans()) for _ in range(m - 1)] for _ in range(n)])
    columns = list(range(1, m))
    capacities = []
    while columns and draw(st.booleans()):
        size = draw(st.integers(1, len(columns)))
        capacities.append(Capacity(f"c{len(capacities)}", draw(st.integers(0, n)), tuple(columns[:size])))
        columns = columns[size:]
    return values, allowed, capacities


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_allocation_is_feasible_and_as_good_as_brute_force(problem):
    values, allowed, capacities = problem
    chosen = allocate(values, allowed, capacities)
    for i, action in enumerate(chosen):
        assert action == 0 or allowed[i, action]
    for capacity in capacities:
        assert sum(1 for a in chosen if a in capacity.actions) <= capacity.limit
    assert abs(total_value(values, chosen) - brute_force(values, allowed, capacities)) < 1e-6


def test_calls_go_to_the_largest_marginal_values_not_the_highest_risk():
    values = np.array([[0, 5, 30], [0, 1, 80], [0, 2, 10], [0, 3, 50]], dtype=float)
    chosen = allocate(values, np.ones_like(values, dtype=bool), [Capacity("calls", 2, (2,))])
    assert sorted(np.nonzero(chosen == 2)[0].tolist()) == [1, 3]
    assert chosen.tolist() == [1, 2, 1, 2]  # the others get the SMS, worth more than nothing
