"""A short simulated run of one arm, read back account by account: the comparison's machinery end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.intelligence.comparison import account_outcomes, compare_arms, simulate_arm
from arrears.simulate.run import SimulationOptions

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_short_run_of_the_ladder_is_read_back_per_account(tmp_path):
    last = dt.date(2026, 11, 30)
    options = SimulationOptions(loans=40, days=3, seed=3, directory=tmp_path / "simulate", last_day=last)
    outcome, trained = simulate_arm(options, "champion", switch_day=last, password="a-long-test-password-1",
                                    say=lambda line: None)
    assert trained == {}  # the ladder trains nothing
    assert outcome.report.violations == 0
    rows = account_outcomes(options.first_day, last)
    assert len(rows["loan"]) == 40 and list(rows["loan"]) == sorted(rows["loan"])
    assert rows["contacts"].sum() > 0 and (rows["cost"] >= 0).all()
    assert rows["recovered"].sum() == outcome.report.recovered_fen  # the one definition of recovered money
    same = compare_arms({"champion": rows, "optimised": rows})
    assert {d.measure: d.total for d in same.differences}["net"] == 0
    with pytest.raises(ValueError, match="unknown arm"):
        simulate_arm(options, "greedy", switch_day=last, password="x")
