"""Learned readers of messages: logistic regression over labelled examples kept as data, trained by scikit-learn once
(at `coach index` or on first start) and applied with numpy, so reading a message never imports scikit-learn (0.65 s of
a cold start). The intents, the speaker's focus and the role of each level a message names are read this way."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal, NamedTuple

from langchain_core.embeddings import Embeddings

Analyzer = Literal["chars", "words"]
CHAR_NGRAMS = (2, 5)


class Trained(NamedTuple):
    """A fitted classifier as plain arrays."""

    vocabulary: dict[str, int]  # feature (character n-gram or word) -> column
    idf: Any  # numpy array, one weight per feature
    embedding_weights: Any  # (labels, embedding size), or None without embeddings
    feature_weights: Any  # (labels, features)
    intercept: Any  # (labels,)
    labels: tuple[str, ...]


def char_ngrams(text: str, low: int = CHAR_NGRAMS[0], high: int = CHAR_NGRAMS[1]) -> list[str]:
    """scikit-learn's 'char_wb' analyzer: lower-cased character n-grams inside words, each word padded with spaces
    (the parity test holds it to TfidfVectorizer's own output)."""
    grams = []
    for word in text.lower().split():
        padded = f" {word} "
        for size in range(low, high + 1):
            offset = 0
            grams.append(padded[:size])
            while offset + size < len(padded):
                offset += 1
                grams.append(padded[offset : offset + size])
            if offset == 0:  # a short word counts once
                break
    return grams


def words(text: str) -> list[str]:
    """The 'words' analyzer: features already written as space-separated tokens."""
    return text.split()


class TextClassifier:
    """Logistic regression over [sentence embedding (optional), TF-IDF of character n-grams or of words].

    Training embeds every example, so the fitted weights are kept in `cache_dir`, keyed by the examples, the model,
    the settings and scikit-learn's version; a warm start loads them in milliseconds."""

    def __init__(
        self,
        name: str,
        examples: Mapping[str, Sequence[str]] | Callable[[], Mapping[str, Sequence[str]]],
        embeddings: Embeddings | None,
        cache_dir: Path | None = None,
        analyzer: Analyzer = "chars",
        regularisation: float = 8.0,
        source: str | None = None,
    ) -> None:
        """`examples` may be a function that makes them, with `source` the data they are made from: the cache is
        then keyed by the source, and the examples are made only when the model must be fitted."""
        self.name = name
        self._examples = examples
        self._source = source
        self.embeddings = embeddings
        self.analyzer = analyzer
        self.regularisation = regularisation
        self.trained = self._load_or_fit(cache_dir)

    def _features(self, text: str) -> list[str]:
        return char_ngrams(text) if self.analyzer == "chars" else words(text)

    @property
    def examples(self) -> Mapping[str, Sequence[str]]:
        if callable(self._examples):
            self._examples = self._examples()
        return self._examples

    def _key(self) -> str:
        if self._source is not None:
            digest = hashlib.sha256(self._source.encode())
        else:
            digest = hashlib.sha256(repr(sorted((k, tuple(v)) for k, v in self.examples.items())).encode())
        model = type(self.embeddings).__name__ if self.embeddings is not None else "none"
        digest.update(f"{model}{version('scikit-learn')}{self.regularisation}{self.analyzer}{CHAR_NGRAMS}".encode())
        return digest.hexdigest()[:16]

    def _load_or_fit(self, cache_dir: Path | None) -> Trained:
        cached = cache_dir / f"{self.name}-{self._key()}.pickle" if cache_dir is not None else None
        if cached is not None and cached.is_file():
            try:
                with open(cached, "rb") as handle:  # our own cache file, written below
                    return Trained(*pickle.load(handle))
            except Exception:  # a damaged cache is only a cache: fit again
                pass
        trained = self.fit([text for texts in self.examples.values() for text in texts],
                           [label for label, texts in self.examples.items() for _ in texts])  # fmt: skip
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.partial")
            with open(partial, "wb") as handle:
                pickle.dump(tuple(trained), handle)
            partial.replace(cached)
            for stale in cached.parent.glob(f"{self.name}-*.pickle"):  # fitted from data or code since changed
                if stale != cached:
                    stale.unlink(missing_ok=True)
        return trained

    def fit_sklearn(self, texts: Sequence[str], labels: Sequence[str]) -> tuple[Any, Any]:
        """The fitted TfidfVectorizer and LogisticRegression (features: embedding, then n-grams or words)."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if self.analyzer == "chars":
            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)
        else:
            vectorizer = TfidfVectorizer(analyzer=words, sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
        if self.embeddings is not None:
            matrix = hstack([csr_matrix(self.embeddings.embed_documents(list(texts))), matrix]).tocsr()
        model = LogisticRegression(C=self.regularisation, max_iter=5000)
        return vectorizer, model.fit(matrix, list(labels))

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Trained:
        """Train with scikit-learn; keep only the arrays that applying the model needs."""
        import numpy as np

        vectorizer, model = self.fit_sklearn(texts, labels)
        coef, intercept = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # two labels: one row scores the second; a zero row for the first gives the same softmax
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
        size = coef.shape[1] - len(vectorizer.vocabulary_)
        return Trained(
            vocabulary={str(feature): int(column) for feature, column in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_,
            embedding_weights=coef[:, :size] if size else None,
            feature_weights=coef[:, size:],
            intercept=intercept,
            labels=tuple(str(label) for label in model.classes_),
        )

    def sparse_features(self, text: str) -> tuple[list[int], Any]:
        """The text's TF-IDF row as (columns, values): sublinear counts times idf, L2-normalised."""
        import numpy as np

        counts = Counter(feature for feature in self._features(text) if feature in self.trained.vocabulary)
        columns = [self.trained.vocabulary[feature] for feature in counts]
        values = (1 + np.log(np.array(list(counts.values()), dtype=float))) * self.trained.idf[columns]
        norm = float(np.linalg.norm(values))
        return columns, values / norm if norm else values

    def probabilities(self, text: str) -> dict[str, float]:
        import numpy as np

        trained = self.trained
        columns, values = self.sparse_features(text)
        scores = trained.intercept.copy()
        if trained.embedding_weights is not None and self.embeddings is not None:
            scores = scores + trained.embedding_weights @ np.array(self.embeddings.embed_query(text))
        if columns:
            scores = scores + trained.feature_weights[:, columns] @ values
        exp = np.exp(scores - scores.max())
        return {label: float(p) for label, p in zip(trained.labels, exp / exp.sum(), strict=True)}
