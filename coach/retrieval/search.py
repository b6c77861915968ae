"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank, with a boost for the user's levels.

A dense match is a section's own vector or, a little discounted, one of its sentences: a question often names one
point of a long section, which the section's average meaning blurs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from coach.knowledge.corpus import Chunk
from coach.records import Source
from coach.retrieval.index import KnowledgeIndex

SNIPPET_CHARS = 1500  # a whole chunk: the snippet is also what a configured model reads
# Below this the best dense match is off-topic: measured with sentence vectors, 20 out-of-scope questions reach
# 0.27 at most, and all 192 labelled and held-out questions at least 0.34.
MIN_SIMILARITY = 0.32
RELATIVE_CUTOFF = 0.75  # sections scoring below this share of the best one are not used
Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Retrieved:
    chunk: Chunk
    score: float  # fused score; comparable only within one result list
    similarity: float | None  # the dense match's similarity (section or weighted sentence), when dense search found it
    keyword_score: float | None  # BM25 score, when BM25 found it


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion parameters; defaults chosen by `coach eval` on the labelled questions (see README)."""

    candidates: int = 30
    rrf_k: int = 10
    dense_weight: float = 1.0
    keyword_weight: float = 0.5
    level_boost: float = 0.15
    sentence_weight: float = 0.9  # a sentence is short, so its cosine runs higher than a whole section's


class HybridRetriever:
    def __init__(
        self,
        index: KnowledgeIndex,
        mode: Mode = "hybrid",
        config: RetrievalConfig | None = None,
        expand: Callable[[str], str] | None = None,
    ) -> None:
        self.index = index
        self.mode = mode
        self.config = config or RetrievalConfig()
        self.expand = expand

    def retrieve(self, query: str, k: int = 5, levels: Iterable[str] = ()) -> list[Retrieved]:
        """The k best chunks for the query; chunks written for one of `levels` rank a little higher."""
        query = " ".join(query.split())
        if not query:
            return []
        config = self.config
        dense = self.index.dense_search(query, config.candidates, config.sentence_weight) if self.mode != "bm25" else []
        # Expansion adds the ladder's words for the levels mentioned: a keyword match needs them, while the
        # embedding already understands 'L6' or 'EM' and is only blurred by extra words.
        keyword_query = self.expand(query) if self.expand is not None else query
        keyword = self.index.bm25_search(keyword_query, config.candidates) if self.mode != "dense" else []
        # A long section is split into several chunks; each section counts once, at its best chunk.
        dense, keyword = _best_per_section(dense)[: config.candidates], _best_per_section(keyword)

        def key(chunk: Chunk) -> tuple[str, str]:
            return chunk.path, chunk.section

        similarity = {key(chunk): score for chunk, score in dense}
        keyword_score = {key(chunk): score for chunk, score in keyword}
        chunks: dict[tuple[str, str], Chunk] = {}
        for chunk, _ in [*dense, *keyword]:
            chunks.setdefault(key(chunk), chunk)
        fused = dict.fromkeys(chunks, 0.0)
        for weight, ranked in ((config.dense_weight, dense), (config.keyword_weight, keyword)):
            for rank, (chunk, _) in enumerate(ranked):
                fused[key(chunk)] += weight / (config.rrf_k + rank + 1)

        wanted = {level.lower() for level in levels if level}
        if wanted and config.level_boost:
            for section, chunk in chunks.items():
                if wanted & {level.lower() for level in chunk.levels}:
                    fused[section] *= 1 + config.level_boost

        best = sorted(fused, key=lambda section: fused[section], reverse=True)[:k]
        return [Retrieved(chunks[s], fused[s], similarity.get(s), keyword_score.get(s)) for s in best]


def _best_per_section(ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for chunk, score in ranked:
        key = (chunk.path, chunk.section)
        if key not in seen:
            seen.add(key)
            kept.append((chunk, score))
    return kept


def to_source(item: Retrieved) -> Source:
    text = item.chunk.text
    snippet = text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    chunk = item.chunk
    return Source(
        path=chunk.path, title=chunk.title, section=chunk.section, snippet=snippet, score=round(item.score, 6)
    )


def is_supported(retrieved: Sequence[Retrieved]) -> bool:
    """Whether the corpus has anything on the question: a close enough dense match, or keyword and dense agree."""
    if not retrieved:
        return False
    best = max((item.similarity or 0.0) for item in retrieved)
    return best >= MIN_SIMILARITY


def relevant(retrieved: Sequence[Retrieved], limit: int = 4) -> list[Retrieved]:
    if not retrieved:
        return []
    top = retrieved[0].score
    return [item for item in retrieved if item.score >= top * RELATIVE_CUTOFF][:limit]
