"""The content guard on its frozen held-out set (tests/data/lint_heldout.yaml): the measured recall
and false-positive rate are floors, so a change that loses any of it fails here.

The set was written and committed before the rules were changed and is never used to tune them or
to train the classifier; the figures are printed in the terminal summary and, with speed, by
`python -m bench --only lint` (docs/content-guard.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from arrears.compliance.citations import categories
from arrears.compliance.lint_measure import measure

HELD_OUT = Path(__file__).resolve().parents[1] / "data" / "lint_heldout.yaml"

# Measured: 182 of 201 (message, category) pairs found, 9 of 81 lawful messages refused.
# Each floor is the measured figure less at most one message's worth.
RECALL_FLOOR = 0.90  # measured 0.905 (182/201)
FALSE_POSITIVE_CEILING = 0.112  # measured 0.111 (9/81)
VIOLATING_BLOCKED_FLOOR = 0.935  # measured 0.937 (179/191)
CATEGORY_FLOORS = {  # measured found / labelled, less nothing: one more miss fails
    "arrest": 17 / 22,
    "borrow": 14 / 14,
    "credit": 13 / 14,
    "disclosure": 13 / 14,
    "fake_legal": 17 / 18,
    "impersonation": 15 / 16,
    "inflated_amount": 12 / 13,
    "insult": 16 / 17,
    "personal_account": 12 / 13,
    "regf_disclosure": 8 / 8,
    "regf_overshadowing": 6 / 7,
    "third_party": 24 / 28,
    "violence": 15 / 17,
}


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    with HELD_OUT.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def report(entries):
    return measure(entries)


def test_the_held_out_set_is_large_bilingual_and_covers_every_category(entries) -> None:
    assert len(entries) >= 200
    assert len({entry["id"] for entry in entries}) == len(entries)
    languages = Counter(entry["lang"] for entry in entries)
    assert languages["zh"] >= 80 and languages["en"] >= 80 and languages["mixed"] >= 10
    labelled = Counter(category for entry in entries for category in entry["expect"])
    assert set(labelled) == set(CATEGORY_FLOORS) and set(labelled) <= set(categories())
    assert sum(1 for entry in entries if not entry["expect"]) >= 60


def test_held_out_recall_and_false_positives_stay_where_they_were_measured(report, lint_report) -> None:
    lint_report.append(f"held-out set {HELD_OUT.name}: recall per category")
    for category in sorted(report.expected):
        lint_report.append(f"  {category:<22}{report.found[category]:>4}/{report.expected[category]:<4}"
                           f"{report.category_recall(category):>8.3f}")
    lint_report.append(f"  overall recall {report.recall:.3f}; violating blocked "
                       f"{report.violating_blocked}/{report.violating}; lawful refused {report.clean_blocked}/"
                       f"{report.clean} ({report.false_positive_rate:.3f})")
    assert report.recall >= RECALL_FLOOR
    assert report.false_positive_rate <= FALSE_POSITIVE_CEILING
    assert report.violating_blocked / report.violating >= VIOLATING_BLOCKED_FLOOR
    for category, floor in CATEGORY_FLOORS.items():
        assert report.category_recall(category) >= floor - 1e-9, category
