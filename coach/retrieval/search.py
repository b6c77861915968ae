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
# A follow-up on a topic the guides answered ("and what should I keep for myself?") says little on its own; it is
# refused only when even the topic's words find nothing near it.
FOLLOW_UP_SIMILARITY = 0.2
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

    # Each retriever's candidates before fusion: with 30, a section at BM25's rank 2 fell out of the fused top ten
    # when dense search ranked it 31st (measured: must-have facts in the model's context 0.943 at 30, 0.958 at 40
    # and at 50; labelled recall@5 0.944 at each).
    candidates: int = 40
    rrf_k: int = 10
    dense_weight: float = 1.0
    keyword_weight: float = 0.5
    # Per level of the person's (their level and target) that a section is about. Levels a question merely names
    # are no guide: "how do I review a junior's code?" is not about Junior (measured: boosting them, or lowering
    # sections about other levels, cost labelled recall@5 0.944 -> 0.911-0.933).
    level_boost: float = 0.15
    # A section about a level that is neither the person's nor one the question names ("Staff to Principal" for a
    # Senior asking how long Staff takes) ranks lower, once the person's levels are known.
    level_penalty: float = 0.3
    sentence_weight: float = 0.9  # a sentence is short, so its cosine runs higher than a whole section's


class HybridRetriever:
    def __init__(
        self,
        index: KnowledgeIndex,
        mode: Mode = "hybrid",
        config: RetrievalConfig | None = None,
        expand: Callable[[str], str] | None = None,
        levels_named: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.index = index
        self.mode = mode
        self.config = config or RetrievalConfig()
        self.expand = expand
        self.levels_named = levels_named

    def retrieve(self, query: str, k: int = 5, levels: Iterable[str] = ()) -> list[Retrieved]:
        """The k best chunks for the query; a section about the person's `levels` (by its headings: "Staff" is not
        "Senior Staff") ranks higher, the more of them the higher."""
        query = " ".join(query.split())
        if not query:
            return []
        config = self.config
        # Expansion adds the ladder's words for the levels and informal words mentioned ('L6' -> Staff, 'yoe' ->
        # years of experience). A keyword match needs them. The embedding mostly understands 'L6' or 'EM' and ranks
        # a little worse with the extra words (labelled recall@5 0.944 -> 0.933), but when it finds nothing close
        # ("typical yoe to hit L6": 0.23), the expanded question is what it can match (0.47).
        expanded = self.expand(query) if self.expand is not None else query
        dense = self.index.dense_search(query, config.candidates, config.sentence_weight) if self.mode != "bm25" else []
        if dense and expanded != query and dense[0][1] < MIN_SIMILARITY:
            dense = self.index.dense_search(expanded, config.candidates, config.sentence_weight)
        keyword = self.index.bm25_search(expanded, config.candidates) if self.mode != "dense" else []
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

        person = {level for level in levels if level}
        wanted = person | set(self.levels_named(query)) if self.levels_named is not None else person
        for section, chunk in chunks.items():
            about = set(chunk.section_levels)
            fused[section] *= 1 + config.level_boost * len(person & about)
            if person and about - wanted:
                fused[section] *= 1 - config.level_penalty

        best = sorted(fused, key=lambda section: fused[section], reverse=True)[:k]
        return [Retrieved(chunks[s], fused[s], similarity.get(s), keyword_score.get(s)) for s in best]


def fuse(lists: Sequence[Sequence[Retrieved]], k: int = 5, rrf_k: int = 10) -> list[Retrieved]:
    """Several result lists as one, by reciprocal rank (each section once, keeping its best similarity), so that a
    section near the top of any list stays near the top."""
    scores: dict[tuple[str, str], float] = {}
    found: dict[tuple[str, str], Retrieved] = {}
    for ranked in lists:
        for rank, item in enumerate(ranked):
            key = (item.chunk.path, item.chunk.section)
            scores[key] = scores.get(key, 0.0) + 1 / (rrf_k + rank + 1)
            earlier = found.get(key)
            if earlier is None or (item.similarity or 0.0) > (earlier.similarity or 0.0):
                found[key] = item
    best = sorted(scores, key=lambda key: scores[key], reverse=True)[:k]
    return [Retrieved(found[key].chunk, scores[key], found[key].similarity, found[key].keyword_score) for key in best]


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


def is_supported(retrieved: Sequence[Retrieved], floor: float = MIN_SIMILARITY) -> bool:
    """Whether the corpus has anything on the question: a close enough dense match."""
    if not retrieved:
        return False
    best = max((item.similarity or 0.0) for item in retrieved)
    return best >= floor


def within_budget(retrieved: Sequence[Retrieved], chars: int, least: int = 5) -> list[Retrieved]:
    """The best results whose texts fit in `chars` characters together (never fewer than `least`)."""
    kept: list[Retrieved] = []
    used = 0
    for item in retrieved:
        used += len(item.chunk.text)
        if used > chars and len(kept) >= least:
            break
        kept.append(item)
    return kept


def relevant(retrieved: Sequence[Retrieved], limit: int = 4, cutoff: float = RELATIVE_CUTOFF) -> list[Retrieved]:
    """The best results, without those scoring below `cutoff` of the best one."""
    if not retrieved:
        return []
    top = retrieved[0].score
    return [item for item in retrieved if item.score >= top * cutoff][:limit]
