"""What a chat message is, by meaning: a classifier trained on labelled messages (`knowledge/intents.yaml`), over the
embedding model's vectors and character n-grams (which carry typos, slang and company codes). The one rule is of
form: a pasted list of things done is a paste."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

from langchain_core.embeddings import Embeddings

from coach.knowledge.data import read_data
from coach.text import list_item, sentences
from coach.understanding.profile import QUESTION_WORD

Label = Literal["question", "compare", "plan", "brag", "profile", "followup", "brag_followup", "other"]
LABELS: tuple[Label, ...] = ("question", "compare", "plan", "brag", "profile", "followup", "brag_followup", "other")
# Embeddings with char 2-5-grams and C = 8: the held-out set was used to pick among 12 settings (embeddings alone
# 0.93, kNN 0.82, with word n-grams 0.95, with char n-grams 0.96 on 497 examples), so its figure is not fully blind.
REGULARISATION = 8.0
NGRAMS = (2, 5)


def asks(text: str) -> bool:
    """Whether a message asks something: a question mark, or a clause that opens with a question word."""
    return any(
        sentence.endswith("?") or QUESTION_WORD.match(part.strip().lower())
        for sentence in sentences(text)
        for part in re.split(r"[,;]|\s[-–—]\s", sentence)
    )


def strip_instruction(text: str) -> str:
    """The pasted accomplishments without a line that only introduces them ("turn these into bullets:")."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and (
        lines[0].rstrip().endswith(":") or (not list_item(lines[0]) and all(list_item(line) for line in lines[1:]))
    ):
        return "\n".join(lines[1:])
    head, colon, tail = text.partition(":")
    if colon and tail.strip() and len(head.split()) <= 8 and "\n" not in head:
        return tail.strip()
    return text.strip()


def is_pasted_list(text: str) -> bool:
    """Two or more list items, not all of them questions: accomplishments pasted as a list."""
    items = [item for line in text.splitlines() if (item := list_item(line))]
    return len(items) >= 2 and not all(item.rstrip().endswith("?") for item in items)


class TrainedIntents(NamedTuple):
    """A fitted classifier as plain arrays: scikit-learn trains it, numpy applies it, so answering a message never
    imports scikit-learn (0.65 s of a cold start)."""

    vocabulary: dict[str, int]  # character n-gram -> column
    idf: Any  # numpy array, one weight per n-gram
    embedding_weights: Any  # (labels, embedding size)
    ngram_weights: Any  # (labels, n-grams)
    intercept: Any  # (labels,)
    labels: tuple[str, ...]


def char_ngrams(text: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> list[str]:
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


class IntentClassifier:
    """Logistic regression over [sentence embedding, TF-IDF of character n-grams] of each labelled message.

    Training embeds every example (a few seconds), so the fitted weights are kept in `cache_dir`, keyed by the
    examples, the model and scikit-learn's version; a warm start loads them in milliseconds."""

    def __init__(
        self,
        embeddings: Embeddings,
        examples: Mapping[str, Sequence[str]] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.examples = examples if examples is not None else read_data("intents.yaml")["intents"]
        unknown = set(self.examples) - set(LABELS)
        if unknown:
            raise ValueError(f"intents.yaml: unknown intents {', '.join(sorted(unknown))}")
        self.trained = self._load_or_fit(cache_dir)

    def _key(self) -> str:
        digest = hashlib.sha256(repr(sorted((k, tuple(v)) for k, v in self.examples.items())).encode())
        digest.update(f"{type(self.embeddings).__name__}{version('scikit-learn')}{REGULARISATION}{NGRAMS}".encode())
        return digest.hexdigest()[:16]

    def _load_or_fit(self, cache_dir: Path | None) -> TrainedIntents:
        cached = cache_dir / f"intents-{self._key()}.pickle" if cache_dir is not None else None
        if cached is not None and cached.is_file():
            try:
                with open(cached, "rb") as handle:  # our own cache file, written below
                    return TrainedIntents(*pickle.load(handle))
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
        return trained

    def fit_sklearn(self, texts: Sequence[str], labels: Sequence[str], c: float = REGULARISATION) -> tuple[Any, Any]:
        """The fitted TfidfVectorizer and LogisticRegression (features: embedding, then n-grams)."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True).fit(texts)
        dense = csr_matrix(self.embeddings.embed_documents(list(texts)))
        model = LogisticRegression(C=c, max_iter=5000)
        return vectorizer, model.fit(hstack([dense, vectorizer.transform(texts)]).tocsr(), list(labels))

    def fit(self, texts: Sequence[str], labels: Sequence[str], c: float = REGULARISATION) -> TrainedIntents:
        """Train with scikit-learn; keep only the arrays that applying the model needs."""
        vectorizer, model = self.fit_sklearn(texts, labels, c)
        size = model.coef_.shape[1] - len(vectorizer.vocabulary_)
        return TrainedIntents(
            vocabulary={str(gram): int(column) for gram, column in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_,
            embedding_weights=model.coef_[:, :size],
            ngram_weights=model.coef_[:, size:],
            intercept=model.intercept_,
            labels=tuple(str(label) for label in model.classes_),
        )

    def ngram_features(self, text: str) -> tuple[list[int], Any]:
        """The message's TF-IDF row as (columns, values): sublinear counts times idf, L2-normalised."""
        import numpy as np

        counts = Counter(gram for gram in char_ngrams(text) if gram in self.trained.vocabulary)
        columns = [self.trained.vocabulary[gram] for gram in counts]
        values = (1 + np.log(np.array(list(counts.values()), dtype=float))) * self.trained.idf[columns]
        norm = float(np.linalg.norm(values))
        return columns, values / norm if norm else values

    def probabilities(self, text: str) -> dict[Label, float]:
        import numpy as np

        trained = self.trained
        columns, values = self.ngram_features(text)
        embedded = np.array(self.embeddings.embed_query(text))
        scores = trained.embedding_weights @ embedded + trained.intercept
        if columns:
            scores = scores + trained.ngram_weights[:, columns] @ values
        exp = np.exp(scores - scores.max())
        return {cast(Label, label): float(p) for label, p in zip(trained.labels, exp / exp.sum(), strict=True)}

    def classify(self, text: str, context: Mapping[Label, float] | None = None) -> Label:
        """The message's intent; a pasted list of things done is always a paste. `context` weighs labels by what
        the conversation makes likely (a follow-up needs something to follow)."""
        if is_pasted_list(text):
            return "brag"
        scores = self.probabilities(text)
        for label, weight in (context or {}).items():
            scores[label] = scores.get(label, 0.0) * weight
        return max(scores, key=lambda label: scores[label])
