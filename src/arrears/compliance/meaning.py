"""What a message means: a small classifier the content lint consults beside its phrase rules.

The phrase rules in `arrears.compliance.lint_rules` find the wording they were written for; a
reworded threat ("your children's school will be informed", "通讯录我们都有，会一个一个打电话")
slips past them. This module learns each category of forbidden content from the labelled
corpus shipped with the product (`lint_corpus.yaml`, zh-Hans, English and mixed) and scores
each sentence of a message, so a finding still points at the sentence that carries it.

The model: character 1–4-grams (no word segmentation, so zh-Hans, English and mixed script are
read alike), TF-IDF weighted, and one logistic regression per category (scikit-learn; see
docs/decisions/0016-content-guard-classifier.md). It is trained by the product from the corpus
on first use and kept in a cache file named by the corpus's hash and the library's version; no
model is ever downloaded. Scoring is one sparse product for all categories of all sentences.

    >>> scores = sentence_scores("We will tell your boss. Have a nice day.")
    >>> [s.text for s in scores if "third_party" in s.categories]
    ['We will tell your boss.']
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).with_name("lint_corpus.yaml")
GENERATED_CORPUS = Path(__file__).with_name("lint_corpus_generated.yaml")
"""Written by `arrears.compliance.corpus_generator` (seeded, reproducible); trained on with CORPUS."""

CATEGORIES: tuple[str, ...] = (
    "violence",
    "third_party",
    "arrest",
    "fake_legal",
    "impersonation",
    "credit",
    "insult",
    "borrow",
    "personal_account",
    "regf_overshadowing",
)
"""The categories the classifier learns. Disclosure to a third party, a misstated amount and the
required disclosures depend on who reads the message and what is true, so rules decide them.
Overshadowing of dispute rights is learnt too (word n-grams tell "disputing won't stop" from
"disputing stops collection"); its finding only counts under us-regf."""

THRESHOLD = 0.6
"""The default when a category's own threshold is unknown; each category's threshold is chosen on
a validation split of the corpus when the model is trained (`calibrated_thresholds`)."""

VALIDATION_SHARE = 0.2
VALIDATION_SEED = 7
THRESHOLD_GRID = tuple(round(0.50 + 0.025 * step, 3) for step in range(19))  # 0.50 … 0.95
"""Never below 0.5, a balanced regression's own boundary: the validation split is a few hundred
messages, too few to trust a lower threshold on wording it does not hold."""
VALIDATION_FALSE_POSITIVES = 0.003
"""A category's threshold is the lowest on the grid whose false-positive rate on the validation
split's messages without that category stays at or under this; recall follows from it."""

_MODEL_VERSION = "3"
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+")
MIN_CJK_CHARACTERS = 4
MIN_WORDS = 4
"""Shorter sentences (a subject line, "Home visit review") say too little for the classifier; the
phrase rules still read them."""


def _long_enough(sentence: str) -> bool:
    return len(_CJK.findall(sentence)) >= MIN_CJK_CHARACTERS or len(_WORD.findall(sentence)) >= MIN_WORDS


@dataclass(frozen=True)
class SentenceScore:
    """One sentence of a message: its span, its text and the categories it carries."""

    start: int
    end: int
    text: str
    categories: dict[str, float]


