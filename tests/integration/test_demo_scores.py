"""The demo's book comes with the lender's scores: every loan scored, and the scores rank the
borrowers who pay above those who do not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from arrears import demo
from arrears.feeds import import_loans, import_scores
from arrears.ledger.catalogue import read_catalogue, save_catalogue
from arrears.ledger.models import LoanScore
from arrears.simulate.behaviour import Behaviour
from arrears.simulate.scores import model_scores

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_demo_loan_is_scored_on_the_last_day(tmp_path):
    save_catalogue(read_catalogue())
    plan = demo.DemoPlan(loans=60, days=3, seed=11, directory=tmp_path, last_day=dt.date(2026, 11, 30))
    loans_file, _payments_file, scores_file = demo.generate(plan)
    import_loans(loans_file)

    outcome = import_scores(scores_file)

    assert (outcome.landed, outcome.rejected) == (60, 0)
    assert set(LoanScore.objects.values_list("scored_on", flat=True)) == {plan.last_day}
    assert all(0 <= score <= 1000 for score in LoanScore.objects.values_list("score", flat=True))


def test_the_model_ranks_payers_above_refusers_but_the_bands_overlap():
    rng = np.random.default_rng(3)
    payers = model_scores(rng, np.full(5000, Behaviour.ALWAYS_PAYS))
    refusers = model_scores(rng, np.full(5000, Behaviour.REFUSES))
    assert payers.mean() - refusers.mean() > 400
    assert payers.min() < refusers.max()  # a score ranks; it does not know the behaviour
    assert payers.max() <= 1000 and refusers.min() >= 0
