"""The generated training corpus is reproducible: the committed file is what the generator writes."""

from __future__ import annotations

from collections import Counter

from arrears.compliance import corpus_generator, meaning


def test_the_committed_generated_corpus_is_what_the_generator_writes() -> None:
    assert corpus_generator.OUTPUT.read_text(encoding="utf-8") == corpus_generator.render(corpus_generator.generate())


def test_every_learnt_category_has_hundreds_of_varied_examples_in_both_languages() -> None:
    entries = corpus_generator.generate()
    for category in meaning.CATEGORIES:
        texts = [entry for entry in entries if category in entry["expect"]]
        languages = Counter(entry["lang"] for entry in texts)
        assert len(texts) >= 300 and languages["en"] >= 100, category
        if category != "regf_overshadowing":
            assert languages["zh"] + languages["mixed"] >= 100, category
    assert sum(1 for entry in entries if not entry["expect"]) >= 2000


def test_only_hand_written_entries_are_held_back_for_choosing_thresholds() -> None:
    training, validation = meaning.validation_split(meaning.load_corpus())
    assert validation and all(not entry["id"].startswith("g") for entry in validation)
    assert len(training) > 4 * len(validation)
