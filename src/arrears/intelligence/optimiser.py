"""The day's allocation: for each account one action, maximising expected net value, within capacities.

    choice = allocate(values, allowed, [Capacity("calls", 8 * 120, (CALL,)), Capacity("visits", 40, (VISIT,))])

`values[i, a]` is the expected value of action `a` on account `i` over doing nothing, in fen: the
model's uplift (the chance of paying with the action minus without it, times what would be paid)
less the action's cost. Column 0 is "none" (value 0, always allowed). `allowed[i, a]` is False where
the guard blocks the action (a blocked action is not a choice) or a contract does not cover it.
Each `Capacity` bounds how many accounts may get any of its actions that day: calls per collector
times collectors, an agency's room under its contract, the field team's visits.

Solved by HiGHS through SciPy. Every variable sits in one account row and at most one capacity row,
so the constraint matrix is totally unimodular and a vertex optimum of the LP relaxation is whole:
the LP (dual simplex, `linprog(method="highs-ds")`) is solved first, and only a fractional answer
goes to the mixed-integer solver (`scipy.optimize.milp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIONS = ("none", "sms", "call", "plan_offer", "agency", "visit")


@dataclass(frozen=True)
class Capacity:
    name: str
    limit: int
    actions: tuple[int, ...]  # the columns this capacity bounds


def allocate(values: np.ndarray, allowed: np.ndarray, capacities: list[Capacity], *, time_limit: float = 600.0) -> np.ndarray:
    """The chosen column for each account (0: none)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, csr_matrix

    values = np.asarray(values, dtype=float)
    allowed = np.asarray(allowed, dtype=bool).copy()
    n, m = values.shape
    allowed[:, 0] = True
    seen = set()
    for capacity in capacities:
        if capacity.limit < 0:
            raise ValueError(f"capacity {capacity.name} is negative")
        if seen & set(capacity.actions) or 0 in capacity.actions:
            raise ValueError("each action other than none is bounded by at most one capacity")
        seen |= set(capacity.actions)
    # only the variables worth having: allowed, and better than nothing (none is always there)
    keep = allowed & (values > 0)
    keep[:, 0] = True
    rows, cols = np.nonzero(keep)
    count = len(rows)
    objective = -values[rows, cols]
    account_rows = coo_matrix((np.ones(count), (rows, np.arange(count))), shape=(n, count))
    constraints = [LinearConstraint(csr_matrix(account_rows), lb=1, ub=1)]
    if capacities:
        cap_index = np.full(m, -1)
        for k, capacity in enumerate(capacities):
            cap_index[list(capacity.actions)] = k
        bounded = cap_index[cols] >= 0
        matrix = coo_matrix((np.ones(bounded.sum()), (cap_index[cols][bounded], np.nonzero(bounded)[0])),
                            shape=(len(capacities), count))
        constraints.append(LinearConstraint(csr_matrix(matrix), lb=-np.inf, ub=[c.limit for c in capacities]))
    # the LP relaxation first (HiGHS dual simplex): its vertex optimum is whole, the matrix being
    # totally unimodular; a fractional answer (ties resolved inside a face) goes to the MILP
    from scipy.optimize import linprog

    equality = constraints[0].A
    upper = constraints[1].A if len(constraints) > 1 else None
    relaxed = linprog(objective, A_ub=upper, b_ub=constraints[1].ub if upper is not None else None,
                      A_eq=equality, b_eq=np.ones(n), bounds=(0, 1), method="highs-ds",
                      options={"time_limit": time_limit, "presolve": True})
    x = relaxed.x if relaxed.status == 0 else None
    if x is None or np.any(np.minimum(np.abs(x), np.abs(1 - x)) > 1e-6):
        result = milp(objective, constraints=constraints, integrality=np.ones(count), bounds=Bounds(0, 1),
                      options={"time_limit": time_limit, "presolve": True})
        if result.x is None:
            raise RuntimeError(f"the allocation could not be solved: {result.message}")
        x = result.x
    chosen = np.zeros(n, dtype=np.int64)
    picked = x > 0.5
    chosen[rows[picked]] = cols[picked]
    return chosen


def total_value(values: np.ndarray, chosen: np.ndarray) -> float:
    return float(np.asarray(values, dtype=float)[np.arange(len(chosen)), chosen].sum())