class _Model:
    """The fitted model as plain data: the n-gram vocabulary, its inverse document frequencies and
    one weight column per category. Scoring needs only numpy: scikit-learn is imported to train,
    never to lint, so a process that finds the cache starts at once."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, weights: np.ndarray,
                 intercepts: np.ndarray, word_vocabulary: dict[str, int], word_idf: np.ndarray,
                 word_weights: np.ndarray, thresholds: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.weights = weights  # (features, categories)
        self.intercepts = intercepts
        self.word_vocabulary = word_vocabulary
        self.word_idf = word_idf
        self.word_weights = word_weights
        self.thresholds = thresholds  # one per category, chosen on the validation split

    def word_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The non-zero TF-IDF features of `text`'s word 1–2-grams (`word_grams`), L2-normalised."""
        counts: dict[int, int] = {}
        for gram in word_grams(text):
            index = self.word_vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.word_idf[indices]
        return indices, values / np.linalg.norm(values)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The non-zero TF-IDF features of `text` (indices, L2-normalised values), as the vectoriser
        it was fitted with computes them: lower case, runs of white space as one space, character
        1–4-grams, sublinear term frequency."""
        text = _SPACES.sub(" ", text.lower())
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        length = len(text)
        for size in range(1, N_GRAM + 1):
            for start in range(length - size + 1):
                index = vocabulary.get(text[start : start + size])
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[indices]
        return indices, values / np.linalg.norm(values)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        logits = np.tile(self.intercepts, (len(texts), 1))
        for row, text in enumerate(texts):
            indices, values = self.features(text)
            if len(indices):
                logits[row] += values @ self.weights[indices]
            indices, values = self.word_features(text)
            if len(indices):
                logits[row] += values @ self.word_weights[indices]
        return 1.0 / (1.0 + np.exp(-logits))


N_GRAM = 4
_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]")


def word_grams(text: str) -> list[str]:
    """Word 1–2-grams: Latin words (lower case, "won't" kept whole) and each Chinese character as a
    word, so a bigram of two characters is a Chinese word and "not stop" is one feature."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{first} {second}" for first, second in zip(tokens, tokens[1:])]


def load_corpus(paths: tuple[Path, ...] = (CORPUS, GENERATED_CORPUS)) -> list[dict]:
    """The training entries: the hand-written corpus, then the generated one."""
    import yaml

    entries: list[dict] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            entries.extend(yaml.safe_load(handle))
    return entries


def _fit(entries: list[dict], thresholds: np.ndarray) -> _Model:
    """Fit both vectorisers and one balanced logistic regression per category on `entries`."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [entry["text"] for entry in entries]
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, N_GRAM), sublinear_tf=True, lowercase=True, min_df=2,
                            dtype=np.float32)
    words = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, min_df=2, dtype=np.float32)
    char_features = chars.fit_transform([_SPACES.sub(" ", text.lower()) for text in texts])
    word_features = words.fit_transform(texts)
    features = hstack([char_features, word_features]).tocsr()
    split = char_features.shape[1]
    weights = np.zeros((features.shape[1], len(CATEGORIES)), dtype=np.float32)
    intercepts = np.zeros(len(CATEGORIES), dtype=np.float32)
    for column, category in enumerate(CATEGORIES):
        labels = np.array([category in entry["expect"] for entry in entries])
        if not labels.any():
            intercepts[column] = -20.0
            continue
        model = LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000)
        model.fit(features, labels)
        weights[:, column] = model.coef_[0]
        intercepts[column] = model.intercept_[0]
    return _Model({gram: int(index) for gram, index in chars.vocabulary_.items()}, chars.idf_.astype(np.float32),
                  weights[:split], intercepts,
                  {gram: int(index) for gram, index in words.vocabulary_.items()}, words.idf_.astype(np.float32),
                  weights[split:], thresholds)


def validation_split(entries: list[dict]) -> tuple[list[dict], list[dict]]:
    """A seeded split of the corpus: (training, validation). Only hand-written entries are held
    back (VALIDATION_SHARE of them): a generated sentence has siblings from the same template in
    training, so it would say little about wording the corpus lacks."""
    import random

    rng = random.Random(VALIDATION_SEED)
    training: list[dict] = []
    validation: list[dict] = []
    for entry in entries:
        generated = str(entry.get("id", "")).startswith("g")
        (validation if not generated and rng.random() < VALIDATION_SHARE else training).append(entry)
    return training, validation


def calibrated_thresholds(fitted: _Model, validation: list[dict]) -> np.ndarray:
    """Per category, the lowest threshold on THRESHOLD_GRID (0.50–0.95) whose false-positive rate on
    the validation messages without that category is at most VALIDATION_FALSE_POSITIVES."""
    probabilities = fitted.probabilities([entry["text"] for entry in validation])
    thresholds = np.full(len(CATEGORIES), THRESHOLD, dtype=np.float32)
    for column, category in enumerate(CATEGORIES):
        negatives = probabilities[[category not in entry["expect"] for entry in validation], column]
        if not len(negatives):
            continue
        for threshold in THRESHOLD_GRID:
            if float(np.mean(negatives >= threshold)) <= VALIDATION_FALSE_POSITIVES:
                thresholds[column] = threshold
                break
        else:
            thresholds[column] = THRESHOLD_GRID[-1]
    return thresholds


def train(entries: list[dict]) -> _Model:
    """Choose each category's threshold on a validation split, then fit on all of `entries`."""
    training, validation = validation_split(entries)
    thresholds = calibrated_thresholds(_fit(training, np.full(len(CATEGORIES), THRESHOLD, dtype=np.float32)), validation)
    return _fit(entries, thresholds)


