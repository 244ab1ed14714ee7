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
)
"""The categories the classifier learns. Disclosure to a third party, a misstated amount and the
required disclosures depend on who reads the message and what is true, so rules decide them;
overshadowing of dispute rights turns on a few words around "dispute" that character n-grams
do not tell apart from a lawful statement of those rights, so a rule decides it too."""

THRESHOLD = 0.6
"""A sentence carries a category when its probability reaches this."""

_MODEL_VERSION = "2"
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
                 intercepts: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.weights = weights  # (features, categories)
        self.intercepts = intercepts

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
        return 1.0 / (1.0 + np.exp(-logits))


N_GRAM = 4
_SPACES = re.compile(r"\s\s+")


def load_corpus(path: Path = CORPUS) -> list[dict]:
    import yaml

    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def train(entries: list[dict]) -> _Model:
    """Fit the vectoriser and one balanced logistic regression per category on `entries`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [entry["text"] for entry in entries]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, N_GRAM), sublinear_tf=True, lowercase=True, min_df=2,
                                 dtype=np.float32)
    features = vectorizer.fit_transform(texts)
    weights = np.zeros((features.shape[1], len(CATEGORIES)), dtype=np.float32)
    intercepts = np.zeros(len(CATEGORIES), dtype=np.float32)
    for column, category in enumerate(CATEGORIES):
        labels = np.array([category in entry["expect"] for entry in entries])
        if not labels.any():
            intercepts[column] = -20.0
            continue
        model = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000)
        model.fit(features, labels)
        weights[:, column] = model.coef_[0]
        intercepts[column] = model.intercept_[0]
    vocabulary = {ngram: int(index) for ngram, index in vectorizer.vocabulary_.items()}
    return _Model(vocabulary, vectorizer.idf_.astype(np.float32), weights, intercepts)


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
            corpus_bytes = CORPUS.read_bytes()
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


def sentence_scores(text: str, *, threshold: float = THRESHOLD) -> list[SentenceScore]:
    """Each sentence of `text` with the categories whose probability reaches `threshold`."""
    return score_many([text], threshold=threshold)[0]


def score_many(texts: list[str], *, threshold: float = THRESHOLD) -> list[list[SentenceScore]]:
    """`sentence_scores` for many texts at once (one matrix product for all their sentences)."""
    spans = [sentences(text) for text in texts]
    flat = [text[start:end] for text, text_spans in zip(texts, spans) for start, end in text_spans]
    if not flat:
        return [[] for _ in texts]
    probabilities = model().probabilities(flat)
    result: list[list[SentenceScore]] = []
    row = 0
    for text, text_spans in zip(texts, spans):
        scored = []
        for start, end in text_spans:
            found = {
                CATEGORIES[column]: float(probabilities[row, column])
                for column in np.flatnonzero(probabilities[row] >= threshold)
            } if _long_enough(text[start:end]) else {}
            scored.append(SentenceScore(start, end, text[start:end], found))
            row += 1
        result.append(scored)
    return result
