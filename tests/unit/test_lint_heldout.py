"""The content guard on its two frozen held-out sets (tests/data/lint_heldout.yaml, and
lint_heldout_fresh.yaml, written later in other registers): the measured recall and false-positive
rate are floors, so a change that loses any of it fails here.

Each set was written and committed before the changes it measures and is never used to tune the
rules, to train the classifier or to choose its thresholds; the figures are printed in the
terminal summary and, with speed, by `python -m bench --only lint` (docs/content-guard.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from arrears.compliance.citations import categories
from arrears.compliance.lint_measure import measure

DATA = Path(__file__).resolve().parents[1] / "data"
HELD_OUT = DATA / "lint_heldout.yaml"
FRESH = DATA / "lint_heldout_fresh.yaml"


@dataclass(frozen=True)
class Floors:
    """What was measured on one set; each floor is exactly the measured count (one more miss, or one
    more lawful message refused, fails)."""

    found: int  # (message, category) pairs found
    labels: int
    clean_blocked: int  # lawful messages refused
    clean: int
    violating_blocked: int
    violating: int
    categories: dict[str, tuple[int, int]]  # category -> (found, labelled)


FLOORS = {
    # measured: 183/201 pairs found (0.910), 10/81 lawful refused (0.123), 181/191 violating blocked
    HELD_OUT.name: Floors(183, 201, 10, 81, 181, 191, {
        "arrest": (17, 22), "borrow": (14, 14), "credit": (14, 14), "disclosure": (13, 14), "fake_legal": (15, 18),
        "impersonation": (14, 16), "inflated_amount": (12, 13), "insult": (16, 17), "personal_account": (13, 13),
        "regf_disclosure": (8, 8), "regf_overshadowing": (6, 7), "third_party": (26, 28), "violence": (15, 17),
    }),
    # measured: 153/168 pairs found (0.911), 4/72 lawful refused (0.056), 152/167 violating blocked
    FRESH.name: Floors(153, 168, 4, 72, 152, 167, {
        "arrest": (19, 20), "borrow": (11, 12), "credit": (11, 11), "disclosure": (11, 11), "fake_legal": (12, 13),
        "impersonation": (10, 13), "inflated_amount": (10, 10), "insult": (16, 17), "personal_account": (10, 10),
        "regf_disclosure": (7, 7), "regf_overshadowing": (8, 8), "third_party": (19, 21), "violence": (9, 15),
    }),
}
CATEGORY_FLOORS = FLOORS[HELD_OUT.name].categories


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return load(HELD_OUT)


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


def test_the_fresh_held_out_set_is_bilingual_covers_every_category_and_shares_one_message_only(entries) -> None:
    fresh = load(FRESH)
    assert len(fresh) >= 200 and len({entry["id"] for entry in fresh}) == len(fresh)
    languages = Counter(entry["lang"] for entry in fresh)
    assert languages["zh"] >= 80 and languages["en"] >= 80 and languages["mixed"] >= 10
    assert {c for entry in fresh for c in entry["expect"]} == set(CATEGORY_FLOORS)
    assert sum(1 for entry in fresh if not entry["expect"]) >= 60
    # one common sentence was written word for word in both sets, apart; the frozen sets keep it
    shared = {entry["text"] for entry in fresh} & {entry["text"] for entry in entries}
    assert shared == {"Take out a payday loan if you have to, just get us the money today."}


def test_no_held_out_message_is_in_the_training_corpus(entries) -> None:
    from arrears.compliance.meaning import load_corpus

    trained = {entry["text"].strip() for entry in load_corpus()}
    assert not trained & {entry["text"].strip() for entry in entries + load(FRESH)}


@pytest.mark.parametrize("path", [HELD_OUT, FRESH], ids=lambda path: path.stem)
def test_held_out_recall_and_false_positives_stay_where_they_were_measured(path, report, lint_report) -> None:
    measured = report if path == HELD_OUT else measure(load(path))
    floors = FLOORS[path.name]
    lint_report.append(f"held-out set {path.name}: recall per category")
    for category in sorted(measured.expected):
        lint_report.append(f"  {category:<22}{measured.found[category]:>4}/{measured.expected[category]:<4}"
                           f"{measured.category_recall(category):>8.3f}")
    lint_report.append(f"  overall recall {measured.recall:.3f}; violating blocked "
                       f"{measured.violating_blocked}/{measured.violating}; lawful refused {measured.clean_blocked}/"
                       f"{measured.clean} ({measured.false_positive_rate:.3f})")
    assert (sum(measured.expected.values()), measured.clean, measured.violating) == (floors.labels, floors.clean, floors.violating)
    assert sum(measured.found.values()) >= floors.found
    assert measured.clean_blocked <= floors.clean_blocked
    assert measured.violating_blocked >= floors.violating_blocked
    for category, (found, labelled) in floors.categories.items():
        assert measured.expected[category] == labelled and measured.found[category] >= found, category