_lock = threading.Lock()
_model: _Model | None = None


def _cache_path(corpus_bytes: bytes) -> Path:
    from importlib.metadata import version

    settings = f"|{version('scikit-learn')}|{_MODEL_VERSION}|{','.join(CATEGORIES)}"
    key = hashlib.sha256(corpus_bytes + settings.encode()).hexdigest()[:16]
    root = os.environ.get("ARREARS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "arrears"
    )
    return Path(root) / f"lint-meaning-{key}.pickle"


def model() -> _Model:
    """The classifier, trained from the shipped corpus on first use and cached on disk."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            corpus_bytes = CORPUS.read_bytes() + GENERATED_CORPUS.read_bytes()
            path = _cache_path(corpus_bytes)
            loaded = None
            if path.exists():
                try:
                    with path.open("rb") as handle:
                        loaded = pickle.load(handle)  # written by this module, named by the corpus's hash
                except Exception:  # a damaged cache is rebuilt, never trusted
                    loaded = None
            if loaded is None:
                loaded = train(load_corpus())
                _write_cache(path, loaded)
            _model = loaded
    return _model


def _write_cache(path: Path, fitted: _Model) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump(fitted, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:  # a read-only home only costs retraining in the next process
        pass


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of `text`'s sentences (。！？!?；; and a full stop before a space end one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"[。！？!?；;\n]+|\.(?=\s|$)", text):
        end = match.end()
        if text[start:end].strip():
            spans.append(_trimmed(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_scores(text: str, *, threshold: float | None = None) -> list[SentenceScore]:
    """Each sentence of `text` with the categories whose probability reaches `threshold` (by
    default each category's calibrated threshold)."""
    return score_many([text], threshold=threshold)[0]


def score_many(texts: list[str], *, threshold: float | None = None) -> list[list[SentenceScore]]:
    """`sentence_scores` for many texts at once (one matrix product for all their sentences)."""
    spans = [sentences(text) for text in texts]
    flat = [text[start:end] for text, text_spans in zip(texts, spans) for start, end in text_spans]
    if not flat:
        return [[] for _ in texts]
    fitted = model()
    probabilities = fitted.probabilities(flat)
    cut = fitted.thresholds if threshold is None else np.full(len(CATEGORIES), threshold, dtype=np.float32)
    result: list[list[SentenceScore]] = []
    row = 0
    for text, text_spans in zip(texts, spans):
        scored = []
        for start, end in text_spans:
            found = {
                CATEGORIES[column]: float(probabilities[row, column])
                for column in np.flatnonzero(probabilities[row] >= cut)
            } if _long_enough(text[start:end]) else {}
            scored.append(SentenceScore(start, end, text[start:end], found))
            row += 1
        result.append(scored)
    return result
